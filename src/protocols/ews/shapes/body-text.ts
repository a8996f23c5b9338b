// The text of a Body element. ews-javascript-api sends HTML bodies unescaped, so the HTML
// arrives as child elements: re-serialise them, in document order, as the HTML text.
import { serializeChildren, type XmlElement } from '../xml/parse.ts';
import type { XmlIn } from './xml-node.ts';

export function bodyText(body: XmlIn): string {
  if (body.children.length === 0) return body.text;
  return serializeChildren(body as XmlElement);
}
