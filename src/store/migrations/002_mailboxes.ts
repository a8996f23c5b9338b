// Migration 002: mailbox content (folders, items, MIME, tombstones, counters) and the outbound queue, for both dialects.
import { sql, type Kysely } from 'kysely';
import type { DeputyMigration } from './migration.ts';

export const mailboxesMigration: DeputyMigration = {
  name: '002_mailboxes',

  async up(db: Kysely<unknown>, dialect): Promise<void> {
    const postgres = dialect === 'postgres';
    // Code-point comparison and ordering on PostgreSQL, as SQLite's BINARY collation does, so
    // queries, LIKE and ORDER BY give identical results whatever the database locale is.
    const text = postgres ? sql`text collate "C"` : 'text';
    // Counters and sizes outlive 2^31 on PostgreSQL only as BIGINT; SQLite's INTEGER is 64-bit.
    const bigInteger = postgres ? 'bigint' : 'integer';
    const bytes = postgres ? 'bytea' : 'blob';

    await db.schema
      .createTable('folders')
      .addColumn('id', text, (c) => c.primaryKey())
      // Deleting a mailbox's recipient removes its content; every other mailbox table hangs off folders.
      .addColumn('mailbox_guid', text, (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addColumn('parent_id', text, (c) => c.references('folders.id').onDelete('cascade'))
      .addColumn('distinguished_name', text)
      .addColumn('display_name', text, (c) => c.notNull())
      .addColumn('folder_class', text, (c) => c.notNull())
      .addColumn('version', bigInteger, (c) => c.notNull())
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('modified_at', text, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('folders_mailbox_guid').on('folders').column('mailbox_guid').execute();
    await db.schema.createIndex('folders_parent_id').on('folders').column('parent_id').execute();
    // One inbox (etc.) per mailbox; ordinary folders (null) are not constrained, name clashes are the service's.
    await db.schema
      .createIndex('folders_distinguished_unique')
      .on('folders')
      .columns(['mailbox_guid', 'distinguished_name'])
      .unique()
      .where(sql.ref('distinguished_name'), 'is not', null)
      .execute();

    let items = db.schema
      .createTable('items')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('mailbox_guid', text, (c) => c.notNull())
      .addColumn('folder_id', text, (c) => c.notNull().references('folders.id').onDelete('cascade'));
    for (const column of ['item_class', 'subject', 'subject_key']) items = items.addColumn(column, text, (c) => c.notNull());
    for (const column of ['from_address', 'from_name', 'from_key', 'sender_json']) items = items.addColumn(column, text);
    for (const column of ['to_json', 'cc_json', 'bcc_json', 'reply_to_json', 'to_text', 'to_key', 'cc_text', 'cc_key']) {
      items = items.addColumn(column, text, (c) => c.notNull());
    }
    items = items
      .addColumn('received_at', text, (c) => c.notNull())
      .addColumn('sent_at', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .addColumn('modified_at', text, (c) => c.notNull())
      .addColumn('is_read', 'integer', (c) => c.notNull())
      .addColumn('is_draft', 'integer', (c) => c.notNull())
      .addColumn('importance', 'integer', (c) => c.notNull())
      .addColumn('flag_status', 'integer', (c) => c.notNull())
      .addColumn('size', bigInteger, (c) => c.notNull())
      .addColumn('has_attachments', 'integer', (c) => c.notNull());
    for (const column of ['attachments_json', 'categories_json', 'categories_text', 'categories_key']) {
      items = items.addColumn(column, text, (c) => c.notNull());
    }
    items = items.addColumn('internet_message_id', text).addColumn('in_reply_to', text);
    for (const column of ['conversation_id', 'conversation_topic', 'preview', 'preview_key', 'extended_properties_json']) {
      items = items.addColumn(column, text, (c) => c.notNull());
    }
    await items
      .addColumn('version', bigInteger, (c) => c.notNull())
      .addColumn('modseq', bigInteger, (c) => c.notNull())
      .addColumn('article_number', bigInteger, (c) => c.notNull())
      .execute();
    // Listing by date, IMAP UIDs, sync (per folder and per mailbox) and unread counts.
    await db.schema.createIndex('items_folder_received').on('items').columns(['folder_id', 'received_at']).execute();
    await db.schema.createIndex('items_folder_article').on('items').columns(['folder_id', 'article_number']).execute();
    await db.schema.createIndex('items_folder_modseq').on('items').columns(['folder_id', 'modseq']).execute();
    await db.schema.createIndex('items_mailbox_modseq').on('items').columns(['mailbox_guid', 'modseq']).execute();
    await db.schema.createIndex('items_folder_is_read').on('items').columns(['folder_id', 'is_read']).execute();

    await db.schema
      .createTable('item_mime')
      .addColumn('item_id', text, (c) => c.primaryKey().references('items.id').onDelete('cascade'))
      .addColumn('mime', bytes, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('item_tombstones')
      .addColumn('folder_id', text, (c) => c.notNull().references('folders.id').onDelete('cascade'))
      .addColumn('item_id', text, (c) => c.notNull())
      .addColumn('mailbox_guid', text, (c) => c.notNull())
      .addColumn('modseq', bigInteger, (c) => c.notNull())
      // An item that leaves the same folder again only moves its tombstone forward.
      .addPrimaryKeyConstraint('item_tombstones_pk', ['folder_id', 'item_id'])
      .execute();
    await db.schema
      .createIndex('item_tombstones_folder_modseq')
      .on('item_tombstones')
      .columns(['folder_id', 'modseq'])
      .execute();

    await db.schema
      .createTable('mailbox_counters')
      .addColumn('mailbox_guid', text, (c) => c.primaryKey().references('recipients.guid').onDelete('cascade'))
      .addColumn('modseq', bigInteger, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('folder_counters')
      .addColumn('folder_id', text, (c) => c.primaryKey().references('folders.id').onDelete('cascade'))
      .addColumn('article_number', bigInteger, (c) => c.notNull())
      .execute();

    // No foreign key to recipients: mail accepted for delivery still goes out if its sender is deleted.
    await db.schema
      .createTable('outbound_queue')
      .addColumn('id', text, (c) => c.primaryKey())
      .addColumn('mailbox_guid', text, (c) => c.notNull())
      .addColumn('mail_from', text, (c) => c.notNull())
      .addColumn('recipients_json', text, (c) => c.notNull())
      .addColumn('mime', bytes, (c) => c.notNull())
      .addColumn('state', text, (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('last_error', text)
      .addColumn('created_at', text, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outbound_queue_mailbox_created')
      .on('outbound_queue')
      .columns(['mailbox_guid', 'created_at'])
      .execute();
    await db.schema.createIndex('outbound_queue_created').on('outbound_queue').columns(['created_at', 'id']).execute();

    await sql`insert into meta (key, value) values ('schema_version', '2')
      on conflict (key) do update set value = excluded.value`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    // Children before parents so foreign keys never block the drop.
    for (const table of [
      'outbound_queue',
      'folder_counters',
      'mailbox_counters',
      'item_tombstones',
      'item_mime',
      'items',
      'folders',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    await sql`update meta set value = '1' where key = 'schema_version'`.execute(db);
  },
};
