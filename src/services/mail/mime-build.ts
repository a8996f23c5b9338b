// Writing MIME with nodemailer's MailComposer: RFC 5322 with CRLF line breaks, encoded words for
// non-ASCII headers, base64 attachments, attached messages as message/rfc822 parts.
import { randomUUID } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { MailComposerAttachment, MailComposerOptions } from 'nodemailer/lib/mail-composer';
import type { EmailAddress, Importance } from '../../core/mailbox/model.ts';
import type { MessageAttachment } from './mime-parse.ts';

/** An attachment to write; kind 'item' takes an RFC 822 message as content. */
export type OutgoingAttachment = Pick<MessageAttachment, 'name' | 'content'> & Partial<Omit<MessageAttachment, 'name' | 'content'>>;

export interface OutgoingMessage {
  /** null for a draft without a sender yet. */
  from: EmailAddress | null;
  sender?: EmailAddress | null;
  to?: EmailAddress[];
  cc?: EmailAddress[];
  bcc?: EmailAddress[];
  replyTo?: EmailAddress[];
  subject?: string;
  text?: string | null;
  html?: string | null;
  /** Default: now. */
  date?: Date | string | null;
  /** With or without angle brackets; generated as <uuid@from-domain> when absent. */
  messageId?: string | null;
  inReplyTo?: string | null;
  references?: string[];
  importance?: Importance;
  /** Further header fields (structural MIME fields and the fields above are ignored here). */
  headers?: Record<string, string> | Array<[string, string]>;
  attachments?: OutgoingAttachment[];
  /** Keep the Bcc field (the sender's own copy); delivered copies must not have it. Default false. */
  keepBcc?: boolean;
  /** An iTIP message (RFC 6047 iMIP): a text/calendar alternative with this METHOD. */
  calendar?: { method: string; content: string };
}

/** Fields the composer writes itself, or that describe the MIME structure. */
const reservedFields = new Set([
  'from', 'sender', 'to', 'cc', 'bcc', 'reply-to', 'subject', 'date', 'message-id', 'in-reply-to', 'references',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description',
]);

const importanceFields = new Set(['importance', 'x-priority', 'priority', 'x-msmail-priority']);

export async function buildMessage(input: OutgoingMessage): Promise<Buffer> {
  const extra = Array.isArray(input.headers) ? input.headers : Object.entries(input.headers ?? {});
  const headers = extra.filter(([name]) => !reservedFields.has(name.toLowerCase())).map(([key, value]) => ({ key, value }));
  const importance = input.importance ?? 'Normal';
  if (importance !== 'Normal' && !headers.some((h) => importanceFields.has(h.key.toLowerCase()))) {
    headers.push({ key: 'X-Priority', value: importance === 'High' ? '1 (Highest)' : '5 (Lowest)' }, { key: 'Importance', value: importance });
  }
  const domain = (input.from ?? input.sender)?.address.split('@').pop()?.toLowerCase() || 'localhost';
  const messageId = input.messageId?.trim() ? bracketed(input.messageId.trim()) : `<${randomUUID()}@${domain}>`;
  const options: MailComposerOptions = {
    from: composerAddresses(input.from ? [input.from] : []),
    sender: composerAddresses(input.sender ? [input.sender] : []),
    to: composerAddresses(input.to),
    cc: composerAddresses(input.cc),
    bcc: composerAddresses(input.bcc),
    replyTo: composerAddresses(input.replyTo),
    subject: input.subject || undefined,
    date: validDate(input.date) ?? new Date(),
    messageId,
    inReplyTo: input.inReplyTo ? bracketed(input.inReplyTo) : undefined,
    references: input.references?.length ? input.references.map(bracketed) : undefined,
    headers,
    ...(input.calendar ? { icalEvent: { method: input.calendar.method, content: input.calendar.content } } : {}),
  };
  return compose(options, input.text ?? null, input.html ?? null, input.attachments ?? [], !!input.keepBcc);
}

/** Builds the body structure (and whatever header fields `options` carries) with CRLF line breaks. */
export async function compose(options: MailComposerOptions, text: string | null, html: string | null, attachments: readonly OutgoingAttachment[], keepBcc = false): Promise<Buffer> {
  const related = relatedCount(attachments, !!html);
  const composer = new MailComposer({
    ...options,
    text: text || undefined,
    html: html || undefined,
    attachments: attachments.map((a, i) => composerAttachment(a, i < related)),
    newline: 'win',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const node = composer.compile();
  node.keepBcc = keepBcc;
  return node.build();
}

/**
 * How many leading attachments go next to the HTML (multipart/related): inline files with a
 * Content-ID, up to the first other one. Only a prefix, so the parts keep the order given and an
 * attachment's index is the same after parsing (an added attachment is always the last).
 */
function relatedCount(attachments: readonly OutgoingAttachment[], hasHtml: boolean): number {
  if (!hasHtml) return 0;
  const first = attachments.findIndex((a) => !(a.isInline && a.contentId && (a.kind ?? 'file') === 'file' && a.contentType?.toLowerCase() !== 'message/rfc822'));
  return first < 0 ? attachments.length : first;
}

function composerAttachment(a: OutgoingAttachment, related: boolean): MailComposerAttachment {
  const kind = a.kind ?? (a.contentType?.toLowerCase() === 'message/rfc822' ? 'item' : 'file');
  const contentId = a.contentId?.replace(/^<|>$/g, '').trim() || null;
  const isInline = !!a.isInline;
  if (kind === 'item') {
    return {
      filename: a.name,
      contentType: 'message/rfc822',
      contentDisposition: isInline ? 'inline' : 'attachment',
      content: toCrlf(a.content),
      ...(contentId ? { headers: { 'Content-ID': `<${contentId}>` } } : {}),
    };
  }
  // Parts outside multipart/related keep their id as a plain field (clients still resolve cid: links to them).
  return {
    filename: a.name,
    contentType: a.contentType || 'application/octet-stream',
    contentDisposition: isInline ? 'inline' : 'attachment',
    contentTransferEncoding: 'base64',
    content: a.content,
    ...(related && contentId ? { cid: contentId } : contentId ? { headers: { 'Content-ID': `<${contentId}>` } } : {}),
  };
}

function composerAddresses(list: EmailAddress[] | undefined): Array<{ name: string; address: string }> | undefined {
  if (!list?.length) return undefined;
  return list.map((a) => ({ name: a.name ?? '', address: a.address }));
}

function validDate(value: Date | string | null | undefined): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function bracketed(id: string): string {
  const trimmed = id.trim();
  return trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
}

/** Converts bare LF line breaks to CRLF (an attached message must use CRLF, as its container does). */
export function toCrlf(data: Buffer): Buffer {
  let bare = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) if (i === 0 || data[i - 1] !== 0x0d) bare++;
  if (!bare) return data;
  const out = Buffer.allocUnsafe(data.length + bare);
  let o = 0;
  let from = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
    if (i > 0 && data[i - 1] === 0x0d) continue;
    o += data.copy(out, o, from, i);
    out[o++] = 0x0d;
    from = i;
  }
  data.copy(out, o, from);
  return out;
}
