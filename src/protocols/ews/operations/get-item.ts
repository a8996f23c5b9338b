// GetItem: items by id in the requested shape; MIME is read only when asked for, and bodies are
// parsed from it only when the shape includes them. For IdOnly shapes (the bulk fetch of MIME that
// DavMail and exchangelib make) only the items' heads are read, not all their columns. MimeContent
// goes from the stored bytes straight into the response as base64 (XmlWriter.base64): it is most
// of a typical response, and base64 has nothing to escape. Reads on someone else's mailbox are
// audited by the batched read audit (recordRead), which is the request's only audit event.
import { isDeputyError } from '../../../core/errors.ts';
import type { Item } from '../../../core/mailbox/model.ts';
import type { ItemHead } from '../../../store/mailbox-store.ts';
import { parseMessage } from '../../../services/mail/mime.ts';
import { EwsError } from '../errors.ts';
import { defineOperation, type EwsContext } from '../operation.ts';
import { isResponseCode, type ResponseCode } from '../response-codes.ts';
import { readItemShape, type ItemShape } from '../shapes/field-uris.ts';
import { messageNode } from '../shapes/message.ts';
import { parent, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';
import type { XmlWriter } from '../xml/writer.ts';
import { getCalendarItems, hasOccurrenceIds } from './calendar.ts';
import { appointmentClass } from '../../../services/calendar/calendar-items.ts';
import { isMeetingMessageClass } from '../../../services/calendar/meetings.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, failure, malformedId, messageChild, readItemIds, responseMessages, type ItemResult } from './support.ts';

const wantsBody = (shape: ItemShape) => shape.base !== 'IdOnly' || shape.fields.has('item:Body') || shape.fields.has('item:TextBody');
const wantsMime = (shape: ItemShape) => shape.includeMime || shape.fields.has('item:MimeContent');

/** A shape that shows nothing of an item but its id (and MIME): IdOnly without other properties. */
const idOnly = (shape: ItemShape) => shape.base === 'IdOnly' && shape.extended.length === 0 && [...shape.fields].every((f) => f === 'item:MimeContent');

/** The Item fields an ItemHead lacks. */
const notInHead = [
  'subject', 'from', 'sender', 'to', 'cc', 'bcc', 'replyTo', 'receivedAt', 'sentAt', 'createdAt', 'modifiedAt', 'isRead', 'isDraft', 'importance', 'flagStatus', 'size',
  'hasAttachments', 'attachments', 'categories', 'internetMessageId', 'inReplyTo', 'conversationId', 'conversationTopic', 'preview', 'extendedProperties', 'articleNumber',
] as const satisfies ReadonlyArray<Exclude<keyof Item, keyof ItemHead>>;
// Every field is either in the head or listed above (a compile error otherwise).
const _everyFieldListed: [Exclude<keyof Item, keyof ItemHead | (typeof notInHead)[number]>] extends [never] ? true : never = true;

class HeadOnly extends Error {}

/**
 * An Item of which only the head was read: reading any other field throws HeadOnly, and GetItem
 * then reads the whole items. So if messageNode ever shows more than the id for IdOnly shapes, the
 * response stays right (only slower); nothing is ever written from a field that was not read.
 */
const headPrototype: object = Object.create(
  Object.prototype,
  Object.fromEntries(
    notInHead.map((field) => [
      field,
      {
        get() {
          throw new HeadOnly(`Item field '${field}' was not read`);
        },
      },
    ]),
  ),
);
const headItem = (head: ItemHead): Item => Object.assign(Object.create(headPrototype) as Item, head);

/** Stands in for the MIME when messageNode builds t:Message, so it places t:MimeContent without encoding anything. */
const mimePlaceholder = Buffer.alloc(0);

interface GetItemResponse {
  response: XmlNode;
  /** The t:MimeContent elements of the response and the bytes each holds. */
  mime: Map<XmlNode, Buffer>;
}

async function getItem(ctx: EwsContext, request: XmlIn): Promise<GetItemResponse> {
  const mailbox = actingMailbox(ctx);
  const idsEl = messageChild(request, 'ItemIds');
  if (hasOccurrenceIds(idsEl)) return { response: await getCalendarItems(ctx, request), mime: new Map() };
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const ids = readItemIds(idsEl);
  const wanted = ids.filter((x): x is { uuid: string; changeKey: string | null } => !!x).map((x) => x.uuid);
  const store = ctx.runtime.store;
  const items = new Map<string, Item>();
  const found = idOnly(shape) ? (await store.getItemHeads(wanted)).map(headItem) : await store.getItems(wanted);
  for (const item of found) if (item.mailboxGuid === mailbox.guid) items.set(item.id, item);
  // The items just read tell whether calendar items are asked for: no second read for messages.
  for (const item of items.values()) if (item.itemClass === appointmentClass || isMeetingMessageClass(item.itemClass)) return { response: await getCalendarItems(ctx, request), mime: new Map() };
  const mimes = (wantsMime(shape) || wantsBody(shape)) && items.size ? await store.getItemMime([...items.keys()]) : new Map<string, Buffer>();
  let response: GetItemResponse;
  try {
    response = await respond(ids, items, mimes, shape);
  } catch (error) {
    if (!(error instanceof HeadOnly)) throw error;
    const whole = new Map<string, Item>();
    for (const item of await store.getItems([...items.keys()])) if (item.mailboxGuid === mailbox.guid) whole.set(item.id, item);
    response = await respond(ids, whole, mimes, shape);
  }
  recordRead(ctx, mailbox, 'MailItemsAccessed', { itemIds: [...items.keys()] });
  return response;
}

async function respond(ids: ReturnType<typeof readItemIds>, items: Map<string, Item>, mimes: Map<string, Buffer>, shape: ItemShape): Promise<GetItemResponse> {
  const mimeNodes = new Map<XmlNode, Buffer>();
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
    results.push({ ok: true, payload: [parent('m:Items', [messageElement(item, shape, mime && wantsMime(shape) ? mime : undefined, body, mimeNodes)])] });
  }
  return { response: responseMessages('GetItem', results), mime: mimeNodes };
}

