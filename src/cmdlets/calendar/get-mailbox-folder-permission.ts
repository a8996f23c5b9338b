// Get-MailboxFolderPermission: who may see how much of a mailbox's calendar (Default and Anonymous always listed).
import { calendarPermissions, folderUserKey, resolveCalendarIdentity, resolveFolderUser } from '../../services/calendar/sharing.ts';
import { defineCmdlet } from '../define.ts';
import { folderIdentityParameter, folderPermissionOutput, folderUserParameter } from './folder-permission-parameters.ts';

export default defineCmdlet({
  name: 'Get-MailboxFolderPermission',
  synopsis: "Shows the permission entries of a mailbox's Calendar folder.",
  parameters: [folderIdentityParameter(), folderUserParameter(false)],
  async run(op, p) {
    const mailbox = resolveCalendarIdentity(op.model, p.string('Identity'));
    const user = p.string('User') ? folderUserKey(resolveFolderUser(op.model, p.string('User'))) : undefined;
    const entries = (await calendarPermissions(op.tx, op.model, mailbox, op.now)).filter((e) => user === undefined || e.user === user);
    return entries.map((e) => folderPermissionOutput(op.model, mailbox, e));
  },
});
