// What a scope matches, shown when it is created or changed so a wrong filter is seen at once.
import type { ManagementScope } from '../../core/rbac/model.ts';
import type { Operation } from '../../services/context.ts';
import { isMailbox } from '../../core/directory/recipient.ts';

export function scopePreview(op: Pick<Operation, 'model' | 'authorizer'>, scope: ManagementScope): Record<string, unknown> {
  const predicate = op.authorizer.scopePredicate(scope);
  const matching = [...op.model.recipients.values()].filter((r) => predicate({ recipient: r, memberOf: op.model.directMemberOf(r.guid) }));
  const mailboxes = matching.filter(isMailbox).map((r) => r.primarySmtpAddress).sort();
  return {
    MatchingRecipientCount: matching.length,
    MatchingMailboxCount: mailboxes.length,
    MatchingMailboxesPreview: mailboxes.slice(0, 10),
  };
}
