// New-RoleGroup: creates a role group with its members and one assignment per role.
import { objectNotFound } from '../../core/errors.ts';
import { findRole } from '../../core/rbac/roles.ts';
import { resolveOne, securityPrincipals, anyRecipient } from '../../services/identity.ts';
import { createRoleGroup } from '../../services/rbac.ts';
import { defineCmdlet } from '../define.ts';
import { roleGroupOutput } from '../output/rbac.ts';
import { scopeFromParameters } from '../scope-parameters.ts';

export default defineCmdlet({
  name: 'New-RoleGroup',
  synopsis: 'Creates a management role group; its members receive its role assignments.',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, position: 0 },
    { name: 'Roles', type: 'String[]', typeName: 'RoleIdParameter[]' },
    { name: 'Members', type: 'String[]', typeName: 'SecurityPrincipalIdParameter[]' },
    { name: 'ManagedBy', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'Description', type: 'String' },
    { name: 'DisplayName', type: 'String' },
    { name: 'CustomRecipientWriteScope', type: 'String', typeName: 'ManagementScopeIdParameter' },
    { name: 'Force', type: 'SwitchParameter' },
  ],
  async run(op, p) {
    const roles = p.strings('Roles').map((r) => findRole(r) ?? notFound(r));
    const group = await createRoleGroup(op, {
      name: p.string('Name')!,
      displayName: p.string('DisplayName'),
      description: p.string('Description'),
      roles,
      members: p.strings('Members').map((m) => resolveOne(op.model, m, securityPrincipals)),
      managedBy: p.strings('ManagedBy').map((m) => resolveOne(op.model, m, anyRecipient)),
      scope: scopeFromParameters(op, p) ?? { kind: 'Organization' },
    });
    return () => [roleGroupOutput(op.model, op.model.get(group.guid)!)];
  },
});

function notFound(identity: string): never {
  throw objectNotFound(identity);
}
