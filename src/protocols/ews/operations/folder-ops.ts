// CreateFolder, DeleteFolder, UpdateFolder (rename), MoveFolder and EmptyFolder.
import { DeputyError } from '../../../core/errors.ts';
import type { Folder } from '../../../core/mailbox/model.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { createFolder, descendants, mailboxFolders, moveFolder, renameFolder } from '../../../services/mailbox/folders.ts';
import { folderNode } from '../shapes/folder.ts';
import { childIn, parseBoolean, parent, typesNs } from '../shapes/xml-node.ts';
import type { EwsOperation } from '../operation.ts';
import { ewsOperation } from './define.ts';
import { actingMailbox, attempt, findFolder, mailboxWrite, messageChild, readFolderId, readFolderIds, responseMessages, type ItemResult } from './support.ts';

const idOnlyFolder = { base: 'IdOnly' as const, fields: new Set<string>(), extended: [] };
const noCounts = { total: 0, unread: 0, childFolders: 0 };

export const createFolderOperation: EwsOperation = ewsOperation('CreateFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const parentEl = messageChild(request, 'ParentFolderId')?.children.find((c) => c.ns === typesNs);
  if (!parentEl) throw new DeputyError('InvalidArgument', 'CreateFolder needs a ParentFolderId.', { ewsCode: 'ErrorInvalidRequest' });
  const results: ItemResult[] = [];
  for (const el of messageChild(request, 'Folders')?.children.filter((c) => c.ns === typesNs) ?? []) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const parentFolder = findFolder(await mailboxFolders(op.tx, mailbox.guid, op.now), mailbox, readFolderId(parentEl));
          const defaultClass = el.local === 'CalendarFolder' ? 'IPF.Appointment' : el.local === 'ContactsFolder' ? 'IPF.Contact' : el.local === 'TasksFolder' ? 'IPF.Task' : null;
          const folder = await createFolder(op, parentFolder, childIn(el, 'DisplayName')?.text ?? '', childIn(el, 'FolderClass')?.text.trim() || defaultClass);
          await auditMailboxOperation(op, { operation: 'CreateFolder', folderIds: [folder.id] });
          return [parent('m:Folders', [folderNode(folder, noCounts, idOnlyFolder)])];
        }),
      ),
    );
  }
  return responseMessages('CreateFolder', results);
});

/** Deletes the items of the folders (and the folders themselves when `removeFolders`), deepest first. */
async function purge(op: MailboxOperation, folders: Folder[], removeFolders: boolean): Promise<number> {
  let removed = 0;
  for (const folder of folders) {
    for (;;) {
      const page = await op.tx.queryItems({ mailboxGuid: op.mailbox.guid, folderIds: [folder.id], orderBy: [], offset: 0, limit: 500 });
      if (page.items.length === 0) break;
      await op.tx.deleteItems(page.items.map((i) => i.id), await op.tx.nextModseq(op.mailbox.guid));
      removed += page.items.length;
    }
  }
  if (removeFolders) for (const folder of [...folders].reverse()) await op.tx.deleteFolder(folder.id);
  return removed;
}

export const deleteFolderOperation: EwsOperation = ewsOperation('DeleteFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const mode = request.attrs.DeleteType ?? 'MoveToDeletedItems';
  const results: ItemResult[] = [];
  for (const ref of readFolderIds(messageChild(request, 'FolderIds'))) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const all = await mailboxFolders(op.tx, mailbox.guid, op.now);
          const folder = findFolder(all, mailbox, ref);
          if (folder.distinguishedName) throw new DeputyError('InvalidOperation', `The distinguished folder '${folder.distinguishedName}' can't be deleted.`, { ewsCode: 'ErrorDeleteDistinguishedFolder' });
          const deleted = all.find((f) => f.distinguishedName === 'deleteditems')!;
          const below = await descendants(op, folder);
          const inDeletedItems = [deleted.id, ...(await descendants(op, deleted)).map((f) => f.id)].includes(folder.parentId ?? '');
          if (mode === 'MoveToDeletedItems' && !inDeletedItems) {
            await op.tx.putFolder({ ...folder, parentId: deleted.id, version: folder.version + 1, modifiedAt: op.now });
          } else {
            await purge(op, [folder, ...below], true);
          }
          await auditMailboxOperation(op, { operation: 'DeleteFolder', folderIds: [folder.id, ...below.map((f) => f.id)], details: { deleteType: mode } });
          return [];
        }),
      ),
    );
  }
  return responseMessages('DeleteFolder', results);
});

