// Get-ManagementScope: lists scopes; -Orphan shows the unused ones, -Exclusive filters by kind.
import { objectNotFound } from '../../core/errors.ts';
import { wildcardMatcher } from '../../services/identity.ts';
import { assignmentsUsingScope } from '../../services/rbac.ts';
import { defineCmdlet } from '../define.ts';
import { scopeOutput } from '../output/rbac.ts';

export default defineCmdlet({
  name: 'Get-ManagementScope',
  synopsis: 'Shows management scopes.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'ManagementScopeIdParameter' },
    { name: 'Exclusive', type: 'Boolean' },
    { name: 'Orphan', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    const identity = p.string('Identity');
    const matches = identity ? wildcardMatcher(identity) : () => true;
    const exclusive = p.boolean('Exclusive');
    const scopes = [...op.model.scopes.values()]
      .filter((s) => matches(s.name) || s.guid === identity)
      .filter((s) => exclusive === undefined || s.exclusive === exclusive)
      .filter((s) => !p.switch('Orphan') || assignmentsUsingScope(op, s).length === 0)
      .sort((a, b) => a.name.localeCompare(b.name));
    if (identity && !identity.includes('*') && scopes.length === 0) throw objectNotFound(identity);
    return scopes.map((s) => scopeOutput(s, op.runtime.organization.defaultDomain));
  },
});
