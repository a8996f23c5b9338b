// Reading a MIME message into the parts Deputy needs (addresses, ids, bodies, attachments,
// raw headers). Lenient: malformed input yields what can be read instead of an error.
import { simpleParser, type AddressObject, type Attachment, type EmailAddress as ParserAddress, type ParsedMail } from 'mailparser';
import addressparser from 'nodemailer/lib/addressparser';
import { DeputyError } from '../../core/errors.ts';
import type { EmailAddress, Importance } from '../../core/mailbox/model.ts';
import { headerValue, readHeaderBlock, unfold, type RawHeaderField } from './mime-headers.ts';

/** The largest message Deputy accepts. */
export const maxMessageBytes = 50 * 1024 * 1024;

export interface MessageAttachment {
  /** 'item' for an attached message (message/rfc822), whose content is that message's bytes. */
  kind: 'file' | 'item';
  name: string;
  /** Lower-case type without parameters, e.g. image/png. */
  contentType: string;
  content: Buffer;
  isInline: boolean;
  /** Without angle brackets. */
  contentId: string | null;
}

export interface ParsedAttachment extends MessageAttachment {
  size: number;
}

export interface ParsedMessage {
  subject: string;
  from: EmailAddress | null;
  sender: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  /** ISO 8601 UTC, or null when the Date header is missing or unreadable. */
  date: string | null;
  /** With angle brackets, as in the header. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  importance: Importance;
  /** The text/plain body, or null when there is none (or it is empty). */
  textBody: string | null;
  htmlBody: string | null;
  /** In the order they appear in the message. */
  attachments: ParsedAttachment[];
  /** Top-level header fields in message order: [name as written, value with folding kept]. */
  headers: Array<[string, string]>;
}

export async function parseMessage(mime: Buffer): Promise<ParsedMessage> {
  if (mime.length > maxMessageBytes) {
    throw new DeputyError('InvalidArgument', `The message is ${mime.length} bytes; the limit is ${maxMessageBytes} bytes.`, { size: mime.length });
  }
  const { fields } = readHeaderBlock(mime);
  let mail: ParsedMail | null = null;
  try {
    mail = await simpleParser(mime, {
      keepCidLinks: true,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      ignoreEmbedded: true,
      checksumAlgo: false,
    });
  } catch {
    mail = null;
  }
  return mail ? fromParsedMail(mail, fields) : fromRawHeaders(mime, fields);
}

async function fromParsedMail(mail: ParsedMail, fields: RawHeaderField[]): Promise<ParsedMessage> {
  const html = typeof mail.html === 'string' && mail.html ? mail.html : null;
  // skipHtmlToText leaves an empty text for HTML-only messages: that is no text body.
  const text = typeof mail.text === 'string' && (mail.text || !html) ? mail.text || null : null;
  return {
    ...headerFields(fields),
    subject: mail.subject ?? headerValue(fields, 'subject') ?? '',
    from: first(addresses(mail.from)),
    sender: first(addresses(mail.headers.get('sender') as AddressObject | undefined)),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    bcc: addresses(mail.bcc),
    replyTo: addresses(mail.replyTo),
    textBody: text,
    htmlBody: html,
    attachments: await Promise.all(mail.attachments.map((a, i) => toAttachment(a, i))),
    headers: fields.map((f): [string, string] => [f.name, f.value]),
  };
}

