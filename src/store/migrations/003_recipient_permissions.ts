// Migration 003: recipient permissions (Send As grants, Add-RecipientPermission) for both dialects.
import { sql, type Kysely } from 'kysely';
import type { DeputyMigration } from './migration.ts';

export const recipientPermissionsMigration: DeputyMigration = {
  name: '003_recipient_permissions',

  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('recipient_permissions')
      // A grant means nothing once either side is gone, so both ends cascade.
      .addColumn('recipient_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addColumn('trustee_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addColumn('access_right', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('recipient_permissions_pk', ['recipient_guid', 'trustee_guid', 'access_right'])
      .execute();
    // The primary key serves lookups by recipient (sending checks); this one serves -Trustee and cascades.
    await db.schema
      .createIndex('recipient_permissions_trustee_guid')
      .on('recipient_permissions')
      .column('trustee_guid')
      .execute();

    await sql`insert into meta (key, value) values ('schema_version', '3')
      on conflict (key) do update set value = excluded.value`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('recipient_permissions').ifExists().execute();
    await sql`update meta set value = '2' where key = 'schema_version'`.execute(db);
  },
};
