// Update-RoleGroupMember: replaces a role group's member list, or adds and removes with @{Add=…;Remove=…}.
import { DeputyError } from '../../core/errors.ts';
import { anyRecipient, resolveOne, roleGroups, securityPrincipals } from '../../services/identity.ts';
import { addRoleGroupMember, removeRoleGroupMember } from '../../services/rbac.ts';
import { bypassManagerCheck, defineCmdlet, identityParameter } from '../define.ts';

export default defineCmdlet({
  name: 'Update-RoleGroupMember',
  synopsis: 'Replaces the members of a role group, or adds and removes several at once.',
  parameters: [
    identityParameter('RoleGroupIdParameter'),
    { name: 'Members', type: 'MultiValued', typeName: 'MultiValuedParameter' },
    bypassManagerCheck,
  ],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), roleGroups);
    const change = p.multiValued('Members') ?? { replace: [] };
    const bypass = p.switch('BypassSecurityGroupManagerCheck');
    const current = new Set(op.model.directMembers(group.guid));
    let add = (change.add ?? []).map((m) => resolveOne(op.model, m, securityPrincipals));
    let remove = (change.remove ?? []).map((m) => resolveOne(op.model, m, anyRecipient));
    if (change.replace) {
      const wanted = change.replace.map((m) => resolveOne(op.model, m, securityPrincipals));
      const wantedGuids = new Set(wanted.map((w) => w.guid));
      add = wanted.filter((w) => !current.has(w.guid));
      remove = [...current].filter((g) => !wantedGuids.has(g)).map((g) => op.model.get(g)!).filter(Boolean);
    }
    const both = add.filter((a) => remove.some((r) => r.guid === a.guid));
    if (both.length) throw new DeputyError('InvalidArgument', `'${both[0].name}' can't be both added and removed.`);
    for (const m of remove) await removeRoleGroupMember(op, group, m, bypass);
    for (const m of add) if (!current.has(m.guid)) await addRoleGroupMember(op, group, m, bypass);
    return [];
  },
});
