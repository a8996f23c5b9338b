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

/**
 * PostgreSQL columns of the mailbox tables use the "C" collation, so comparisons, LIKE and ORDER BY
 * work on code points exactly as SQLite's BINARY collation does, whatever the database's locale.
 */
export interface FoldersTable {
  id: string;
  mailbox_guid: string;
  parent_id: string | null;
  distinguished_name: string | null;
  display_name: string;
  folder_class: string;
  version: number;
  created_at: string;
  modified_at: string;
}

/**
 * One row per item, without its MIME (item_mime), so listings never read bodies. Query helpers:
 * `*_key` columns are lower-cased in JavaScript (Unicode-aware and identical on both dialects,
 * unlike SQL lower()); `*_text`/`*_key` list columns hold every element between unit separators
 * (U+001F) so "any element equals" is a LIKE on one column.
 */
export interface ItemsTable {
  id: string;
  mailbox_guid: string;
  folder_id: string;
  item_class: string;
  subject: string;
  subject_key: string;
  /** From: null when the item has no From; `from_key` is the lower-cased address. */
  from_address: string | null;
  from_name: string | null;
  from_key: string | null;
  /** JSON EmailAddress or null. */
  sender_json: string | null;
  /** JSON EmailAddress[]. */
  to_json: string;
  cc_json: string;
  bcc_json: string;
  reply_to_json: string;
  /** Addresses and names of To/Cc, exact case and lower-cased, delimited (see above). */
  to_text: string;
  to_key: string;
  cc_text: string;
  cc_key: string;
  /** ISO 8601 UTC with milliseconds ("…T00:00:00.000Z"), so text order is time order. */
  received_at: string;
  sent_at: string | null;
  created_at: string;
  modified_at: string;
  is_read: SqlBoolean;
  is_draft: SqlBoolean;
  /** MAPI PR_IMPORTANCE: 0 Low, 1 Normal, 2 High (so sorting and comparisons follow severity). */
  importance: number;
  /** MAPI PR_FLAG_STATUS: 0 NotFlagged, 1 Complete, 2 Flagged. */
  flag_status: number;
  size: number;
  has_attachments: SqlBoolean;
  /** JSON AttachmentInfo[]. */
  attachments_json: string;
  /** JSON string[]; plus the delimited exact and lower-cased forms for queries. */
  categories_json: string;
  categories_text: string;
  categories_key: string;
  internet_message_id: string | null;
  in_reply_to: string | null;
  conversation_id: string;
  conversation_topic: string;
  preview: string;
  preview_key: string;
  /** JSON ExtendedProperty[]. */
  extended_properties_json: string;
  version: number;
  modseq: number;
  article_number: number;
}

export interface ItemMimeTable {
  item_id: string;
  mime: Buffer;
}

/** An item that left a folder (deleted or moved away) at `modseq`; one row per item and folder. */
export interface ItemTombstonesTable {
  folder_id: string;
  item_id: string;
  mailbox_guid: string;
  modseq: number;
}

/** The last modseq handed out per mailbox. */
export interface MailboxCountersTable {
  mailbox_guid: string;
  modseq: number;
}

/** The last article number handed out per folder. */
export interface FolderCountersTable {
  folder_id: string;
  article_number: number;
}

export interface OutboundQueueTable {
  id: string;
  mailbox_guid: string;
  mail_from: string;
  /** JSON string[]. */
  recipients_json: string;
  mime: Buffer;
  state: string;
  attempts: number;
  last_error: string | null;
  created_at: string;
}

/** A Send As (etc.) grant: the trustee may act as the recipient; primary key (recipient, trustee, right). */
export interface RecipientPermissionsTable {
  recipient_guid: string;
  trustee_guid: string;
  access_right: string;
  created_at: string;
}

/** A calendar permission entry; primary key (mailbox, folder, user_key). */
export interface MailboxFolderPermissionsTable {
  mailbox_guid: string;
  folder: string;
  /** 'Default', 'Anonymous' or a recipient guid. */
  user_key: string;
  /** The recipient guid of user_key, null for Default and Anonymous. */
  trustee_guid: string | null;
  access_rights: string;
  created_at: string;
  modified_at: string;
}

/** Migration 005's table; null columns were never set. */
export interface MailboxCalendarProcessingTable {
  mailbox_guid: string;
  automate_processing: string | null;
  allow_conflicts: number | null;
  booking_window_in_days: number | null;
  maximum_duration_in_minutes: number | null;
  allow_recurring_meetings: number | null;
  modified_at: string;
}

/** Working hours of a mailbox that set them (others use the defaults). */
export interface MailboxCalendarSettingsTable {
  mailbox_guid: string;
  working_hours_start: number;
  working_hours_end: number;
  working_hours_days: string;
  working_hours_time_zone: string;
  modified_at: string;
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
  folders: FoldersTable;
  items: ItemsTable;
  item_mime: ItemMimeTable;
  item_tombstones: ItemTombstonesTable;
  mailbox_counters: MailboxCountersTable;
  folder_counters: FolderCountersTable;
  outbound_queue: OutboundQueueTable;
  recipient_permissions: RecipientPermissionsTable;
  mailbox_folder_permissions: MailboxFolderPermissionsTable;
  mailbox_calendar_settings: MailboxCalendarSettingsTable;
  mailbox_calendar_processing: MailboxCalendarProcessingTable;
}

/** Meta keys the store itself owns. */
export const metaKeys = {
  /** The number of the last migration applied, written by each migration. */
  schemaVersion: 'schema_version',
  /** The last relative id handed out by nextRid(). */
  ridCounter: 'rid_counter',
} as const;

export type StoreDialect = 'sqlite' | 'postgres';
