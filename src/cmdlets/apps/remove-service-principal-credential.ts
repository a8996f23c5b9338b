// Remove-ServicePrincipalCredential (Deputy's own): revokes one client secret.
import { objectNotFound } from '../../core/errors.ts';
import { resolveOne, servicePrincipals } from '../../services/identity.ts';
import { defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-ServicePrincipalCredential',
  synopsis: 'Revokes a client secret of a service principal.',
  parameters: [identityParameter('ServicePrincipalIdParameter'), { name: 'KeyId', type: 'String', mandatory: true }],
  async run(op, p) {
    const sp = resolveOne(op.model, p.string('Identity'), servicePrincipals);
    const keyId = p.string('KeyId')!.toLowerCase();
    const secret = (await op.tx.listClientSecrets(sp.guid)).find((s) => s.id === keyId);
    if (!secret) throw objectNotFound(keyId);
    await op.tx.deleteClientSecret(secret.id);
    return [];
  },
});
