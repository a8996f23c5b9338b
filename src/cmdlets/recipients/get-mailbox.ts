// Get-Mailbox: lists mailboxes, by identity (wildcards), type or OPATH -Filter.
import { mailboxes, resolveMany } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { mailboxOutput } from '../output/recipients.ts';
import { limit } from '../limits.ts';
import { applyFilter, filterByTypeDetails, filterParameter } from './common.ts';

export default defineCmdlet({
  name: 'Get-Mailbox',
  synopsis: 'Shows mailboxes.',
  parameters: [
    { name: 'Identity', type: 'String', position: 0, fromPipeline: true, typeName: 'MailboxIdParameter' },
    filterParameter,
    { name: 'RecipientTypeDetails', type: 'String[]', typeName: 'RecipientTypeDetails[]' },
    resultSize,
  ],
  async run(op, p) {
    const list = filterByTypeDetails(applyFilter(op, resolveMany(op.model, p.string('Identity'), mailboxes), p), p);
    return limit(list, p).map(mailboxOutput);
  },
});
