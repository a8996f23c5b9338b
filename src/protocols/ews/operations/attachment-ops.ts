// CreateAttachment, GetAttachment and DeleteAttachment: attachments live in the item's MIME, so
// adding or removing one rewrites the MIME (and bumps the item's ChangeKey).
import { DeputyError } from '../../../core/errors.ts';
import type { Item } from '../../../core/mailbox/model.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { ownedItem, saveItem } from '../../../services/mailbox/items.ts';
import { addAttachment, itemFieldsFromMime, parseMessage, removeAttachment } from '../../../services/mail/mime.ts';
import { decodeId } from '../ids.ts';
import { attachmentMatches, decodeAttachmentId, encodeAttachmentId, itemIdAttrs } from '../shapes/ids.ts';
import { readAttachment } from '../shapes/message-input.ts';
import { node, parent, typesNs, type XmlNode } from '../shapes/xml-node.ts';
import type { EwsOperation } from '../operation.ts';
import { ewsOperation } from './define.ts';
import { composeMessage } from './message-build.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, failure, mailboxWrite, messageChild, responseMessages, type ItemResult } from './support.ts';

function attachmentNotFound(): DeputyError {
  return new DeputyError('ObjectNotFound', 'The attachment could not be found.', { objectKind: 'Attachment' });
}

/** Stores new MIME for an item and the attachment facts derived from it. */
async function replaceMime(op: MailboxOperation, item: Item, mime: Buffer): Promise<Item> {
  const fields = itemFieldsFromMime(await parseMessage(mime), mime.length);
  return saveItem(op, { ...item, attachments: fields.attachments, hasAttachments: fields.hasAttachments, size: fields.size }, mime);
}

const rootIds = (item: Item) => {
  const id = itemIdAttrs(item);
  return { RootItemId: id.Id, RootItemChangeKey: id.ChangeKey };
};

export const createAttachmentOperation: EwsOperation = ewsOperation('CreateAttachment', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const parentRef = decodeId(messageChild(request, 'ParentItemId')?.attrs.Id ?? '');
  const elements = messageChild(request, 'Attachments')?.children.filter((c) => c.ns === typesNs) ?? [];
  if (!parentRef || parentRef.kind !== 'item') return responseMessages('CreateAttachment', elements.map(() => failure('ErrorInvalidIdMalformed', 'Id is malformed.')));
  const results: ItemResult[] = [];
  for (const el of elements) {
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const item = await ownedItem(op, parentRef.uuid);
          const attachment = readAttachment(el, () => Buffer.alloc(0));
          if (attachment.kind === 'item') {
            const inner = el.children.find((c) => c.ns === typesNs && (c.local === 'Message' || c.local === 'Item'))!;
            attachment.content = (await composeMessage(inner, mailbox, op.now)).mime;
          }
          const mime = await addAttachment((await op.tx.getItemMime([item.id])).get(item.id)!, attachment);
          const saved = await replaceMime(op, item, mime);
          const index = saved.attachments.length - 1;
          await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { attachmentAdded: attachment.name } });
          const element = attachment.kind === 'item' ? 't:ItemAttachment' : 't:FileAttachment';
          return [parent('m:Attachments', [parent(element, [node('t:AttachmentId', undefined, { Id: encodeAttachmentId(item.id, index, saved.attachments[index]), ...rootIds(saved) })])])];
        }),
      ),
    );
  }
  return responseMessages('CreateAttachment', results);
});

export const getAttachmentOperation: EwsOperation = ewsOperation('GetAttachment', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const refs = (messageChild(request, 'AttachmentIds')?.children.filter((c) => c.ns === typesNs && c.local === 'AttachmentId') ?? []).map((c) => decodeAttachmentId(c.attrs.Id ?? ''));
  const results: ItemResult[] = [];
  const touched: string[] = [];
  for (const ref of refs) {
    if (!ref) {
      results.push(failure('ErrorInvalidIdMalformed', 'Id is malformed.'));
      continue;
    }
    results.push(
      await attempt(async () => {
        const [item] = (await ctx.runtime.store.getItems([ref.itemUuid])).filter((i) => i.mailboxGuid === mailbox.guid);
        if (!item) throw attachmentNotFound();
        const mime = (await ctx.runtime.store.getItemMime([item.id])).get(item.id);
        const attachment = mime ? (await parseMessage(mime)).attachments[ref.index] : undefined;
        if (!attachment || !attachmentMatches(ref, attachment)) throw attachmentNotFound();
        touched.push(item.id);
        const common: XmlNode[] = [
          node('t:AttachmentId', undefined, { Id: encodeAttachmentId(item.id, ref.index, attachment) }),
          node('t:Name', attachment.name),
          node('t:ContentType', attachment.contentType),
          ...(attachment.contentId ? [node('t:ContentId', attachment.contentId)] : []),
          node('t:Size', attachment.size),
          node('t:IsInline', attachment.isInline),
        ];
        if (attachment.kind === 'item') {
          const inner = await parseMessage(attachment.content);
          return [parent('m:Attachments', [parent('t:ItemAttachment', [...common, parent('t:Message', [node('t:MimeContent', attachment.content.toString('base64'), { CharacterSet: 'UTF-8' }), node('t:Subject', inner.subject)])])])];
        }
        return [parent('m:Attachments', [parent('t:FileAttachment', [...common, node('t:Content', attachment.content.toString('base64'))])])];
      }),
    );
  }
  recordRead(ctx, mailbox, 'MailItemsAccessed', { itemIds: touched });
  return responseMessages('GetAttachment', results);
});

export const deleteAttachmentOperation: EwsOperation = ewsOperation('DeleteAttachment', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const refs = (messageChild(request, 'AttachmentIds')?.children.filter((c) => c.ns === typesNs && c.local === 'AttachmentId') ?? []).map((c) => decodeAttachmentId(c.attrs.Id ?? ''));
  const results: ItemResult[] = [];
  for (const ref of refs) {
    if (!ref) {
      results.push(failure('ErrorInvalidIdMalformed', 'Id is malformed.'));
      continue;
    }
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const item = await ownedItem(op, ref.itemUuid).catch(() => {
            throw attachmentNotFound();
          });
          if (!attachmentMatches(ref, item.attachments[ref.index])) throw attachmentNotFound();
          const saved = await replaceMime(op, item, await removeAttachment((await op.tx.getItemMime([item.id])).get(item.id)!, ref.index));
          await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { attachmentRemoved: ref.index } });
          return [node('m:RootItemId', undefined, rootIds(saved))];
        }),
      ),
    );
  }
  return responseMessages('DeleteAttachment', results);
});

