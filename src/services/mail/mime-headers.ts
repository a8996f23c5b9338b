// Byte-level access to a message's top header block: splitting it into fields, and editing
// fields (dropping Bcc, replacing values) without re-encoding anything else in the message.
import MimeNode from 'nodemailer/lib/mime-node';
import { foldLines } from 'nodemailer/lib/mime-funcs';

/** One header field as it appears in the message, folded lines included. */
export interface RawHeaderField {
  /** Field name as written. */
  name: string;
  /** Text after the colon (one leading space dropped), continuation lines kept with their line breaks. */
  value: string;
  /** Byte range of the whole field in the message, its final line break included. */
  start: number;
  end: number;
}

export interface HeaderBlock {
  fields: RawHeaderField[];
  /** Offset of the first body byte (after the blank line); the message length when there is no body. */
  bodyOffset: number;
  /** Offset where the header block ends (the blank line starts here). */
  headerEnd: number;
  /** The line break the header block uses. */
  newline: '\r\n' | '\n';
}

/** Splits the top-level header block. Never throws: lines that are not fields are skipped. */
export function readHeaderBlock(mime: Buffer): HeaderBlock {
  const { headerEnd, bodyOffset } = findHeaderEnd(mime);
  const text = mime.toString('latin1', 0, headerEnd);
  const fields: RawHeaderField[] = [];
  let current: { nameEnd: number; start: number; end: number; name: string } | null = null;
  let crlfLines = 0;
  let lines = 0;
  const close = () => {
    if (!current) return;
    const raw = text.slice(current.start, current.end);
    const colon = current.nameEnd - current.start;
    const value = raw.slice(colon + 1).replace(/^[ \t]/, '').replace(/\r?\n$/, '');
    fields.push({ name: current.name, value: Buffer.from(value, 'latin1').toString('utf8'), start: current.start, end: current.end });
    current = null;
  };
  let pos = 0;
  while (pos < text.length) {
    const lf = text.indexOf('\n', pos);
    const lineEnd = lf < 0 ? text.length : lf + 1;
    lines++;
    if (lf > 0 && text[lf - 1] === '\r') crlfLines++;
    const first = text[pos];
    if ((first === ' ' || first === '\t') && current) {
      current.end = lineEnd;
    } else {
      close();
      const colon = text.indexOf(':', pos);
      const name = colon > pos && colon < lineEnd ? text.slice(pos, colon) : '';
      if (name && /^[\x21-\x39\x3b-\x7e]+$/.test(name)) current = { name, nameEnd: colon, start: pos, end: lineEnd };
    }
    pos = lineEnd;
  }
  close();
  return { fields, bodyOffset, headerEnd, newline: lines && crlfLines * 2 >= lines ? '\r\n' : '\n' };
}

function findHeaderEnd(mime: Buffer): { headerEnd: number; bodyOffset: number } {
  // A message that starts with an empty line has no headers at all.
  if (mime[0] === 0x0a) return { headerEnd: 0, bodyOffset: 1 };
  if (mime[0] === 0x0d && mime[1] === 0x0a) return { headerEnd: 0, bodyOffset: 2 };
  const lf = mime.indexOf('\n\n');
  const crlf = mime.indexOf('\n\r\n');
  if (lf < 0 && crlf < 0) return { headerEnd: mime.length, bodyOffset: mime.length };
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { headerEnd: crlf + 1, bodyOffset: crlf + 3 };
  return { headerEnd: lf + 1, bodyOffset: lf + 2 };
}

/** The first value of a header (case-insensitive name), unfolded, or null. */
export function headerValue(fields: readonly RawHeaderField[], name: string): string | null {
  const key = name.toLowerCase();
  const field = fields.find((f) => f.name.toLowerCase() === key);
  return field ? unfold(field.value) : null;
}

export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').trim();
}

/** The message without the fields `drop` selects; returns `mime` itself when nothing matches. */
function withoutFields(mime: Buffer, drop: (field: RawHeaderField) => boolean): Buffer {
  const { fields } = readHeaderBlock(mime);
  const ranges = fields.filter(drop);
  if (!ranges.length) return mime;
  const parts: Buffer[] = [];
  let pos = 0;
  for (const r of ranges) {
    parts.push(mime.subarray(pos, r.start));
    pos = r.end;
  }
  parts.push(mime.subarray(pos));
  return Buffer.concat(parts);
}

/** Removes every Bcc field (folded lines included) and leaves every other byte as it was. */
export function withoutBcc(mime: Buffer): Buffer {
  return withoutFields(mime, (f) => f.name.toLowerCase() === 'bcc');
}

/**
 * Sets top-level header fields: each named field replaces all fields of that name (kept at the
 * first one's place, else added at the end of the block); a null value removes the field.
 * Values are encoded (RFC 2047) when not ASCII and folded; the rest of the message is untouched.
 */
export function withHeaders(mime: Buffer, set: Record<string, string | null>): Buffer {
  const block = readHeaderBlock(mime);
  const wanted = new Map(Object.entries(set).map(([name, value]) => [name.toLowerCase(), { name, value }]));
  const placed = new Set<string>();
  const nl = block.newline;
  const parts: Buffer[] = [];
  let pos = 0;
  for (const field of block.fields) {
    const key = field.name.toLowerCase();
    const change = wanted.get(key);
    if (!change) continue;
    parts.push(mime.subarray(pos, field.start));
    pos = field.end;
    if (!placed.has(key) && change.value !== null) parts.push(Buffer.from(formatField(change.name, change.value, nl), 'utf8'));
    placed.add(key);
  }
  const added = [...wanted.entries()]
    .filter(([key, change]) => !placed.has(key) && change.value !== null)
    .map(([, change]) => formatField(change.name, change.value!, nl))
    .join('');
  if (added) {
    // After the last field (its line break included), or at the very start when there is none.
    const insertAt = block.fields.length ? block.fields[block.fields.length - 1].end : 0;
    const needsBreak = insertAt > 0 && mime[insertAt - 1] !== 0x0a;
    parts.push(mime.subarray(pos, insertAt), Buffer.from(needsBreak ? nl + added : added, 'utf8'));
    pos = insertAt;
    if (!block.fields.length && block.headerEnd > 0) parts.push(Buffer.from(nl));
  }
  parts.push(mime.subarray(pos));
  return Buffer.concat(parts);
}

function formatField(name: string, value: string, nl: string): string {
  const encoded = MimeNode.encodeHeaderValue(name, value.replace(/\r?\n|\r/g, ' '));
  return foldLines(`${name}: ${encoded}`, 76).replace(/\r\n/g, nl) + nl;
}
