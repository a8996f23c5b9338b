// Set-RoleGroup: renames a role group or changes its description or managers (ManagedBy is replaced).
import { anyRecipient, resolveOne, roleGroups } from '../../services/identity.ts';
import { updateRoleGroup } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';
import { roleGroupOutput } from '../output/rbac.ts';

export default defineCmdlet({
  name: 'Set-RoleGroup',
  synopsis: 'Changes the name, display name, description or managers of a role group.',
  parameters: [
    identityParameter('RoleGroupIdParameter'),
    { name: 'Name', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'Description', type: 'String' },
    { name: 'ManagedBy', type: 'String[]', typeName: 'MultiValuedProperty' },
    bypassManagerCheck,
    { name: 'Force', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), roleGroups);
    const updated = await updateRoleGroup(
      op,
      group,
      {
        name: p.string('Name'),
        displayName: p.string('DisplayName'),
        description: p.has('Description') ? p.string('Description') ?? '' : undefined,
        managedBy: p.has('ManagedBy') ? p.strings('ManagedBy').map((m) => resolveOne(op.model, m, anyRecipient)) : undefined,
      },
      p.switch('BypassSecurityGroupManagerCheck'),
    );
    return () => [roleGroupOutput(op.model, op.model.get(updated.guid)!)];
  },
});