/** t:Message for the shape; its t:MimeContent (when there is MIME to send) is registered in `mimeNodes` with the bytes. */
function messageElement(item: Item, shape: ItemShape, mime: Buffer | undefined, body: { text: string | null; html: string | null } | undefined, mimeNodes: Map<XmlNode, Buffer>): XmlNode {
  if (!mime) return messageNode(item, shape, { body });
  const message = messageNode(item, shape, { mime: mimePlaceholder, body });
  const placeholder = message.children?.find((c) => c.name === 't:MimeContent');
  // Should messageNode ever stop writing MimeContent for an empty MIME, build it the plain way.
  if (!placeholder) return messageNode(item, shape, { mime, body });
  mimeNodes.set(placeholder, mime);
  return message;
}

function writeResponse(out: XmlWriter, n: XmlNode, mime: Map<XmlNode, Buffer>): void {
  const bytes = mime.get(n);
  if (bytes) {
    out.open(n.name, n.attrs ?? null).base64(bytes).close();
  } else if (!n.children) {
    out.leaf(n.name, n.attrs ?? null, n.text);
  } else {
    out.open(n.name, n.attrs ?? null);
    for (const c of n.children) writeResponse(out, c, mime);
    out.close();
  }
}

export default defineOperation({
  name: 'GetItem',
  async run(ctx, request, out) {
    let built: GetItemResponse;
    try {
      built = await getItem(ctx, request);
    } catch (error) {
      // As for every mailbox operation (ewsOperation in define.ts): a whole-request failure keeps the specific code chosen.
      if (!isDeputyError(error)) throw error;
      const code = error.details.ewsCode;
      if (typeof code === 'string' && code !== 'NoError' && isResponseCode(code)) throw new EwsError(code as Exclude<ResponseCode, 'NoError'>, error.message);
      throw error;
    }
    writeResponse(out, built.response, built.mime);
  },
});
