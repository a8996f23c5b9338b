// A t:Message as clients send it (CreateItem, item attachments): the parts that become MIME,
// and the item properties that live beside the MIME (read flag, categories, extended properties).
import { DeputyError } from '../../../core/errors.ts';
import type { EmailAddress, ExtendedProperty, FlagStatus, Importance } from '../../../core/mailbox/model.ts';
import type { MessageAttachment } from '../../../services/mail/mime.ts';
import { propertyTagNumber, readExtendedFieldUri } from './field-uris.ts';
import { childIn, childrenIn, parseBoolean, typesNs, type XmlIn } from './xml-node.ts';

/** An attachment as a request gives it: the same shape MIME composition takes. */
export type AttachmentInput = MessageAttachment;

export interface MessageInput {
  /** A complete message given as MimeContent, used as is. */
  mime: Buffer | null;
  subject: string | null;
  body: { type: 'Text' | 'HTML'; content: string } | null;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  importance: Importance | null;
  attachments: AttachmentInput[];
  /** Properties kept on the item, not in the MIME. */
  isRead: boolean | null;
  categories: string[] | null;
  flagStatus: FlagStatus | null;
  extendedProperties: ExtendedProperty[];
}

const maxAttachmentBytes = 35 * 1024 * 1024;

function addresses(el: XmlIn | undefined): EmailAddress[] {
  return childrenIn(el, 'Mailbox').map(mailboxAddress);
}

function mailboxAddress(mailbox: XmlIn): EmailAddress {
  const address = childIn(mailbox, 'EmailAddress')?.text.trim() ?? '';
  if (!address) throw new DeputyError('InvalidArgument', 'A recipient has no EmailAddress.', { ewsCode: 'ErrorInvalidRecipients' });
  return { name: childIn(mailbox, 'Name')?.text.trim() || null, address };
}

function base64(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw new DeputyError('InvalidArgument', `${what} is not valid base64.`, { ewsCode: 'ErrorInvalidRequest' });
  return Buffer.from(compact, 'base64');
}

/**
 * MAPI properties that are views of an item's own state, as DavMail sets them on APPEND and STORE:
 * PR_MESSAGE_FLAGS (0x0E07: read 1, unsent 8) and PR_FLAG_STATUS (0x1090: 2 flagged, 1 complete,
 * 0 none). They change the item instead of being stored beside it, where they would go stale.
 */
export function itemStateOf(props: ExtendedProperty[]): { messageFlags: number | null; flagStatus: FlagStatus | null; rest: ExtendedProperty[] } {
  let messageFlags: number | null = null;
  let flagStatus: FlagStatus | null = null;
  const rest: ExtendedProperty[] = [];
  for (const p of props) {
    const tag = p.propertyTag === undefined ? NaN : propertyTagNumber(p.propertyTag);
    const value = Number(Array.isArray(p.value) ? p.value[0] : p.value);
    if (tag === 0x0e07 && Number.isInteger(value)) messageFlags = value;
    else if (tag === 0x1090 && Number.isInteger(value)) flagStatus = value === 2 ? 'Flagged' : value === 1 ? 'Complete' : 'NotFlagged';
    else rest.push(p);
  }
  return { messageFlags, flagStatus, rest };
}

export function readExtendedProperties(parentEl: XmlIn): ExtendedProperty[] {
  return childrenIn(parentEl, 'ExtendedProperty').map((p) => {
    const uri = childIn(p, 'ExtendedFieldURI');
    if (!uri) throw new DeputyError('InvalidArgument', 'An ExtendedProperty has no ExtendedFieldURI.', { ewsCode: 'ErrorInvalidExtendedProperty' });
    const ref = readExtendedFieldUri(uri);
    const values = childIn(p, 'Values');
    return { ...ref, value: values ? childrenIn(values, 'Value').map((v) => v.text) : (childIn(p, 'Value')?.text ?? '') };
  });
}

