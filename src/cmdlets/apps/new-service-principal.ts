// New-ServicePrincipal: registers an application (Deputy is its own identity provider, so ids may be generated).
import { createServicePrincipal } from '../../services/service-principals.ts';
import { defineCmdlet } from '../define.ts';
import { servicePrincipalOutput } from '../output/recipients.ts';

export default defineCmdlet({
  name: 'New-ServicePrincipal',
  synopsis: 'Registers an application that can receive application roles and client secrets.',
  parameters: [
    { name: 'DisplayName', type: 'String', mandatory: true, position: 0 },
    { name: 'AppId', type: 'String' },
    { name: 'ObjectId', type: 'String', aliases: ['ServiceId'] },
  ],
  async run(op, p) {
    const sp = await createServicePrincipal(op, { displayName: p.string('DisplayName')!, appId: p.string('AppId'), objectId: p.string('ObjectId') });
    return [servicePrincipalOutput(sp)];
  },
});
