// DeleteItem, MoveItem, CopyItem, SendItem and MarkAllItemsAsRead: simple per-item changes,
// each item in its own transaction with its audit record.
import { DeputyError } from '../../../core/errors.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import { mailboxFolders } from '../../../services/mailbox/folders.ts';
import { copyItem, deleteItem, moveItem, ownedItem, saveItem, type DeleteMode } from '../../../services/mailbox/items.ts';
import { sendMime } from '../../../services/mailbox/send.ts';
import { parseBoolean, parent, typesNs, type XmlNode } from '../shapes/xml-node.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { messageNode } from '../shapes/message.ts';
import { deleteOccurrence, hasOccurrenceIds } from './calendar.ts';
import { appointmentClass, entriesOf } from '../../../services/calendar/calendar-items.ts';
import { organizes, sendCancellations } from '../../../services/calendar/meetings.ts';
import { decodeOccurrenceId } from '../shapes/calendar-item.ts';
import { ewsOperation } from './define.ts';
import { actingMailbox, attempt, eachItemWrite, findFolder, mailboxWrite, messageChild, readFolderId, readFolderIds, readItemIds, responseMessages, malformedId, type ItemResult } from './support.ts';
import type { EwsOperation } from '../operation.ts';

const idOnly = { base: 'IdOnly' as const, fields: new Set<string>(), extended: [], includeMime: false, bodyType: 'Best' as const };

const cancellationModes = new Set(['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy']);

/** Deletes an item; the organizer deleting a meeting sends its cancellation unless told SendToNone. */
async function deleteWhole(op: MailboxOperation, uuid: string, mode: DeleteMode, cancellations: string): Promise<XmlNode[]> {
  const item = await ownedItem(op, uuid);
  const [entry] = item.itemClass === appointmentClass ? await entriesOf(op.tx, [item]) : [];
  const cancel = cancellations !== 'SendToNone' && entry && entry.event.organizer && entry.event.status !== 'CANCELLED' && organizes(op.mailbox, entry.event);
  const delivery = cancel ? await sendCancellations(op, { ...entry.event, status: 'CANCELLED', sequence: entry.event.sequence + 1 }, entry.event.attendees, cancellations === 'SendToAllAndSaveCopy') : null;
  await deleteItem(op, item, mode);
  await auditMailboxOperation(op, {
    operation: mode,
    itemIds: [item.id, ...(delivery?.sentCopyId ? [delivery.sentCopyId] : [])],
    folderIds: [item.folderId],
    ...(delivery ? { details: { meetingCancellation: cancellations, deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } } : {}),
  });
  return [];
}

export const deleteItemOperation: EwsOperation = ewsOperation('DeleteItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const mode = (request.attrs.DeleteType ?? 'MoveToDeletedItems') as DeleteMode;
  if (!['HardDelete', 'SoftDelete', 'MoveToDeletedItems'].includes(mode)) throw new DeputyError('InvalidArgument', `DeleteType '${mode}' is not valid.`, { ewsCode: 'ErrorInvalidRequest' });
  const cancellations = request.attrs.SendMeetingCancellations ?? 'SendToNone';
  if (!cancellationModes.has(cancellations)) throw new DeputyError('InvalidArgument', `SendMeetingCancellations '${cancellations}' is not valid.`, { ewsCode: 'ErrorInvalidRequest' });
  const deleteOne = (op: MailboxOperation, uuid: string) => deleteWhole(op, uuid, mode, cancellations);
  const idsEl = messageChild(request, 'ItemIds');
  if (!hasOccurrenceIds(idsEl)) return responseMessages('DeleteItem', await eachItemWrite(ctx, mailbox, readItemIds(idsEl), deleteOne));
  // Occurrences of a series are deleted from their master (an EXDATE); other ids as usual.
  const results: ItemResult[] = [];
  for (const el of (idsEl?.children ?? []).filter((c) => c.ns === typesNs)) {
    results.push(decodeOccurrenceId(el.attrs.Id ?? '') ? await deleteOccurrence(ctx, el.attrs.Id ?? '', cancellations) : (await eachItemWrite(ctx, mailbox, readItemIds({ ...idsEl!, children: [el] }), deleteOne))[0] ?? malformedId());
  }
  return responseMessages('DeleteItem', results);
});

