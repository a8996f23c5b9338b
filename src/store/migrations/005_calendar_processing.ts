// Migration 005: per-mailbox resource booking settings (Set-CalendarProcessing), for both dialects.
import { sql, type Kysely } from 'kysely';
import type { DeputyMigration } from './migration.ts';

export const calendarProcessingMigration: DeputyMigration = {
  name: '005_calendar_processing',

  async up(db: Kysely<unknown>): Promise<void> {
    // A null column was never set: the mailbox gets the default of its kind, which follows a
    // conversion (Set-Mailbox -Type Room) instead of freezing the old kind's default.
    await db.schema
      .createTable('mailbox_calendar_processing')
      .addColumn('mailbox_guid', 'text', (c) => c.primaryKey().references('recipients.guid').onDelete('cascade'))
      .addColumn('automate_processing', 'text')
      // Booleans as 0/1: SQLite has no boolean type.
      .addColumn('allow_conflicts', 'integer')
      .addColumn('booking_window_in_days', 'integer')
      .addColumn('maximum_duration_in_minutes', 'integer')
      .addColumn('allow_recurring_meetings', 'integer')
      .addColumn('modified_at', 'text', (c) => c.notNull())
      .execute();

    await sql`insert into meta (key, value) values ('schema_version', '5')
      on conflict (key) do update set value = excluded.value`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('mailbox_calendar_processing').ifExists().execute();
    await sql`update meta set value = '4' where key = 'schema_version'`.execute(db);
  },
};