export const emptyFolderOperation: EwsOperation = ewsOperation('EmptyFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const withSubfolders = parseBoolean(request.attrs.DeleteSubFolders) ?? false;
  const results: ItemResult[] = [];
  for (const ref of readFolderIds(messageChild(request, 'FolderIds'))) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const folder = findFolder(await mailboxFolders(op.tx, mailbox.guid, op.now), mailbox, ref);
          const below = withSubfolders ? await descendants(op, folder) : [];
          // Emptying the root or Top of Information Store with its subfolders would take Inbox and
          // the other distinguished folders with it: refused, and nothing is deleted.
          if (below.some((f) => f.distinguishedName)) throw new DeputyError('InvalidOperation', `'${folder.displayName}' holds distinguished folders, which can't be deleted; empty them one by one.`, { ewsCode: 'ErrorCannotEmptyFolder' });
          const removed = await purge(op, [folder], false);
          if (below.length) await purge(op, below, true);
          await auditMailboxOperation(op, { operation: 'EmptyFolder', folderIds: [folder.id], details: { items: removed, subfolders: below.length } });
          return [];
        }),
      ),
    );
  }
  return responseMessages('EmptyFolder', results);
});

export const updateFolderOperation: EwsOperation = ewsOperation('UpdateFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const results: ItemResult[] = [];
  for (const change of messageChild(request, 'FolderChanges')?.children.filter((c) => c.ns === typesNs && c.local === 'FolderChange') ?? []) {
    const idEl = change.children.find((c) => c.ns === typesNs && (c.local === 'FolderId' || c.local === 'DistinguishedFolderId'));
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          if (!idEl) throw new DeputyError('InvalidArgument', 'A FolderChange needs a FolderId.', { ewsCode: 'ErrorInvalidRequest' });
          let folder = findFolder(await mailboxFolders(op.tx, mailbox.guid, op.now), mailbox, readFolderId(idEl));
          for (const u of childIn(change, 'Updates')?.children.filter((c) => c.ns === typesNs) ?? []) {
            const uri = childIn(u, 'FieldURI')?.attrs.FieldURI;
            const value = u.children.find((c) => c.ns === typesNs && c.local !== 'FieldURI');
            if (uri === 'folder:DisplayName' && u.local === 'SetFolderField' && value) folder = await renameFolder(op, folder, childIn(value, 'DisplayName')?.text ?? '');
            else throw new DeputyError('InvalidArgument', `Updating ${uri ?? 'that folder property'} is not supported.`, { ewsCode: 'ErrorInvalidPropertyRequest' });
          }
          await auditMailboxOperation(op, { operation: 'UpdateFolder', folderIds: [folder.id] });
          return [parent('m:Folders', [folderNode(folder, noCounts, idOnlyFolder)])];
        }),
      ),
    );
  }
  return responseMessages('UpdateFolder', results);
});

/** MoveFolder: DavMail's IMAP RENAME to another parent. The folder keeps its id. */
export const moveFolderOperation: EwsOperation = ewsOperation('MoveFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const target = messageChild(request, 'ToFolderId')?.children.find((c) => c.ns === typesNs);
  if (!target) throw new DeputyError('InvalidArgument', 'MoveFolder needs a ToFolderId.', { ewsCode: 'ErrorInvalidRequest' });
  const results: ItemResult[] = [];
  for (const ref of readFolderIds(messageChild(request, 'FolderIds'))) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const folders = await mailboxFolders(op.tx, mailbox.guid, op.now);
          const destination = findFolder(folders, mailbox, readFolderId(target));
          const folder = await moveFolder(op, findFolder(folders, mailbox, ref), destination);
          await auditMailboxOperation(op, { operation: 'MoveFolder', folderIds: [folder.id, destination.id] });
          return [parent('m:Folders', [folderNode(folder, noCounts, idOnlyFolder)])];
        }),
      ),
    );
  }
  return responseMessages('MoveFolder', results);
});
