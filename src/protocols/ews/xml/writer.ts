// A fast XML writer for EWS responses: chunks pushed to an array and joined once, with escaping
// that never emits invalid XML 1.0 (characters XML forbids become U+FFFD, so a stored subject with
// a stray control character cannot break a client's parser for the whole response). Binary content
// (MimeContent) is kept as bytes and base64-encoded only as the response buffer is built (toBuffer):
// base64 has nothing to escape, and it is most of the bytes of a GetItem response.
import { responsePrefixes, type ResponsePrefix } from '../namespaces.ts';

export type AttrValue = string | number | boolean | null | undefined;
/** Attributes by qualified name; null and undefined values are left out. */
export type Attrs = Record<string, AttrValue>;

// Anything that might need work: markup characters, C0 controls other than tab/LF/CR, surrogates
// (paired ones are fine; the slow path tells them apart) and the non-characters U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const textNeedsWork = /[&<>\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
// eslint-disable-next-line no-control-regex
const attrNeedsWork = /[&<>"\t\n\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;
/** Code points outside XML 1.0's Char production (lone surrogates included, thanks to the u flag). */
const invalidXmlChars = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function replaceInvalid(value: string): string {
  return value.replace(invalidXmlChars, '\uFFFD');
}

/**
 * Escapes element text: &, < and > (the last so "]]>" can never appear), and CR as a reference,
 * because parsers turn a literal CR into LF and a body's CRLF line ends would not survive.
 */
export function escapeText(value: string): string {
  if (!textNeedsWork.test(value)) return value;
  return replaceInvalid(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
}

/** Escapes an attribute value for double quotes; tab, LF and CR become references so they survive attribute normalisation. */
export function escapeAttr(value: string): string {
  if (!attrNeedsWork.test(value)) return value;
  return replaceInvalid(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}

/** `xmlns:p="uri"` attributes for the given response prefixes (m, t, s, e, xsi). */
export function declare(...prefixes: ResponsePrefix[]): Attrs {
  const attrs: Attrs = {};
  for (const p of prefixes) attrs[`xmlns:${p}`] = responsePrefixes[p];
  return attrs;
}

/** Bytes base64 takes for `n` bytes of input. */
const base64Length = (n: number) => Math.ceil(n / 3) * 4;

export class XmlWriter {
  /** Text written since the last binary part. */
  private chunks: string[] = [];
  /** Finished parts in order: text (joined chunks) and bytes to write as base64. */
  private readonly parts: Array<string | Uint8Array> = [];
  private readonly stack: string[] = [];

  /** Opens `<name attrs>`; close it with close(). */
  open(name: string, attrs?: Attrs | null): this {
    this.chunks.push(`<${name}${attrs ? attributes(attrs) : ''}>`);
    this.stack.push(name);
    return this;
  }

  /** Closes the innermost open element. */
  close(): this {
    const name = this.stack.pop();
    if (name === undefined) throw new Error('XmlWriter.close() without an open element');
    this.chunks.push(`</${name}>`);
    return this;
  }

  /** A complete element: `<name attrs/>` when text is null/undefined, else `<name attrs>text</name>` (text escaped; '' gives an empty pair). */
  leaf(name: string, attrs?: Attrs | null, text?: string | number | boolean | null): this {
    const a = attrs ? attributes(attrs) : '';
    if (text === null || text === undefined) this.chunks.push(`<${name}${a}/>`);
    else this.chunks.push(`<${name}${a}>${typeof text === 'string' ? escapeText(text) : String(text)}</${name}>`);
    return this;
  }

  /** Escaped text inside the current element. */
  text(value: string): this {
    this.chunks.push(escapeText(value));
    return this;
  }

  /** Pre-formed markup, written as is: the caller guarantees it is well-formed (e.g. base64, or a serialised subtree). */
  raw(xml: string): this {
    this.chunks.push(xml);
    return this;
  }

  /**
   * Bytes as base64 text inside the current element (e.g. MimeContent), encoded when the document
   * is finished. The bytes are not copied: do not change them before then.
   */
  base64(bytes: Uint8Array): this {
    if (bytes.length === 0) return this;
    if (this.chunks.length) {
      this.parts.push(this.chunks.join(''));
      this.chunks = [];
    }
    this.parts.push(bytes);
    return this;
  }

  /** How many elements are open (0 once the document is complete). */
  get depth(): number {
    return this.stack.length;
  }

  toString(): string {
    this.requireComplete();
    let out = '';
    for (const part of this.parts) out += typeof part === 'string' ? part : Buffer.from(part.buffer, part.byteOffset, part.length).toString('base64');
    return out + this.chunks.join('');
  }

  /**
   * The document as UTF-8 bytes, built in one buffer: text parts are encoded into it and binary
   * parts base64-encoded into it, so a large response is neither joined into one string first nor
   * re-encoded when it is sent.
   */
  toBuffer(): Buffer {
    this.requireComplete();
    const tail = this.chunks.join('');
    let total = Buffer.byteLength(tail, 'utf8');
    for (const part of this.parts) total += typeof part === 'string' ? Buffer.byteLength(part, 'utf8') : base64Length(part.length);
    const out = Buffer.allocUnsafe(total);
    let offset = 0;
    for (const part of this.parts) {
      if (typeof part === 'string') offset += out.write(part, offset, 'utf8');
      // base64 is ASCII: latin1 copies it byte for byte.
      else offset += out.write(Buffer.from(part.buffer, part.byteOffset, part.length).toString('base64'), offset, 'latin1');
    }
    offset += out.write(tail, offset, 'utf8');
    if (offset !== total) throw new Error(`XmlWriter: wrote ${offset} bytes, expected ${total}`);
    return out;
  }

  private requireComplete(): void {
    if (this.stack.length) throw new Error(`XmlWriter: unclosed element <${this.stack[this.stack.length - 1]}>`);
  }
}

function attributes(attrs: Attrs): string {
  let out = '';
  for (const name in attrs) {
    const value = attrs[name];
    if (value === null || value === undefined) continue;
    out += ` ${name}="${typeof value === 'string' ? escapeAttr(value) : String(value)}"`;
  }
  return out;
}
