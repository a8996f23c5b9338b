// Remove-ServicePrincipal: removes an application with its assignments and secrets; scopes stay.
import { resolveOne, servicePrincipals } from '../../services/identity.ts';
import { removeRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-ServicePrincipal',
  synopsis: 'Removes a service principal, its role assignments and its client secrets.',
  parameters: [identityParameter('ServicePrincipalIdParameter')],
  async run(op, p) {
    await removeRecipient(op, resolveOne(op.model, p.string('Identity'), servicePrincipals));
    return [];
  },
});
