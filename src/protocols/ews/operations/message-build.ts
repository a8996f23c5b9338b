// Turns a t:Message from a request into MIME from the acting mailbox (nested item attachments
// included), and replies and forwards into new messages that quote the original.
import { DeputyError } from '../../../core/errors.ts';
import type { Recipient } from '../../../core/directory/recipient.ts';
import type { EmailAddress, Item } from '../../../core/mailbox/model.ts';
import { buildMessage, parseMessage } from '../../../services/mail/mime.ts';
import { readMessageInput, type MessageInput } from '../shapes/message-input.ts';
import { childIn, typesNs, type XmlIn } from '../shapes/xml-node.ts';
import { bodyText } from '../shapes/body-text.ts';

export function senderOf(mailbox: Recipient): EmailAddress {
  return { name: mailbox.displayName, address: mailbox.primarySmtpAddress };
}

export function readMessage(message: XmlIn, depth = 0): MessageInput {
  if (depth > 5) throw new DeputyError('InvalidArgument', 'Item attachments are nested too deeply.', { ewsCode: 'ErrorInvalidRequest' });
  return readMessageInput(message, bodyText, () => Buffer.alloc(0));
}

/** The MIME for a message input; MimeContent is used as given, fields are composed. */
export async function mimeFor(input: MessageInput, mailbox: Recipient, now: string, nested: (m: XmlIn) => Promise<Buffer>, messageEl: XmlIn): Promise<Buffer> {
  if (input.mime) return input.mime;
  // Item attachments hold whole messages: compose them first (from the same mailbox).
  const attachments = [];
  const attachmentEls = childIn(messageEl, 'Attachments')?.children.filter((c) => c.ns === typesNs) ?? [];
  for (let i = 0; i < input.attachments.length; i++) {
    const a = input.attachments[i];
    if (a.kind === 'item') {
      const inner = attachmentEls[i]?.children.find((c) => c.ns === typesNs && (c.local === 'Message' || c.local === 'Item'));
      attachments.push({ ...a, content: inner ? await nested(inner) : a.content });
    } else attachments.push(a);
  }
  return buildMessage({
    from: input.from ?? senderOf(mailbox),
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    replyTo: input.replyTo,
    subject: input.subject ?? '',
    ...(input.body?.type === 'Text' ? { text: input.body.content } : input.body ? { html: input.body.content } : { text: '' }),
    date: new Date(now),
    importance: input.importance ?? 'Normal',
    attachments,
    keepBcc: true,
  });
}

export async function composeMessage(message: XmlIn, mailbox: Recipient, now: string, depth = 0): Promise<{ input: MessageInput; mime: Buffer }> {
  if (depth > 5) throw new DeputyError('InvalidArgument', 'Item attachments are nested too deeply.', { ewsCode: 'ErrorInvalidRequest' });
  const input = readMessage(message, depth);
  const mime = await mimeFor(input, mailbox, now, async (inner) => (await composeMessage(inner, mailbox, now, depth + 1)).mime, message);
  return { input, mime };
}

const prefixes: Record<'ReplyToItem' | 'ReplyAllToItem' | 'ForwardItem', string> = { ReplyToItem: 'RE: ', ReplyAllToItem: 'RE: ', ForwardItem: 'FW: ' };

/** Reply, reply-all or forward of `original` (whose MIME is given), as a new message. */
export async function composeResponse(kind: 'ReplyToItem' | 'ReplyAllToItem' | 'ForwardItem', el: XmlIn, original: Item, originalMime: Buffer, mailbox: Recipient, now: string): Promise<{ input: MessageInput; mime: Buffer }> {
  const input = readMessage(el);
  const parsed = await parseMessage(originalMime);
  const newBodyEl = childIn(el, 'NewBodyContent');
  const newBody = newBodyEl ? bodyText(newBodyEl) : '';
  const isHtml = newBodyEl?.attrs.BodyType !== 'Text';
  const self = (a: EmailAddress) => mailbox.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === a.address.toLowerCase());
  let to = input.to;
  let cc = input.cc;
  if (kind !== 'ForwardItem' && to.length === 0) {
    const replyTarget = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
    to = kind === 'ReplyAllToItem' ? [...replyTarget, ...original.to.filter((a) => !self(a))] : replyTarget;
    if (kind === 'ReplyAllToItem' && cc.length === 0) cc = original.cc.filter((a) => !self(a));
  }
  if (to.length + cc.length + input.bcc.length === 0) throw new DeputyError('InvalidArgument', 'A forward needs recipients.', { objectKind: 'Recipient' });
  const header = `From: ${original.from?.address ?? ''}\nSent: ${original.sentAt ?? original.receivedAt}\nSubject: ${original.subject}`;
  const quotedText = `${newBody}\n\n-----Original Message-----\n${header}\n\n${parsed.textBody ?? ''}`;
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const quotedHtml = `${isHtml ? newBody : `<pre>${escape(newBody)}</pre>`}<hr><p>${escape(header).replace(/\n/g, '<br>')}</p>${parsed.htmlBody ?? `<pre>${escape(parsed.textBody ?? '')}</pre>`}`;
  const subject = input.subject ?? (new RegExp(`^${prefixes[kind].trim()}`, 'i').test(original.subject) ? original.subject : prefixes[kind] + original.subject);
  // RFC 5322 §3.6.4: the parent's References (else its In-Reply-To), then the parent's own id, so the whole thread stays linked.
  const earlier = parsed.references.length ? parsed.references : original.inReplyTo ? [original.inReplyTo] : [];
  const references = [...earlier, ...(original.internetMessageId ? [original.internetMessageId] : [])];
  const mime = await buildMessage({
    from: senderOf(mailbox),
    to,
    cc,
    bcc: input.bcc,
    replyTo: [],
    subject,
    ...(isHtml ? { html: quotedHtml } : { text: quotedText }),
    date: new Date(now),
    importance: input.importance ?? 'Normal',
    inReplyTo: kind === 'ForwardItem' ? undefined : original.internetMessageId ?? undefined,
    references: kind === 'ForwardItem' ? undefined : references,
    attachments: kind === 'ForwardItem' ? parsed.attachments.map((a) => ({ kind: a.kind, name: a.name, contentType: a.contentType, content: a.content, isInline: a.isInline, contentId: a.contentId })) : [],
    keepBcc: true,
  });
  return { input: { ...input, to, cc }, mime };
}
