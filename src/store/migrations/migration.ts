// The shape of one versioned migration: Kysely's up/down, plus the dialect for the few places DDL must differ.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../schema.ts';

export interface DeputyMigration {
  /** Sorts in application order ("001_initial", "002_…"); Kysely records it once applied. */
  name: string;
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
  down(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}
