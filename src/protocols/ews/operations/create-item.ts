// CreateItem: messages saved (SaveOnly), sent (SendOnly) or sent with a copy (SendAndSaveCopy),
// from fields or MimeContent, replies/forwards of existing items, calendar items (meetings send
// their invitations) and meeting responses and cancellations. Each item commits on its own.
import { DeputyError } from '../../../core/errors.ts';
import type { Folder, Item } from '../../../core/mailbox/model.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { mailboxFolders } from '../../../services/mailbox/folders.ts';
import { itemFromMime, ownedItem } from '../../../services/mailbox/items.ts';
import { checkSendAs, sendMime } from '../../../services/mailbox/send.ts';
import { parseMessage } from '../../../services/mail/mime.ts';
import { messageNode } from '../shapes/message.ts';
import { itemStateOf, type MessageInput } from '../shapes/message-input.ts';
import { childIn, parent, typesNs, type XmlIn } from '../shapes/xml-node.ts';
import { decodeId } from '../ids.ts';
import { createCalendarItem } from './calendar.ts';
import { createMeetingResponse, isMeetingResponseObject } from './meeting-ops.ts';
import { ewsOperation } from './define.ts';
import { composeMessage, composeResponse } from './message-build.ts';
import { actingMailbox, attempt, findFolder, mailboxWrite, messageChild, readFolderId, responseMessages } from './support.ts';

import type { Disposition } from './meeting-ops.ts';
// As Exchange does, the new item's attachment ids come back with its ItemId: clients (the EWS
// Managed API, ews-javascript-api) would otherwise upload the attachments again with CreateAttachment.
const createdShape = { base: 'IdOnly' as const, fields: new Set(['item:Attachments']), extended: [], includeMime: false, bodyType: 'Best' as const };

/**
 * Applies the properties that live beside the MIME (read flag, categories, flag, extended properties).
 * PR_MESSAGE_FLAGS and PR_FLAG_STATUS (DavMail's APPEND) set the item's state; the unsent bit only
 * where the item is saved (`saved`), never on a sent copy.
 */
function withItemProperties(item: Item, input: MessageInput, saved = false): Item {
  const state = itemStateOf(input.extendedProperties);
  const flags = state.messageFlags;
  const flagStatus = state.flagStatus ?? input.flagStatus;
  return {
    ...item,
    ...(flags !== null ? { isRead: (flags & 1) !== 0, ...(saved ? { isDraft: (flags & 8) !== 0 } : {}) } : {}),
    ...(input.isRead !== null ? { isRead: input.isRead } : {}),
    ...(input.categories ? { categories: input.categories } : {}),
    ...(flagStatus ? { flagStatus } : {}),
    ...(state.rest.length ? { extendedProperties: state.rest } : {}),
  };
}

async function saveOrSend(op: MailboxOperation, disposition: Disposition, savedIn: Folder | null, mime: Buffer, input: MessageInput): Promise<Item | null> {
  const folders = await mailboxFolders(op.tx, op.mailbox.guid, op.now);
  const byName = (name: string) => folders.find((f) => f.distinguishedName === name)!;
  if (disposition === 'SaveOnly') {
    const folder = savedIn ?? byName('drafts');
    // A message given as MimeContent is filed as it is (DavMail's IMAP APPEND of received mail):
    // only a draft composed here is checked for Send As; sending checks every message.
    if (!input.mime) await checkSendAs(op, (await parseMessage(mime)).from);
    const item = withItemProperties(await itemFromMime(op.tx, folder, mime, op.now, { isDraft: !input.mime, isRead: true }), input, true);
    await op.tx.putItem(item, mime);
    await auditMailboxOperation(op, { operation: 'Create', itemIds: [item.id], folderIds: [folder.id] });
    return item;
  }
  const result = await sendMime(op, mime, disposition === 'SendAndSaveCopy' ? (savedIn ?? byName('sentitems')) : null);
  if (result.sentCopy) await op.tx.putItem(withItemProperties(result.sentCopy, { ...input, isRead: true }), null);
  await auditMailboxOperation(op, {
    operation: result.sentAs ? 'SendAs' : 'Send',
    itemIds: result.sentCopy ? [result.sentCopy.id] : [],
    details: { deliveredTo: result.delivered.length, queuedFor: result.queuedFor.length, disposition, ...(result.sentAs ? { sentAs: result.sentAs } : {}) },
  });
  return null;
}

export default ewsOperation('CreateItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const disposition = (request.attrs.MessageDisposition ?? 'SaveOnly') as Disposition;
  if (!['SaveOnly', 'SendOnly', 'SendAndSaveCopy'].includes(disposition)) {
    throw new DeputyError('InvalidArgument', `MessageDisposition '${disposition}' is not valid.`, { ewsCode: 'ErrorInvalidRequest' });
  }
  const savedEl = messageChild(request, 'SavedItemFolderId')?.children.find((c) => c.ns === typesNs);
  const items = messageChild(request, 'Items')?.children.filter((c) => c.ns === typesNs) ?? [];
  const results = [];
  for (const el of items) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const folders = await mailboxFolders(op.tx, mailbox.guid, op.now);
          const savedIn = savedEl ? findFolder(folders, mailbox, readFolderId(savedEl)) : null;
          if (el.local === 'CalendarItem') return createCalendarItem(ctx, op, el, folders, savedIn, request.attrs.SendMeetingInvitations);
          if (isMeetingResponseObject(el.local)) return createMeetingResponse(op, el, disposition);
          let composed: { input: MessageInput; mime: Buffer };
          if (el.local === 'Message') composed = await composeMessage(el, mailbox, op.now);
          else if (el.local === 'ReplyToItem' || el.local === 'ReplyAllToItem' || el.local === 'ForwardItem') {
            const ref = decodeId(childIn(el, 'ReferenceItemId')?.attrs.Id ?? '');
            if (!ref || ref.kind !== 'item') throw new DeputyError('InvalidArgument', 'The ReferenceItemId is malformed.', { ewsCode: 'ErrorInvalidIdMalformed' });
            const original = await ownedItem(op, ref.uuid);
            const originalMime = (await op.tx.getItemMime([original.id])).get(original.id)!;
            composed = await composeResponse(el.local, el as XmlIn, original, originalMime, mailbox, op.now);
          } else {
            throw new DeputyError('NotImplemented', `Creating ${el.local} items is not implemented yet.`, { ewsCode: 'ErrorInvalidOperation' });
          }
          const saved = await saveOrSend(op, disposition, savedIn, composed.mime, composed.input);
          return [parent('m:Items', saved ? [messageNode(saved, createdShape)] : [])];
        }),
      ),
    );
  }
  return responseMessages('CreateItem', results);
});
