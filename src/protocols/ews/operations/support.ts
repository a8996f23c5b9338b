// Shared steps of the mailbox operations: the acting mailbox, reading folder and item ids,
// per-item results with the right EWS response codes, and writing XmlNode trees.
import { DeputyError, isDeputyError } from '../../../core/errors.ts';
import type { Recipient } from '../../../core/directory/recipient.ts';
import type { Folder } from '../../../core/mailbox/model.ts';
import { inMailboxTransaction, type MailboxActor, type MailboxOperation } from '../../../services/mailbox/context.ts';
import { markAudited } from '../audit.ts';
import { isResponseCode } from '../response-codes.ts';
import { decodeId } from '../ids.ts';
import type { EwsContext } from '../operation.ts';
import { childIn, messagesNs, typesNs, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';

/** The per-item outcome of a multi-item operation, in request order. */
export type ItemResult = { ok: true; payload: XmlNode[] } | { ok: false; code: string; message: string };

export function actorOf(ctx: EwsContext): MailboxActor {
  return { principal: ctx.principal, logonType: ctx.logonType, protocol: 'EWS', requestId: ctx.requestId, clientAddress: ctx.clientAddress };
}

/**
 * One mailbox write in its own transaction. Every write records its audit event there
 * (auditMailboxOperation, with the ids it touched); once one commits, that is the request's
 * record and the endpoint writes no second, id-less event for it.
 */
export async function mailboxWrite<T>(ctx: EwsContext, mailbox: Recipient, work: (op: MailboxOperation) => Promise<T>): Promise<T> {
  const result = await inMailboxTransaction(ctx.runtime, actorOf(ctx), mailbox, work);
  markAudited(ctx);
  return result;
}

/**
 * Runs `work` for each item id of the request, each in its own transaction: a malformed id or a
 * failing item is answered on its own while the others are still processed.
 */
export async function eachItemWrite(ctx: EwsContext, mailbox: Recipient, ids: ReturnType<typeof readItemIds>, work: (op: MailboxOperation, uuid: string) => Promise<XmlNode[]>): Promise<ItemResult[]> {
  const results: ItemResult[] = [];
  for (const ref of ids) {
    results.push(ref ? await attempt(() => mailboxWrite(ctx, mailbox, (op) => work(op, ref.uuid))) : malformedId());
  }
  return results;
}

/** The mailbox the request acts on; a caller without one (and no impersonation) gets ErrorNonExistentMailbox. */
export function actingMailbox(ctx: EwsContext): Recipient {
  if (ctx.mailbox) return ctx.mailbox;
  throw new DeputyError('NonExistentMailbox', `${ctx.principal.name} has no mailbox. Use the ExchangeImpersonation header to act on a user's mailbox.`, { ewsCode: 'ErrorNonExistentMailbox' });
}

const codesByKind: Record<string, Partial<Record<string, string>>> = {
  ObjectNotFound: { Folder: 'ErrorFolderNotFound', Item: 'ErrorItemNotFound', Attachment: 'ErrorInvalidAttachmentId', default: 'ErrorItemNotFound' },
  AlreadyExists: { Folder: 'ErrorFolderExists', default: 'ErrorInvalidRequest' },
  AccessDenied: { SendAs: 'ErrorSendAsDenied', default: 'ErrorAccessDenied' },
  InvalidArgument: { Recipient: 'ErrorInvalidRecipients', Folder: 'ErrorInvalidRequest', default: 'ErrorInvalidRequest' },
  InvalidOperation: { default: 'ErrorInvalidOperation' },
  NonExistentMailbox: { default: 'ErrorNonExistentMailbox' },
  NotImplemented: { default: 'ErrorInvalidOperation' },
};

/** Service failures that name their reason (details.errorId) and have an EWS code of their own (else Error<errorId>, when that is one). */
const codesByErrorId: Partial<Record<string, string>> = {
  MoveDistinguishedFolder: 'ErrorMoveDistinguishedFolder',
  MoveIntoSubfolder: 'ErrorMoveCopyFailed',
};

/** The EWS response code for a failure of one item or folder. */
export function responseCodeOf(error: DeputyError): string {
  if (typeof error.details.ewsCode === 'string') return error.details.ewsCode;
  const errorId = typeof error.details.errorId === 'string' ? error.details.errorId : undefined;
  const byId = errorId ? (codesByErrorId[errorId] ?? (isResponseCode(`Error${errorId}`) ? `Error${errorId}` : undefined)) : undefined;
  if (byId) return byId;
  const byKind = codesByKind[error.code];
  if (!byKind) return 'ErrorInternalServerError';
  const kind = typeof error.details.objectKind === 'string' ? error.details.objectKind : 'default';
  return byKind[kind] ?? byKind.default ?? 'ErrorInternalServerError';
}

/** Runs one item's work; a DeputyError becomes that item's error, anything else propagates. */
export async function attempt(work: () => Promise<XmlNode[]>): Promise<ItemResult> {
  try {
    return { ok: true, payload: await work() };
  } catch (error) {
    if (!isDeputyError(error)) throw error;
    return { ok: false, code: responseCodeOf(error), message: error.message };
  }
}

export function failure(code: string, message: string): ItemResult {
  return { ok: false, code, message };
}

/** Payload elements the schema requires even in an error message (ItemInfo and AttachmentInfo messages). */
const requiredOnError: Record<string, string> = {
  GetItem: 'm:Items',
  CreateItem: 'm:Items',
  UpdateItem: 'm:Items',
  MoveItem: 'm:Items',
  CopyItem: 'm:Items',
  CreateAttachment: 'm:Attachments',
  GetAttachment: 'm:Attachments',
};

/** m:<Op>Response / m:ResponseMessages / m:<Op>ResponseMessage per result, in request order. */
export function responseMessages(operation: string, results: ItemResult[], extraAttrs?: (r: ItemResult, i: number) => Record<string, string> | undefined): XmlNode {
  return {
    name: `m:${operation}Response`,
    attrs: { 'xmlns:m': messagesNs, 'xmlns:t': typesNs },
    children: [
      {
        name: 'm:ResponseMessages',
        children: results.map((r, i) => ({
          name: `m:${operation}ResponseMessage`,
          attrs: { ResponseClass: r.ok ? 'Success' : 'Error', ...(extraAttrs?.(r, i) ?? {}) },
          children: r.ok
            ? [{ name: 'm:ResponseCode', text: 'NoError' }, ...r.payload]
            : [
                { name: 'm:MessageText', text: r.message },
                { name: 'm:ResponseCode', text: r.code },
                { name: 'm:DescriptiveLinkKey', text: '0' },
                ...(requiredOnError[operation] ? [{ name: requiredOnError[operation], children: [] }] : []),
              ],
        })),
      },
    ],
  };
}

export type FolderIdRef = { distinguished: string; mailbox: string | null } | { id: string } | { invalid: string };

/** Reads t:FolderId / t:DistinguishedFolderId children of a FolderIds-like element. */
export function readFolderIds(el: XmlIn | undefined): FolderIdRef[] {
  return (el?.children ?? []).filter((c) => c.ns === typesNs).map(readFolderId);
}

export function readFolderId(c: XmlIn): FolderIdRef {
  if (c.local === 'DistinguishedFolderId') {
    const mailbox = childIn(childIn(c, 'Mailbox'), 'EmailAddress')?.text.trim() || null;
    return { distinguished: (c.attrs.Id ?? '').toLowerCase(), mailbox };
  }
  if (c.local === 'FolderId') {
    const decoded = decodeId(c.attrs.Id ?? '');
    return decoded && decoded.kind === 'folder' ? { id: decoded.uuid } : { invalid: c.attrs.Id ?? '' };
  }
  return { invalid: c.local };
}

/** Resolves a folder reference within the acting mailbox (another mailbox's folder is not reachable). */
export function findFolder(folders: Folder[], mailbox: Recipient, ref: FolderIdRef): Folder {
  if ('invalid' in ref) throw new DeputyError('InvalidArgument', 'Id is malformed.', { ewsCode: 'ErrorInvalidIdMalformed' });
  if ('distinguished' in ref) {
    if (ref.mailbox && !mailbox.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === ref.mailbox!.toLowerCase())) {
      throw new DeputyError('AccessDenied', `Delegate access to ${ref.mailbox} is not available; use impersonation (ExchangeImpersonation) to act on another mailbox.`, { ewsCode: 'ErrorAccessDenied' });
    }
    const folder = folders.find((f) => f.distinguishedName === ref.distinguished);
    if (!folder) throw new DeputyError('ObjectNotFound', `The distinguished folder '${ref.distinguished}' does not exist in this mailbox.`, { objectKind: 'Folder' });
    return folder;
  }
  const folder = folders.find((f) => f.id === ref.id);
  if (!folder) throw new DeputyError('ObjectNotFound', 'The specified folder could not be found in the store.', { objectKind: 'Folder' });
  return folder;
}

/** Item ids of t:ItemId children; undefined entries are malformed ids (reported per item). */
export function readItemIds(el: XmlIn | undefined): Array<{ uuid: string; changeKey: string | null } | undefined> {
  return (el?.children ?? [])
    .filter((c) => c.ns === typesNs && (c.local === 'ItemId' || c.local === 'OccurrenceItemId' || c.local === 'RecurringMasterItemId'))
    .map((c) => {
      const decoded = decodeId(c.attrs.Id ?? '');
      return decoded && decoded.kind === 'item' ? { uuid: decoded.uuid, changeKey: c.attrs.ChangeKey ?? null } : undefined;
    });
}

export const malformedId = (): ItemResult => failure('ErrorInvalidIdMalformed', 'Id is malformed.');

export function messageChild(request: XmlIn, local: string): XmlIn | undefined {
  return childIn(request, local, messagesNs);
}
