// Get-User: lists users (with or without a mailbox) and their directory attributes.
import { resolveMany, users } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { userOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';
import { applyFilter, filterByTypeDetails, filterParameter } from './common.ts';

export default defineCmdlet({
  name: 'Get-User',
  synopsis: 'Shows users and their directory attributes.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'UserIdParameter' },
    filterParameter,
    { name: 'RecipientTypeDetails', type: 'String[]', typeName: 'RecipientTypeDetails[]' },
    resultSize,
  ],
  async run(op, p) {
    const list = filterByTypeDetails(applyFilter(op, resolveMany(op.model, p.string('Identity'), users).filter((r) => !r.isBuiltIn), p), p);
    return limit(list, p).map(userOutput);
  },
});
