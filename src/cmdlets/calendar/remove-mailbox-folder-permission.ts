// Remove-MailboxFolderPermission: removes a user's or group's calendar entry; Default then applies to them.
import { removeCalendarPermission, resolveCalendarIdentity, resolveFolderUser } from '../../services/calendar/sharing.ts';
import { requireWriteAccess } from '../recipients/common.ts';
import { defineCmdlet } from '../define.ts';
import { folderIdentityParameter, folderUserParameter } from './folder-permission-parameters.ts';

export default defineCmdlet({
  name: 'Remove-MailboxFolderPermission',
  synopsis: "Removes a permission entry from a mailbox's Calendar folder.",
  parameters: [folderIdentityParameter(), folderUserParameter(true)],
  async run(op, p) {
    const mailbox = resolveCalendarIdentity(op.model, p.string('Identity'));
    requireWriteAccess(op, 'Remove-MailboxFolderPermission', mailbox, p);
    await removeCalendarPermission(op, mailbox, resolveFolderUser(op.model, p.string('User')));
    return [];
  },
});
