// Records a read by another account or application (owners reading their own mail are not
// audited, as in Exchange's default); the event is written in the next batch, and is the
// request's only event (the endpoint then writes none in a transaction of its own).
import type { Recipient } from '../../../core/directory/recipient.ts';
import { readAuditFor } from '../../../services/mailbox/read-audit.ts';
import { markAudited } from '../audit.ts';
import type { EwsContext } from '../operation.ts';

export function recordRead(ctx: EwsContext, mailbox: Recipient, operation: string, ids: { itemIds?: string[]; folderIds?: string[] }): void {
  if (ctx.logonType === 'Owner') return;
  markAudited(ctx);
  readAuditFor(ctx.runtime.store).record({
    time: ctx.runtime.now().toISOString(),
    kind: 'Mailbox',
    actorGuid: ctx.principal.guid,
    actor: ctx.principal.name,
    actedForGuid: mailbox.guid,
    actedFor: mailbox.primarySmtpAddress,
    logonType: ctx.logonType,
    protocol: 'EWS',
    operation,
    parameters: { ...(ids.itemIds?.length ? { itemIds: ids.itemIds } : {}), ...(ids.folderIds?.length ? { folderIds: ids.folderIds } : {}) },
    result: 'Succeeded',
    error: null,
    clientAddress: ctx.clientAddress,
    requestId: ctx.requestId,
  });
}
