// The store's public entry point: its types, and openStore() which picks a dialect from configuration.
import type { Store } from './store.ts';
import { openSqliteStore } from './dialects/sqlite.ts';
import { openPostgresStore } from './dialects/postgres.ts';

export type * from './store.ts';
export type * from './mailbox-store.ts';

export type StoreConfig =
  | { kind: 'sqlite'; dir: string }
  | { kind: 'postgres'; url: string; schema?: string; dropSchemaOnClose?: boolean };

/** Opens (and migrates) the configured database. */
export function openStore(config: StoreConfig): Promise<Store> {
  switch (config.kind) {
    case 'sqlite':
      return openSqliteStore(config.dir);
    case 'postgres':
      return openPostgresStore(config.url, { schema: config.schema, dropSchemaOnClose: config.dropSchemaOnClose });
  }
}