/** What the raw header block gives when the MIME parser could not read the message at all. */
function fromRawHeaders(mime: Buffer, fields: RawHeaderField[]): ParsedMessage {
  const list = (name: string) => rawAddresses(headerValue(fields, name));
  const { bodyOffset } = readHeaderBlock(mime);
  const body = mime.subarray(bodyOffset).toString('utf8');
  return {
    ...headerFields(fields),
    subject: headerValue(fields, 'subject') ?? '',
    from: first(list('from')),
    sender: first(list('sender')),
    to: list('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    replyTo: list('reply-to'),
    textBody: body.trim() ? body : null,
    htmlBody: null,
    attachments: [],
    headers: fields.map((f): [string, string] => [f.name, f.value]),
  };
}

/** Fields read from the raw headers in both paths: ids, date and importance. */
function headerFields(fields: RawHeaderField[]): Pick<ParsedMessage, 'date' | 'messageId' | 'inReplyTo' | 'references' | 'importance'> {
  return {
    date: parseDate(headerValue(fields, 'date')),
    messageId: firstMessageId(headerValue(fields, 'message-id')),
    inReplyTo: firstMessageId(headerValue(fields, 'in-reply-to')),
    references: fields
      .filter((f) => f.name.toLowerCase() === 'references')
      .flatMap((f) => messageIds(unfold(f.value))),
    importance: importanceOf(fields),
  };
}

function first<T>(list: T[]): T | null {
  return list.length ? list[0] : null;
}

function addresses(header: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  if (!header) return [];
  const objects = Array.isArray(header) ? header : [header];
  return objects.flatMap((o) => flatten(o.value ?? []));
}

function flatten(list: ParserAddress[]): EmailAddress[] {
  return list.flatMap((a) => (a.group ? flatten(a.group) : toAddress(a.name, a.address)));
}

function toAddress(name: string | undefined, address: string | undefined): EmailAddress[] {
  const addr = (address ?? '').trim();
  if (!addr) return [];
  return [{ name: (name ?? '').trim() || null, address: addr }];
}

function rawAddresses(value: string | null): EmailAddress[] {
  if (!value) return [];
  try {
    return addressparser(value, { flatten: true }).flatMap((a) => toAddress(a.name, a.address));
  } catch {
    return [];
  }
}

/** Message ids in a header value: <…> tokens, else whitespace-separated words wrapped in brackets. */
export function messageIds(value: string | null): string[] {
  if (!value) return [];
  const bracketed = value.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed;
  return value
    .replace(/\([^()]*\)/g, ' ')
    .split(/[\s,]+/)
    .filter((w) => w && w.includes('@'))
    .map((w) => `<${w.replace(/^<|>$/g, '')}>`);
}

function firstMessageId(value: string | null): string | null {
  return messageIds(value)[0] ?? null;
}

function parseDate(value: string | null): string | null {
  if (!value) return null;
  const cleaned = value.replace(/\([^()]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  for (const candidate of [cleaned, cleaned.replace(/^[A-Za-z]+,\s*/, ''), cleaned.replace(/\s+[A-Z]{1,5}$/, '')]) {
    const time = Date.parse(candidate);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return null;
}

/** Importance, then X-Priority, X-MSMail-Priority and Priority, the first one present wins. */
export function importanceOf(fields: readonly RawHeaderField[]): Importance {
  const importance = headerValue(fields, 'importance')?.toLowerCase();
  if (importance) {
    if (importance.startsWith('high')) return 'High';
    if (importance.startsWith('low')) return 'Low';
    if (importance.startsWith('normal')) return 'Normal';
  }
  const xPriority = headerValue(fields, 'x-priority');
  if (xPriority) {
    const level = parseInt(xPriority, 10);
    if (level === 1 || level === 2) return 'High';
    if (level === 3) return 'Normal';
    if (level === 4 || level === 5) return 'Low';
  }
  const msPriority = headerValue(fields, 'x-msmail-priority')?.toLowerCase();
  if (msPriority) {
    if (msPriority.startsWith('high')) return 'High';
    if (msPriority.startsWith('low')) return 'Low';
    if (msPriority.startsWith('normal')) return 'Normal';
  }
  const priority = headerValue(fields, 'priority')?.toLowerCase();
  if (priority === 'urgent') return 'High';
  if (priority === 'non-urgent') return 'Low';
  return 'Normal';
}

async function toAttachment(a: Attachment, position: number): Promise<ParsedAttachment> {
  const declared = a.headers.get('content-type') as { value?: string } | undefined;
  const contentType = (declared?.value || a.contentType || 'application/octet-stream').toLowerCase();
  const kind = contentType === 'message/rfc822' ? 'item' : 'file';
  const disposition = (a.contentDisposition ?? '').toLowerCase();
  const contentId = a.cid?.trim() || null;
  const content = a.content;
  let name = a.filename?.trim() || '';
  if (!name && kind === 'item') name = await embeddedSubject(content);
  if (!name) name = contentId ?? `attachment${position + 1}`;
  return {
    kind,
    name,
    contentType,
    size: content.length,
    content,
    isInline: disposition === 'inline' || (!disposition && a.related === true),
    contentId,
  };
}

/** The decoded Subject of an attached message, read from its header block only. */
async function embeddedSubject(message: Buffer): Promise<string> {
  const { headerEnd } = readHeaderBlock(message);
  try {
    const head = await simpleParser(Buffer.concat([message.subarray(0, headerEnd), Buffer.from('\r\n')]), { skipHtmlToText: true, skipTextToHtml: true });
    return head.subject?.trim() || 'Untitled message';
  } catch {
    return 'Untitled message';
  }
}
