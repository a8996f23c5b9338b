// Folders of a mailbox: the distinguished folders (created on first use), lookups by id or
// distinguished name, and creating, renaming, moving and deleting folders.
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../core/errors.ts';
import { distinguishedFolders, type Folder } from '../../core/mailbox/model.ts';
import type { StoreTx } from '../../store/store.ts';
import type { MailboxOperation } from './context.ts';

export function folderNotFound(what: string): DeputyError {
  return new DeputyError('ObjectNotFound', `The specified folder could not be found in the store (${what}).`, { objectKind: 'Folder' });
}

/** The mailbox's folders, creating the distinguished ones the first time a mailbox is used. */
export async function mailboxFolders(tx: StoreTx, mailboxGuid: string, now: string): Promise<Folder[]> {
  const existing = await tx.listFolders(mailboxGuid);
  const present = new Set(existing.map((f) => f.distinguishedName).filter(Boolean));
  if (distinguishedFolders.every((d) => present.has(d.name))) return existing;
  const byName = new Map(existing.filter((f) => f.distinguishedName).map((f) => [f.distinguishedName!, f]));
  for (const d of distinguishedFolders) {
    if (byName.has(d.name)) continue;
    const folder: Folder = {
      id: randomUUID(),
      mailboxGuid,
      parentId: d.parent ? byName.get(d.parent)!.id : null,
      distinguishedName: d.name,
      displayName: d.displayName,
      folderClass: d.folderClass,
      version: 1,
      createdAt: now,
      modifiedAt: now,
    };
    await tx.putFolder(folder);
    byName.set(d.name, folder);
    existing.push(folder);
  }
  return existing;
}

export type FolderRef = { distinguished: string } | { id: string };

export async function resolveFolder(op: MailboxOperation, ref: FolderRef): Promise<Folder> {
  const folders = await mailboxFolders(op.tx, op.mailbox.guid, op.now);
  const found = 'id' in ref ? folders.find((f) => f.id === ref.id) : folders.find((f) => f.distinguishedName === ref.distinguished.toLowerCase());
  if (!found) throw folderNotFound('id' in ref ? 'folder id' : `distinguished folder '${ref.distinguished}'`);
  return found;
}

function checkFolderName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new DeputyError('InvalidArgument', 'A folder name cannot be empty.', { objectKind: 'Folder' });
  if (trimmed.length > 255) throw new DeputyError('InvalidArgument', 'A folder name can be at most 255 characters long.', { objectKind: 'Folder' });
  return trimmed;
}

/** Folder names are unique among siblings, ignoring case (clients such as DavMail resolve folders by name). */
async function checkUniqueName(op: MailboxOperation, parentId: string, name: string, except: string | null): Promise<void> {
  const folders = await mailboxFolders(op.tx, op.mailbox.guid, op.now);
  if (folders.some((f) => f.parentId === parentId && f.id !== except && f.displayName.toLowerCase() === name.toLowerCase())) {
    const parent = folders.find((f) => f.id === parentId);
    throw new DeputyError('AlreadyExists', `A folder with the name '${name}' already exists in '${parent?.displayName ?? 'its parent'}'.`, { objectKind: 'Folder' });
  }
}

export async function createFolder(op: MailboxOperation, parent: Folder, displayName: string, folderClass: string | null): Promise<Folder> {
  const name = checkFolderName(displayName);
  await checkUniqueName(op, parent.id, name, null);
  const folder: Folder = {
    id: randomUUID(),
    mailboxGuid: op.mailbox.guid,
    parentId: parent.id,
    distinguishedName: null,
    displayName: name,
    folderClass: folderClass ?? (parent.folderClass || 'IPF.Note'),
    version: 1,
    createdAt: op.now,
    modifiedAt: op.now,
  };
  await op.tx.putFolder(folder);
  return folder;
}

export async function renameFolder(op: MailboxOperation, folder: Folder, displayName: string): Promise<Folder> {
  if (folder.distinguishedName) throw new DeputyError('InvalidOperation', `The distinguished folder '${folder.distinguishedName}' can't be renamed.`, { objectKind: 'Folder' });
  const name = checkFolderName(displayName);
  if (folder.parentId) await checkUniqueName(op, folder.parentId, name, folder.id);
  const next = { ...folder, displayName: name, version: folder.version + 1, modifiedAt: op.now };
  await op.tx.putFolder(next);
  return next;
}

/** Moves a folder under another parent of the same mailbox (never a distinguished folder, never below itself). */
export async function moveFolder(op: MailboxOperation, folder: Folder, parent: Folder): Promise<Folder> {
  if (folder.distinguishedName) throw new DeputyError('InvalidOperation', `The distinguished folder '${folder.distinguishedName}' can't be moved.`, { objectKind: 'Folder', errorId: 'MoveDistinguishedFolder' });
  if (parent.id === folder.id || (await descendants(op, folder)).some((f) => f.id === parent.id)) {
    throw new DeputyError('InvalidOperation', `'${folder.displayName}' can't be moved into itself or one of its subfolders.`, { objectKind: 'Folder', errorId: 'MoveIntoSubfolder' });
  }
  if (parent.id === folder.parentId) return folder;
  await checkUniqueName(op, parent.id, folder.displayName, folder.id);
  const next = { ...folder, parentId: parent.id, version: folder.version + 1, modifiedAt: op.now };
  await op.tx.putFolder(next);
  return next;
}

/** All folders below `folder` (children first order is not guaranteed). */
export async function descendants(op: MailboxOperation, folder: Folder): Promise<Folder[]> {
  const folders = await mailboxFolders(op.tx, op.mailbox.guid, op.now);
  const result: Folder[] = [];
  const queue = [folder.id];
  while (queue.length) {
    const id = queue.pop()!;
    for (const f of folders) if (f.parentId === id) {
      result.push(f);
      queue.push(f.id);
    }
  }
  return result;
}

const mailboxesWithFolders = new WeakMap<object, Set<string>>();

/**
 * The mailbox's folders for a read: creates the distinguished folders in a write transaction
 * only the first time (remembered per runtime), so reads never take the writer lock afterwards.
 */
export async function foldersForRead(runtime: { store: import('../../store/store.ts').Store; now(): Date }, mailboxGuid: string): Promise<Folder[]> {
  let known = mailboxesWithFolders.get(runtime);
  if (!known) mailboxesWithFolders.set(runtime, (known = new Set()));
  if (!known.has(mailboxGuid)) {
    const now = runtime.now().toISOString();
    const folders = await runtime.store.transaction((tx) => mailboxFolders(tx, mailboxGuid, now));
    known.add(mailboxGuid);
    return folders;
  }
  return runtime.store.listFolders(mailboxGuid);
}
