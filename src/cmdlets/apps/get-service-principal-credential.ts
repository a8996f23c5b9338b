// Get-ServicePrincipalCredential (Deputy's own): lists an application's client secrets (hints only).
import { resolveOne, servicePrincipals } from '../../services/identity.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { credentialOutput } from './credential-output.ts';

export default defineCmdlet({
  name: 'Get-ServicePrincipalCredential',
  synopsis: 'Lists the client secrets of a service principal (never the secret itself).',
  parameters: [identityParameter('ServicePrincipalIdParameter')],
  async run(op, p) {
    const sp = resolveOne(op.model, p.string('Identity'), servicePrincipals);
    return (await op.tx.listClientSecrets(sp.guid)).map((s) => credentialOutput(sp, s));
  },
});
