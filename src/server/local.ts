// Local administration without a running server: `deputy init`, and `deputy exec|shell --data`
// acting as the built-in local administrator (audited as such).
import type { CommandHost } from '../cmdlets/host.ts';
import { CmdletHost } from '../cmdlets/runner.ts';
import { localAdministrator, openRuntime } from '../services/organization.ts';
import { bootstrap, type CreatedAccount } from './bootstrap.ts';
import { openConfiguredStore, type StorageConfig } from './config.ts';

export async function initialize(storage: StorageConfig, options: { domain?: string; demo: boolean; demoPassword?: string }): Promise<{ domain: string; created: CreatedAccount[] }> {
  const store = await openConfiguredStore(storage);
  try {
    const { runtime, created } = await bootstrap(store, options);
    return { domain: runtime.organization.defaultDomain, created };
  } finally {
    await store.close();
  }
}

export async function openLocalHost(storage: StorageConfig): Promise<{ host: CommandHost; close(): Promise<void> }> {
  const store = await openConfiguredStore(storage);
  try {
    const runtime = await openRuntime(store);
    const host = new CmdletHost(runtime, localAdministrator(runtime, 'Local'), (error) => process.stderr.write(`internal error: ${(error as Error).stack}\n`));
    return { host, close: () => store.close() };
  } catch (error) {
    await store.close();
    throw error;
  }
}
