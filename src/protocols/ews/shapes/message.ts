// An item as EWS returns it (t:Message), in the element order types.xsd requires, for the
// requested shape: IdOnly, Default or AllProperties, plus AdditionalProperties, MIME and body.
import type { EmailAddress, ExtendedProperty, Item } from '../../../core/mailbox/model.ts';
import { encodeAttachmentId, folderIdAttrs, itemIdAttrs } from './ids.ts';
import { propertyTagNumber, sameExtendedProperty, type ItemShape } from './field-uris.ts';
import { node, parent, type XmlNode } from './xml-node.ts';

export interface MessageExtras {
  /** Bodies read from the MIME, when the shape needs them. */
  body?: { text: string | null; html: string | null };
  mime?: Buffer;
  /** GetItem returns bodies and attachments; FindItem never does. */
  forFindItem?: boolean;
  /** A meeting message's own elements (shapes/meeting-message.ts), written after MessageType's. */
  meeting?: XmlNode[];
}

/** Meeting messages are t:MeetingRequest, t:MeetingResponse or t:MeetingCancellation; others t:Message. */
export function messageElementName(itemClass: string): string {
  if (itemClass === 'IPM.Schedule.Meeting.Request') return 't:MeetingRequest';
  if (itemClass.startsWith('IPM.Schedule.Meeting.Resp.')) return 't:MeetingResponse';
  if (itemClass === 'IPM.Schedule.Meeting.Canceled') return 't:MeetingCancellation';
  return 't:Message';
}

const mailbox = (name: string, a: EmailAddress): XmlNode =>
  parent(name, [parent('t:Mailbox', [...(a.name ? [node('t:Name', a.name)] : []), node('t:EmailAddress', a.address), node('t:RoutingType', 'SMTP'), node('t:MailboxType', 'Mailbox')])]);

const recipients = (name: string, list: EmailAddress[]): XmlNode =>
  parent(name, list.map((a) => parent('t:Mailbox', [...(a.name ? [node('t:Name', a.name)] : []), node('t:EmailAddress', a.address), node('t:RoutingType', 'SMTP'), node('t:MailboxType', 'Mailbox')])));

const display = (list: EmailAddress[]) => list.map((a) => a.name || a.address).join('; ');

export function bodyNode(name: string, shape: ItemShape, body: { text: string | null; html: string | null }): XmlNode {
  const wantText = shape.bodyType === 'Text' || (shape.bodyType === 'Best' && body.html === null);
  if (wantText) return node(name, body.text ?? htmlToText(body.html ?? ''), { BodyType: 'Text' });
  return node(name, body.html ?? textToHtml(body.text ?? ''), { BodyType: 'HTML' });
}

