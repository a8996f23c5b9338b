// Use cases on calendar sharing: the permission entries of a mailbox's Calendar (Exchange's
// MailboxFolderPermission cmdlets), its working hours, and the question free/busy asks: how much of
// a mailbox's calendar may this caller see? Deny by default: what no entry grants stays hidden.
import { DeputyError } from '../../core/errors.ts';
import type { DirectoryModel } from '../../core/directory/model.ts';
import { isMailbox, type Recipient } from '../../core/directory/recipient.ts';
import { decideCalendarSharing, defaultRoleOf, type CalendarRole, type FreeBusyAccess, type SpecialFolderUser } from '../../core/calendar/sharing.ts';
import { defaultWorkingHours, type WorkingHours } from '../../core/calendar/working-hours.ts';
import type { FolderPermission, StoreReader } from '../../store/store.ts';
import type { Operation, Runtime } from '../context.ts';
import { identityText, mailboxes, only, resolveOne } from '../identity.ts';
import { checkImpersonation } from '../rbac.ts';

export const calendarFolder = 'Calendar';

/** Who an entry can name: users (with or without a mailbox) and mail-enabled security groups, as Exchange allows. */
export const folderTrustees = only('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User', 'MailUniversalSecurityGroup');

export type FolderUser = { kind: SpecialFolderUser } | { kind: 'Recipient'; recipient: Recipient };

/** `alice:\Calendar`, `alice@contoso.com:\Calendar` (any case): the mailbox and the folder. Other folders are refused by name. */
export function resolveCalendarIdentity(model: DirectoryModel, identity: unknown): Recipient {
  const text = identityText(identity).trim();
  const split = text.lastIndexOf(':\\');
  if (split < 0) {
    throw new DeputyError('InvalidArgument', `'${text}' doesn't name a folder. Use <mailbox>:\\Calendar, for example alice@contoso.com:\\Calendar.`, { identity: text });
  }
  const folder = text.slice(split + 2).replace(/^\\+|\\+$/g, '');
  if (folder.toLowerCase() !== calendarFolder.toLowerCase()) {
    throw new DeputyError('InvalidArgument', `Deputy keeps folder permissions for the Calendar folder only, not '${folder || '\\'}'. Use ${text.slice(0, split)}:\\Calendar.`, { identity: text });
  }
  return resolveOne(model, text.slice(0, split), mailboxes);
}

/** -User: Default, Anonymous, or a user or mail-enabled security group (distribution groups get their own explanation). */
export function resolveFolderUser(model: DirectoryModel, identity: unknown): FolderUser {
  const text = identityText(identity).trim();
  const special = (['Default', 'Anonymous'] as const).find((s) => s.toLowerCase() === text.toLowerCase());
  if (special) return { kind: special };
  try {
    return { kind: 'Recipient', recipient: resolveOne(model, text, folderTrustees) };
  } catch (error) {
    if (!(error instanceof DeputyError) || error.code !== 'ObjectNotFound') throw error;
    const other = model.lookup(text).find((r) => r.typeDetails === 'MailUniversalDistributionGroup' || r.typeDetails === 'ServicePrincipal' || r.typeDetails === 'RoleGroup');
    if (other) {
      throw new DeputyError('InvalidArgument', `'${other.name}' is a ${other.typeDetails}; folder permissions can be given to users, mail-enabled security groups, Default and Anonymous.`, { user: other.name });
    }
    throw error;
  }
}

export const folderUserKey = (user: FolderUser) => (user.kind === 'Recipient' ? user.recipient.guid : user.kind);

/** How Get-MailboxFolderPermission names an entry's user: Default, Anonymous or the display name. */
export function folderUserName(model: DirectoryModel, key: string): string {
  if (key === 'Default' || key === 'Anonymous') return key;
  const r = model.get(key);
  return r ? r.displayName || r.name : key;
}

/** A calendar's entries as Exchange lists them: Default and Anonymous first (with their defaults when never set), then the others. */
export async function calendarPermissions(reader: StoreReader, model: DirectoryModel, mailbox: Recipient, now: string): Promise<FolderPermission[]> {
  const stored = await reader.listFolderPermissions({ mailboxGuids: [mailbox.guid], folder: calendarFolder });
  const special = (['Default', 'Anonymous'] as const).map(
    (user) => stored.find((p) => p.user === user) ?? { mailboxGuid: mailbox.guid, folder: calendarFolder, user, accessRights: defaultRoleOf[user], createdAt: now, modifiedAt: now },
  );
  const others = stored.filter((p) => p.user !== 'Default' && p.user !== 'Anonymous');
  return [...special, ...others.sort((a, b) => folderUserName(model, a.user).localeCompare(folderUserName(model, b.user)))];
}

const userText = (op: Operation, user: FolderUser) => (user.kind === 'Recipient' ? user.recipient.userPrincipalName || user.recipient.name : user.kind);

