// The Store implementation shared by SQLite and PostgreSQL: queries, row mapping, change log, audit chain,
// transactions; mailbox content delegates to mailbox-queries.ts.
import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Recipient, RecipientTypeDetails } from '../core/directory/recipient.ts';
import type {
  AssignmentScope,
  DelegationType,
  ManagementScope,
  RoleAssigneeType,
  RoleAssignment,
} from '../core/rbac/model.ts';
import {
  chainHash,
  genesisHash,
  type AuditEvent,
  type AuditEventInput,
  type AuditKind,
  type AuditResult,
  type LogonType,
} from '../core/audit/event.ts';
import { DeputyError, objectNotFound } from '../core/errors.ts';
import type {
  AcceptedDomain,
  AuditQuery,
  Change,
  ChangeKind,
  ClientSecret,
  Membership,
  FolderPermission,
  FolderPermissionFilter,
  RecipientPermission,
  RecipientPermissionFilter,
  Store,
  StoreReader,
  StoreTx,
} from './store.ts';
import type { Folder, Item } from '../core/mailbox/model.ts';
import type { ItemPage, ItemQuery } from '../core/mailbox/query.ts';
import type { FolderCounts, ItemHead, ItemTombstone, OutboundMessage } from './mailbox-store.ts';
import * as mailbox from './mailbox-queries.ts';
import { toItem } from './mailbox-rows.ts';
import * as permissions from './recipient-permissions.ts';
import * as calendarSharing from './calendar-sharing.ts';
import * as calendarProcessing from './calendar-processing.ts';
import type { WorkingHours } from '../core/calendar/working-hours.ts';
import type { CalendarProcessingSettings } from '../core/calendar/calendar-processing.ts';
import {
  metaKeys,
  type AuditEventsTable,
  type Database,
  type ManagementScopesTable,
  type RecipientsTable,
  type RoleAssignmentsTable,
  type StoreDialect,
} from './schema.ts';

/** What differs between dialects once the schema exists: how a write transaction starts and how the store closes. */
export interface DialectBinding {
  readonly dialect: StoreDialect;
  /**
   * Starts a transaction on `conn` that excludes every other writer, in this process and on other
   * nodes, until it ends: SQLite `BEGIN IMMEDIATE`, PostgreSQL `BEGIN` plus an advisory lock.
   */
  beginExclusive(conn: Kysely<Database>): Promise<void>;
  /** Runs after in-flight transactions finish and before the connections close (e.g. drop a test schema). */
  beforeClose?(db: Kysely<Database>): Promise<void>;
  /** Prepared forms of the hottest reads, for a dialect whose driver runs them synchronously on the store's connection (SQLite). */
  readonly directReads?: DirectReads;
}

/**
 * The reads every request makes (change log, password hash) and GetItem's bulk reads, without
 * building a query each time. Results equal the Kysely queries' (the conformance suite runs both).
 */
export interface DirectReads {
  getItems(ids: string[]): Item[];
  getItemHeads(ids: string[]): ItemHead[];
  getItemMime(ids: string[]): Map<string, Buffer>;
  /** Items from a compiled query selecting exactly `itemColumns`, in order (see mailbox.ItemRowsReader). */
  itemsOf(query: CompiledQuery): Item[];
  changesSince(version: number): Change[];
  currentVersion(): number;
  getPasswordHash(recipientGuid: string): string | undefined;
}

const defaultAuditSearchLimit = 1000;
/** RIDs below 1000 are reserved for well-known accounts and groups, as in Windows. */
const firstRid = 1000;

/** Runs async work one piece at a time, in call order. */
class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** The transaction (if any) the current async call chain runs inside. */
interface TransactionContext {
  readonly owner: KyselyStore;
  active: boolean;
}
const currentTransaction = new AsyncLocalStorage<TransactionContext>();

// ---------------------------------------------------------------------------------------------
// Row mapping

const toFlag = (value: boolean): number => (value ? 1 : 0);
const fromFlag = (value: number): boolean => value !== 0;
/** Names, UPNs and domains compare case-insensitively; the lower-cased key carries the unique index. */
const caseKey = (value: string): string => value.toLowerCase();

function recipientRow(r: Recipient): RecipientsTable {
  return {
    guid: r.guid,
    sid: r.sid,
    type_details: r.typeDetails,
    name: r.name,
    name_key: caseKey(r.name),
    alias: r.alias,
    display_name: r.displayName,
    distinguished_name: r.distinguishedName,
    user_principal_name: r.userPrincipalName,
    upn_key: r.userPrincipalName === '' ? null : caseKey(r.userPrincipalName),
    primary_smtp_address: r.primarySmtpAddress,
    email_addresses: JSON.stringify(r.emailAddresses),
    attributes: JSON.stringify(r.attributes),
    hidden_from_address_lists: toFlag(r.hiddenFromAddressLists),
    account_disabled: toFlag(r.accountDisabled),
    app_id: r.appId ?? null,
    object_id: r.objectId ?? null,
    description: r.description ?? null,
    managed_by: JSON.stringify(r.managedBy),
    is_built_in: toFlag(r.isBuiltIn),
    when_created: r.whenCreated,
    when_changed: r.whenChanged,
  };
}

