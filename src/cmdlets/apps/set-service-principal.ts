// Set-ServicePrincipal: changes an application's display name.
import { resolveOne, servicePrincipals } from '../../services/identity.ts';
import { updateRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { servicePrincipalOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'Set-ServicePrincipal',
  synopsis: 'Changes the display name of a service principal.',
  parameters: [identityParameter('ServicePrincipalIdParameter'), { name: 'DisplayName', type: 'String', mandatory: true }],
  async run(op, p) {
    const sp = resolveOne(op.model, p.string('Identity'), servicePrincipals);
    return [servicePrincipalOutput(await updateRecipient(op, sp, { displayName: p.string('DisplayName') }))];
  },
});
