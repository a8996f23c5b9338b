// Migration 001: the initial schema (directory, RBAC, secrets, change log, audit chain) for both dialects.
import { sql, type Kysely } from 'kysely';
import type { DeputyMigration } from './migration.ts';

export const initialMigration: DeputyMigration = {
  name: '001_initial',

  async up(db: Kysely<unknown>, dialect): Promise<void> {
    // Audit ids are hashed, so they must round-trip as exact numbers; PostgreSQL needs BIGINT to
    // outlive 2^31 events, while SQLite's INTEGER is already 64-bit.
    const bigInteger = dialect === 'postgres' ? 'bigint' : 'integer';

    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('accepted_domains')
      .addColumn('domain_key', 'text', (c) => c.primaryKey())
      .addColumn('domain_name', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('recipients')
      .addColumn('guid', 'text', (c) => c.primaryKey())
      .addColumn('sid', 'text', (c) => c.notNull())
      .addColumn('type_details', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('alias', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('distinguished_name', 'text', (c) => c.notNull())
      .addColumn('user_principal_name', 'text', (c) => c.notNull())
      .addColumn('upn_key', 'text')
      .addColumn('primary_smtp_address', 'text', (c) => c.notNull())
      .addColumn('email_addresses', 'text', (c) => c.notNull())
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('hidden_from_address_lists', 'integer', (c) => c.notNull())
      .addColumn('account_disabled', 'integer', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('object_id', 'text')
      .addColumn('description', 'text')
      .addColumn('managed_by', 'text', (c) => c.notNull())
      .addColumn('is_built_in', 'integer', (c) => c.notNull())
      .addColumn('when_created', 'text', (c) => c.notNull())
      .addColumn('when_changed', 'text', (c) => c.notNull())
      .execute();
    // Index names are schema-wide in PostgreSQL, hence the table prefix. The store maps
    // violations of these to DeputyError('AlreadyExists') by name.
    await db.schema.createIndex('recipients_sid_unique').on('recipients').column('sid').unique().execute();
    await db.schema.createIndex('recipients_name_key_unique').on('recipients').column('name_key').unique().execute();
    // NULL upn_key (empty UPN) never collides: both dialects allow many NULLs in a unique index.
    await db.schema.createIndex('recipients_upn_key_unique').on('recipients').column('upn_key').unique().execute();

    await db.schema
      .createTable('group_members')
      .addColumn('group_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addColumn('member_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addPrimaryKeyConstraint('group_members_pk', ['group_guid', 'member_guid'])
      .execute();
    await db.schema.createIndex('group_members_member_guid').on('group_members').column('member_guid').execute();

    await db.schema
      .createTable('management_scopes')
      .addColumn('guid', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('recipient_filter', 'text', (c) => c.notNull())
      .addColumn('recipient_root', 'text')
      .addColumn('exclusive', 'integer', (c) => c.notNull())
      .addColumn('when_created', 'text', (c) => c.notNull())
      .addColumn('when_changed', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('management_scopes_name_key_unique')
      .on('management_scopes')
      .column('name_key')
      .unique()
      .execute();

    await db.schema
      .createTable('role_assignments')
      .addColumn('guid', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('assignee_guid', 'text', (c) => c.notNull().references('recipients.guid').onDelete('cascade'))
      .addColumn('assignee_type', 'text', (c) => c.notNull())
      .addColumn('delegation_type', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('scope_kind', 'text', (c) => c.notNull())
      // Not a foreign key: it points at a scope or a group depending on scope_kind.
      .addColumn('scope_target_guid', 'text')
      .addColumn('when_created', 'text', (c) => c.notNull())
      .addColumn('when_changed', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('role_assignments_name_key_unique')
      .on('role_assignments')
      .column('name_key')
      .unique()
      .execute();
    await db.schema
      .createIndex('role_assignments_assignee_guid')
      .on('role_assignments')
      .column('assignee_guid')
      .execute();

    await db.schema
      .createTable('passwords')
      .addColumn('recipient_guid', 'text', (c) => c.primaryKey().references('recipients.guid').onDelete('cascade'))
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('client_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('service_principal_guid', 'text', (c) =>
        c.notNull().references('recipients.guid').onDelete('cascade'),
      )
      .addColumn('hint', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('client_secrets_service_principal_guid')
      .on('client_secrets')
      .column('service_principal_guid')
      .execute();

    // The database assigns versions; writers are serialized (advisory lock / BEGIN IMMEDIATE),
    // so assignment order is commit order.
    await db.schema
      .createTable('changes')
      .addColumn('version', bigInteger, (c) =>
        dialect === 'postgres' ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('guid', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('changes_kind_guid').on('changes').columns(['kind', 'guid']).execute();

    await db.schema
      .createTable('audit_events')
      .addColumn('id', bigInteger, (c) => c.primaryKey())
      .addColumn('time', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('actor_guid', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('acted_for_guid', 'text')
      .addColumn('acted_for', 'text')
      .addColumn('logon_type', 'text', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('operation', 'text', (c) => c.notNull())
      .addColumn('operation_key', 'text', (c) => c.notNull())
      .addColumn('parameters', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('client_address', 'text')
      .addColumn('request_id', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_events_time').on('audit_events').column('time').execute();
    await db.schema.createIndex('audit_events_operation_key').on('audit_events').column('operation_key').execute();
    await db.schema.createIndex('audit_events_actor_guid').on('audit_events').column('actor_guid').execute();
    await db.schema.createIndex('audit_events_acted_for_guid').on('audit_events').column('acted_for_guid').execute();

    await sql`insert into meta (key, value) values ('schema_version', '1')
      on conflict (key) do update set value = excluded.value`.execute(db);
  },

  async down(db: Kysely<unknown>): Promise<void> {
    // Children before parents so foreign keys never block the drop.
    for (const table of [
      'audit_events',
      'changes',
      'client_secrets',
      'passwords',
      'role_assignments',
      'management_scopes',
      'group_members',
      'recipients',
      'accepted_domains',
      'meta',
    ]) {
      await db.schema.dropTable(table).ifExists().execute();
    }
  },
};
