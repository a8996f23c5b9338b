// SQLite dialect: opens <dir>/deputy.db through better-sqlite3 with WAL and foreign keys, migrates it, returns a Store.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import type { Store } from '../store.ts';
import type { Database } from '../schema.ts';
import { KyselyStore, type DialectBinding } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';

export const sqliteFileName = 'deputy.db';

const sqliteBinding: DialectBinding = {
  dialect: 'sqlite',
  async beginExclusive(conn) {
    // IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so another process on
    // the same file can never make a read-then-write transaction fail with SQLITE_BUSY halfway.
    await sql`begin immediate`.execute(conn);
  },
};

/** Opens (creating if needed) the SQLite database in `dir` and brings its schema up to date. */
export async function openSqliteStore(dir: string): Promise<Store> {
  await mkdir(dir, { recursive: true });
  const database = new BetterSqlite3(path.join(dir, sqliteFileName));
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('foreign_keys = ON');
    database.pragma('busy_timeout = 5000');
    // NORMAL is durable across application crashes in WAL mode; only power loss can drop the last commits.
    database.pragma('synchronous = NORMAL');
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    await migrateToLatest(db, 'sqlite');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new KyselyStore(db, sqliteBinding);
}
