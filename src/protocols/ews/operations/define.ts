// Mailbox operations are written as functions returning the response as an XmlNode tree;
// this adapts them to the EWS operation contract (which writes to an XmlWriter).
import { isDeputyError } from '../../../core/errors.ts';
import { EwsError } from '../errors.ts';
import { defineOperation, type EwsContext, type EwsOperation } from '../operation.ts';
import { isResponseCode, type ResponseCode } from '../response-codes.ts';
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
      let response: XmlNode;
      try {
        response = await handler(ctx, request);
      } catch (error) {
        // A whole-request failure keeps the specific code the operation chose (e.g.
        // ErrorInvalidPagingMaxRows); the generic mapping would turn it into ErrorInvalidArgument.
        if (!isDeputyError(error)) throw error;
        const code = error.details.ewsCode;
        if (typeof code === 'string' && code !== 'NoError' && isResponseCode(code)) throw new EwsError(code as Exclude<ResponseCode, 'NoError'>, error.message);
        throw error;
      }
      writeNode(out, response);
    },
  });
}