export async function addCalendarPermission(op: Operation, mailbox: Recipient, user: FolderUser, role: CalendarRole): Promise<FolderPermission> {
  const existing = (await calendarPermissions(op.tx, op.model, mailbox, op.now)).find((p) => p.user === folderUserKey(user));
  if (existing) {
    // Default and Anonymous always exist, so Exchange refuses to add them too.
    throw new DeputyError('AlreadyExists', `An existing permission entry was found for user: ${userText(op, user)}. Change it with Set-MailboxFolderPermission.`, { errorId: 'UserAlreadyExistsInPermissionEntry' });
  }
  const permission: FolderPermission = { mailboxGuid: mailbox.guid, folder: calendarFolder, user: folderUserKey(user), accessRights: role, createdAt: op.now, modifiedAt: op.now };
  await op.tx.putFolderPermission(permission);
  return permission;
}

export async function setCalendarPermission(op: Operation, mailbox: Recipient, user: FolderUser, role: CalendarRole): Promise<FolderPermission> {
  const existing = (await calendarPermissions(op.tx, op.model, mailbox, op.now)).find((p) => p.user === folderUserKey(user));
  if (!existing) {
    throw new DeputyError('ObjectNotFound', `There is no existing permission entry found for user: ${userText(op, user)}. Add one with Add-MailboxFolderPermission.`, { errorId: 'UserNotFoundInPermissionEntry' });
  }
  const permission: FolderPermission = { ...existing, accessRights: role, modifiedAt: op.now };
  await op.tx.putFolderPermission(permission);
  return permission;
}

export async function removeCalendarPermission(op: Operation, mailbox: Recipient, user: FolderUser): Promise<void> {
  if (user.kind !== 'Recipient') {
    throw new DeputyError('InvalidOperation', `The ${user.kind} entry is part of every calendar and can't be removed; use Set-MailboxFolderPermission -User ${user.kind} -AccessRights None to share nothing.`, { errorId: 'CannotRemoveSpecialUser' });
  }
  const removed = await op.tx.removeFolderPermission({ mailboxGuid: mailbox.guid, folder: calendarFolder, user: user.recipient.guid });
  if (!removed) {
    throw new DeputyError('ObjectNotFound', `There is no existing permission entry found for user: ${userText(op, user)}.`, { errorId: 'UserNotFoundInPermissionEntry' });
  }
}

/** A mailbox's working hours, or the defaults (08:00–17:00, Monday to Friday, UTC) when it never set any. */
export async function workingHoursOf(reader: StoreReader, mailboxGuid: string): Promise<WorkingHours> {
  return (await reader.getWorkingHours(mailboxGuid)) ?? defaultWorkingHours;
}

// --- the free/busy question -----------------------------------------------------------------------

export interface FreeBusyAccessDecision {
  access: FreeBusyAccess;
  /** Why, in words, for the audit record and for refusals. */
  reason: string;
  /** Whether private events show their details: only to the owner and to whom could read them anyway (impersonation). */
  seesPrivate: boolean;
}

const address = (r: Recipient) => r.primarySmtpAddress || r.userPrincipalName || r.name;

/**
 * How much of `target`'s calendar a free/busy request may show. `actor` is who signed in (a person,
 * a service account or an application); `viewer` is whom the request acts as (the impersonated
 * mailbox, or the actor itself). In order:
 * - one's own calendar: full details;
 * - an actor whose impersonation right covers `target` (decided by the one authorizer, scopes
 *   included) could read that calendar anyway: full details;
 * - otherwise the target's Calendar permissions for the viewer (its own entry, else its groups',
 *   else Default), read from the store so a change counts at once.
 */
export async function decideFreeBusyAccess(runtime: Runtime, actor: Recipient, viewer: Recipient, target: Recipient, entries?: readonly FolderPermission[]): Promise<FreeBusyAccessDecision> {
  if (viewer.guid === target.guid || actor.guid === target.guid) return { access: 'FullDetails', reason: `${address(target)} is the caller's own mailbox.`, seesPrivate: true };
  if (isMailbox(target)) {
    const impersonation = checkImpersonation(runtime.state, actor, target);
    if (impersonation.allowed) return { access: 'FullDetails', reason: impersonation.reason, seesPrivate: true };
  }
  const list = entries ?? (await runtime.store.listFolderPermissions({ mailboxGuids: [target.guid], folder: calendarFolder }));
  const { model } = runtime.state;
  const decision = decideCalendarSharing(
    list.filter((e) => e.mailboxGuid === target.guid && e.folder === calendarFolder).map((e) => ({ user: e.user, role: e.accessRights })),
    viewer.guid,
    model.transitiveMemberOf(viewer.guid),
  );
  const entry = decision.via.kind === 'User' ? `its entry for ${address(viewer)}` : decision.via.kind === 'Group' ? `its entry for the group '${model.get(decision.via.groupGuid)?.name ?? decision.via.groupGuid}', which ${address(viewer)} is in` : 'its Default entry';
  return { access: decision.access, reason: `${address(target)}:\\Calendar grants ${decision.role} to ${address(viewer)} through ${entry}.`, seesPrivate: false };
}
