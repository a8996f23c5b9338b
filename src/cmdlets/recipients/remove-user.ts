// Remove-User: removes a user that has no mailbox.
import { only, resolveOne } from '../../services/identity.ts';
import { removeRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Remove-User',
  synopsis: 'Removes a user without a mailbox (use Remove-Mailbox for mailbox users).',
  parameters: [identityParameter('UserIdParameter')],
  async run(op, p) {
    const user = resolveOne(op.model, p.string('Identity'), only('User'));
    requireWriteAccess(op, 'Remove-User', user, p);
    await removeRecipient(op, user);
    return [];
  },
});
