// Remove-RoleGroup: removes a role group and its assignments (built-in groups cannot be removed).
import { resolveOne, roleGroups } from '../../services/identity.ts';
import { removeRoleGroup } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Remove-RoleGroup',
  synopsis: 'Removes a role group and the role assignments it holds.',
  parameters: [identityParameter('RoleGroupIdParameter'), bypassManagerCheck],
  async run(op, p) {
    await removeRoleGroup(op, resolveOne(op.model, p.string('Identity'), roleGroups), p.switch('BypassSecurityGroupManagerCheck'));
    return [];
  },
});
