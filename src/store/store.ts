// The storage interface every dialect implements. Services use only this; the conformance
// suite (test/store/conformance.test.ts) runs it against SQLite and PostgreSQL.
import type { Recipient } from '../core/directory/recipient.ts';
import type { ManagementScope, RoleAssignment } from '../core/rbac/model.ts';
import type { AuditEvent, AuditEventInput, AuditKind, AuditResult } from '../core/audit/event.ts';
import type { CalendarRole } from '../core/calendar/sharing.ts';
import type { WorkingHours } from '../core/calendar/working-hours.ts';
import type { CalendarProcessingSettings } from '../core/calendar/calendar-processing.ts';
import type { MailboxStoreReader, MailboxStoreTx } from './mailbox-store.ts';

export type ChangeKind = 'org' | 'recipient' | 'membership' | 'assignment' | 'scope';

/** One row of the change log: every write records what it touched so other nodes (and caches) can catch up. */
export interface Change {
  version: number;
  kind: ChangeKind;
  /**
   * The entity's guid; for 'membership' the group's guid; for 'org' the meta key or the lower-cased
   * accepted domain name. Password and client-secret writes are 'recipient' changes of their owner.
   */
  guid: string;
}

export interface AcceptedDomain {
  domainName: string;
  isDefault: boolean;
}

export interface ClientSecret {
  id: string;
  servicePrincipalGuid: string;
  /** First characters of the secret, shown in listings so people can tell secrets apart. */
  hint: string;
  /** Hex SHA-256 of the secret (secrets are long random strings, so a fast hash is enough). */
  secretHash: string;
  displayName: string;
  createdAt: string;
  expiresAt: string;
}

export interface Membership {
  groupGuid: string;
  memberGuid: string;
}

/** Rights Add-RecipientPermission can grant; Exchange Online knows only SendAs. */
export const recipientAccessRights = ['SendAs'] as const;
export type RecipientAccessRight = (typeof recipientAccessRights)[number];

/** The trustee (a user or security group, members included) may act as the recipient. */
export interface RecipientPermission {
  recipientGuid: string;
  trusteeGuid: string;
  accessRight: RecipientAccessRight;
  createdAt: string;
}

/** Both given: that pair; one given: every grant on that side; none: all grants. */
export interface RecipientPermissionFilter {
  recipientGuid?: string;
  trusteeGuid?: string;
}

/** One entry of a mailbox folder's permission list (today only the Calendar is shared). */
export interface FolderPermission {
  mailboxGuid: string;
  /** The folder as cmdlets name it: 'Calendar'. */
  folder: string;
  /** 'Default', 'Anonymous' or the trustee's recipient guid (a user or a security group). */
  user: string;
  accessRights: CalendarRole;
  createdAt: string;
  modifiedAt: string;
}

/** Each given field narrows the list; none: every entry. */
export interface FolderPermissionFilter {
  mailboxGuids?: string[];
  folder?: string;
  user?: string;
}

export interface AuditQuery {
  kind?: AuditKind;
  /** Operation names (cmdlets), case-insensitive exact match. Empty or absent: any. */
  operations?: string[];
  /** Actor guids. Empty or absent: any. */
  actorGuids?: string[];
  /** Acted-for guids. Empty or absent: any. */
  actedForGuids?: string[];
  result?: AuditResult;
  /** Inclusive ISO bounds, compared as strings (so use the same UTC ISO format as event times). */
  startTime?: string;
  endTime?: string;
  /** Newest first (by time, then id); default 1000. */
  limit?: number;
}

/** Directory, RBAC and audit reads, plus mailbox content (see mailbox-store.ts). */
export interface StoreReader extends MailboxStoreReader {
  getMeta(key: string): Promise<string | undefined>;
  listAcceptedDomains(): Promise<AcceptedDomain[]>;
  listRecipients(): Promise<Recipient[]>;
  getRecipient(guid: string): Promise<Recipient | undefined>;
  listMemberships(): Promise<Membership[]>;
  /** Direct members of a group. */
  listGroupMembers(groupGuid: string): Promise<string[]>;
  /** Groups a recipient is directly a member of. */
  listMemberOf(memberGuid: string): Promise<string[]>;
  listAssignments(): Promise<RoleAssignment[]>;
  getAssignment(guid: string): Promise<RoleAssignment | undefined>;
  listScopes(): Promise<ManagementScope[]>;
  getScope(guid: string): Promise<ManagementScope | undefined>;
  getPasswordHash(recipientGuid: string): Promise<string | undefined>;
  listClientSecrets(servicePrincipalGuid: string): Promise<ClientSecret[]>;
  /** Ordered by recipient, trustee, right (guids). */
  listRecipientPermissions(filter: RecipientPermissionFilter): Promise<RecipientPermission[]>;
  /** Ordered by mailbox, folder, user. */
  listFolderPermissions(filter: FolderPermissionFilter): Promise<FolderPermission[]>;
  /** The working hours a mailbox set, or undefined when it never did. */
  getWorkingHours(mailboxGuid: string): Promise<WorkingHours | undefined>;
  /** The resource booking settings a mailbox set (only those it set), or undefined when it never did. */
  getCalendarProcessing(mailboxGuid: string): Promise<CalendarProcessingSettings | undefined>;
  /** Highest change version, 0 when nothing was ever written. */
  currentVersion(): Promise<number>;
  /** Changes with version > `version`, ascending. */
  changesSince(version: number): Promise<Change[]>;
  searchAudit(query: AuditQuery): Promise<AuditEvent[]>;
  /** Events with id > afterId, ascending (for chain verification and export). */
  readAuditChain(afterId: number, limit: number): Promise<AuditEvent[]>;
}

