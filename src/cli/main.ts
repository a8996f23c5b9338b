// The `deputy` command: init, start, exec, shell and import.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DeputyError, isDeputyError } from '../core/errors.ts';
import type { CommandHost } from '../cmdlets/host.ts';
import { RemoteCommandHost } from '../protocols/admin/client.ts';
import { ShellSession, renderError, renderOutput, startRepl } from '../shell/index.ts';
import { defaultDataDir, defaultHttp, openConfiguredStore, parseHttpAddress, storageConfig } from '../server/config.ts';
import { openLocalHost, initialize } from '../server/local.ts';
import { startServer } from '../server/server.ts';
import type { CreatedAccount } from '../server/bootstrap.ts';
import { localAdministrator, openRuntime } from '../services/organization.ts';
import { importMessages } from '../services/mail/import.ts';
import { openMessageSource } from '../services/mail/mbox.ts';
import { ProgressLine, formatSummary } from '../services/mail/progress.ts';

const usage = `Deputy: mail and calendar server with Exchange-style application impersonation.

Usage:
  deputy init  [--data DIR] [--domain D] [--demo] [--demo-password P]
  deputy start [--data DIR] [--http HOST:PORT] [--domain D] [--demo] [--demo-password P]
  deputy exec "<script>" | -f FILE.ps1   [--url URL --user UPN --password P | --data DIR]
  deputy shell                          [--url URL --user UPN --password P | --data DIR]
  deputy import --mailbox SMTP [--folder F] [--data DIR] FILE.mbox | DIR-OF-EML

Options:
  --data DIR        SQLite data directory (default ${defaultDataDir}); DEPUTY_DATABASE_URL=postgres://… selects PostgreSQL
  --http HOST:PORT  where to listen (default ${defaultHttp}; port 0 picks a free port)
  --domain D        the organization's domain on first start (default deputy.local, or contoso.com with --demo)
  --demo            on first start, create the contoso.com demo directory
  --demo-password P give every demo account this password instead of random ones
  --url URL         run cmdlets on a remote Deputy through its admin API (with --user and --password)
  -f FILE           run a script file
  --mailbox SMTP    import: the mailbox to import into
  --folder F        import: the folder, a distinguished name such as inbox or archive (default inbox)
`;

const options = {
  data: { type: 'string' },
  http: { type: 'string' },
  domain: { type: 'string' },
  demo: { type: 'boolean' },
  'demo-password': { type: 'string' },
  url: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  file: { type: 'string', short: 'f' },
  mailbox: { type: 'string' },
  folder: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const [command, ...rest] = parsed.positionals;
  const opts = parsed.values;
  if (opts.help || !command || command === 'help') {
    process.stdout.write(usage);
    return command || opts.help ? 0 : 2;
  }
  switch (command) {
    case 'init':
      return init(opts);
    case 'start':
      return start(opts);
    case 'exec':
      return exec(opts, rest);
    case 'shell':
      return shell(opts);
    case 'import':
      return importMail(opts, rest);
    default:
      process.stderr.write(`Unknown command '${command}'.\n\n${usage}`);
      return 2;
  }
}

function printAccounts(accounts: CreatedAccount[]): void {
  if (!accounts.length) return;
  process.stdout.write('Created accounts (passwords are shown only now):\n');
  const width = Math.max(...accounts.map((a) => a.login.length));
  for (const a of accounts) process.stdout.write(`  ${a.login.padEnd(width)}  ${a.password}  ${a.role}\n`);
}

function describeStorage(opts: Options): string {
  const storage = storageConfig(opts.data);
  return storage.kind === 'postgres' ? 'PostgreSQL (DEPUTY_DATABASE_URL)' : `SQLite in ${storage.dir}`;
}

