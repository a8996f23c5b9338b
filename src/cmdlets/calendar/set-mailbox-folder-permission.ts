// Set-MailboxFolderPermission: changes the role of an existing calendar entry (Default and Anonymous always exist).
import { setCalendarPermission, resolveCalendarIdentity, resolveFolderUser } from '../../services/calendar/sharing.ts';
import { requireWriteAccess } from '../recipients/common.ts';
import { defineCmdlet } from '../define.ts';
import { accessRightsOf, folderAccessRightsParameter, folderIdentityParameter, folderPermissionOutput, folderUserParameter } from './folder-permission-parameters.ts';

export default defineCmdlet({
  name: 'Set-MailboxFolderPermission',
  synopsis: "Changes a permission entry of a mailbox's Calendar folder.",
  parameters: [folderIdentityParameter(), folderUserParameter(true), folderAccessRightsParameter],
  async run(op, p) {
    const mailbox = resolveCalendarIdentity(op.model, p.string('Identity'));
    // Sharing a calendar changes who sees into the mailbox: a write to it, inside the caller's write scope.
    requireWriteAccess(op, 'Set-MailboxFolderPermission', mailbox, p);
    const user = resolveFolderUser(op.model, p.string('User'));
    const permission = await setCalendarPermission(op, mailbox, user, accessRightsOf(p));
    return [folderPermissionOutput(op.model, mailbox, permission)];
  },
});
