// Calendar sharing as Exchange models it: permission roles on a mailbox's Calendar folder
// (Add-/Set-/Remove-MailboxFolderPermission) and how much of the owner's free/busy each role shows.
import { DeputyError } from '../errors.ts';

/** The roles a calendar entry can hold, weakest first (Exchange's names and meanings). */
export const calendarRoles = [
  'None',
  'AvailabilityOnly',
  'LimitedDetails',
  'Contributor',
  'Reviewer',
  'NonEditingAuthor',
  'Author',
  'PublishingAuthor',
  'Editor',
  'PublishingEditor',
  'Owner',
] as const;
export type CalendarRole = (typeof calendarRoles)[number];

/** Exchange's individual folder rights: Deputy stores roles only, so these are refused by name. */
const individualRights = [
  'ReadItems', 'CreateItems', 'EditOwnedItems', 'DeleteOwnedItems', 'EditAllItems', 'DeleteAllItems',
  'CreateSubfolders', 'FolderOwner', 'FolderContact', 'FolderVisible',
];

/** How much of someone's calendar a free/busy answer may show, weakest first. */
export type FreeBusyAccess = 'None' | 'AvailabilityOnly' | 'LimitedDetails' | 'FullDetails';
export const freeBusyAccessLevels: readonly FreeBusyAccess[] = ['None', 'AvailabilityOnly', 'LimitedDetails', 'FullDetails'];

/** The two entries every calendar has, whether or not anyone set them. */
export type SpecialFolderUser = 'Default' | 'Anonymous';
export const defaultRoleOf: Record<SpecialFolderUser, CalendarRole> = { Default: 'AvailabilityOnly', Anonymous: 'None' };

/**
 * What a role shows in free/busy. Every role that reads items (Reviewer and up) shows full details;
 * Contributor can create items but not read them, so like AvailabilityOnly it shows times only.
 */
export function freeBusyAccessOf(role: CalendarRole): FreeBusyAccess {
  switch (role) {
    case 'None':
      return 'None';
    case 'AvailabilityOnly':
    case 'Contributor':
      return 'AvailabilityOnly';
    case 'LimitedDetails':
      return 'LimitedDetails';
    default:
      return 'FullDetails';
  }
}

/** A role named as Exchange spells it (any case); individual rights and unknown names are refused with the list of roles. */
export function parseCalendarRole(text: string): CalendarRole {
  const key = text.trim().toLowerCase();
  const role = calendarRoles.find((r) => r.toLowerCase() === key);
  if (role) return role;
  const right = individualRights.find((r) => r.toLowerCase() === key);
  if (right) {
    throw new DeputyError('InvalidArgument', `Deputy stores calendar permissions as roles only; '${right}' is an individual folder right. Use one of: ${calendarRoles.join(', ')}.`, { accessRights: text });
  }
  throw new DeputyError('InvalidArgument', `'${text}' isn't a calendar access right. Use one of: ${calendarRoles.join(', ')}.`, { accessRights: text });
}

/** One entry of a calendar's permission list: 'Default', 'Anonymous' or a recipient guid. */
export interface CalendarEntry {
  user: string;
  role: CalendarRole;
}

export interface SharingDecision {
  role: CalendarRole;
  access: FreeBusyAccess;
  /** Which entry decided: the viewer's own, a group's (its guid), or Default. */
  via: { kind: 'User' } | { kind: 'Group'; groupGuid: string } | { kind: 'Default' };
}

/** Orders roles by what free/busy shows first (Contributor shows less than LimitedDetails), then by the role. */
const strength = (role: CalendarRole) => freeBusyAccessLevels.indexOf(freeBusyAccessOf(role)) * 100 + calendarRoles.indexOf(role);

/**
 * The entry that applies to `viewerGuid` (a member of `viewerGroups`, transitively). As in
 * Exchange, an entry for the viewer wins over everything, even when it grants less than Default;
 * otherwise the strongest entry of a group the viewer is in; otherwise Default (AvailabilityOnly
 * when the owner never changed it).
 */
export function decideCalendarSharing(entries: readonly CalendarEntry[], viewerGuid: string, viewerGroups: ReadonlySet<string>): SharingDecision {
  const own = entries.find((e) => e.user === viewerGuid);
  if (own) return { role: own.role, access: freeBusyAccessOf(own.role), via: { kind: 'User' } };
  let best: CalendarEntry | undefined;
  for (const e of entries) {
    if (!viewerGroups.has(e.user)) continue;
    if (!best || strength(e.role) > strength(best.role)) best = e;
  }
  if (best) return { role: best.role, access: freeBusyAccessOf(best.role), via: { kind: 'Group', groupGuid: best.user } };
  const role = entries.find((e) => e.user === 'Default')?.role ?? defaultRoleOf.Default;
  return { role, access: freeBusyAccessOf(role), via: { kind: 'Default' } };
}
