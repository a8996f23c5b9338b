// Add-MailboxFolderPermission: gives a user or security group a role on a mailbox's calendar (an entry must not exist yet).
import { addCalendarPermission, resolveCalendarIdentity, resolveFolderUser } from '../../services/calendar/sharing.ts';
import { requireWriteAccess } from '../recipients/common.ts';
import { defineCmdlet } from '../define.ts';
import { accessRightsOf, folderAccessRightsParameter, folderIdentityParameter, folderPermissionOutput, folderUserParameter } from './folder-permission-parameters.ts';

export default defineCmdlet({
  name: 'Add-MailboxFolderPermission',
  synopsis: "Adds a permission entry to a mailbox's Calendar folder.",
  parameters: [folderIdentityParameter(), folderUserParameter(true), folderAccessRightsParameter],
  async run(op, p) {
    const mailbox = resolveCalendarIdentity(op.model, p.string('Identity'));
    // Sharing a calendar changes who sees into the mailbox: a write to it, inside the caller's write scope.
    requireWriteAccess(op, 'Add-MailboxFolderPermission', mailbox, p);
    const user = resolveFolderUser(op.model, p.string('User'));
    const permission = await addCalendarPermission(op, mailbox, user, accessRightsOf(p));
    return [folderPermissionOutput(op.model, mailbox, permission)];
  },
});