async function init(opts: Options): Promise<number> {
  const result = await initialize(storageConfig(opts.data), { domain: opts.domain, demo: !!opts.demo, demoPassword: opts['demo-password'] });
  if (result.created.length === 0) {
    process.stdout.write(`Deputy is already initialized for ${result.domain} (${describeStorage(opts)}); nothing changed.\n`);
    return 0;
  }
  process.stdout.write(`Initialized organization ${result.domain} (${describeStorage(opts)}).\n`);
  printAccounts(result.created);
  return 0;
}

async function start(opts: Options): Promise<number> {
  const { host, port } = parseHttpAddress(opts.http ?? defaultHttp);
  const server = await startServer(
    { storage: storageConfig(opts.data), host, port, domain: opts.domain, demo: !!opts.demo, demoPassword: opts['demo-password'] },
    { logger: false },
  );
  process.stdout.write(`Deputy: organization ${server.runtime.organization.defaultDomain}, ${describeStorage(opts)}\n`);
  printAccounts(server.created);
  process.stdout.write(`Listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  process.stdout.write('Deputy stopped.\n');
  return 0;
}

async function hostFor(opts: Options): Promise<{ host: CommandHost; close(): Promise<void> }> {
  if (opts.url) {
    if (!opts.user || opts.password === undefined) throw new DeputyError('InvalidArgument', '--url needs --user and --password.');
    return { host: new RemoteCommandHost(opts.url, opts.user, opts.password), close: async () => {} };
  }
  return openLocalHost(storageConfig(opts.data));
}

async function exec(opts: Options, positionals: string[]): Promise<number> {
  if (opts.file && positionals.length) throw new DeputyError('InvalidArgument', 'Give either a script or -f FILE, not both.');
  const script = opts.file ? await readFile(opts.file, 'utf8') : positionals.join(' ');
  if (!script.trim()) throw new DeputyError('InvalidArgument', 'Nothing to run: give a script in quotes or -f FILE.');
  const { host, close } = await hostFor(opts);
  try {
    const result = await new ShellSession(host).run(script);
    const text = renderOutput(result.output);
    if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    for (const error of result.errors) process.stderr.write(`${renderError(error)}\n`);
    return result.errors.length ? 1 : 0;
  } finally {
    await close();
  }
}

async function shell(opts: Options): Promise<number> {
  const { host, close } = await hostFor(opts);
  try {
    await startRepl({ host, input: process.stdin, output: process.stdout, historyFile: path.join(os.homedir(), '.deputy_history') });
    return 0;
  } finally {
    await close();
  }
}

/** Imports an mbox file or a directory of .eml files as the local administrator; exits 1 when messages were skipped. */
async function importMail(opts: Options, positionals: string[]): Promise<number> {
  if (!opts.mailbox) throw new DeputyError('InvalidArgument', 'Give the mailbox to import into with --mailbox.');
  if (positionals.length !== 1) throw new DeputyError('InvalidArgument', 'Give one mbox file or one directory of .eml files to import.');
  const pathname = positionals[0];
  const source = await openMessageSource(pathname).catch((error: NodeJS.ErrnoException) => {
    throw new DeputyError('InvalidArgument', `Cannot read '${pathname}': ${error.code === 'ENOENT' ? 'no such file or directory' : error.message}.`);
  });
  const store = await openConfiguredStore(storageConfig(opts.data));
  try {
    const runtime = await openRuntime(store);
    const admin = localAdministrator(runtime);
    const progress = new ProgressLine(process.stderr);
    const total = await source.count();
    progress.update(0, total);
    const result = await importMessages(runtime, {
      mailbox: opts.mailbox,
      folder: opts.folder,
      source: source.messages,
      actor: { guid: admin.guid, name: admin.name },
      sourceName: path.basename(pathname),
      total,
      onProgress: (done, all) => progress.update(done, all),
    });
    progress.clear();
    process.stdout.write(`${formatSummary(result, progress.elapsedMs())}\n`);
    return result.failed.length ? 1 : 0;
  } finally {
    await store.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(isDeputyError(error) ? `deputy: ${error.message}\n` : `deputy: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