/**
 * Directory writes record a row in the change log; mailbox writes (MailboxStoreTx) do not, since
 * mailbox content is not directory state and has its own modseqs.
 */
export interface StoreTx extends StoreReader, MailboxStoreTx {
  setMeta(key: string, value: string): Promise<void>;
  putAcceptedDomain(domain: AcceptedDomain): Promise<void>;
  /**
   * Insert or replace by guid. Unique name/sid/upn violations throw DeputyError('AlreadyExists')
   * (name and UPN compare case-insensitively; an empty UPN never conflicts).
   */
  putRecipient(recipient: Recipient): Promise<void>;
  /**
   * Also removes its memberships (both directions), its assignments, password and secrets, its
   * recipient permissions (both sides; recipients that lose a grant get a 'recipient' change), and its
   * mailbox content (folders, items, MIME, tombstones, counters; queued outbound mail stays). No-op when absent.
   */
  deleteRecipient(guid: string): Promise<void>;
  /** Throws DeputyError('ObjectNotFound') when the recipient does not exist. */
  setPasswordHash(recipientGuid: string, hash: string): Promise<void>;
  /** Idempotent; throws DeputyError('ObjectNotFound') when either recipient does not exist. */
  addMember(groupGuid: string, memberGuid: string): Promise<void>;
  /** No-op when not a member. */
  removeMember(groupGuid: string, memberGuid: string): Promise<void>;
  /**
   * Insert or replace by guid. A name in use (case-insensitively) throws DeputyError('AlreadyExists');
   * a missing assignee throws DeputyError('ObjectNotFound').
   */
  putAssignment(assignment: RoleAssignment): Promise<void>;
  /** No-op when absent. */
  deleteAssignment(guid: string): Promise<void>;
  /** Insert or replace by guid. A name in use (case-insensitively) throws DeputyError('AlreadyExists'). */
  putScope(scope: ManagementScope): Promise<void>;
  /** No-op when absent (assignments that reference the scope are left to the caller). */
  deleteScope(guid: string): Promise<void>;
  /** A duplicate id throws DeputyError('AlreadyExists'); a missing service principal DeputyError('ObjectNotFound'). */
  addClientSecret(secret: ClientSecret): Promise<void>;
  /** No-op when absent. */
  deleteClientSecret(id: string): Promise<void>;
  /**
   * A 'recipient' change of the recipient. An existing grant throws DeputyError('AlreadyExists'); a
   * missing recipient or trustee DeputyError('ObjectNotFound'). Deleting either recipient removes it.
   */
  addRecipientPermission(permission: RecipientPermission): Promise<void>;
  /** True when a grant was removed (then a 'recipient' change of the recipient); false when absent. */
  removeRecipientPermission(permission: Omit<RecipientPermission, 'createdAt'>): Promise<boolean>;
  /** Inserts or replaces by (mailbox, folder, user); a missing mailbox or trustee throws DeputyError('ObjectNotFound'). Deleting either removes it. */
  putFolderPermission(permission: FolderPermission): Promise<void>;
  /** True when an entry was removed. */
  removeFolderPermission(key: Pick<FolderPermission, 'mailboxGuid' | 'folder' | 'user'>): Promise<boolean>;
  /** Inserts or replaces a mailbox's working hours; a missing mailbox throws DeputyError('ObjectNotFound'). */
  putWorkingHours(mailboxGuid: string, hours: WorkingHours, now: string): Promise<void>;
  /**
   * Replaces the resource booking settings a mailbox set (fields left out go back to their defaults);
   * a missing mailbox throws DeputyError('ObjectNotFound'). Deleting the mailbox removes them.
   */
  putCalendarProcessing(mailboxGuid: string, settings: CalendarProcessingSettings, now: string): Promise<void>;
  /** Appends to the hash-chained audit log (serialized across concurrent transactions and nodes). */
  appendAudit(event: AuditEventInput): Promise<AuditEvent>;
  /** Next relative id for synthesized SIDs (monotonic from 1000, never reused once committed). */
  nextRid(): Promise<number>;
}

export interface Store extends StoreReader {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction; commits when it resolves, rolls back when it throws.
   * Transactions are exclusive among writers (in this process and on other nodes), so reads
   * inside one see the latest committed state and read-modify-write is safe. Inside `work`,
   * use only `tx`: using the store itself there throws DeputyError('Internal').
   */
  transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
