// Row mapping for mailbox content: Folder, Item and OutboundMessage to and from table rows, with the
// normalised timestamps and lower-cased / delimited helper columns that item queries compare against.
import type { Selectable } from 'kysely';
import type { EmailAddress, FlagStatus, Folder, Importance, Item } from '../core/mailbox/model.ts';
import { DeputyError } from '../core/errors.ts';
import type { ItemHead, OutboundMessage } from './mailbox-store.ts';
import type { FoldersTable, ItemsTable, OutboundQueueTable } from './schema.ts';

/**
 * Separates the elements of the list helper columns (to/cc/categories): a control character no
 * address, name or category contains (it is dropped from them if one ever does), unlike "|" or ",".
 */
export const listDelimiter = '\u001f';

/** MAPI values, so ORDER BY and gt/lt follow meaning rather than spelling. */
export const importanceRanks: Readonly<Record<Importance, number>> = { Low: 0, Normal: 1, High: 2 };
export const flagStatusRanks: Readonly<Record<FlagStatus, number>> = { NotFlagged: 0, Complete: 1, Flagged: 2 };
const importanceNames = invert(importanceRanks);
const flagStatusNames = invert(flagStatusRanks);

function invert<T extends string>(ranks: Readonly<Record<T, number>>): Map<number, T> {
  return new Map(Object.entries(ranks).map(([name, rank]) => [rank as number, name as T]));
}

const toFlag = (value: boolean): number => (value ? 1 : 0);
const fromFlag = (value: number): boolean => Number(value) !== 0;

/**
 * Case folding for the `*_key` columns and for query values compared with them. Done here rather
 * than with SQL lower(), which folds only ASCII on SQLite and on PostgreSQL's "C" collation.
 */
export const foldCase = (value: string): string => value.toLowerCase();

function invalid(message: string, details: Record<string, unknown> = {}): DeputyError {
  return new DeputyError('InvalidArgument', message, details);
}

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * ISO 8601 with an explicit zone, to UTC with milliseconds ("2024-01-02T03:04:05.000Z"): in that one
 * form text order is time order, so dates compare and sort as strings on both dialects.
 */
export function normalizeTimestamp(value: string, field: string): string {
  const millis = isoTimestamp.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(millis)) {
    throw invalid(`'${value}' is not an ISO 8601 date and time with a time zone (${field}).`, { field, value });
  }
  const normalized = new Date(millis).toISOString();
  // Years outside 0000–9999 get a sign and six digits, which would break the text order.
  if (normalized.length !== 24) throw invalid(`'${value}' is out of range (${field}).`, { field, value });
  return normalized;
}

/** PostgreSQL text cannot hold NUL; refusing it on both dialects keeps them behaving alike. */
function requireText(value: string, field: string): string {
  if (value.includes('\u0000')) throw invalid(`${field} must not contain NUL characters.`, { field });
  return value;
}

function requireOptionalText(value: string | null, field: string): string | null {
  return value === null ? null : requireText(value, field);
}

