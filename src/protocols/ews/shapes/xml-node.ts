// A plain description of XML to write (name with prefix, attributes, text or children), so the
// item and folder shapes stay independent of the writer and easy to test.

export interface XmlNode {
  /** Prefixed name, e.g. 't:Subject' (prefixes t:, m: are declared on the response element). */
  name: string;
  attrs?: Record<string, string>;
  text?: string;
  children?: XmlNode[];
}

/** The request side: an element as the parser gives it (namespace URI + local name). */
export interface XmlIn {
  ns: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlIn[];
  text: string;
}

export const typesNs = 'http://schemas.microsoft.com/exchange/services/2006/types';
export const messagesNs = 'http://schemas.microsoft.com/exchange/services/2006/messages';

export const node = (name: string, text?: string | number | boolean | null, attrs?: Record<string, string>): XmlNode => ({
  name,
  ...(attrs ? { attrs } : {}),
  ...(text === undefined || text === null ? {} : { text: typeof text === 'boolean' ? (text ? 'true' : 'false') : String(text) }),
});

export const parent = (name: string, children: XmlNode[], attrs?: Record<string, string>): XmlNode => ({ name, children, ...(attrs ? { attrs } : {}) });

export function childIn(el: XmlIn | undefined, local: string, ns = typesNs): XmlIn | undefined {
  return el?.children.find((c) => c.local === local && c.ns === ns);
}

export function childrenIn(el: XmlIn | undefined, local: string, ns = typesNs): XmlIn[] {
  return el ? el.children.filter((c) => c.local === local && c.ns === ns) : [];
}

/** EWS booleans arrive as true/false or 1/0 (exchangelib). */
export function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  return undefined;
}
