// The mailbox audit record of a use case, written in its own transaction so the record and the
// change commit together. One event per request lists every item and folder it touched.
import type { AuditResult } from '../../core/audit/event.ts';
import type { MailboxOperation } from './context.ts';

export interface MailboxAuditDetails {
  operation: string;
  itemIds?: string[];
  folderIds?: string[];
  /** Extra facts worth keeping (recipients count, disposition …); never message content. */
  details?: Record<string, unknown>;
  result?: AuditResult;
  error?: string | null;
}

export async function auditMailboxOperation(op: MailboxOperation, audit: MailboxAuditDetails): Promise<void> {
  const { principal } = op.actor;
  await op.tx.appendAudit({
    time: op.now,
    kind: 'Mailbox',
    actorGuid: principal.guid,
    actor: principal.name,
    actedForGuid: op.mailbox.guid,
    actedFor: op.mailbox.primarySmtpAddress,
    logonType: op.actor.logonType,
    protocol: op.actor.protocol,
    operation: audit.operation,
    parameters: {
      ...(audit.itemIds?.length ? { itemIds: audit.itemIds } : {}),
      ...(audit.folderIds?.length ? { folderIds: audit.folderIds } : {}),
      ...(audit.details ?? {}),
    },
    result: audit.result ?? 'Succeeded',
    error: audit.error ?? null,
    clientAddress: op.actor.clientAddress,
    requestId: op.actor.requestId,
  });
}