function toRecipient(row: Selectable<RecipientsTable>): Recipient {
  const recipient: Recipient = {
    guid: row.guid,
    sid: row.sid,
    typeDetails: row.type_details as RecipientTypeDetails,
    name: row.name,
    alias: row.alias,
    displayName: row.display_name,
    distinguishedName: row.distinguished_name,
    userPrincipalName: row.user_principal_name,
    primarySmtpAddress: row.primary_smtp_address,
    emailAddresses: JSON.parse(row.email_addresses) as string[],
    attributes: JSON.parse(row.attributes) as Recipient['attributes'],
    hiddenFromAddressLists: fromFlag(row.hidden_from_address_lists),
    accountDisabled: fromFlag(row.account_disabled),
    managedBy: JSON.parse(row.managed_by) as string[],
    isBuiltIn: fromFlag(row.is_built_in),
    whenCreated: row.when_created,
    whenChanged: row.when_changed,
  };
  // Optional properties are omitted rather than set to undefined, so objects round-trip deep-equal.
  if (row.app_id !== null) recipient.appId = row.app_id;
  if (row.object_id !== null) recipient.objectId = row.object_id;
  if (row.description !== null) recipient.description = row.description;
  return recipient;
}

function assignmentScopeColumns(scope: AssignmentScope): Pick<RoleAssignmentsTable, 'scope_kind' | 'scope_target_guid'> {
  switch (scope.kind) {
    case 'CustomRecipientScope':
    case 'ExclusiveRecipientScope':
      return { scope_kind: scope.kind, scope_target_guid: scope.scopeGuid };
    case 'Group':
      return { scope_kind: scope.kind, scope_target_guid: scope.groupGuid };
    default:
      return { scope_kind: scope.kind, scope_target_guid: null };
  }
}

function toAssignmentScope(kind: string, target: string | null): AssignmentScope {
  switch (kind) {
    case 'Organization':
    case 'Self':
    case 'MyGAL':
    case 'None':
      return { kind };
    case 'CustomRecipientScope':
    case 'ExclusiveRecipientScope':
      if (target !== null) return { kind, scopeGuid: target };
      break;
    case 'Group':
      if (target !== null) return { kind, groupGuid: target };
      break;
  }
  throw new DeputyError('Internal', `Stored assignment scope '${kind}' is malformed.`, { kind, target });
}

function assignmentRow(a: RoleAssignment): RoleAssignmentsTable {
  return {
    guid: a.guid,
    name: a.name,
    name_key: caseKey(a.name),
    role: a.role,
    assignee_guid: a.assigneeGuid,
    assignee_type: a.assigneeType,
    delegation_type: a.delegationType,
    enabled: toFlag(a.enabled),
    ...assignmentScopeColumns(a.scope),
    when_created: a.whenCreated,
    when_changed: a.whenChanged,
  };
}

function toAssignment(row: Selectable<RoleAssignmentsTable>): RoleAssignment {
  return {
    guid: row.guid,
    name: row.name,
    role: row.role,
    assigneeGuid: row.assignee_guid,
    assigneeType: row.assignee_type as RoleAssigneeType,
    delegationType: row.delegation_type as DelegationType,
    enabled: fromFlag(row.enabled),
    scope: toAssignmentScope(row.scope_kind, row.scope_target_guid),
    whenCreated: row.when_created,
    whenChanged: row.when_changed,
  };
}

function scopeRow(s: ManagementScope): ManagementScopesTable {
  return {
    guid: s.guid,
    name: s.name,
    name_key: caseKey(s.name),
    recipient_filter: s.recipientFilter,
    recipient_root: s.recipientRoot,
    exclusive: toFlag(s.exclusive),
    when_created: s.whenCreated,
    when_changed: s.whenChanged,
  };
}

function toScope(row: Selectable<ManagementScopesTable>): ManagementScope {
  return {
    guid: row.guid,
    name: row.name,
    recipientFilter: row.recipient_filter,
    recipientRoot: row.recipient_root,
    exclusive: fromFlag(row.exclusive),
    whenCreated: row.when_created,
    whenChanged: row.when_changed,
  };
}

/**
 * Exactly the AuditEventInput fields, in the form they read back: the hash must be computed over
 * what the database returns, so extra properties are dropped, missing nullables become null and
 * parameters go through JSON (a Date becomes its ISO string, undefined values vanish).
 */
function normalizeAuditInput(e: AuditEventInput): { input: AuditEventInput; parametersJson: string } {
  const parametersJson = JSON.stringify(e.parameters ?? {});
  const input: AuditEventInput = {
    time: e.time,
    kind: e.kind,
    actorGuid: e.actorGuid,
    actor: e.actor,
    actedForGuid: e.actedForGuid ?? null,
    actedFor: e.actedFor ?? null,
    logonType: e.logonType,
    protocol: e.protocol,
    operation: e.operation,
    parameters: JSON.parse(parametersJson) as Record<string, unknown>,
    result: e.result,
    error: e.error ?? null,
    clientAddress: e.clientAddress ?? null,
    requestId: e.requestId ?? null,
  };
  // The row stores this same text (stringifying the parsed copy again would give it back).
  return { input, parametersJson };
}

