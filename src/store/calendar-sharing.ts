// Calendar permission entries and working hours as functions over a Kysely connection that
// KyselyStore and its transactions delegate to. Mailbox settings, not directory state: no change log.
import type { Kysely } from 'kysely';
import { DeputyError, objectNotFound } from '../core/errors.ts';
import { parseCalendarRole } from '../core/calendar/sharing.ts';
import { parseDaysOfWeek, type WorkingHours } from '../core/calendar/working-hours.ts';
import type { Database } from './schema.ts';
import type { FolderPermission, FolderPermissionFilter } from './store.ts';

const specialUsers = new Set(['Default', 'Anonymous']);

export async function listFolderPermissions(db: Kysely<Database>, filter: FolderPermissionFilter): Promise<FolderPermission[]> {
  let select = db.selectFrom('mailbox_folder_permissions').selectAll();
  if (filter.mailboxGuids !== undefined) {
    if (!filter.mailboxGuids.length) return [];
    select = select.where('mailbox_guid', 'in', filter.mailboxGuids);
  }
  if (filter.folder !== undefined) select = select.where('folder', '=', filter.folder);
  if (filter.user !== undefined) select = select.where('user_key', '=', filter.user);
  const rows = await select.orderBy('mailbox_guid').orderBy('folder').orderBy('user_key').execute();
  return rows.map((row) => ({
    mailboxGuid: row.mailbox_guid,
    folder: row.folder,
    user: row.user_key,
    // Rows are only written with a checked role, so this never throws on data the store wrote.
    accessRights: parseCalendarRole(row.access_rights),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  }));
}

/** Inserts or replaces the entry of (mailbox, folder, user); a missing mailbox or trustee is ObjectNotFound. */
export async function putFolderPermission(db: Kysely<Database>, permission: FolderPermission): Promise<void> {
  const accessRights = parseCalendarRole(permission.accessRights);
  const trusteeGuid = specialUsers.has(permission.user) ? null : permission.user;
  for (const guid of [permission.mailboxGuid, trusteeGuid]) {
    if (guid === null) continue;
    const found = await db.selectFrom('recipients').select('guid').where('guid', '=', guid).executeTakeFirst();
    if (!found) throw objectNotFound(guid);
  }
  await db
    .insertInto('mailbox_folder_permissions')
    .values({
      mailbox_guid: permission.mailboxGuid,
      folder: permission.folder,
      user_key: permission.user,
      trustee_guid: trusteeGuid,
      access_rights: accessRights,
      created_at: permission.createdAt,
      modified_at: permission.modifiedAt,
    })
    .onConflict((oc) => oc.columns(['mailbox_guid', 'folder', 'user_key']).doUpdateSet({ access_rights: accessRights, modified_at: permission.modifiedAt }))
    .execute();
}

export async function removeFolderPermission(db: Kysely<Database>, key: Pick<FolderPermission, 'mailboxGuid' | 'folder' | 'user'>): Promise<boolean> {
  const result = await db
    .deleteFrom('mailbox_folder_permissions')
    .where('mailbox_guid', '=', key.mailboxGuid)
    .where('folder', '=', key.folder)
    .where('user_key', '=', key.user)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function getWorkingHours(db: Kysely<Database>, mailboxGuid: string): Promise<WorkingHours | undefined> {
  const row = await db.selectFrom('mailbox_calendar_settings').selectAll().where('mailbox_guid', '=', mailboxGuid).executeTakeFirst();
  if (!row) return undefined;
  return {
    startMinutes: Number(row.working_hours_start),
    endMinutes: Number(row.working_hours_end),
    days: parseDaysOfWeek([row.working_hours_days]),
    timeZone: row.working_hours_time_zone,
  };
}

export async function putWorkingHours(db: Kysely<Database>, mailboxGuid: string, hours: WorkingHours, now: string): Promise<void> {
  const found = await db.selectFrom('recipients').select('guid').where('guid', '=', mailboxGuid).executeTakeFirst();
  if (!found) throw objectNotFound(mailboxGuid);
  if (!Number.isInteger(hours.startMinutes) || !Number.isInteger(hours.endMinutes)) throw new DeputyError('InvalidArgument', 'Working hours are whole minutes.');
  const values = {
    working_hours_start: hours.startMinutes,
    working_hours_end: hours.endMinutes,
    working_hours_days: hours.days.join(',') || 'None',
    working_hours_time_zone: hours.timeZone,
    modified_at: now,
  };
  await db
    .insertInto('mailbox_calendar_settings')
    .values({ mailbox_guid: mailboxGuid, ...values })
    .onConflict((oc) => oc.column('mailbox_guid').doUpdateSet(values))
    .execute();
}

/** Removes the settings and entries of a recipient about to be deleted, on its calendar and naming it elsewhere. */
export async function forgetCalendarSharing(db: Kysely<Database>, guid: string): Promise<void> {
  await db
    .deleteFrom('mailbox_folder_permissions')
    .where((eb) => eb.or([eb('mailbox_guid', '=', guid), eb('trustee_guid', '=', guid)]))
    .execute();
  await db.deleteFrom('mailbox_calendar_settings').where('mailbox_guid', '=', guid).execute();
}
