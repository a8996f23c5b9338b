// Mailbox operations are written as functions returning the response as an XmlNode tree;
// this adapts them to the EWS operation contract (which writes to an XmlWriter).
import { defineOperation, type EwsContext, type EwsOperation } from '../operation.ts';
import type { XmlWriter } from '../xml/writer.ts';
import type { XmlIn, XmlNode } from '../shapes/xml-node.ts';
import type { XmlElement } from '../xml/parse.ts';

export function writeNode(out: XmlWriter, n: XmlNode): void {
  if (!n.children) {
    out.leaf(n.name, n.attrs ?? null, n.text);
    return;
  }
  out.open(n.name, n.attrs ?? null);
  for (const c of n.children) writeNode(out, c);
  out.close();
}

export function ewsOperation(name: string, handler: (ctx: EwsContext, request: XmlIn) => Promise<XmlNode>): EwsOperation {
  return defineOperation({
    name,
    async run(ctx: EwsContext, request: XmlElement, out: XmlWriter) {
      writeNode(out, await handler(ctx, request));
    },
  });
}
