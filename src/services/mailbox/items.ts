// Items of a mailbox: creating them from MIME, reading them (only the acting mailbox's own),
// changing flags and fields, moving, copying and deleting.
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../core/errors.ts';
import type { Folder, Item } from '../../core/mailbox/model.ts';
import type { StoreTx } from '../../store/store.ts';
import { itemFieldsFromMime, parseMessage } from '../mail/mime.ts';
import type { MailboxOperation } from './context.ts';
import { mailboxFolders } from './folders.ts';

export function itemNotFound(): DeputyError {
  return new DeputyError('ObjectNotFound', 'The specified object was not found in the store.', { objectKind: 'Item' });
}

/** Builds a new item of `folder` (in any mailbox) from its MIME. */
export async function itemFromMime(tx: StoreTx, folder: Folder, mime: Buffer, now: string, overrides: Partial<Item> = {}): Promise<Item> {
  const parsed = await parseMessage(mime);
  const fields = itemFieldsFromMime(parsed, mime.length);
  return {
    id: randomUUID(),
    mailboxGuid: folder.mailboxGuid,
    folderId: folder.id,
    ...fields,
    receivedAt: now,
    createdAt: now,
    modifiedAt: now,
    isRead: false,
    isDraft: false,
    flagStatus: 'NotFlagged',
    categories: [],
    extendedProperties: [],
    version: 1,
    modseq: await tx.nextModseq(folder.mailboxGuid),
    articleNumber: await tx.nextArticleNumber(folder.id),
    ...overrides,
  };
}

/** The items with these ids that belong to the acting mailbox; others are reported missing (never disclosed). */
export async function ownedItems(op: MailboxOperation, ids: string[]): Promise<Map<string, Item>> {
  const found = await op.tx.getItems(ids);
  return new Map(found.filter((i) => i.mailboxGuid === op.mailbox.guid).map((i) => [i.id, i]));
}

export async function ownedItem(op: MailboxOperation, id: string): Promise<Item> {
  const item = (await ownedItems(op, [id])).get(id);
  if (!item) throw itemNotFound();
  return item;
}

/** Stores a changed item with a new version (ChangeKey) and change sequence. */
export async function saveItem(op: MailboxOperation, item: Item, mime: Buffer | null): Promise<Item> {
  const next: Item = { ...item, version: item.version + 1, modseq: await op.tx.nextModseq(item.mailboxGuid), modifiedAt: op.now };
  await op.tx.putItem(next, mime);
  return next;
}

export async function moveItem(op: MailboxOperation, item: Item, destination: Folder): Promise<Item> {
  if (destination.mailboxGuid !== op.mailbox.guid) throw new DeputyError('InvalidOperation', 'Items can only be moved within the same mailbox.', { objectKind: 'Item' });
  if (destination.id === item.folderId) return item;
  return saveItem(op, { ...item, folderId: destination.id, articleNumber: await op.tx.nextArticleNumber(destination.id) }, null);
}

export async function copyItem(op: MailboxOperation, item: Item, destination: Folder): Promise<Item> {
  const mime = (await op.tx.getItemMime([item.id])).get(item.id);
  if (!mime) throw itemNotFound();
  const copy: Item = {
    ...item,
    id: randomUUID(),
    folderId: destination.id,
    version: 1,
    createdAt: op.now,
    modifiedAt: op.now,
    modseq: await op.tx.nextModseq(item.mailboxGuid),
    articleNumber: await op.tx.nextArticleNumber(destination.id),
  };
  await op.tx.putItem(copy, mime);
  return copy;
}

export type DeleteMode = 'HardDelete' | 'SoftDelete' | 'MoveToDeletedItems';

/** Deletes an item; MoveToDeletedItems moves it (deleting for good when already there). */
export async function deleteItem(op: MailboxOperation, item: Item, mode: DeleteMode): Promise<void> {
  const folders = await mailboxFolders(op.tx, op.mailbox.guid, op.now);
  const target = mode === 'MoveToDeletedItems' ? 'deleteditems' : mode === 'SoftDelete' ? 'recoverableitemsdeletions' : null;
  const destination = target ? folders.find((f) => f.distinguishedName === target) : undefined;
  if (destination && destination.id !== item.folderId) {
    await moveItem(op, item, destination);
    return;
  }
  await op.tx.deleteItems([item.id], await op.tx.nextModseq(item.mailboxGuid));
}
