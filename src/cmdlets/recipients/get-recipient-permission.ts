// Get-RecipientPermission: lists Send As grants, on a recipient (wildcards allowed), to a trustee, or all.
import { resolveMany } from '../../services/identity.ts';
import { resolveTrustee, sendAsRecipients } from '../../services/recipient-permissions.ts';
import type { RecipientPermission } from '../../store/store.ts';
import { defineCmdlet, identityParameter, resultSize } from '../define.ts';
import { limit } from '../limits.ts';
import { recipientPermissionOutput } from '../output/recipient-permissions.ts';
import { accessRightsParameter, trusteeParameter } from './permission-parameters.ts';

export default defineCmdlet({
  name: 'Get-RecipientPermission',
  synopsis: 'Shows Send As permissions on mailboxes and groups.',
  parameters: [identityParameter('RecipientIdParameter', false), trusteeParameter(false), accessRightsParameter(false), resultSize],
  async run(op, p) {
    const trustee = p.string('Trustee') ? resolveTrustee(op.model, p.string('Trustee')) : undefined;
    const right = p.string('AccessRights');
    const filter = trustee ? { trusteeGuid: trustee.guid } : {};
    let found: RecipientPermission[];
    if (p.string('Identity')) {
      const recipients = resolveMany(op.model, p.string('Identity'), sendAsRecipients);
      found = [];
      for (const r of recipients) found.push(...(await op.tx.listRecipientPermissions({ ...filter, recipientGuid: r.guid })));
    } else {
      found = await op.tx.listRecipientPermissions(filter);
    }
    const name = (guid: string) => op.model.get(guid)?.name ?? guid;
    const rows = found
      .filter((g) => right === undefined || g.accessRight === right)
      .sort((a, b) => name(a.recipientGuid).localeCompare(name(b.recipientGuid)) || name(a.trusteeGuid).localeCompare(name(b.trusteeGuid)));
    return limit(rows, p).map((g) => recipientPermissionOutput(op.model, g));
  },
});