function htmlToText(html: string): string {
  return html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function textToHtml(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<html><body><pre>${escaped}</pre></body></html>`;
}

function extendedNode(p: ExtendedProperty): XmlNode {
  const attrs: Record<string, string> = {};
  if (p.distinguishedPropertySetId !== undefined) attrs.DistinguishedPropertySetId = p.distinguishedPropertySetId;
  if (p.propertySetId !== undefined) attrs.PropertySetId = p.propertySetId;
  if (p.propertyTag !== undefined) attrs.PropertyTag = p.propertyTag;
  if (p.propertyName !== undefined) attrs.PropertyName = p.propertyName;
  if (p.propertyId !== undefined) attrs.PropertyId = String(p.propertyId);
  attrs.PropertyType = p.propertyType;
  const value = Array.isArray(p.value) ? parent('t:Values', p.value.map((v) => node('t:Value', v))) : node('t:Value', p.value);
  return parent('t:ExtendedProperty', [node('t:ExtendedFieldURI', undefined, attrs), value]);
}

/** Values of well-known MAPI tags computed from the item (DavMail's IMAP view needs them). */
function computedProperty(item: Item, tag: string): string | undefined {
  switch (propertyTagNumber(tag)) {
    case 0x0e23: // PR_INTERNET_ARTICLE_NUMBER: stable, increasing per folder
      return String(item.articleNumber);
    case 0x0e08: // PR_MESSAGE_SIZE
      return String(item.size);
    case 0x0e07: // PR_MESSAGE_FLAGS: read (1), unsent draft (8)
      return String((item.isRead ? 1 : 0) | (item.isDraft ? 8 : 0));
    case 0x1090: // PR_FLAG_STATUS
      return String(item.flagStatus === 'Flagged' ? 2 : item.flagStatus === 'Complete' ? 1 : 0);
    case 0x0e06: // PR_MESSAGE_DELIVERY_TIME
      return item.receivedAt;
    case 0x3008: // PR_LAST_MODIFICATION_TIME
      return item.modifiedAt;
    default:
      return undefined;
  }
}

/** The extended properties the shape asks for that the item has (stored, or computed from the item). */
export function extendedPropertyNodes(item: Item, shape: ItemShape): XmlNode[] {
  const c: XmlNode[] = [];
  for (const ref of shape.extended) {
    const stored = item.extendedProperties.find((p) => sameExtendedProperty(p, ref));
    const computed = stored ? undefined : ref.propertyTag !== undefined ? computedProperty(item, ref.propertyTag) : undefined;
    // Echo the ExtendedFieldURI exactly as requested (clients match the tag string literally).
    if (stored) c.push(extendedNode({ ...ref, value: stored.value }));
    else if (computed !== undefined) c.push(extendedNode({ ...ref, value: computed }));
  }
  return c;
}

export function messageNode(item: Item, shape: ItemShape, extras: MessageExtras = {}): XmlNode {
  const all = shape.base !== 'IdOnly';
  const want = (uri: string) => all || shape.fields.has(uri);
  const c: XmlNode[] = [];
  if (extras.mime && (shape.includeMime || shape.fields.has('item:MimeContent'))) c.push(node('t:MimeContent', extras.mime.toString('base64'), { CharacterSet: 'UTF-8' }));
  c.push(node('t:ItemId', undefined, itemIdAttrs(item)));
  if (want('item:ParentFolderId')) c.push(node('t:ParentFolderId', undefined, { Id: folderIdAttrs({ id: item.folderId, version: 1 }).Id }));
  if (want('item:ItemClass')) c.push(node('t:ItemClass', item.itemClass));
  if (want('item:Subject')) c.push(node('t:Subject', item.subject));
  if (want('item:Sensitivity')) c.push(node('t:Sensitivity', 'Normal'));
  if (!extras.forFindItem && extras.body && (want('item:Body') || shape.fields.has('item:Body'))) c.push(bodyNode('t:Body', shape, extras.body));
  if (!extras.forFindItem && want('item:Attachments') && item.attachments.length) {
    c.push(
      parent(
        't:Attachments',
        item.attachments.map((a) =>
          parent(a.kind === 'item' ? 't:ItemAttachment' : 't:FileAttachment', [
            node('t:AttachmentId', undefined, { Id: encodeAttachmentId(item.id, a.index, a) }),
            node('t:Name', a.name),
            node('t:ContentType', a.contentType),
            ...(a.contentId ? [node('t:ContentId', a.contentId)] : []),
            node('t:Size', a.size),
            node('t:IsInline', a.isInline),
          ]),
        ),
      ),
    );
  }
  if (want('item:DateTimeReceived')) c.push(node('t:DateTimeReceived', item.receivedAt));
  if (want('item:Size')) c.push(node('t:Size', item.size));
  if (want('item:Categories') && item.categories.length) c.push(parent('t:Categories', item.categories.map((x) => node('t:String', x))));
  if (want('item:Importance')) c.push(node('t:Importance', item.importance));
  if (want('item:InReplyTo') && item.inReplyTo) c.push(node('t:InReplyTo', item.inReplyTo));
  if (want('item:IsSubmitted')) c.push(node('t:IsSubmitted', false));
  if (want('item:IsDraft')) c.push(node('t:IsDraft', item.isDraft));
  if (want('item:IsFromMe')) c.push(node('t:IsFromMe', false));
  if (want('item:IsResend')) c.push(node('t:IsResend', false));
  if (want('item:IsUnmodified')) c.push(node('t:IsUnmodified', item.version === 1));
  if (want('item:DateTimeSent') && item.sentAt) c.push(node('t:DateTimeSent', item.sentAt));
  if (want('item:DateTimeCreated')) c.push(node('t:DateTimeCreated', item.createdAt));
  if (want('item:DisplayCc')) c.push(node('t:DisplayCc', display(item.cc)));
  if (want('item:DisplayTo')) c.push(node('t:DisplayTo', display(item.to)));
  if (want('item:HasAttachments')) c.push(node('t:HasAttachments', item.hasAttachments));
  c.push(...extendedPropertyNodes(item, shape));
  if (want('item:LastModifiedTime')) c.push(node('t:LastModifiedTime', item.modifiedAt));
  if (want('item:ConversationId')) c.push(node('t:ConversationId', undefined, { Id: item.conversationId }));
  if (want('item:Flag') && item.flagStatus !== 'NotFlagged') c.push(parent('t:Flag', [node('t:FlagStatus', item.flagStatus)]));
  if (want('item:Preview')) c.push(node('t:Preview', item.preview));
  if (!extras.forFindItem && extras.body && shape.fields.has('item:TextBody')) c.push(node('t:TextBody', extras.body.text ?? htmlToText(extras.body.html ?? ''), { BodyType: 'Text' }));
  // MessageType's own elements follow ItemType's.
  if (want('message:Sender') && item.sender) c.push(mailbox('t:Sender', item.sender));
  if (want('message:ToRecipients') && item.to.length) c.push(recipients('t:ToRecipients', item.to));
  if (want('message:CcRecipients') && item.cc.length) c.push(recipients('t:CcRecipients', item.cc));
  if (want('message:BccRecipients') && item.bcc.length) c.push(recipients('t:BccRecipients', item.bcc));
  if (want('message:IsReadReceiptRequested')) c.push(node('t:IsReadReceiptRequested', false));
  if (want('message:IsDeliveryReceiptRequested')) c.push(node('t:IsDeliveryReceiptRequested', false));
  if (want('message:ConversationTopic')) c.push(node('t:ConversationTopic', item.conversationTopic));
  if (want('message:From') && item.from) c.push(mailbox('t:From', item.from));
  if (want('message:InternetMessageId') && item.internetMessageId) c.push(node('t:InternetMessageId', item.internetMessageId));
  if (want('message:IsRead')) c.push(node('t:IsRead', item.isRead));
  if (want('message:ReplyTo') && item.replyTo.length) c.push(recipients('t:ReplyTo', item.replyTo));
  if (extras.meeting) c.push(...extras.meeting);
  return parent(messageElementName(item.itemClass), c);
}