/**
 * Reads a t:Message. `bodyText` turns the Body element into text, re-serialising child
 * elements (ews-javascript-api sends HTML bodies unescaped, as markup).
 */
export function readMessageInput(message: XmlIn, bodyText: (body: XmlIn) => string, readNested: (message: XmlIn) => Buffer): MessageInput {
  const mimeEl = childIn(message, 'MimeContent');
  const bodyEl = childIn(message, 'Body');
  const importance = childIn(message, 'Importance')?.text.trim();
  if (importance && !['Low', 'Normal', 'High'].includes(importance)) throw new DeputyError('InvalidArgument', `'${importance}' is not an importance.`, { ewsCode: 'ErrorInvalidValueForProperty' });
  const fromEl = childIn(childIn(message, 'From'), 'Mailbox');
  const categoriesEl = childIn(message, 'Categories');
  const flagStatus = childIn(childIn(message, 'Flag'), 'FlagStatus')?.text.trim() as FlagStatus | undefined;
  const attachments: AttachmentInput[] = [];
  let total = 0;
  for (const a of childIn(message, 'Attachments')?.children.filter((c) => c.ns === typesNs) ?? []) {
    const attachment = readAttachment(a, readNested);
    total += attachment.content.length;
    if (total > maxAttachmentBytes) throw new DeputyError('InvalidArgument', `Attachments may total at most ${maxAttachmentBytes / 1024 / 1024} MB.`, { ewsCode: 'ErrorMessageSizeExceeded' });
    attachments.push(attachment);
  }
  return {
    mime: mimeEl ? base64(mimeEl.text, 'MimeContent') : null,
    subject: childIn(message, 'Subject')?.text ?? null,
    body: bodyEl ? { type: bodyEl.attrs.BodyType === 'Text' ? 'Text' : 'HTML', content: bodyText(bodyEl) } : null,
    from: fromEl ? mailboxAddress(fromEl) : null,
    to: addresses(childIn(message, 'ToRecipients')),
    cc: addresses(childIn(message, 'CcRecipients')),
    bcc: addresses(childIn(message, 'BccRecipients')),
    replyTo: addresses(childIn(message, 'ReplyTo')),
    importance: (importance as Importance) || null,
    attachments,
    isRead: parseBoolean(childIn(message, 'IsRead')?.text) ?? null,
    categories: categoriesEl ? childrenIn(categoriesEl, 'String').map((s) => s.text) : null,
    flagStatus: flagStatus && ['NotFlagged', 'Flagged', 'Complete'].includes(flagStatus) ? flagStatus : null,
    extendedProperties: readExtendedProperties(message),
  };
}

export function readAttachment(a: XmlIn, readNested: (message: XmlIn) => Buffer): AttachmentInput {
  const name = childIn(a, 'Name')?.text.trim() || 'attachment';
  if (a.local === 'FileAttachment') {
    const content = childIn(a, 'Content');
    if (!content) throw new DeputyError('InvalidArgument', `The attachment '${name}' has no Content.`, { ewsCode: 'ErrorInvalidAttachmentSubfilter' });
    return {
      kind: 'file',
      name,
      contentType: childIn(a, 'ContentType')?.text.trim() || 'application/octet-stream',
      content: base64(content.text, `The content of '${name}'`),
      isInline: parseBoolean(childIn(a, 'IsInline')?.text) ?? false,
      contentId: childIn(a, 'ContentId')?.text.trim() || null,
    };
  }
  if (a.local === 'ItemAttachment') {
    const inner = a.children.find((c) => c.ns === typesNs && (c.local === 'Message' || c.local === 'Item'));
    if (!inner) throw new DeputyError('InvalidArgument', `The item attachment '${name}' holds no message.`, { ewsCode: 'ErrorInvalidRequest' });
    return { kind: 'item', name, contentType: 'message/rfc822', content: readNested(inner), isInline: false, contentId: null };
  }
  throw new DeputyError('InvalidArgument', `Unknown attachment kind '${a.local}'.`, { ewsCode: 'ErrorInvalidRequest' });
}
