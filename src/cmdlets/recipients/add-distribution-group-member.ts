// Add-DistributionGroupMember: adds a recipient to a group (groups that grant roles need Role Management).
import { anyRecipient, groups, resolveOne } from '../../services/identity.ts';
import { addMember, requireRoleManagementFor } from '../../services/recipients.ts';
import { requireGroupManager } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Add-DistributionGroupMember',
  synopsis: 'Adds a member to a distribution group or mail-enabled security group.',
  parameters: [
    identityParameter('DistributionGroupIdParameter'),
    { name: 'Member', type: 'String', mandatory: true, typeName: 'RecipientWithAdUserGroupIdParameter' },
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), groups);
    requireWriteAccess(op, 'Add-DistributionGroupMember', group, p);
    requireRoleManagementFor(op, group, 'change the members of');
    requireGroupManager(op, group, p.switch('BypassSecurityGroupManagerCheck'));
    await addMember(op, group, resolveOne(op.model, p.string('Member'), anyRecipient));
    return [];
  },
});
