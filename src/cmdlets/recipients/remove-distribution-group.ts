// Remove-DistributionGroup: removes a group (groups that grant roles need Role Management).
import { groups, resolveOne } from '../../services/identity.ts';
import { removeRecipient, requireRoleManagementFor } from '../../services/recipients.ts';
import { requireGroupManager } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Remove-DistributionGroup',
  synopsis: 'Removes a distribution group or mail-enabled security group.',
  parameters: [identityParameter('DistributionGroupIdParameter'), bypassManagerCheck],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), groups);
    requireWriteAccess(op, 'Remove-DistributionGroup', group, p);
    requireRoleManagementFor(op, group, 'remove');
    requireGroupManager(op, group, p.switch('BypassSecurityGroupManagerCheck'));
    await removeRecipient(op, group);
    return [];
  },
});
