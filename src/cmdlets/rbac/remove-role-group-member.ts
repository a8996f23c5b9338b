// Remove-RoleGroupMember: removes a member from a role group.
import { anyRecipient, resolveOne, roleGroups } from '../../services/identity.ts';
import { removeRoleGroupMember } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-RoleGroupMember',
  synopsis: 'Removes a member from a role group.',
  parameters: [
    identityParameter('RoleGroupIdParameter'),
    { name: 'Member', type: 'String', mandatory: true, typeName: 'SecurityPrincipalIdParameter' },
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), roleGroups);
    await removeRoleGroupMember(op, group, resolveOne(op.model, p.string('Member'), anyRecipient), p.switch('BypassSecurityGroupManagerCheck'));
    return [];
  },
});
