// GetItem: items by id in the requested shape; MIME is read only when asked for, and bodies are
// parsed from it only when the shape includes them.
import type { Item } from '../../../core/mailbox/model.ts';
import { parseMessage } from '../../../services/mail/mime.ts';
import { readItemShape, type ItemShape } from '../shapes/field-uris.ts';
import { messageNode } from '../shapes/message.ts';
import { parent } from '../shapes/xml-node.ts';
import { ewsOperation } from './define.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, failure, malformedId, messageChild, readItemIds, responseMessages, type ItemResult } from './support.ts';

const wantsBody = (shape: ItemShape) => shape.base !== 'IdOnly' || shape.fields.has('item:Body') || shape.fields.has('item:TextBody');

export default ewsOperation('GetItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const ids = readItemIds(messageChild(request, 'ItemIds'));
  const wanted = ids.filter((x): x is { uuid: string; changeKey: string | null } => !!x).map((x) => x.uuid);
  const store = ctx.runtime.store;
  const items = new Map<string, Item>((await store.getItems(wanted)).filter((i) => i.mailboxGuid === mailbox.guid).map((i) => [i.id, i]));
  const needMime = shape.includeMime || wantsBody(shape);
  const mimes = needMime && items.size ? await store.getItemMime([...items.keys()]) : new Map<string, Buffer>();
  const results: ItemResult[] = [];
  for (const ref of ids) {
    if (!ref) {
      results.push(malformedId());
      continue;
    }
    const item = items.get(ref.uuid);
    if (!item) {
      results.push(failure('ErrorItemNotFound', 'The specified object was not found in the store.'));
      continue;
    }
    const mime = mimes.get(item.id);
    let body: { text: string | null; html: string | null } | undefined;
    if (mime && wantsBody(shape)) {
      const parsed = await parseMessage(mime);
      body = { text: parsed.textBody, html: parsed.htmlBody };
    }
    results.push({ ok: true, payload: [parent('m:Items', [messageNode(item, shape, { mime: shape.includeMime ? mime : undefined, body })])] });
  }
  recordRead(ctx, mailbox, 'MailItemsAccessed', { itemIds: [...items.keys()] });
  return responseMessages('GetItem', results);
});
