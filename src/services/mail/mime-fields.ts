// The Item fields that follow from a message's MIME: addresses, ids, conversation, preview,
// attachment list. Everything else about an item (folder, flags, versions) is the caller's.
import { createHash } from 'node:crypto';
import type { AttachmentInfo, Item } from '../../core/mailbox/model.ts';
import type { ParsedMessage } from './mime-parse.ts';

export type MimeItemFields = Pick<
  Item,
  | 'itemClass'
  | 'subject'
  | 'from'
  | 'sender'
  | 'to'
  | 'cc'
  | 'bcc'
  | 'replyTo'
  | 'sentAt'
  | 'internetMessageId'
  | 'inReplyTo'
  | 'importance'
  | 'hasAttachments'
  | 'attachments'
  | 'conversationTopic'
  | 'conversationId'
  | 'preview'
  | 'size'
>;

const previewLength = 255;

export function itemFieldsFromMime(parsed: ParsedMessage, size: number): MimeItemFields {
  const attachments: AttachmentInfo[] = parsed.attachments.map((a, index) => ({
    index,
    kind: a.kind,
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    isInline: a.isInline,
    contentId: a.contentId,
  }));
  const conversationTopic = topicOf(parsed.subject);
  return {
    itemClass: 'IPM.Note',
    subject: parsed.subject,
    from: parsed.from,
    sender: parsed.sender,
    to: parsed.to,
    cc: parsed.cc,
    bcc: parsed.bcc,
    replyTo: parsed.replyTo,
    sentAt: parsed.date,
    internetMessageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    importance: parsed.importance,
    hasAttachments: attachments.some((a) => !a.isInline),
    attachments,
    conversationTopic,
    conversationId: conversationIdOf(parsed, conversationTopic),
    preview: previewOf(parsed),
    size,
  };
}

/** The subject without reply and forward prefixes (Re:, Fw:, Fwd:, AW:, WG:, Re[2]:), however many. */
export function topicOf(subject: string): string {
  return subject.replace(/^(?:\s*(?:re|fwd?|aw|wg)\s*(?:\[\d+\])?\s*:)+/i, '').trim();
}

/**
 * A stable id for the thread: base64url SHA-256 of its root message id (the first References
 * entry, else In-Reply-To, else the message's own id, else the topic), first 22 characters.
 */
export function conversationIdOf(parsed: Pick<ParsedMessage, 'references' | 'inReplyTo' | 'messageId'>, topic: string): string {
  const root = parsed.references[0] ?? parsed.inReplyTo ?? parsed.messageId ?? `topic:${topic.toLowerCase().replace(/\s+/g, ' ')}`;
  return createHash('sha256').update(root, 'utf8').digest('base64url').slice(0, 22);
}

/** The start of the text body, else of the HTML body as text; whitespace collapsed. */
export function previewOf(parsed: Pick<ParsedMessage, 'textBody' | 'htmlBody'>): string {
  const text = parsed.textBody?.trim() ? parsed.textBody : parsed.htmlBody ? htmlToPlainText(parsed.htmlBody.slice(0, 256 * 1024)) : '';
  // Collapse a prefix first so a large body is not copied whole; whitespace-heavy text needs more.
  let collapsed = collapse(text.slice(0, 4 * previewLength));
  if (collapsed.length < previewLength && text.length > 4 * previewLength) collapsed = collapse(text);
  const preview = collapsed.slice(0, previewLength);
  // Never end on half a surrogate pair.
  return /[\uD800-\uDBFF]$/.test(preview) ? preview.slice(0, -1) : preview;
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A cheap HTML-to-text for previews: drops head, style and script, tags and comments; decodes entities. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h[1-6])\s*>/gi, ' ')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return entities[name.toLowerCase()] ?? whole;
    });
}
