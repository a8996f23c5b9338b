// A demo organization (contoso.com) on a fresh store, and running shell scripts as its users.
import type { Store } from '../../src/store/index.ts';
import type { Runtime } from '../../src/services/context.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { ShellSession, type ScriptResult } from '../../src/shell/index.ts';
import type { StoreTarget } from './stores.ts';

export const demoPassword = 'Passw0rd!demo';

export interface DemoOrganization {
  store: Store;
  runtime: Runtime;
  /** A CmdletHost acting as the given user (UPN or any identity). */
  hostFor(login: string): CmdletHost;
  /** Runs a script in the shell language as the given user. */
  run(login: string, script: string): Promise<ScriptResult>;
  /** Runs a script and fails the test if it reports any error. */
  runOk(login: string, script: string): Promise<unknown[]>;
  close(): Promise<void>;
}

export async function openDemo(target: StoreTarget): Promise<DemoOrganization> {
  const store = await target.open();
  const { runtime } = await bootstrap(store, { demo: true, demoPassword });
  const hostFor = (login: string) => {
    const user = runtime.state.model.lookup(login)[0];
    if (!user) throw new Error(`no such demo user ${login}`);
    return new CmdletHost(runtime, { guid: user.guid, name: user.userPrincipalName || user.name, protocol: 'Test', clientAddress: '127.0.0.1', requestId: null }, (e) => {
      throw e;
    });
  };
  const run = (login: string, script: string) => new ShellSession(hostFor(login)).run(script);
  return {
    store,
    runtime,
    hostFor,
    run,
    async runOk(login, script) {
      const result = await run(login, script);
      if (result.errors.length) throw new Error(`script failed: ${result.errors.map((e) => e.message).join('\n')}`);
      return result.output;
    },
    close: () => store.close(),
  };
}
