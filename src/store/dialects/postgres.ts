// PostgreSQL dialect: a pg Pool pinned to one schema, writers serialized across nodes by an advisory lock, migrated on open.
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { DeputyError } from '../../core/errors.ts';
import type { Store } from '../store.ts';
import type { Database } from '../schema.ts';
import { KyselyStore, type DialectBinding } from '../kysely-store.ts';
import { migrateToLatest } from '../migrations/index.ts';

export interface PostgresStoreOptions {
  /** Schema holding Deputy's tables; created if missing. Default: the connection's current schema. */
  schema?: string;
  /** Drop the schema (and everything in it) on close: for tests that use a throwaway schema. */
  dropSchemaOnClose?: boolean;
}

/** First key of the two-key advisory lock ("DPTY"); the second is the schema, so schemas do not contend. */
const writerLockNamespace = 0x44505459;

/** Schema names go into search_path and DDL unescaped-by-driver, so only plain identifiers are accepted. */
const plainIdentifier = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

const quoteIdentifier = (name: string): string => `"${name}"`;

/** BIGINT (versions, audit ids, counts) as numbers; they stay far below 2^53. */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new DeputyError('Internal', `Integer ${text} exceeds the safe range.`);
  return value;
}

function binding(schema: string, dropSchemaOnClose: boolean): DialectBinding {
  return {
    dialect: 'postgres',
    async beginExclusive(conn) {
      await sql`begin`.execute(conn);
      // Held until commit/rollback: change versions and the audit chain are assigned by one writer
      // at a time across all nodes, and read-modify-write inside a transaction cannot lose updates
      // (the same guarantee SQLite's BEGIN IMMEDIATE gives).
      await sql`select pg_advisory_xact_lock(${sql.lit(writerLockNamespace)}, hashtext(${schema}))`.execute(conn);
    },
    async beforeClose(db) {
      if (dropSchemaOnClose) await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
    },
  };
}

async function createSchemaIfMissing(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two nodes starting together can both pass IF NOT EXISTS; the loser sees a duplicate error.
    const code = (error as { code?: unknown }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}

/** Connects to `url`, ensures the schema exists and is migrated, and returns a Store over it. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  if (options.schema !== undefined && !plainIdentifier.test(options.schema)) {
    throw new DeputyError('InvalidArgument', `'${options.schema}' is not a valid schema name.`, {
      schema: options.schema,
    });
  }
  if (options.dropSchemaOnClose && options.schema === undefined) {
    // Never drop a schema the caller did not name (it would be the default one, e.g. public).
    throw new DeputyError('InvalidArgument', 'dropSchemaOnClose requires an explicit schema.');
  }
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString: url,
    types,
    // A startup parameter, so every pooled connection uses the schema from its first query on.
    ...(options.schema === undefined ? {} : { options: `-c search_path=${quoteIdentifier(options.schema)}` }),
  });
  // An idle client that dies (server restart) is dropped by the pool; without a listener Node would crash.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    let schema = options.schema;
    if (schema === undefined) {
      const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
      schema = rows[0]?.schema ?? undefined;
      if (schema === undefined) {
        throw new DeputyError('InvalidArgument', 'The PostgreSQL search_path names no existing schema.');
      }
    } else {
      await createSchemaIfMissing(db, schema);
    }
    await migrateToLatest(db, 'postgres', schema);
    return new KyselyStore(db, binding(schema, options.dropSchemaOnClose ?? false));
  } catch (error) {
    await db.destroy();
    throw error;
  }
}
