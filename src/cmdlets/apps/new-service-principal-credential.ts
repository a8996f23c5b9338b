// New-ServicePrincipalCredential (Deputy's own): issues a client secret, shown once and stored hashed.
import { resolveOne, servicePrincipals } from '../../services/identity.ts';
import { issueClientSecret } from '../../services/service-principals.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { credentialOutput } from './credential-output.ts';

export default defineCmdlet({
  name: 'New-ServicePrincipalCredential',
  synopsis: 'Issues a client secret for a service principal. The secret is shown once; only its hash is kept.',
  parameters: [
    identityParameter('ServicePrincipalIdParameter'),
    { name: 'DisplayName', type: 'String' },
    { name: 'ValidDays', type: 'Int32' },
  ],
  async run(op, p) {
    const sp = resolveOne(op.model, p.string('Identity'), servicePrincipals);
    const issued = await issueClientSecret(op, sp, { displayName: p.string('DisplayName'), validDays: p.number('ValidDays') ?? 365 });
    return [credentialOutput(sp, issued.secret, issued.secretText)];
  },
});
