// The ordered list of schema migrations and the static provider that feeds them to Kysely's Migrator.
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { DeputyError } from '../../core/errors.ts';
import type { Database, StoreDialect } from '../schema.ts';
import type { DeputyMigration } from './migration.ts';
import { initialMigration } from './001_initial.ts';
import { mailboxesMigration } from './002_mailboxes.ts';
import { recipientPermissionsMigration } from './003_recipient_permissions.ts';
import { calendarSharingMigration } from './004_calendar_sharing.ts';
import { calendarProcessingMigration } from './005_calendar_processing.ts';

export type { DeputyMigration } from './migration.ts';

/** Every migration in application order; append new ones, never edit or reorder applied ones. */
export const migrations: readonly DeputyMigration[] = [initialMigration, mailboxesMigration, recipientPermissionsMigration, calendarSharingMigration, calendarProcessingMigration];

/** A static provider (no filesystem scanning, so it works the same from source, bundles and tests). */
export function migrationProvider(dialect: StoreDialect): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return Object.fromEntries(
        migrations.map((m): [string, Migration] => [
          m.name,
          { up: (db) => m.up(db, dialect), down: (db) => m.down(db, dialect) },
        ]),
      );
    },
  };
}

/**
 * Applies every pending migration (a no-op when up to date). `migrationTableSchema` pins Kysely's
 * bookkeeping tables to one PostgreSQL schema; otherwise its existence check would find another
 * schema's kysely_migration table in the same database.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: StoreDialect,
  migrationTableSchema?: string,
): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect), migrationTableSchema });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely's PostgreSQL introspection lists every schema's tables; a schema dropped meanwhile by
  // someone else (another node, a test) makes it fail with 3F000 before anything was applied.
  for (let retry = 0; retry < 3 && error !== undefined && isConcurrentSchemaDrop(error, results); retry++) ({ error, results } = await migrator.migrateToLatest());
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'run';
    throw new DeputyError('Internal', `Database migration ${failed} failed: ${String(error)}`, { cause: error });
  }
}

/** The introspection failed on another schema that vanished meanwhile, before any migration ran. */
function isConcurrentSchemaDrop(error: unknown, results: readonly { status: string }[] | undefined): boolean {
  return (error as { code?: unknown } | null)?.code === '3F000' && !(results ?? []).some((r) => r.status !== 'NotExecuted');
}
