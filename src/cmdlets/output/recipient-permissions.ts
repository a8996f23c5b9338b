// Exchange Online's RecipientPermission output object (Add-/Get-RecipientPermission): one access control entry per grant.
import type { DirectoryModel } from '../../core/directory/model.ts';
import type { RecipientPermission } from '../../store/store.ts';
import { trusteeName } from '../../services/recipient-permissions.ts';
import { withDisplayColumns } from '../host.ts';

export function recipientPermissionOutput(model: DirectoryModel, permission: RecipientPermission) {
  const recipient = model.get(permission.recipientGuid);
  const trustee = model.get(permission.trusteeGuid);
  return withDisplayColumns(
    {
      Identity: recipient?.name ?? permission.recipientGuid,
      Trustee: trustee ? trusteeName(trustee) : permission.trusteeGuid,
      AccessControlType: 'Allow',
      AccessRights: [permission.accessRight],
      // Grants are set on the recipient itself; nothing in Deputy inherits them.
      IsInherited: false,
      InheritanceType: 'None',
      IsValid: true,
      ObjectState: 'Unchanged',
    },
    ['Identity', 'Trustee', 'AccessControlType', 'AccessRights', 'IsInherited'],
  );
}
