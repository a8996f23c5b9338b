// SQLite dialect: opens <dir>/deputy.db through better-sqlite3 with WAL and foreign keys, migrates it, returns a Store.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type { Store } from '../store.ts';
import type { Database } from '../schema.ts';
import { KyselyStore, type DialectBinding } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { sqliteDirectReads } from './sqlite-reads.ts';

export const sqliteFileName = 'deputy.db';

const sqliteBinding: DialectBinding = {
  dialect: 'sqlite',
  async beginExclusive(conn) {
    // IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so another process on
    // the same file can never make a read-then-write transaction fail with SQLITE_BUSY halfway.
    await sql`begin immediate`.execute(conn);
  },
};

/** How much of the database file reads may go through a memory map (address space, not memory). */
const mmapSizeBytes = 256 * 1024 * 1024;

/** Prepared statements kept per connection; beyond this the least recently used is dropped. */
const statementCacheSize = 500;

/**
 * Kysely prepares every query afresh, and preparing costs more than running for most of the
 * store's statements (a 45-column item upsert parses and plans for tens of microseconds); reusing
 * statements by SQL text keeps hot paths (putItem, getItems, counters) cheap. A statement still
 * being iterated (busy) is never handed out twice.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(text) {
      const cached = statements.get(text);
      if (cached !== undefined && !cached.busy) {
        // Map order is insertion order: re-inserting marks it most recently used.
        statements.delete(text);
        statements.set(text, cached);
        return cached;
      }
      const statement = database.prepare(text);
      statements.set(text, statement);
      if (statements.size > statementCacheSize) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

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
    // Item queries use LIKE for case-sensitive containment (case-insensitive ones compare lower-cased
    // columns), and PostgreSQL's LIKE is always case-sensitive; SQLite's folds ASCII unless told not to.
    database.pragma('case_sensitive_like = ON');
    // Reads through a memory map instead of read() calls into SQLite's page cache: message bodies
    // span overflow pages, and GetItem of 100 messages reads a third faster this way. Writes still
    // go through the WAL; only the first mmapSizeBytes of the file are mapped.
    database.pragma(`mmap_size = ${mmapSizeBytes}`);
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  try {
    await migrateToLatest(db, 'sqlite');
    // Prepared after migrating: the statements need the tables.
    return new KyselyStore(db, { ...sqliteBinding, directReads: sqliteDirectReads(database) });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
