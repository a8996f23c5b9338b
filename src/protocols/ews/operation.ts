// The contract every EWS operation follows. One file per operation in operations/, one line in
// operations/registry.ts:
//
//   export const getFolder = defineOperation({
//     name: 'GetFolder',                          // the request element's local name (messages ns)
//     async run(ctx, request, out) {              // request = the m:GetFolder element
//       const results = …one ResponseMessage per requested id, in request order…;
//       await auditMailboxAccess(ctx.runtime, ctx, { operation: 'GetFolder', folderIds, result: 'Succeeded' });
//       writeResponseMessages(out, 'GetFolder', results);   // writes m:GetFolderResponse
//     },
//   });
//
// Rules:
// - The endpoint has authenticated the caller, resolved ctx.mailbox (impersonation included) and
//   checked the right to impersonate. Operations still authorize item access through services.
// - Per-item failures are results with ok: false (HTTP 200, ResponseClass="Error"). Throwing an
//   EwsError or DeputyError fails the whole request with a SOAP fault (HTTP 500); anything else
//   becomes ErrorInternalServerError with the request id, and is logged.
// - ctx.mailbox is null for a user without a mailbox acting as themselves: mailbox operations
//   then answer each item with noMailboxError(ctx).
// - Read elements with child/children/childText (xml/parse.ts) by namespace + local name; parse
//   booleans with readBoolean (clients send 0/1 as well as true/false).
// - Audit: call auditMailboxAccess once, listing the ids touched. Requests on someone else's
//   mailbox that do not call it are still audited by the endpoint, without ids.
// - The writer escapes text; write only elements in the m:/t: prefixes (declared on the
//   <Op>Response element by writeResponseMessages, so each response validates standalone).
import type { Recipient } from '../../core/directory/recipient.ts';
import type { Runtime } from '../../services/context.ts';
import type { Principal } from '../../services/principal.ts';
import { EwsError } from './errors.ts';
import type { XmlElement } from './xml/parse.ts';
import { declare, type XmlWriter } from './xml/writer.ts';

export interface EwsContext {
  runtime: Runtime;
  /** Who authenticated (the real actor). */
  principal: Principal;
  /** The mailbox acted on (the impersonated one, or the caller's own); null when the caller has none. */
  mailbox: Recipient | null;
  logonType: 'Owner' | 'Impersonation' | 'App';
  requestId: string;
  clientAddress: string | null;
  /** As the client sent it, never validated (clients send values the schema lacks, e.g. Exchange2019). */
  requestServerVersion: string | null;
  /** TimeZoneContext/TimeZoneDefinition@Id, e.g. 'UTC' or 'W. Europe Standard Time'. */
  timeZoneId: string | null;
}

export interface EwsOperation {
  /** The request element's local name, e.g. 'GetFolder'. */
  name: string;
  /** Writes the m:<Name>Response element. */
  run(ctx: EwsContext, request: XmlElement, out: XmlWriter): Promise<void>;
}

export function defineOperation(op: EwsOperation): EwsOperation {
  if (!/^[A-Z][A-Za-z]+$/.test(op.name)) throw new Error(`EWS operation name '${op.name}' is not an element name`);
  return op;
}

/**
 * One ResponseMessage. `write` adds the payload after the standard elements (e.g. m:Folders).
 * With ok: false the class is Error, or Warning when `warning` is set (e.g.
 * ErrorNameResolutionMultipleResults); some schemas require a payload even then.
 */
export type ResponseMessage =
  | { ok: true; write?: (out: XmlWriter) => void }
  | { ok: false; error: EwsError; warning?: boolean; write?: (out: XmlWriter) => void };

/** m:<Op>Response (declaring m: and t:) / m:ResponseMessages / one m:<Op>ResponseMessage per result, in order. */
export function writeResponseMessages(out: XmlWriter, opName: string, results: readonly ResponseMessage[]): void {
  out.open(`m:${opName}Response`, declare('m', 't')).open('m:ResponseMessages');
  for (const result of results) writeResponseMessage(out, `m:${opName}ResponseMessage`, result);
  out.close().close();
}

/** A single response message element, for responses shaped differently (e.g. GetUserOofSettingsResponse's m:ResponseMessage). */
export function writeResponseMessage(out: XmlWriter, elementName: string, result: ResponseMessage): void {
  if (result.ok) {
    out.open(elementName, { ResponseClass: 'Success' }).leaf('m:ResponseCode', null, 'NoError');
  } else {
    const { error } = result;
    out
      .open(elementName, { ResponseClass: result.warning ? 'Warning' : 'Error' })
      .leaf('m:MessageText', null, error.message)
      .leaf('m:ResponseCode', null, error.code)
      .leaf('m:DescriptiveLinkKey', null, 0);
    if (error.messageXml.length) {
      out.open('m:MessageXml');
      for (const v of error.messageXml) out.leaf('t:Value', { Name: v.name }, v.value);
      out.close();
    }
  }
  result.write?.(out);
  out.close();
}

/** The per-item error for mailbox operations when the caller acts as themselves and has no mailbox. */
export function noMailboxError(ctx: EwsContext): EwsError {
  return new EwsError('ErrorNonExistentMailbox', `${ctx.principal.name} has no mailbox. Name a mailbox with the ExchangeImpersonation header to act on it.`);
}

/** xs:boolean as clients send it: true/false/1/0 (exchangelib sends 0/1). Anything else gives the fallback. */
export function readBoolean(value: string | undefined, fallback: boolean): boolean {
  switch (value?.trim().toLowerCase()) {
    case 'true':
    case '1':
      return true;
    case 'false':
    case '0':
      return false;
    default:
      return fallback;
  }
}
