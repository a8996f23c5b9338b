// Migration 004: calendar sharing (folder permission entries, Add-MailboxFolderPermission) and
// per-mailbox calendar settings (working hours, Set-MailboxCalendarConfiguration), for both dialects.
import { sql, type Kysely } from 'kysely';
import type { DeputyMigration } from './migration.ts';

export const calendarSharingMigration: DeputyMigration = {
  name: '004_calendar_sharing',

  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('mailbox_folder_permissions')
      .addColumn('mailbox_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      // The folder's name as cmdlets spell it ('Calendar'); only the calendar is shared today.
      .addColumn('folder', 'text', (c) => c.notNull())
      // 'Default', 'Anonymous' or the trustee's guid; trustee_guid repeats the guid so the entry cascades with it.
      .addColumn('user_key', 'text', (c) => c.notNull())
      .addColumn('trustee_guid', 'text', (c) => c.references('recipients.guid').onDelete('cascade'))
      .addColumn('access_rights', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('modified_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('mailbox_folder_permissions_pk', ['mailbox_guid', 'folder', 'user_key'])
      .execute();
    await db.schema.createIndex('mailbox_folder_permissions_trustee_guid').on('mailbox_folder_permissions').column('trustee_guid').execute();

    await db.schema
      .createTable('mailbox_calendar_settings')
      .addColumn('mailbox_guid', 'text', (c) => c.primaryKey().references('recipients.guid').onDelete('cascade'))
      .addColumn('working_hours_start', 'integer', (c) => c.notNull())
      .addColumn('working_hours_end', 'integer', (c) => c.notNull())
      // Comma-separated day names, Sunday first.
      .addColumn('working_hours_days', 'text', (c) => c.notNull())
      .addColumn('working_hours_time_zone', 'text', (c) => c.notNull())
      .addColumn('modified_at', 'text', (c) => c.notNull())
      .execute();

    await sql`insert into meta (key, value) values ('schema_version', '4')
      on conflict (key) do update set value = excluded.value`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('mailbox_calendar_settings').ifExists().execute();
    await db.schema.dropTable('mailbox_folder_permissions').ifExists().execute();
    await sql`update meta set value = '3' where key = 'schema_version'`.execute(db);
  },
};
