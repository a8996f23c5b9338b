// Get-ImpersonationAccess (Deputy's own): every mailbox an account or application can impersonate.
import { isMailbox } from '../../core/directory/recipient.ts';
import { resolveOne, securityPrincipals, sortByName } from '../../services/identity.ts';
import { checkImpersonation } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter, resultSize } from '../define.ts';
import { limit } from '../limits.ts';
import { impersonationOutput } from './impersonation-output.ts';

export default defineCmdlet({
  name: 'Get-ImpersonationAccess',
  synopsis: 'Lists the mailboxes a service account or application can impersonate, with the assignment that grants each.',
  parameters: [identityParameter('SecurityPrincipalIdParameter'), resultSize],
  async run(op, p) {
    const actor = resolveOne(op.model, p.string('Identity'), securityPrincipals);
    const reachable = sortByName([...op.model.recipients.values()].filter(isMailbox))
      .map((mailbox) => ({ mailbox, check: checkImpersonation(op, actor, mailbox) }))
      .filter((x) => x.check.allowed);
    return limit(reachable, p).map((x) => impersonationOutput(actor, x.mailbox, x.check));
  },
});
