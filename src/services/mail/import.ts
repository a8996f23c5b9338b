// Bulk import of existing mail (mbox, .eml) into one folder of a mailbox, as the local
// administrator: batches of messages per transaction, one audit event per batch.
import { randomUUID } from 'node:crypto';
import { isMailbox, type Recipient } from '../../core/directory/recipient.ts';
import { DeputyError, objectNotFound } from '../../core/errors.ts';
import type { Folder, Item } from '../../core/mailbox/model.ts';
import { mailboxFolders } from '../mailbox/folders.ts';
import type { StoreTx } from '../../store/store.ts';
import type { Runtime } from '../context.ts';
import { toCrlf } from './mime-build.ts';
import { itemFieldsFromMime } from './mime-fields.ts';
import { maxMessageBytes, parseMessage } from './mime-parse.ts';

export interface ImportOptions {
  /** Any identity of a mailbox (SMTP address, UPN, alias, guid …). */
  mailbox: string;
  /** Distinguished folder name (default 'inbox'), or the display name of one of the mailbox's folders. */
  folder?: string;
  source: AsyncIterable<{ mime: Buffer; index?: number; size?: number }>;
  /** Who runs the import, for the audit log (the local administrator). */
  actor: { guid: string; name: string };
  /** Names the source in the audit log, e.g. the mbox file name. */
  sourceName?: string;
  /** Passed through to onProgress. */
  total?: number;
  /** Called after each committed batch with the messages handled so far (imported + failed). */
  onProgress?: (done: number, total?: number) => void;
  /** Messages per transaction (default 200). */
  batchSize?: number;
}

export interface ImportResult {
  imported: number;
  failed: Array<{ index: number; error: string }>;
  /** The mailbox's primary SMTP address and the folder's display name, for reports. */
  mailbox: string;
  folder: string;
}

/** A batch is also cut at this many bytes of MIME, so large messages do not pile up in memory. */
const maxBatchBytes = 64 * 1024 * 1024;

export async function importMessages(runtime: Runtime, options: ImportOptions): Promise<ImportResult> {
  await runtime.state.sync();
  const mailbox = resolveMailbox(runtime, options.mailbox);
  const folder = await runtime.store.transaction((tx) => findFolder(tx, mailbox.guid, options.folder ?? 'inbox', runtime.now().toISOString()));
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const result: ImportResult = { imported: 0, failed: [], mailbox: mailbox.primarySmtpAddress, folder: folder.displayName };
  let position = 0;
  let batch: PreparedMessage[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length) {
      await storeBatch(runtime, options, mailbox, folder, batch);
      result.imported += batch.length;
    }
    batch = [];
    batchBytes = 0;
    options.onProgress?.(result.imported + result.failed.length, options.total);
  };
  for await (const message of options.source) {
    const index = message.index ?? position;
    position++;
    try {
      batch.push(await prepare(message.mime, message.size ?? message.mime.length));
      batchBytes += batch[batch.length - 1].mime.length;
    } catch (error) {
      result.failed.push({ index, error: (error as Error).message });
    }
    if (batch.length >= batchSize || batchBytes >= maxBatchBytes) await flush();
  }
  await flush();
  return result;
}

interface PreparedMessage {
  mime: Buffer;
  fields: ReturnType<typeof itemFieldsFromMime>;
}

async function prepare(original: Buffer, size: number): Promise<PreparedMessage> {
  if (size > maxMessageBytes) throw new DeputyError('InvalidArgument', `The message is ${size} bytes; the limit is ${maxMessageBytes} bytes.`, { size });
  // Stored MIME uses CRLF line breaks, as RFC 5322 has it, whatever the source file used.
  const mime = toCrlf(original);
  const parsed = await parseMessage(mime);
  return { mime, fields: itemFieldsFromMime(parsed, mime.length) };
}

async function storeBatch(runtime: Runtime, options: ImportOptions, mailbox: Recipient, folder: Folder, batch: PreparedMessage[]): Promise<void> {
  await runtime.store.transaction(async (tx) => {
    const now = runtime.now().toISOString();
    for (const { mime, fields } of batch) {
      const item: Item = {
        id: randomUUID(),
        mailboxGuid: mailbox.guid,
        folderId: folder.id,
        ...fields,
        receivedAt: fields.sentAt ?? now,
        createdAt: now,
        modifiedAt: now,
        // Imported mail is old mail.
        isRead: true,
        isDraft: false,
        flagStatus: 'NotFlagged',
        categories: [],
        extendedProperties: [],
        version: 1,
        modseq: await tx.nextModseq(mailbox.guid),
        articleNumber: await tx.nextArticleNumber(folder.id),
      };
      await tx.putItem(item, mime);
    }
    await tx.appendAudit({
      time: now,
      kind: 'Mailbox',
      actorGuid: options.actor.guid,
      actor: options.actor.name,
      actedForGuid: mailbox.guid,
      actedFor: mailbox.primarySmtpAddress || mailbox.userPrincipalName || mailbox.name,
      logonType: 'Admin',
      protocol: 'Local',
      operation: 'Import',
      parameters: { count: batch.length, source: options.sourceName ?? 'stream', folder: folder.displayName },
      result: 'Succeeded',
      error: null,
      clientAddress: null,
      requestId: null,
    });
  });
}

function resolveMailbox(runtime: Runtime, identity: string): Recipient {
  const matches = runtime.state.model.lookup(identity);
  if (matches.length === 0) throw objectNotFound(identity);
  if (matches.length > 1) throw new DeputyError('InvalidArgument', `'${identity}' matches more than one recipient; use the SMTP address.`, { identity });
  const recipient = matches[0];
  if (!isMailbox(recipient)) throw new DeputyError('NonExistentMailbox', `'${identity}' has no mailbox.`, { identity });
  return recipient;
}

/** The folder by distinguished name or display name (the distinguished folders are created on first use). */
async function findFolder(tx: StoreTx, mailboxGuid: string, name: string, now: string): Promise<Folder> {
  const folders = await mailboxFolders(tx, mailboxGuid, now);
  const key = name.trim().toLowerCase();
  const folder =
    folders.find((f) => f.distinguishedName === key) ?? folders.find((f) => f.displayName.toLowerCase() === key);
  if (!folder) throw new DeputyError('ObjectNotFound', `The mailbox has no folder '${name}'.`, { objectKind: 'Folder', folder: name });
  return folder;
}
