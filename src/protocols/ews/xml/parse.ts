// Parses request XML into a light, namespace-aware element tree, refusing what a hostile client
// could abuse: DTDs (entity expansion, external entities), undefined entities, deep nesting, and
// element floods. Everything is matched by namespace URI + local name, never by prefix.
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { escapeAttr, escapeText } from './writer.ts';

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  local: string;
  /** The qualified name as written (for messages and re-serialisation). */
  name: string;
  /**
   * Attribute values by local name: unprefixed attributes, plus prefixed ones such as xml:lang or
   * xsi:type unless an unprefixed attribute has the same local name. Namespace declarations are left out.
   */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), concatenated; text inside children is not part of it. */
  text: string;
  /** Text and children in document order, kept only for mixed content (re-serialisation needs it). */
  mixed?: Array<string | XmlElement>;
}

export interface XmlLimits {
  /** Deepest element nesting accepted (the root is depth 1). Default 100. */
  maxDepth?: number;
  /** Most elements accepted in one document. Default 100 000. */
  maxElements?: number;
}

export type XmlParseErrorKind = 'Malformed' | 'Dtd' | 'Entity' | 'TooDeep' | 'TooManyElements';

export class XmlParseError extends Error {
  constructor(
    readonly kind: XmlParseErrorKind,
    message: string,
    /** 1-based; 0 when unknown. */
    readonly line = 0,
    readonly column = 0,
  ) {
    super(message);
    this.name = 'XmlParseError';
  }
}

export const defaultXmlLimits = { maxDepth: 100, maxElements: 100_000 } as const;

const xmlnsNs = 'http://www.w3.org/2000/xmlns/';

interface Frame {
  el: XmlElement;
  segments: Array<string | XmlElement> | null;
  hasText: boolean;
}

/** Parses a whole document and returns its root element; throws XmlParseError and nothing else. */
export function parseXml(text: string, limits: XmlLimits = {}): XmlElement {
  const maxDepth = limits.maxDepth ?? defaultXmlLimits.maxDepth;
  const maxElements = limits.maxElements ?? defaultXmlLimits.maxElements;
  const parser = new SaxesParser({ xmlns: true, position: true, forceXMLVersion: true, defaultXMLVersion: '1.0' });
  const stack: Frame[] = [];
  let root: XmlElement | null = null;
  let count = 0;
  const fail = (kind: XmlParseErrorKind, message: string): never => {
    throw new XmlParseError(kind, message, parser.line, parser.column + 1);
  };

  parser.on('doctype', () => fail('Dtd', 'DTDs (<!DOCTYPE …>) are not allowed in requests.'));
  parser.on('opentag', (tag: SaxesTagNS) => {
    if (++count > maxElements) fail('TooManyElements', `The request has more than ${maxElements} elements.`);
    if (stack.length >= maxDepth) fail('TooDeep', `Elements are nested more than ${maxDepth} levels deep.`);
    const el: XmlElement = { ns: tag.uri, local: tag.local, name: tag.name, attrs: readAttributes(tag), children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) {
      parent.el.children.push(el);
      (parent.segments ??= []).push(el);
    } else {
      root = el;
    }
    stack.push({ el, segments: null, hasText: false });
  });
  const onText = (value: string) => {
    const frame = stack[stack.length - 1];
    if (!frame) return; // whitespace around the root; saxes rejects anything else there
    frame.el.text += value;
    frame.hasText = true;
    (frame.segments ??= []).push(value);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    const frame = stack.pop();
    if (frame && frame.hasText && frame.el.children.length > 0) frame.el.mixed = frame.segments ?? undefined;
  });

  try {
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlParseError) throw error;
    throw classify(error, text);
  }
  if (!root) throw new XmlParseError('Malformed', 'The request has no root element.');
  return root;
}

function readAttributes(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  const prefixed: Array<[string, string]> = [];
  for (const key in tag.attributes) {
    const a = tag.attributes[key];
    if (a.uri === xmlnsNs || a.name === 'xmlns') continue;
    if (a.prefix) prefixed.push([a.local, a.value]);
    else attrs[a.local] = a.value;
  }
  for (const [local, value] of prefixed) if (!(local in attrs)) attrs[local] = value;
  return attrs;
}

/** saxes reports "line:column: message"; keep the position and say what kind of problem it is. */
function classify(error: unknown, source: string): XmlParseError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(message);
  const text = match ? match[3] : message;
  const line = match ? Number(match[1]) : 0;
  const column = match ? Number(match[2]) + 1 : 0;
  if (/undefined entity/.test(text)) {
    // saxes does not say which entity; the first reference that is neither predefined nor a character reference is it.
    const name = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)([^;\s<&]{1,40});/.exec(source)?.[1];
    const what = name ? `The entity reference '&${name};' is` : 'Entity references are';
    return new XmlParseError('Entity', `${what} not allowed: only the predefined XML entities and character references are.`, line, column);
  }
  return new XmlParseError('Malformed', text, line, column);
}

// --- reading ------------------------------------------------------------------------------------

/** The first child element with this namespace and local name. */
export function child(el: XmlElement, ns: string, local: string): XmlElement | undefined {
  for (const c of el.children) if (c.local === local && c.ns === ns) return c;
  return undefined;
}

/** Every child element with this namespace and local name, in document order. */
export function children(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

/** The text of the first matching child, or undefined when there is no such child. */
export function childText(el: XmlElement, ns: string, local: string): string | undefined {
  return child(el, ns, local)?.text;
}

/** An attribute by local name (see XmlElement.attrs). */
export function attr(el: XmlElement, local: string): string | undefined {
  return el.attrs[local];
}

// --- writing back -------------------------------------------------------------------------------

/**
 * The element as XML text, names as written. Namespace declarations are not reproduced: this is
 * for content clients send as markup, such as an HTML body that arrives as child elements.
 */
export function serializeElement(el: XmlElement): string {
  let open = `<${el.name}`;
  for (const name in el.attrs) open += ` ${name}="${escapeAttr(el.attrs[name])}"`;
  const inner = serializeChildren(el);
  return inner === '' ? `${open}/>` : `${open}>${inner}</${el.name}>`;
}

/** The element's content (text and children, in order) as XML text: an HTML body's markup. */
export function serializeChildren(el: XmlElement): string {
  const parts = el.mixed ?? (el.children.length ? el.children : [el.text]);
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? escapeText(part) : serializeElement(part);
  return out;
}
