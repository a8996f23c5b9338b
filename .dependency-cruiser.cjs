// Layering rules from docs/architecture.md: imports point one way,
// cli → server → protocols, shell → cmdlets → services → store, core.
const layer = (name) => `^src/${name}/`;
const forbid = (from, to, why) => ({
  name: `no-${from}-to-${to.join('-')}`,
  comment: why,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: `^src/(${to.join('|')})/` },
});

module.exports = {
  forbidden: [
    forbid('core', ['store', 'services', 'cmdlets', 'protocols', 'shell', 'server', 'cli'], 'core is pure: it imports only core'),
    forbid('store', ['services', 'cmdlets', 'protocols', 'shell', 'server', 'cli'], 'store sits below services'),
    forbid('services', ['cmdlets', 'protocols', 'shell', 'server', 'cli'], 'services sit below cmdlets and edges'),
    forbid('cmdlets', ['protocols', 'shell', 'server', 'cli'], 'cmdlets sit below the edges'),
    forbid('protocols', ['server', 'cli'], 'protocol adapters do not know the composition root'),
    forbid('shell', ['protocols', 'server', 'cli'], 'the shell language sits beside the protocols, below server'),
    forbid('server', ['cli'], 'server does not depend on the CLI'),
    {
      name: 'only-server-picks-dialect',
      comment: 'only server/ chooses the storage dialect',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(server|store)/' },
      to: { path: '^src/store/dialects/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
