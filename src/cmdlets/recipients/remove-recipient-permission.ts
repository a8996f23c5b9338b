// Remove-RecipientPermission: withdraws a Send As grant; the next send that relied on it is refused.
import { resolveOne } from '../../services/identity.ts';
import { resolveTrustee, revokeRecipientPermission, sendAsRecipients } from '../../services/recipient-permissions.ts';
import type { RecipientAccessRight } from '../../store/store.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { requireWriteAccess } from './common.ts';
import { accessRightsParameter, trusteeParameter } from './permission-parameters.ts';

export default defineCmdlet({
  name: 'Remove-RecipientPermission',
  synopsis: 'Removes Send As permission on a mailbox or group from a user or security group.',
  parameters: [identityParameter('RecipientIdParameter'), trusteeParameter(true), accessRightsParameter(true)],
  async run(op, p) {
    const recipient = resolveOne(op.model, p.string('Identity'), sendAsRecipients);
    requireWriteAccess(op, 'Remove-RecipientPermission', recipient, p);
    const trustee = resolveTrustee(op.model, p.string('Trustee'));
    await revokeRecipientPermission(op, recipient, trustee, p.string('AccessRights') as RecipientAccessRight);
    return [];
  },
});
