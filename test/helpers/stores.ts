// Test stores for every dialect: SQLite always, PostgreSQL when DEPUTY_TEST_DATABASE_URL is set; each open() is fresh and isolated.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore, type Store, type StoreConfig } from '../../src/store/index.ts';
import { sqliteFileName } from '../../src/store/dialects/sqlite.ts';

export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** Pass to `describe(name, { skip }, …)`: a reason when this dialect is unavailable, else false. */
  skip: string | false;
  /** A new, empty, migrated store; its close() also deletes the temp directory / drops the schema. */
  open(): Promise<Store>;
  /** The openStore() config of the database behind `store`, without cleanup (e.g. for another process). */
  configOf(store: Store): StoreConfig;
  /**
   * Another Store on the same database as `store` (a second node, or a restart); close it before
   * `store`. On SQLite do not run transactions on both at once: better-sqlite3 waits for the file
   * lock synchronously, so two stores in one process stall each other (use a child process).
   */
  openSibling(store: Store): Promise<Store>;
  /** Runs SQL on the database behind `store` over a separate connection, bypassing the Store (e.g. to tamper). */
  rawQuery(store: Store, statement: string): Promise<Record<string, unknown>[]>;
}

const postgresUrl = process.env.DEPUTY_TEST_DATABASE_URL;

/** The database behind each store a target opened. */
const configs = new WeakMap<Store, StoreConfig>();

function configOf(store: Store): StoreConfig {
  const config = configs.get(store);
  if (config === undefined) throw new Error('This store was not opened by a test target.');
  return config;
}

async function openSibling(store: Store): Promise<Store> {
  const config = configOf(store);
  const sibling = await openStore(config);
  configs.set(sibling, config);
  return sibling;
}

/** Makes close() also run `cleanup` (after the store has closed, even if closing failed). */
function cleanUpOnClose(store: Store, cleanup: () => Promise<void>): Store {
  const closeStore = store.close.bind(store);
  store.close = async () => {
    try {
      await closeStore();
    } finally {
      await cleanup();
    }
  };
  return store;
}

const sqliteTarget: StoreTarget = {
  name: 'sqlite',
  skip: false,
  async open() {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-'));
    const removeDir = () => rm(dir, { recursive: true, force: true });
    const config: StoreConfig = { kind: 'sqlite', dir };
    const store = await openStore(config).catch(async (error: unknown) => {
      await removeDir();
      throw error;
    });
    configs.set(store, config);
    return cleanUpOnClose(store, removeDir);
  },
  configOf,
  openSibling,
  async rawQuery(store, statement) {
    const config = configOf(store);
    if (config.kind !== 'sqlite') throw new Error('Not a SQLite store.');
    const database = new BetterSqlite3(path.join(config.dir, sqliteFileName));
    try {
      const prepared = database.prepare(statement);
      if (prepared.reader) return prepared.all() as Record<string, unknown>[];
      prepared.run();
      return [];
    } finally {
      database.close();
    }
  },
};

const postgresTarget: StoreTarget = {
  name: 'postgres',
  skip: postgresUrl ? false : 'DEPUTY_TEST_DATABASE_URL not set',
  async open() {
    const config: StoreConfig = {
      kind: 'postgres',
      url: requirePostgresUrl(),
      schema: `deputy_test_${randomBytes(6).toString('hex')}`,
    };
    const store = await openStore({ ...config, dropSchemaOnClose: true });
    configs.set(store, config);
    return store;
  },
  configOf,
  openSibling,
  async rawQuery(store, statement) {
    const config = configOf(store);
    if (config.kind !== 'postgres') throw new Error('Not a PostgreSQL store.');
    const client = new pg.Client({
      connectionString: config.url,
      ...(config.schema === undefined ? {} : { options: `-c search_path=${config.schema}` }),
    });
    await client.connect();
    try {
      return (await client.query(statement)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  },
};

function requirePostgresUrl(): string {
  if (!postgresUrl) throw new Error('DEPUTY_TEST_DATABASE_URL not set');
  return postgresUrl;
}

/** Every dialect the conformance suite (and service tests) should run against. */
export function storeTargets(): StoreTarget[] {
  return [sqliteTarget, postgresTarget];
}
