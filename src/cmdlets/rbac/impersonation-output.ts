// Output shape of Test-ImpersonationAccess and Get-ImpersonationAccess.
import type { Recipient } from '../../core/directory/recipient.ts';
import type { ImpersonationCheck } from '../../services/rbac.ts';
import { withDisplayColumns } from '../host.ts';

export function impersonationOutput(actor: Recipient, mailbox: Recipient, check: ImpersonationCheck) {
  return withDisplayColumns(
    {
      Identity: actor.userPrincipalName || actor.name,
      Mailbox: mailbox.primarySmtpAddress || mailbox.name,
      AccessCheckResult: check.allowed ? 'Allowed' : 'Denied',
      Entry: check.entry,
      RoleAssignment: check.assignment?.name ?? null,
      Role: check.role ?? null,
      RoleGroup: check.roleGroup ?? null,
      AssignmentChain: check.via,
      RecipientWriteScope: check.scope ?? null,
      Reason: check.reason,
    },
    ['Identity', 'Mailbox', 'AccessCheckResult', 'RoleAssignment', 'RecipientWriteScope'],
  );
}
