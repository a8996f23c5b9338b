// Add-RoleGroupMember: adds a user or security group to a role group.
import { resolveOne, roleGroups, securityPrincipals } from '../../services/identity.ts';
import { addRoleGroupMember } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Add-RoleGroupMember',
  synopsis: 'Adds a member to a role group.',
  parameters: [
    identityParameter('RoleGroupIdParameter'),
    { name: 'Member', type: 'String', mandatory: true, typeName: 'SecurityPrincipalIdParameter' },
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), roleGroups);
    await addRoleGroupMember(op, group, resolveOne(op.model, p.string('Member'), securityPrincipals), p.switch('BypassSecurityGroupManagerCheck'));
    return [];
  },
});