function auditRow(e: AuditEvent, parametersJson: string): AuditEventsTable {
  return {
    id: e.id,
    time: e.time,
    kind: e.kind,
    actor_guid: e.actorGuid,
    actor: e.actor,
    acted_for_guid: e.actedForGuid,
    acted_for: e.actedFor,
    logon_type: e.logonType,
    protocol: e.protocol,
    operation: e.operation,
    operation_key: caseKey(e.operation),
    parameters: parametersJson,
    result: e.result,
    error: e.error,
    client_address: e.clientAddress,
    request_id: e.requestId,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: Number(row.id),
    time: row.time,
    kind: row.kind as AuditKind,
    actorGuid: row.actor_guid,
    actor: row.actor,
    actedForGuid: row.acted_for_guid,
    actedFor: row.acted_for,
    logonType: row.logon_type as LogonType,
    protocol: row.protocol,
    operation: row.operation,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    result: row.result as AuditResult,
    error: row.error,
    clientAddress: row.client_address,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

// ---------------------------------------------------------------------------------------------
// Constraint errors

/** PostgreSQL reports the index name; SQLite reports "table.column". Both map to the SQLite form. */
const postgresUniqueConstraints: Record<string, string> = {
  recipients_sid_unique: 'recipients.sid',
  recipients_name_key_unique: 'recipients.name_key',
  recipients_upn_key_unique: 'recipients.upn_key',
  role_assignments_name_key_unique: 'role_assignments.name_key',
  management_scopes_name_key_unique: 'management_scopes.name_key',
  client_secrets_pkey: 'client_secrets.id',
};

function driverErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The "table.column" of the unique key a driver error violated, if it is a unique violation. */
function violatedUniqueKey(error: unknown): string | undefined {
  const code = driverErrorCode(error);
  if (code === '23505') {
    const constraint = (error as { constraint?: unknown }).constraint;
    return typeof constraint === 'string' ? (postgresUniqueConstraints[constraint] ?? constraint) : '';
  }
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return /constraint failed: ([\w.]+)/.exec((error as Error).message)?.[1] ?? '';
  }
  return undefined;
}

function isForeignKeyViolation(error: unknown): boolean {
  const code = driverErrorCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

function alreadyExists(entity: string, property: string, value: string): DeputyError {
  return new DeputyError('AlreadyExists', `${entity} with ${property} '${value}' already exists.`, {
    property,
    value,
  });
}

/**
 * Pre-checks inside the (exclusive) transaction catch conflicts first; this maps the driver's
 * constraint errors the same way in case a conflict still reaches the database.
 */
function translateConstraintError(
  error: unknown,
  uniqueKeys: Record<string, () => DeputyError>,
  missingReference?: () => DeputyError,
): unknown {
  const key = violatedUniqueKey(error);
  if (key !== undefined && uniqueKeys[key]) return uniqueKeys[key]();
  if (missingReference && isForeignKeyViolation(error)) return missingReference();
  return error;
}

// ---------------------------------------------------------------------------------------------
// Reads (shared by the store and its transactions)

abstract class KyselyReader implements StoreReader {
  /** The connection to query: the pool/database for the store, the transaction's connection for a tx. */
  protected abstract executor(): Kysely<Database>;

  async getMeta(key: string): Promise<string | undefined> {
    const row = await this.executor().selectFrom('meta').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async listAcceptedDomains(): Promise<AcceptedDomain[]> {
    const rows = await this.executor().selectFrom('accepted_domains').selectAll().orderBy('domain_key').execute();
    return rows.map((row) => ({ domainName: row.domain_name, isDefault: fromFlag(row.is_default) }));
  }

  async listRecipients(): Promise<Recipient[]> {
    const rows = await this.executor().selectFrom('recipients').selectAll().orderBy('name_key').execute();
    return rows.map(toRecipient);
  }

  async getRecipient(guid: string): Promise<Recipient | undefined> {
    const row = await this.executor().selectFrom('recipients').selectAll().where('guid', '=', guid).executeTakeFirst();
    return row && toRecipient(row);
  }

  async listMemberships(): Promise<Membership[]> {
    const rows = await this.executor()
      .selectFrom('group_members')
      .selectAll()
      .orderBy('group_guid')
      .orderBy('member_guid')
      .execute();
    return rows.map((row) => ({ groupGuid: row.group_guid, memberGuid: row.member_guid }));
  }

  async listGroupMembers(groupGuid: string): Promise<string[]> {
    const rows = await this.executor()
      .selectFrom('group_members')
      .select('member_guid')
      .where('group_guid', '=', groupGuid)
      .orderBy('member_guid')
      .execute();
    return rows.map((row) => row.member_guid);
  }

  async listMemberOf(memberGuid: string): Promise<string[]> {
    const rows = await this.executor()
      .selectFrom('group_members')
      .select('group_guid')
      .where('member_guid', '=', memberGuid)
      .orderBy('group_guid')
      .execute();
    return rows.map((row) => row.group_guid);
  }

  async listAssignments(): Promise<RoleAssignment[]> {
    const rows = await this.executor().selectFrom('role_assignments').selectAll().orderBy('name_key').execute();
    return rows.map(toAssignment);
  }

  async getAssignment(guid: string): Promise<RoleAssignment | undefined> {
    const row = await this.executor()
      .selectFrom('role_assignments')
      .selectAll()
      .where('guid', '=', guid)
      .executeTakeFirst();
    return row && toAssignment(row);
  }

  async listScopes(): Promise<ManagementScope[]> {
    const rows = await this.executor().selectFrom('management_scopes').selectAll().orderBy('name_key').execute();
    return rows.map(toScope);
  }

  async getScope(guid: string): Promise<ManagementScope | undefined> {
    const row = await this.executor()
      .selectFrom('management_scopes')
      .selectAll()
      .where('guid', '=', guid)
      .executeTakeFirst();
    return row && toScope(row);
  }

  async getPasswordHash(recipientGuid: string): Promise<string | undefined> {
    const row = await this.executor()
      .selectFrom('passwords')
      .select('hash')
      .where('recipient_guid', '=', recipientGuid)
      .executeTakeFirst();
    return row?.hash;
  }

  async listClientSecrets(servicePrincipalGuid: string): Promise<ClientSecret[]> {
    const rows = await this.executor()
      .selectFrom('client_secrets')
      .selectAll()
      .where('service_principal_guid', '=', servicePrincipalGuid)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      servicePrincipalGuid: row.service_principal_guid,
      hint: row.hint,
      secretHash: row.secret_hash,
      displayName: row.display_name,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
    }));
  }

  listRecipientPermissions(filter: RecipientPermissionFilter): Promise<RecipientPermission[]> {
    return permissions.listRecipientPermissions(this.executor(), filter);
  }

  listFolderPermissions(filter: FolderPermissionFilter): Promise<FolderPermission[]> {
    return calendarSharing.listFolderPermissions(this.executor(), filter);
  }

  getWorkingHours(mailboxGuid: string): Promise<WorkingHours | undefined> {
    return calendarSharing.getWorkingHours(this.executor(), mailboxGuid);
  }

  getCalendarProcessing(mailboxGuid: string): Promise<CalendarProcessingSettings | undefined> {
    return calendarProcessing.getCalendarProcessing(this.executor(), mailboxGuid);
  }

  async currentVersion(): Promise<number> {
    const row = await this.executor()
      .selectFrom('changes')
      .select((eb) => eb.fn.max('version').as('version'))
      .executeTakeFirst();
    return Number(row?.version ?? 0);
  }

  async changesSince(version: number): Promise<Change[]> {
    const rows = await this.executor()
      .selectFrom('changes')
      .selectAll()
      .where('version', '>', version)
      .orderBy('version')
      .execute();
    return rows.map((row) => ({ version: Number(row.version), kind: row.kind as ChangeKind, guid: row.guid }));
  }

  async searchAudit(query: AuditQuery): Promise<AuditEvent[]> {
    let select = this.executor().selectFrom('audit_events').selectAll();
    if (query.kind !== undefined) select = select.where('kind', '=', query.kind);
    if (query.operations?.length) select = select.where('operation_key', 'in', query.operations.map(caseKey));
    if (query.actorGuids?.length) select = select.where('actor_guid', 'in', query.actorGuids);
    if (query.actedForGuids?.length) select = select.where('acted_for_guid', 'in', query.actedForGuids);
    if (query.result !== undefined) select = select.where('result', '=', query.result);
    if (query.startTime !== undefined) select = select.where('time', '>=', query.startTime);
    if (query.endTime !== undefined) select = select.where('time', '<=', query.endTime);
    const limit = Math.max(0, Math.floor(query.limit ?? defaultAuditSearchLimit));
    const rows = await select.orderBy('time', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAuditEvent);
  }

  async readAuditChain(afterId: number, limit: number): Promise<AuditEvent[]> {
    const rows = await this.executor()
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(Math.max(0, Math.floor(limit)))
      .execute();
    return rows.map(toAuditEvent);
  }

  // Mailbox content

  listFolders(mailboxGuid: string): Promise<Folder[]> {
    return mailbox.listFolders(this.executor(), mailboxGuid);
  }

  getFolder(id: string): Promise<Folder | undefined> {
    return mailbox.getFolder(this.executor(), id);
  }

  folderCounts(folderIds: string[]): Promise<Map<string, FolderCounts>> {
    return mailbox.folderCounts(this.executor(), folderIds);
  }

  getItems(ids: string[]): Promise<Item[]> {
    return mailbox.getItems(this.executor(), ids);
  }

  getItemHeads(ids: string[]): Promise<ItemHead[]> {
    return mailbox.getItemHeads(this.executor(), ids);
  }

  getItemMime(ids: string[]): Promise<Map<string, Buffer>> {
    return mailbox.getItemMime(this.executor(), ids);
  }

  queryItems(query: ItemQuery): Promise<ItemPage<Item>> {
    return mailbox.queryItems(this.executor(), query);
  }

  currentModseq(mailboxGuid: string): Promise<number> {
    return mailbox.currentModseq(this.executor(), mailboxGuid);
  }

  folderChangesSince(
    folderId: string,
    modseq: number,
    limit: number,
  ): Promise<{ changed: Item[]; removed: ItemTombstone[] }> {
    return mailbox.folderChangesSince(this.executor(), folderId, modseq, limit);
  }

  listOutbound(mailboxGuid?: string): Promise<Array<Omit<OutboundMessage, 'mime'>>> {
    return mailbox.listOutbound(this.executor(), mailboxGuid);
  }
}

