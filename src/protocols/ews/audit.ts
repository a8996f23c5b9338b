// Mailbox audit for EWS: one event per request that acts on someone else's mailbox (impersonation
// or an application), listing the ids it touched, so auditing costs one append per request rather
// than one per item. The endpoint completes the record for operations that did not write one.
import type { AuditResult } from '../../core/audit/event.ts';
import type { Runtime } from '../../services/context.ts';
import type { EwsContext } from './operation.ts';

export interface MailboxAccess {
  /** The EWS operation, e.g. 'GetItem'. */
  operation: string;
  itemIds?: readonly string[];
  folderIds?: readonly string[];
  /** Further facts of the request (e.g. the mailboxes a free/busy request asked about); never content. */
  details?: Record<string, unknown>;
  result: AuditResult;
  error?: string | null;
  /** Record even when the caller acts on its own mailbox: refusals are always worth keeping. */
  evenForOwner?: boolean;
}

/** Ids beyond this many are counted, not listed: a 1000-item FindItem should not write a megabyte of audit. */
const maxListedIds = 1000;

const audited = new WeakSet<EwsContext>();

/**
 * Records the request in the mailbox audit log when it acts on someone else's mailbox; owners
 * acting on their own mailbox are not audited. Call once per request; later calls are ignored.
 */
export async function auditMailboxAccess(runtime: Runtime, ctx: EwsContext, access: MailboxAccess): Promise<void> {
  if ((ctx.logonType === 'Owner' && !access.evenForOwner) || audited.has(ctx)) return;
  audited.add(ctx);
  const parameters: Record<string, unknown> = { ...access.details };
  listIds(parameters, 'itemIds', access.itemIds);
  listIds(parameters, 'folderIds', access.folderIds);
  const { principal, mailbox } = ctx;
  await runtime.store.transaction((tx) =>
    tx.appendAudit({
      time: runtime.now().toISOString(),
      kind: 'Mailbox',
      actorGuid: principal.guid,
      actor: principal.name,
      // A caller without a mailbox acts for itself (the audit's "acted for" equals the actor then).
      actedForGuid: mailbox?.guid ?? principal.guid,
      actedFor: mailbox ? mailbox.primarySmtpAddress || mailbox.userPrincipalName : principal.name,
      logonType: ctx.logonType,
      protocol: 'EWS',
      operation: access.operation,
      parameters,
      result: access.result,
      error: access.error ?? null,
      clientAddress: ctx.clientAddress,
      requestId: ctx.requestId,
    }),
  );
}

/**
 * For operations that recorded the request another way: a read recorded by the batched read audit
 * (operations/read-audit.ts) is the request's event, so the endpoint does not write a second one in
 * a transaction of its own (which would cost every read a write and defeat the batching).
 */
export function markAudited(ctx: EwsContext): void {
  audited.add(ctx);
}

/** Whether auditMailboxAccess already recorded this request (the endpoint's fallback checks it). */
export function isAudited(ctx: EwsContext): boolean {
  return audited.has(ctx);
}

function listIds(parameters: Record<string, unknown>, key: string, ids: readonly string[] | undefined): void {
  if (!ids?.length) return;
  parameters[key] = ids.length > maxListedIds ? ids.slice(0, maxListedIds) : [...ids];
  if (ids.length > maxListedIds) parameters[`${key}Omitted`] = ids.length - maxListedIds;
}
