// Get-ManagementRoleEntry: lists role entries as `<Role>\<Entry>`, wildcards on both sides.
import { DeputyError, objectNotFound } from '../../core/errors.ts';
import { builtInRoles } from '../../core/rbac/roles.ts';
import { wildcardMatcher } from '../../services/identity.ts';
import { defineCmdlet } from '../define.ts';
import { roleEntryOutput } from '../output/rbac.ts';

export default defineCmdlet({
  name: 'Get-ManagementRoleEntry',
  synopsis: 'Shows the entries of management roles, e.g. "*\\Impersonate-ExchangeUser".',
  parameters: [
    { name: 'Identity', type: 'String', mandatory: true, position: 0, typeName: 'RoleEntryIdParameter' },
    { name: 'Type', type: 'String[]', typeName: 'ManagementRoleEntryType[]' },
    { name: 'Parameters', type: 'String[]' },
  ],
  async run(_op, p) {
    const identity = p.string('Identity')!;
    const slash = identity.indexOf('\\');
    if (slash < 0) throw new DeputyError('InvalidArgument', `The role entry identity '${identity}' isn't valid. Use the form <Role>\\<Entry>, for example "*\\Impersonate-ExchangeUser".`);
    const roleMatches = wildcardMatcher(identity.slice(0, slash));
    const entryMatches = wildcardMatcher(identity.slice(slash + 1));
    const types = p.strings('Type').map((t) => t.toLowerCase());
    const params = p.strings('Parameters').map((x) => x.toLowerCase());
    const rows = builtInRoles.flatMap((role) =>
      roleMatches(role.name)
        ? role.entries
            .filter((e) => entryMatches(e.name))
            .filter((e) => types.length === 0 || types.includes(e.type.toLowerCase()))
            .filter((e) => params.length === 0 || !e.parameters || params.every((x) => e.parameters!.some((q) => q.toLowerCase() === x)))
            .map((e) => roleEntryOutput(role, e))
        : [],
    );
    if (!identity.includes('*') && rows.length === 0) throw objectNotFound(identity);
    return rows;
  },
});
