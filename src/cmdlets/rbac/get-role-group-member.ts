// Get-RoleGroupMember: lists the direct members of a role group.
import { resolveOne, roleGroups, sortByName } from '../../services/identity.ts';
import { defineCmdlet, identityParameter, resultSize } from '../define.ts';
import { memberOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';

export default defineCmdlet({
  name: 'Get-RoleGroupMember',
  synopsis: 'Shows the members of a role group.',
  parameters: [identityParameter('RoleGroupMemberIdParameter'), resultSize],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), roleGroups);
    const members = sortByName([...op.model.directMembers(group.guid)].map((g) => op.model.get(g)!).filter(Boolean));
    return limit(members, p).map(memberOutput);
  },
});
