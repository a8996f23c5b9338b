// Kysely table interfaces: the row shapes both dialects store (booleans as 0/1, lists and objects as JSON text).
import type { Generated } from 'kysely';

/** 0 or 1: SQLite has no boolean type and better-sqlite3 cannot bind booleans, so both dialects use integers. */
export type SqlBoolean = number;

export interface MetaTable {
  key: string;
  value: string;
}

export interface AcceptedDomainsTable {
  /** Lower-cased domain name: domains compare case-insensitively. */
  domain_key: string;
  domain_name: string;
  is_default: SqlBoolean;
}

export interface RecipientsTable {
  guid: string;
  sid: string;
  type_details: string;
  name: string;
  /** Lower-cased name, unique: names are unique case-insensitively. */
  name_key: string;
  alias: string;
  display_name: string;
  distinguished_name: string;
  user_principal_name: string;
  /** Lower-cased UPN, unique; null when the UPN is empty so groups and apps never collide. */
  upn_key: string | null;
  primary_smtp_address: string;
  /** JSON string[]. */
  email_addresses: string;
  /** JSON object of attribute name to value. */
  attributes: string;
  hidden_from_address_lists: SqlBoolean;
  account_disabled: SqlBoolean;
  app_id: string | null;
  object_id: string | null;
  description: string | null;
  /** JSON string[] of guids. */
  managed_by: string;
  is_built_in: SqlBoolean;
  when_created: string;
  when_changed: string;
}

export interface GroupMembersTable {
  group_guid: string;
  member_guid: string;
}

export interface RoleAssignmentsTable {
  guid: string;
  name: string;
  /** Lower-cased name, unique. */
  name_key: string;
  role: string;
  assignee_guid: string;
  assignee_type: string;
  delegation_type: string;
  enabled: SqlBoolean;
  /** AssignmentScope kind. */
  scope_kind: string;
  /** The scope's or group's guid for CustomRecipientScope/ExclusiveRecipientScope/Group, else null. */
  scope_target_guid: string | null;
  when_created: string;
  when_changed: string;
}

export interface ManagementScopesTable {
  guid: string;
  name: string;
  /** Lower-cased name, unique. */
  name_key: string;
  recipient_filter: string;
  recipient_root: string | null;
  exclusive: SqlBoolean;
  when_created: string;
  when_changed: string;
}

export interface PasswordsTable {
  recipient_guid: string;
  hash: string;
}

export interface ClientSecretsTable {
  id: string;
  service_principal_guid: string;
  hint: string;
  secret_hash: string;
  display_name: string;
  created_at: string;
  expires_at: string;
}

export interface ChangesTable {
  /** Assigned by the database (autoincrement / identity), strictly increasing in commit order. */
  version: Generated<number>;
  kind: string;
  guid: string;
}

export interface AuditEventsTable {
  /** Assigned by the store (last id + 1) because it is part of the hashed content. */
  id: number;
  time: string;
  kind: string;
  actor_guid: string;
  actor: string;
  acted_for_guid: string | null;
  acted_for: string | null;
  logon_type: string;
  protocol: string;
  operation: string;
  /** Lower-cased operation so searches match case-insensitively through an index, identically on both dialects. */
  operation_key: string;
  /** JSON object. */
  parameters: string;
  result: string;
  error: string | null;
  client_address: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

export interface Database {
  meta: MetaTable;
  accepted_domains: AcceptedDomainsTable;
  recipients: RecipientsTable;
  group_members: GroupMembersTable;
  role_assignments: RoleAssignmentsTable;
  management_scopes: ManagementScopesTable;
  passwords: PasswordsTable;
  client_secrets: ClientSecretsTable;
  changes: ChangesTable;
  audit_events: AuditEventsTable;
}

/** Meta keys the store itself owns. */
export const metaKeys = {
  /** The number of the last migration applied, written by each migration. */
  schemaVersion: 'schema_version',
  /** The last relative id handed out by nextRid(). */
  ridCounter: 'rid_counter',
} as const;

export type StoreDialect = 'sqlite' | 'postgres';
