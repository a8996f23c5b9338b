// The parameters the MailboxFolderPermission cmdlets share, and their output object (Exchange's
// MailboxFolderPermission: one entry of a folder's permission list).
import type { DirectoryModel } from '../../core/directory/model.ts';
import { DeputyError } from '../../core/errors.ts';
import { calendarRoles, parseCalendarRole, type CalendarRole } from '../../core/calendar/sharing.ts';
import { folderUserName } from '../../services/calendar/sharing.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import type { FolderPermission } from '../../store/store.ts';
import type { BoundParameters } from '../binding.ts';
import type { ParameterSpec } from '../host.ts';
import { withDisplayColumns } from '../host.ts';

export const folderIdentityParameter = (mandatory = true): ParameterSpec => ({
  name: 'Identity',
  type: 'String',
  mandatory,
  position: 0,
  fromPipeline: true,
  typeName: 'MailboxFolderIdParameter',
  description: '<mailbox>:\\Calendar',
});

export const folderUserParameter = (mandatory: boolean): ParameterSpec => ({ name: 'User', type: 'String', mandatory, typeName: 'MailboxFolderUserIdParameter' });

export const folderAccessRightsParameter: ParameterSpec = { name: 'AccessRights', type: 'String[]', mandatory: true, typeName: 'MailboxFolderAccessRight[]' };

/** One role per entry: Deputy keeps roles, not combinations of individual rights. */
export function accessRightsOf(p: BoundParameters): CalendarRole {
  const given = p.strings('AccessRights');
  if (given.length !== 1) throw new DeputyError('InvalidArgument', `-AccessRights takes one role (${calendarRoles.join(', ')}); got ${given.length}.`);
  return parseCalendarRole(given[0]);
}

export function folderPermissionOutput(model: DirectoryModel, mailbox: Recipient, permission: FolderPermission) {
  return withDisplayColumns(
    {
      Identity: `${mailbox.name}:\\${permission.folder}`,
      FolderName: permission.folder,
      User: folderUserName(model, permission.user),
      AccessRights: [permission.accessRights],
      SharingPermissionFlags: null,
      IsValid: true,
      ObjectState: 'Unchanged',
    },
    ['FolderName', 'User', 'AccessRights', 'SharingPermissionFlags'],
  );
}
