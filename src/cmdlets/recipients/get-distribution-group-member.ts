// Get-DistributionGroupMember: lists a group's direct members.
import { groups, resolveOne, sortByName } from '../../services/identity.ts';
import { defineCmdlet, identityParameter, resultSize } from '../define.ts';
import { memberOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';

export default defineCmdlet({
  name: 'Get-DistributionGroupMember',
  synopsis: 'Shows the members of a distribution group or mail-enabled security group.',
  parameters: [identityParameter('DistributionGroupMemberIdParameter'), resultSize],
  async run(op, p) {
    const group = resolveOne(op.model, p.string('Identity'), groups);
    return limit(sortByName([...op.model.directMembers(group.guid)].map((g) => op.model.get(g)!).filter(Boolean)), p).map(memberOutput);
  },
});
