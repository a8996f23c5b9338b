// Get-DistributionGroup: lists distribution and mail-enabled security groups.
import { groups, resolveMany } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { groupOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';
import { applyFilter, filterByTypeDetails, filterParameter } from './common.ts';

export default defineCmdlet({
  name: 'Get-DistributionGroup',
  synopsis: 'Shows distribution groups and mail-enabled security groups.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'DistributionGroupIdParameter' },
    filterParameter,
    { name: 'RecipientTypeDetails', type: 'String[]', typeName: 'RecipientTypeDetails[]' },
    resultSize,
  ],
  async run(op, p) {
    const list = filterByTypeDetails(applyFilter(op, resolveMany(op.model, p.string('Identity'), groups), p), p);
    return limit(list, p).map((g) => groupOutput(op.model, g));
  },
});
