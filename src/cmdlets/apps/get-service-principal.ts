// Get-ServicePrincipal: lists applications (by name, AppId or ObjectId).
import { resolveMany, servicePrincipals } from '../../services/identity.ts';
import { defineCmdlet } from '../define.ts';
import { servicePrincipalOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'Get-ServicePrincipal',
  synopsis: 'Shows service principals.',
  parameters: [{ name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'ServicePrincipalIdParameter' }],
  async run(op, p) {
    return resolveMany(op.model, p.string('Identity'), servicePrincipals).map(servicePrincipalOutput);
  },
});