function moveOrCopy(name: 'MoveItem' | 'CopyItem'): EwsOperation {
  return ewsOperation(name, async (ctx, request) => {
    const mailbox = actingMailbox(ctx);
    const target = messageChild(request, 'ToFolderId')?.children.find((c) => c.ns === typesNs);
    if (!target) throw new DeputyError('InvalidArgument', `${name} needs a ToFolderId.`, { ewsCode: 'ErrorInvalidRequest' });
    const results = await eachItemWrite(ctx, mailbox, readItemIds(messageChild(request, 'ItemIds')), async (op, uuid) => {
      const destination = findFolder(await mailboxFolders(op.tx, mailbox.guid, op.now), mailbox, readFolderId(target));
      const item = await ownedItem(op, uuid);
      const result = name === 'MoveItem' ? await moveItem(op, item, destination) : await copyItem(op, item, destination);
      await auditMailboxOperation(op, { operation: name === 'MoveItem' ? 'Move' : 'Copy', itemIds: [item.id, result.id], folderIds: [item.folderId, destination.id] });
      return [parent('m:Items', [messageNode(result, idOnly)])];
    });
    return responseMessages(name, results);
  });
}

export const moveItemOperation = moveOrCopy('MoveItem');
export const copyItemOperation = moveOrCopy('CopyItem');

export const sendItemOperation: EwsOperation = ewsOperation('SendItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const save = parseBoolean(request.attrs.SaveItemToFolder) ?? true;
  const savedEl = messageChild(request, 'SavedItemFolderId')?.children.find((c) => c.ns === typesNs);
  const results = await eachItemWrite(ctx, mailbox, readItemIds(messageChild(request, 'ItemIds')), async (op, uuid) => {
    const folders = await mailboxFolders(op.tx, mailbox.guid, op.now);
    const item = await ownedItem(op, uuid);
    const mime = (await op.tx.getItemMime([item.id])).get(item.id)!;
    const savedIn = !save ? null : savedEl ? findFolder(folders, mailbox, readFolderId(savedEl)) : folders.find((f) => f.distinguishedName === 'sentitems')!;
    const result = await sendMime(op, mime, savedIn);
    await op.tx.deleteItems([item.id], await op.tx.nextModseq(mailbox.guid));
    await auditMailboxOperation(op, { operation: result.sentAs ? 'SendAs' : 'Send', itemIds: [item.id, ...(result.sentCopy ? [result.sentCopy.id] : [])], details: { deliveredTo: result.delivered.length, queuedFor: result.queuedFor.length, ...(result.sentAs ? { sentAs: result.sentAs } : {}) } });
    return [];
  });
  return responseMessages('SendItem', results);
});

export const markAllItemsAsReadOperation: EwsOperation = ewsOperation('MarkAllItemsAsRead', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const read = parseBoolean(messageChild(request, 'ReadFlag')?.text) ?? true;
  const results: ItemResult[] = [];
  for (const ref of readFolderIds(messageChild(request, 'FolderIds'))) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const folder = findFolder(await mailboxFolders(op.tx, mailbox.guid, op.now), mailbox, ref);
          const changed: string[] = [];
          // Page through the items to change so a large folder never loads at once.
          for (;;) {
            const page = await op.tx.queryItems({ mailboxGuid: mailbox.guid, folderIds: [folder.id], where: { op: 'eq', field: 'isRead', value: !read }, orderBy: [], offset: 0, limit: 500 });
            if (page.items.length === 0) break;
            for (const item of page.items) {
              await saveItem(op, { ...item, isRead: read }, null);
              changed.push(item.id);
            }
          }
          await auditMailboxOperation(op, { operation: 'UpdateFlags', itemIds: changed, folderIds: [folder.id], details: { isRead: read } });
          return [];
        }),
      ),
    );
  }
  return responseMessages('MarkAllItemsAsRead', results);
});
