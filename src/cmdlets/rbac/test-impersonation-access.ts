// Test-ImpersonationAccess (Deputy's own): may this account impersonate that mailbox, and why.
import { anyRecipient, resolveOne, securityPrincipals } from '../../services/identity.ts';
import { checkImpersonation } from '../../services/rbac.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { impersonationOutput } from './impersonation-output.ts';

export default defineCmdlet({
  name: 'Test-ImpersonationAccess',
  synopsis: 'Tells whether a service account or application may impersonate a mailbox, with the grant or the precise reason for denial.',
  parameters: [identityParameter('SecurityPrincipalIdParameter'), { name: 'Mailbox', type: 'String', mandatory: true, typeName: 'MailboxIdParameter' }],
  async run(op, p) {
    const actor = resolveOne(op.model, p.string('Identity'), securityPrincipals);
    const mailbox = resolveOne(op.model, p.string('Mailbox'), anyRecipient);
    return [impersonationOutput(actor, mailbox, checkImpersonation(op, actor, mailbox))];
  },
});
