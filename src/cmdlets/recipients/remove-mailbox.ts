// Remove-Mailbox: removes a mailbox and its user.
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { removeRecipient } from '../../services/recipients.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';

export default defineCmdlet({
  name: 'Remove-Mailbox',
  synopsis: 'Removes a mailbox and its user account.',
  parameters: [identityParameter('MailboxIdParameter'), { name: 'Permanent', type: 'Boolean' }],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    requireWriteAccess(op, 'Remove-Mailbox', mailbox, p);
    await removeRecipient(op, mailbox);
    return [];
  },
});
