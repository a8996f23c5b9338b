// Get-ManagementRole: lists the built-in roles, optionally those holding a given cmdlet or permission.
import { builtInRoles } from '../../core/rbac/roles.ts';
import { objectNotFound } from '../../core/errors.ts';
import { wildcardMatcher } from '../../services/identity.ts';
import { defineCmdlet } from '../define.ts';
import { roleOutput } from '../output/rbac.ts';

export default defineCmdlet({
  name: 'Get-ManagementRole',
  synopsis: 'Shows management roles.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'RoleIdParameter' },
    { name: 'Cmdlet', type: 'String' },
    { name: 'RoleType', type: 'String' },
  ],
  async run(op, p) {
    const identity = p.string('Identity');
    const matches = identity ? wildcardMatcher(identity) : () => true;
    const cmdlet = p.string('Cmdlet')?.toLowerCase();
    const roleType = p.string('RoleType')?.toLowerCase();
    const roles = builtInRoles.filter(
      (r) =>
        (matches(r.name) || r.guid === identity) &&
        (!cmdlet || r.entries.some((e) => e.name.toLowerCase() === cmdlet)) &&
        (!roleType || r.roleType.toLowerCase() === roleType),
    );
    if (identity && !identity.includes('*') && roles.length === 0) throw objectNotFound(identity);
    return roles.map((r) => roleOutput(r, op.runtime.organization.defaultDomain));
  },
});