function requireCount(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${field} must be a non-negative integer, not ${String(value)}.`, { field, value });
  }
  return value;
}

function rankOf<T extends string>(ranks: Readonly<Record<T, number>>, value: T, field: string): number {
  const rank = Object.hasOwn(ranks, value) ? ranks[value] : undefined;
  if (rank === undefined) throw invalid(`'${String(value)}' is not a valid ${field}.`, { field, value });
  return rank;
}

function nameOf<T>(names: Map<number, T>, rank: number, field: string): T {
  const name = names.get(Number(rank));
  if (name === undefined) throw new DeputyError('Internal', `Stored ${field} ${rank} is not valid.`, { field, rank });
  return name;
}

/** The delimited exact-case list: "", or "␟a␟b␟" so a whole element matches LIKE '%␟value␟%'. */
function delimitedList(values: string[]): string {
  if (values.length === 0) return '';
  const cleaned = values.map((v) => requireText(v, 'list element').replaceAll(listDelimiter, ''));
  return listDelimiter + cleaned.join(listDelimiter) + listDelimiter;
}

/** Each address and each non-empty display name is an element of its own. */
function addressElements(addresses: EmailAddress[]): string[] {
  const elements: string[] = [];
  for (const a of addresses) {
    elements.push(a.address);
    if (a.name) elements.push(a.name);
  }
  return elements;
}

// ---------------------------------------------------------------------------------------------
// Folders

export function folderRow(f: Folder): FoldersTable {
  return {
    id: requireText(f.id, 'Folder id'),
    mailbox_guid: requireText(f.mailboxGuid, 'Mailbox guid'),
    parent_id: requireOptionalText(f.parentId, 'Parent folder id'),
    distinguished_name: requireOptionalText(f.distinguishedName, 'Distinguished folder name'),
    display_name: requireText(f.displayName, 'Folder display name'),
    folder_class: requireText(f.folderClass, 'Folder class'),
    version: requireCount(f.version, 'Folder version'),
    created_at: requireText(f.createdAt, 'Folder creation time'),
    modified_at: requireText(f.modifiedAt, 'Folder modification time'),
  };
}

export function toFolder(row: Selectable<FoldersTable>): Folder {
  return {
    id: row.id,
    mailboxGuid: row.mailbox_guid,
    parentId: row.parent_id,
    distinguishedName: row.distinguished_name,
    displayName: row.display_name,
    folderClass: row.folder_class,
    version: Number(row.version),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

// ---------------------------------------------------------------------------------------------
// Items

/** Every column an Item is read back from: everything but the query helpers (and the MIME, kept apart). */
export const itemColumns = [
  'id',
  'mailbox_guid',
  'folder_id',
  'item_class',
  'subject',
  'from_address',
  'from_name',
  'sender_json',
  'to_json',
  'cc_json',
  'bcc_json',
  'reply_to_json',
  'received_at',
  'sent_at',
  'created_at',
  'modified_at',
  'is_read',
  'is_draft',
  'importance',
  'flag_status',
  'size',
  'has_attachments',
  'attachments_json',
  'categories_json',
  'internet_message_id',
  'in_reply_to',
  'conversation_id',
  'conversation_topic',
  'preview',
  'extended_properties_json',
  'version',
  'modseq',
  'article_number',
] as const satisfies ReadonlyArray<keyof ItemsTable>;

export type ItemRow = Pick<Selectable<ItemsTable>, (typeof itemColumns)[number]>;

/** The columns an ItemHead is read from. */
export const itemHeadColumns = ['id', 'mailbox_guid', 'folder_id', 'item_class', 'version', 'modseq'] as const satisfies ReadonlyArray<(typeof itemColumns)[number]>;

export type ItemHeadRow = Pick<Selectable<ItemsTable>, (typeof itemHeadColumns)[number]>;

export function toItemHead(row: ItemHeadRow): ItemHead {
  return { id: row.id, mailboxGuid: row.mailbox_guid, folderId: row.folder_id, itemClass: row.item_class, version: Number(row.version), modseq: Number(row.modseq) };
}

/** The full row to store; validates what the database would otherwise store differently per dialect. */
export function itemRow(item: Item): ItemsTable {
  const toText = delimitedList(addressElements(item.to));
  const ccText = delimitedList(addressElements(item.cc));
  const categoriesText = delimitedList(item.categories);
  const subject = requireText(item.subject, 'Subject');
  const preview = requireText(item.preview, 'Preview');
  const fromAddress = item.from === null ? null : requireText(item.from.address, 'From address');
  return {
    id: requireText(item.id, 'Item id'),
    mailbox_guid: requireText(item.mailboxGuid, 'Mailbox guid'),
    folder_id: requireText(item.folderId, 'Folder id'),
    item_class: requireText(item.itemClass, 'Item class'),
    subject,
    subject_key: foldCase(subject),
    from_address: fromAddress,
    from_name: item.from === null ? null : requireOptionalText(item.from.name, 'From name'),
    from_key: fromAddress === null ? null : foldCase(fromAddress),
    sender_json: item.sender === null ? null : JSON.stringify(item.sender),
    to_json: JSON.stringify(item.to),
    cc_json: JSON.stringify(item.cc),
    bcc_json: JSON.stringify(item.bcc),
    reply_to_json: JSON.stringify(item.replyTo),
    to_text: toText,
    to_key: foldCase(toText),
    cc_text: ccText,
    cc_key: foldCase(ccText),
    received_at: normalizeTimestamp(item.receivedAt, 'receivedAt'),
    sent_at: item.sentAt === null ? null : normalizeTimestamp(item.sentAt, 'sentAt'),
    created_at: normalizeTimestamp(item.createdAt, 'createdAt'),
    modified_at: normalizeTimestamp(item.modifiedAt, 'modifiedAt'),
    is_read: toFlag(item.isRead),
    is_draft: toFlag(item.isDraft),
    importance: rankOf(importanceRanks, item.importance, 'importance'),
    flag_status: rankOf(flagStatusRanks, item.flagStatus, 'flag status'),
    size: requireCount(item.size, 'Size'),
    has_attachments: toFlag(item.hasAttachments),
    attachments_json: JSON.stringify(item.attachments),
    categories_json: JSON.stringify(item.categories),
    categories_text: categoriesText,
    categories_key: foldCase(categoriesText),
    internet_message_id: requireOptionalText(item.internetMessageId, 'Internet message id'),
    in_reply_to: requireOptionalText(item.inReplyTo, 'In-Reply-To'),
    conversation_id: requireText(item.conversationId, 'Conversation id'),
    conversation_topic: requireText(item.conversationTopic, 'Conversation topic'),
    preview,
    preview_key: foldCase(preview),
    extended_properties_json: JSON.stringify(item.extendedProperties),
    version: requireCount(item.version, 'Item version'),
    modseq: requireCount(item.modseq, 'Modseq'),
    article_number: requireCount(item.articleNumber, 'Article number'),
  };
}

/** Most list columns hold '[]': no need to run the JSON parser for that. */
const parseList = <T>(text: string): T[] => (text === '[]' ? [] : (JSON.parse(text) as T[]));

export function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    mailboxGuid: row.mailbox_guid,
    folderId: row.folder_id,
    itemClass: row.item_class,
    subject: row.subject,
    from: row.from_address === null ? null : { name: row.from_name, address: row.from_address },
    sender: row.sender_json === null ? null : (JSON.parse(row.sender_json) as EmailAddress),
    to: parseList(row.to_json),
    cc: parseList(row.cc_json),
    bcc: parseList(row.bcc_json),
    replyTo: parseList(row.reply_to_json),
    receivedAt: row.received_at,
    sentAt: row.sent_at,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    isRead: fromFlag(row.is_read),
    isDraft: fromFlag(row.is_draft),
    importance: nameOf(importanceNames, row.importance, 'importance'),
    flagStatus: nameOf(flagStatusNames, row.flag_status, 'flag status'),
    size: Number(row.size),
    hasAttachments: fromFlag(row.has_attachments),
    attachments: parseList(row.attachments_json),
    categories: parseList(row.categories_json),
    internetMessageId: row.internet_message_id,
    inReplyTo: row.in_reply_to,
    conversationId: row.conversation_id,
    conversationTopic: row.conversation_topic,
    preview: row.preview,
    extendedProperties: parseList(row.extended_properties_json),
    version: Number(row.version),
    modseq: Number(row.modseq),
    articleNumber: Number(row.article_number),
  };
}

// ---------------------------------------------------------------------------------------------
// Outbound queue

const outboundStates: ReadonlySet<string> = new Set<OutboundMessage['state']>(['Queued', 'Sent', 'Failed']);

export function outboundRow(m: OutboundMessage): OutboundQueueTable {
  if (!outboundStates.has(m.state)) throw invalid(`'${m.state}' is not an outbound message state.`, { state: m.state });
  return {
    id: requireText(m.id, 'Outbound message id'),
    mailbox_guid: requireText(m.mailboxGuid, 'Mailbox guid'),
    mail_from: requireText(m.mailFrom, 'Envelope sender'),
    recipients_json: JSON.stringify(m.recipients),
    mime: m.mime,
    state: m.state,
    attempts: requireCount(m.attempts, 'Attempts'),
    last_error: requireOptionalText(m.lastError, 'Last error'),
    created_at: requireText(m.createdAt, 'Creation time'),
  };
}

export const outboundColumns = [
  'id',
  'mailbox_guid',
  'mail_from',
  'recipients_json',
  'state',
  'attempts',
  'last_error',
  'created_at',
] as const satisfies ReadonlyArray<keyof OutboundQueueTable>;

export function toOutbound(
  row: Pick<Selectable<OutboundQueueTable>, (typeof outboundColumns)[number]>,
): Omit<OutboundMessage, 'mime'> {
  return {
    id: row.id,
    mailboxGuid: row.mailbox_guid,
    mailFrom: row.mail_from,
    recipients: JSON.parse(row.recipients_json) as string[],
    state: row.state as OutboundMessage['state'],
    attempts: Number(row.attempts),
    lastError: row.last_error,
    createdAt: row.created_at,
  };
}
