// Add-RecipientPermission: lets a user or security group send as a mailbox or group (Send As).
import { resolveOne } from '../../services/identity.ts';
import { grantRecipientPermission, resolveTrustee, sendAsRecipients } from '../../services/recipient-permissions.ts';
import type { RecipientAccessRight } from '../../store/store.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { recipientPermissionOutput } from '../output/recipient-permissions.ts';
import { requireWriteAccess } from './common.ts';
import { accessRightsParameter, trusteeParameter } from './permission-parameters.ts';

export default defineCmdlet({
  name: 'Add-RecipientPermission',
  synopsis: 'Grants Send As permission on a mailbox or group to a user or security group.',
  parameters: [identityParameter('RecipientIdParameter'), trusteeParameter(true), accessRightsParameter(true)],
  async run(op, p) {
    const recipient = resolveOne(op.model, p.string('Identity'), sendAsRecipients);
    // The grant changes who can speak for the recipient, so it is a write to the recipient.
    requireWriteAccess(op, 'Add-RecipientPermission', recipient, p);
    const trustee = resolveTrustee(op.model, p.string('Trustee'));
    const permission = await grantRecipientPermission(op, recipient, trustee, p.string('AccessRights') as RecipientAccessRight);
    return [recipientPermissionOutput(op.model, permission)];
  },
});
