// Get-Recipient: lists every kind of recipient, by identity, type or OPATH -Filter.
import { anyRecipient, resolveMany } from '../../services/identity.ts';
import { recipientTypeOf } from '../../core/directory/recipient.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { recipientOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';
import { applyFilter, filterByTypeDetails, filterParameter } from './common.ts';

export default defineCmdlet({
  name: 'Get-Recipient',
  synopsis: 'Shows recipients of every kind.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'RecipientIdParameter' },
    filterParameter,
    { name: 'RecipientType', type: 'String[]', typeName: 'RecipientType[]' },
    { name: 'RecipientTypeDetails', type: 'String[]', typeName: 'RecipientTypeDetails[]' },
    resultSize,
  ],
  async run(op, p) {
    let list = resolveMany(op.model, p.string('Identity'), anyRecipient).filter((r) => !r.isBuiltIn || r.typeDetails === 'RoleGroup');
    const types = p.strings('RecipientType').map((t) => t.toLowerCase());
    if (types.length) list = list.filter((r) => types.includes(recipientTypeOf[r.typeDetails].toLowerCase()));
    list = filterByTypeDetails(applyFilter(op, list, p), p);
    return limit(list, p).map((r) => recipientOutput(op.model, r));
  },
});
