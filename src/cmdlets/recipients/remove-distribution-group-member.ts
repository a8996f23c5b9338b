// Remove-DistributionGroupMember: removes a member from a group (groups that grant roles need Role Management).
import { anyRecipient, groups, resolveOne } from '../../services/identity.ts';
import { removeMember, requireRoleManagementFor } from '../../services/recipients.ts';
import { requireGroupManager } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Remove-DistributionGroupMember',
  synopsis: 'Removes a member from a distribution group or mail-enabled security group.',
  parameters: [
    identityParameter('DistributionGroupIdParameter'),
    { name: 'Member', type: 'String', mandatory: true, typeName: 'RecipientWithAdUserGroupIdParameter' },
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), groups);
    requireWriteAccess(op, 'Remove-DistributionGroupMember', group, p);
    requireRoleManagementFor(op, group, 'change the members of');
    requireGroupManager(op, group, p.switch('BypassSecurityGroupManagerCheck'));
    await removeMember(op, group, resolveOne(op.model, p.string('Member'), anyRecipient));
    return [];
  },
});