// ---------------------------------------------------------------------------------------------
// Writes

class KyselyStoreTx extends KyselyReader implements StoreTx {
  readonly #conn: Kysely<Database>;
  /** Writes run one at a time so callers may Promise.all them (audit ids, pre-checks stay consistent). */
  readonly #writes = new SerialQueue();
  #finished = false;
  readonly #dialect: StoreDialect;
  /** The audit chain's last event as this transaction sees it, once read (see appendAudit). */
  #auditHead: { id: number; hash: string } | undefined;

  constructor(conn: Kysely<Database>, dialect: StoreDialect) {
    super();
    this.#conn = conn;
    this.#dialect = dialect;
  }

  /** Called when the transaction commits or rolls back; a leaked tx must not write outside it. */
  finish(): void {
    this.#finished = true;
  }

  protected executor(): Kysely<Database> {
    if (this.#finished) {
      throw new DeputyError('Internal', 'This transaction has already finished; use a new Store.transaction().');
    }
    return this.#conn;
  }

  #write<T>(work: (db: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.#writes.run(() => work(this.executor()));
  }

  async #recordChange(db: Kysely<Database>, kind: ChangeKind, guid: string): Promise<void> {
    await db.insertInto('changes').values({ kind, guid }).execute();
  }

  async #requireRecipient(db: Kysely<Database>, guid: string): Promise<void> {
    const row = await db.selectFrom('recipients').select('guid').where('guid', '=', guid).executeTakeFirst();
    if (!row) throw objectNotFound(guid);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#write(async (db) => {
      await db
        .insertInto('meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
      await this.#recordChange(db, 'org', key);
    });
  }

  putAcceptedDomain(domain: AcceptedDomain): Promise<void> {
    return this.#write(async (db) => {
      const row = {
        domain_key: caseKey(domain.domainName),
        domain_name: domain.domainName,
        is_default: toFlag(domain.isDefault),
      };
      await db
        .insertInto('accepted_domains')
        .values(row)
        .onConflict((oc) => oc.column('domain_key').doUpdateSet({ domain_name: row.domain_name, is_default: row.is_default }))
        .execute();
      await this.#recordChange(db, 'org', row.domain_key);
    });
  }

  putRecipient(recipient: Recipient): Promise<void> {
    return this.#write(async (db) => {
      const row = recipientRow(recipient);
      const conflicts = {
        'recipients.name_key': () => alreadyExists('A recipient', 'Name', recipient.name),
        'recipients.sid': () => alreadyExists('A recipient', 'Sid', recipient.sid),
        'recipients.upn_key': () => alreadyExists('A recipient', 'UserPrincipalName', recipient.userPrincipalName),
      };
      const clash = await db
        .selectFrom('recipients')
        .select(['name_key', 'sid', 'upn_key'])
        .where('guid', '!=', row.guid)
        .where((eb) =>
          eb.or([
            eb('name_key', '=', row.name_key),
            eb('sid', '=', row.sid),
            ...(row.upn_key === null ? [] : [eb('upn_key', '=', row.upn_key)]),
          ]),
        )
        .executeTakeFirst();
      if (clash) {
        if (clash.name_key === row.name_key) throw conflicts['recipients.name_key']();
        if (clash.sid === row.sid) throw conflicts['recipients.sid']();
        throw conflicts['recipients.upn_key']();
      }
      const { guid: _guid, ...updatable } = row;
      try {
        await db
          .insertInto('recipients')
          .values(row)
          .onConflict((oc) => oc.column('guid').doUpdateSet(updatable))
          .execute();
      } catch (error) {
        throw translateConstraintError(error, conflicts);
      }
      await this.#recordChange(db, 'recipient', row.guid);
    });
  }

  deleteRecipient(guid: string): Promise<void> {
    return this.#write(async (db) => {
      const existing = await db.selectFrom('recipients').select('guid').where('guid', '=', guid).executeTakeFirst();
      if (!existing) return;
      const groupsLeft = await db
        .selectFrom('group_members')
        .select('group_guid')
        .where('member_guid', '=', guid)
        .orderBy('group_guid')
        .execute();
      const hadMembers = await db
        .selectFrom('group_members')
        .select('member_guid')
        .where('group_guid', '=', guid)
        .limit(1)
        .executeTakeFirst();
      const assignments = await db
        .selectFrom('role_assignments')
        .select('guid')
        .where('assignee_guid', '=', guid)
        .orderBy('guid')
        .execute();
      // Explicit deletes (the foreign keys cascade too) keep the change log's view independent of cascades.
      await db
        .deleteFrom('group_members')
        .where((eb) => eb.or([eb('member_guid', '=', guid), eb('group_guid', '=', guid)]))
        .execute();
      await db.deleteFrom('role_assignments').where('assignee_guid', '=', guid).execute();
      await db.deleteFrom('passwords').where('recipient_guid', '=', guid).execute();
      await db.deleteFrom('client_secrets').where('service_principal_guid', '=', guid).execute();
      // Mailbox content is not directory state: removed, but not written to the change log.
      await mailbox.deleteMailboxContent(db, guid);
      const lostSendAs = await permissions.forgetRecipientPermissions(db, guid);
      await calendarSharing.forgetCalendarSharing(db, guid);
      await calendarProcessing.forgetCalendarProcessing(db, guid);
      await db.deleteFrom('recipients').where('guid', '=', guid).execute();
      for (const recipientGuid of lostSendAs) await this.#recordChange(db, 'recipient', recipientGuid);
      for (const { group_guid } of groupsLeft) await this.#recordChange(db, 'membership', group_guid);
      // A deleted group's members lose a memberOf entry: caches keyed by the group must hear about it.
      if (hadMembers) await this.#recordChange(db, 'membership', guid);
      for (const assignment of assignments) await this.#recordChange(db, 'assignment', assignment.guid);
      await this.#recordChange(db, 'recipient', guid);
    });
  }

  setPasswordHash(recipientGuid: string, hash: string): Promise<void> {
    return this.#write(async (db) => {
      await this.#requireRecipient(db, recipientGuid);
      try {
        await db
          .insertInto('passwords')
          .values({ recipient_guid: recipientGuid, hash })
          .onConflict((oc) => oc.column('recipient_guid').doUpdateSet({ hash }))
          .execute();
      } catch (error) {
        throw translateConstraintError(error, {}, () => objectNotFound(recipientGuid));
      }
      // Sign-in state is part of the recipient as far as other nodes' caches are concerned.
      await this.#recordChange(db, 'recipient', recipientGuid);
    });
  }

  addMember(groupGuid: string, memberGuid: string): Promise<void> {
    return this.#write(async (db) => {
      await this.#requireRecipient(db, groupGuid);
      await this.#requireRecipient(db, memberGuid);
      let inserted: bigint;
      try {
        const result = await db
          .insertInto('group_members')
          .values({ group_guid: groupGuid, member_guid: memberGuid })
          .onConflict((oc) => oc.columns(['group_guid', 'member_guid']).doNothing())
          .executeTakeFirst();
        inserted = result.numInsertedOrUpdatedRows ?? 0n;
      } catch (error) {
        throw translateConstraintError(error, {}, () => objectNotFound(`${groupGuid}/${memberGuid}`));
      }
      if (inserted > 0n) await this.#recordChange(db, 'membership', groupGuid);
    });
  }

  removeMember(groupGuid: string, memberGuid: string): Promise<void> {
    return this.#write(async (db) => {
      const result = await db
        .deleteFrom('group_members')
        .where('group_guid', '=', groupGuid)
        .where('member_guid', '=', memberGuid)
        .executeTakeFirst();
      if (result.numDeletedRows > 0n) await this.#recordChange(db, 'membership', groupGuid);
    });
  }

  putAssignment(assignment: RoleAssignment): Promise<void> {
    return this.#write(async (db) => {
      const row = assignmentRow(assignment);
      const conflicts = {
        'role_assignments.name_key': () => alreadyExists('A role assignment', 'Name', assignment.name),
      };
      const clash = await db
        .selectFrom('role_assignments')
        .select('guid')
        .where('name_key', '=', row.name_key)
        .where('guid', '!=', row.guid)
        .executeTakeFirst();
      if (clash) throw conflicts['role_assignments.name_key']();
      await this.#requireRecipient(db, row.assignee_guid);
      const { guid: _guid, ...updatable } = row;
      try {
        await db
          .insertInto('role_assignments')
          .values(row)
          .onConflict((oc) => oc.column('guid').doUpdateSet(updatable))
          .execute();
      } catch (error) {
        throw translateConstraintError(error, conflicts, () => objectNotFound(row.assignee_guid));
      }
      await this.#recordChange(db, 'assignment', row.guid);
    });
  }

  deleteAssignment(guid: string): Promise<void> {
    return this.#write(async (db) => {
      const result = await db.deleteFrom('role_assignments').where('guid', '=', guid).executeTakeFirst();
      if (result.numDeletedRows > 0n) await this.#recordChange(db, 'assignment', guid);
    });
  }

  putScope(scope: ManagementScope): Promise<void> {
    return this.#write(async (db) => {
      const row = scopeRow(scope);
      const conflicts = {
        'management_scopes.name_key': () => alreadyExists('A management scope', 'Name', scope.name),
      };
      const clash = await db
        .selectFrom('management_scopes')
        .select('guid')
        .where('name_key', '=', row.name_key)
        .where('guid', '!=', row.guid)
        .executeTakeFirst();
      if (clash) throw conflicts['management_scopes.name_key']();
      const { guid: _guid, ...updatable } = row;
      try {
        await db
          .insertInto('management_scopes')
          .values(row)
          .onConflict((oc) => oc.column('guid').doUpdateSet(updatable))
          .execute();
      } catch (error) {
        throw translateConstraintError(error, conflicts);
      }
      await this.#recordChange(db, 'scope', row.guid);
    });
  }

  deleteScope(guid: string): Promise<void> {
    return this.#write(async (db) => {
      const result = await db.deleteFrom('management_scopes').where('guid', '=', guid).executeTakeFirst();
      if (result.numDeletedRows > 0n) await this.#recordChange(db, 'scope', guid);
    });
  }

  addClientSecret(secret: ClientSecret): Promise<void> {
    return this.#write(async (db) => {
      const conflicts = { 'client_secrets.id': () => alreadyExists('A client secret', 'Id', secret.id) };
      const clash = await db.selectFrom('client_secrets').select('id').where('id', '=', secret.id).executeTakeFirst();
      if (clash) throw conflicts['client_secrets.id']();
      await this.#requireRecipient(db, secret.servicePrincipalGuid);
      try {
        await db
          .insertInto('client_secrets')
          .values({
            id: secret.id,
            service_principal_guid: secret.servicePrincipalGuid,
            hint: secret.hint,
            secret_hash: secret.secretHash,
            display_name: secret.displayName,
            created_at: secret.createdAt,
            expires_at: secret.expiresAt,
          })
          .execute();
      } catch (error) {
        throw translateConstraintError(error, conflicts, () => objectNotFound(secret.servicePrincipalGuid));
      }
      await this.#recordChange(db, 'recipient', secret.servicePrincipalGuid);
    });
  }

  deleteClientSecret(id: string): Promise<void> {
    return this.#write(async (db) => {
      const deleted = await db
        .deleteFrom('client_secrets')
        .where('id', '=', id)
        .returning('service_principal_guid')
        .executeTakeFirst();
      if (deleted) await this.#recordChange(db, 'recipient', deleted.service_principal_guid);
    });
  }

  addRecipientPermission(permission: RecipientPermission): Promise<void> {
    return this.#write((db) => permissions.addRecipientPermission(db, permission, (guid) => this.#recordChange(db, 'recipient', guid)));
  }

  removeRecipientPermission(permission: Omit<RecipientPermission, 'createdAt'>): Promise<boolean> {
    return this.#write((db) => permissions.removeRecipientPermission(db, permission, (guid) => this.#recordChange(db, 'recipient', guid)));
  }

  putFolderPermission(permission: FolderPermission): Promise<void> {
    return this.#write((db) => calendarSharing.putFolderPermission(db, permission));
  }

  removeFolderPermission(key: Pick<FolderPermission, 'mailboxGuid' | 'folder' | 'user'>): Promise<boolean> {
    return this.#write((db) => calendarSharing.removeFolderPermission(db, key));
  }

  putWorkingHours(mailboxGuid: string, hours: WorkingHours, now: string): Promise<void> {
    return this.#write((db) => calendarSharing.putWorkingHours(db, mailboxGuid, hours, now));
  }

  putCalendarProcessing(mailboxGuid: string, settings: CalendarProcessingSettings, now: string): Promise<void> {
    return this.#write((db) => calendarProcessing.putCalendarProcessing(db, mailboxGuid, settings, now));
  }

  appendAudit(event: AuditEventInput): Promise<AuditEvent> {
    return this.#write(async (db) => {
      // Safe without further locking: the transaction is exclusive among writers on every node, so
      // the head read once stays the head for the rest of it (a batch of events reads it once).
      if (this.#auditHead === undefined) {
        const last = await db
          .selectFrom('audit_events')
          .select(['id', 'hash'])
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        this.#auditHead = last ? { id: Number(last.id), hash: last.hash } : { id: 0, hash: genesisHash };
      }
      const { input, parametersJson } = normalizeAuditInput(event);
      const id = this.#auditHead.id + 1;
      const prevHash = this.#auditHead.hash;
      const appended: AuditEvent = { ...input, id, prevHash, hash: chainHash(prevHash, id, input) };
      await db.insertInto('audit_events').values(auditRow(appended, parametersJson)).execute();
      this.#auditHead = { id, hash: appended.hash };
      return appended;
    });
  }

  nextRid(): Promise<number> {
    return this.#write(async (db) => {
      const row = await db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', metaKeys.ridCounter)
        .executeTakeFirst();
      const rid = row ? Number(row.value) + 1 : firstRid;
      const value = String(rid);
      await db
        .insertInto('meta')
        .values({ key: metaKeys.ridCounter, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
      return rid;
    });
  }

  // Mailbox content: no change-log rows (see StoreTx).

  putFolder(folder: Folder): Promise<void> {
    return this.#write((db) => mailbox.putFolder(db, folder));
  }

  deleteFolder(id: string): Promise<void> {
    return this.#write((db) => mailbox.deleteFolder(db, id));
  }

  putItem(item: Item, mime: Buffer | null): Promise<void> {
    return this.#write((db) => mailbox.putItem(db, item, mime, this.#dialect));
  }

  deleteItems(ids: string[], modseq: number): Promise<void> {
    return this.#write((db) => mailbox.deleteItems(db, ids, modseq));
  }

  nextModseq(mailboxGuid: string): Promise<number> {
    return this.#write((db) => mailbox.nextModseq(db, mailboxGuid));
  }

  nextArticleNumber(folderId: string): Promise<number> {
    return this.#write((db) => mailbox.nextArticleNumber(db, folderId));
  }

  enqueueOutbound(message: OutboundMessage): Promise<void> {
    return this.#write((db) => mailbox.enqueueOutbound(db, message));
  }
}

// ---------------------------------------------------------------------------------------------
// The store

export class KyselyStore extends KyselyReader implements Store {
  readonly dialect: StoreDialect;
  readonly #db: Kysely<Database>;
  readonly #binding: DialectBinding;
  /**
   * Transactions of this store run one at a time. SQLite needs this (one connection); on PostgreSQL
   * it makes local writers queue here instead of each holding a pooled connection while blocked
   * on the advisory lock, which keeps connections free for reads.
   */
  readonly #transactions = new SerialQueue();
  /**
   * True while a transaction holds the connection. SQLite has one connection, so a direct read then
   * would see the transaction's uncommitted writes; those reads go through Kysely instead, which
   * waits for the connection like every other query.
   */
  #connectionHeld = false;

  constructor(db: Kysely<Database>, binding: DialectBinding) {
    super();
    this.#db = db;
    this.#binding = binding;
    this.dialect = binding.dialect;
  }

  protected executor(): Kysely<Database> {
    this.#refuseInsideOwnTransaction();
    return this.#db;
  }

  /** The dialect's direct reads, when it has them and no transaction holds the connection. */
  #direct(): DirectReads | undefined {
    this.#refuseInsideOwnTransaction();
    return this.#connectionHeld ? undefined : this.#binding.directReads;
  }

  override async getItems(ids: string[]): Promise<Item[]> {
    const direct = this.#direct();
    return direct ? direct.getItems(ids) : super.getItems(ids);
  }

  override async getItemHeads(ids: string[]): Promise<ItemHead[]> {
    const direct = this.#direct();
    return direct ? direct.getItemHeads(ids) : super.getItemHeads(ids);
  }

  override async queryItems(query: ItemQuery): Promise<ItemPage<Item>> {
    const direct = this.#direct();
    if (!direct) return super.queryItems(query);
    // The page of items runs directly (the count, when needed, through Kysely). Checked again when
    // it runs, so that it never runs directly while a transaction holds the connection.
    return mailbox.queryItems(this.#db, query, async (page) => {
      const now = this.#direct();
      return now ? now.itemsOf(page.compile()) : (await page.execute()).map(toItem);
    });
  }

  override async getItemMime(ids: string[]): Promise<Map<string, Buffer>> {
    const direct = this.#direct();
    return direct ? direct.getItemMime(ids) : super.getItemMime(ids);
  }

  override async changesSince(version: number): Promise<Change[]> {
    const direct = this.#direct();
    return direct ? direct.changesSince(version) : super.changesSince(version);
  }

  override async currentVersion(): Promise<number> {
    const direct = this.#direct();
    return direct ? direct.currentVersion() : super.currentVersion();
  }

  override async getPasswordHash(recipientGuid: string): Promise<string | undefined> {
    const direct = this.#direct();
    return direct ? direct.getPasswordHash(recipientGuid) : super.getPasswordHash(recipientGuid);
  }

  /**
   * Using the store (not the tx) inside its own transaction would deadlock on SQLite and read
   * outside the transaction on PostgreSQL; fail loudly and identically on both instead.
   */
  #refuseInsideOwnTransaction(): void {
    const context = currentTransaction.getStore();
    if (context?.active && context.owner === this) {
      throw new DeputyError(
        'Internal',
        'The store was used inside its own transaction; use the tx passed to the transaction callback.',
      );
    }
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#refuseInsideOwnTransaction();
    return this.#transactions.run(() =>
      this.#db.connection().execute(async (conn) => {
        this.#connectionHeld = true;
        const tx = new KyselyStoreTx(conn, this.dialect);
        const context: TransactionContext = { owner: this, active: true };
        try {
          await this.#binding.beginExclusive(conn);
          const result = await currentTransaction.run(context, () => work(tx));
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          // Rollback can itself fail (e.g. BEGIN never happened, connection lost); the original error matters.
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw error;
        } finally {
          context.active = false;
          tx.finish();
          this.#connectionHeld = false;
        }
      }),
    );
  }

  async close(): Promise<void> {
    this.#refuseInsideOwnTransaction();
    // Let queued transactions finish rather than cutting their connection.
    await this.#transactions.run(async () => undefined);
    try {
      await this.#binding.beforeClose?.(this.#db);
    } finally {
      await this.#db.destroy();
    }
  }
}
