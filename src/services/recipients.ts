// Use cases on recipients: create, change and remove mailboxes, users, groups and service
// principals; group membership (with the rule that groups carrying RBAC need Role Management).
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../core/errors.ts';
import type { Recipient, RecipientTypeDetails } from '../core/directory/recipient.ts';
import { kindOf, recipientAttributeNames } from '../core/directory/recipient.ts';
import type { Operation } from './context.ts';
import { hashPassword } from './credentials.ts';
import { groupsInStoredFilter } from '../core/rbac/scope-filter.ts';

export interface NewRecipientInput {
  typeDetails: RecipientTypeDetails;
  name: string;
  alias?: string;
  displayName?: string;
  primarySmtpAddress?: string;
  userPrincipalName?: string;
  attributes?: Record<string, string>;
  password?: string;
  appId?: string;
  objectId?: string;
  description?: string;
  managedBy?: string[];
  isBuiltIn?: boolean;
  hiddenFromAddressLists?: boolean;
  /** Well-known relative id (e.g. 500 for the local administrator); otherwise the next free one. */
  rid?: number;
}

const maxNameLength = 64;
const smtpPattern = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function checkName(name: string, what = 'Name'): string {
  const trimmed = name.trim();
  if (!trimmed) throw new DeputyError('InvalidArgument', `The ${what} can't be empty.`);
  if (trimmed.length > maxNameLength) throw new DeputyError('InvalidArgument', `The length of the property '${what}' is too long. The maximum length is ${maxNameLength} and the length of the value provided is ${trimmed.length}.`);
  return trimmed;
}

export function checkSmtpAddress(op: Operation, address: string, ignoreGuid?: string): string {
  const value = address.trim().replace(/^smtp:/i, '');
  if (!smtpPattern.test(value)) throw new DeputyError('InvalidArgument', `'${address}' is not a valid SMTP address.`);
  const domain = value.split('@')[1].toLowerCase();
  if (!acceptedDomains(op).includes(domain)) {
    throw new DeputyError('InvalidArgument', `The domain '${domain}' isn't an accepted domain of this organization. Accepted domains: ${acceptedDomains(op).join(', ')}.`);
  }
  const taken = op.model.lookup(value).find((r) => r.guid !== ignoreGuid && r.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === value.toLowerCase()));
  if (taken) throw new DeputyError('AlreadyExists', `The proxy address "SMTP:${value}" is already being used by the proxy addresses or LegacyExchangeDN of "${taken.name}". Please choose another proxy address.`);
  return value;
}

function acceptedDomains(op: Operation): string[] {
  return op.runtime.state.acceptedDomains;
}

function escapeRdn(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, '\\$1');
}

export function domainDn(domain: string): string {
  return domain.split('.').map((p) => `DC=${p}`).join(',');
}

function distinguishedName(op: Operation, type: RecipientTypeDetails, name: string): string {
  const container: Record<string, string> = {
    RoleGroup: 'OU=Microsoft Exchange Security Groups',
    ServicePrincipal: 'CN=Service Principals',
    MailUniversalSecurityGroup: 'CN=Users',
    MailUniversalDistributionGroup: 'CN=Users',
  };
  return `CN=${escapeRdn(name)},${container[type] ?? 'CN=Users'},${domainDn(op.runtime.organization.defaultDomain)}`;
}

function aliasFrom(text: string): string {
  const alias = text.split('@')[0].normalize('NFKD').replace(/[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]/g, '').replace(/^\.+|\.+$/g, '');
  return alias || 'recipient';
}

function checkAttributes(attributes: Record<string, string>): Record<string, string> {
  const known = new Map(recipientAttributeNames.map((n) => [n.toLowerCase(), n]));
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) {
    const name = known.get(key.toLowerCase());
    if (!name) throw new DeputyError('InvalidArgument', `Unknown attribute '${key}'.`);
    if (value.length > 1024) throw new DeputyError('InvalidArgument', `The value of '${name}' is too long (at most 1024 characters).`);
    if (value !== '') out[name] = value;
  }
  return out;
}

export async function createRecipient(op: Operation, input: NewRecipientInput): Promise<Recipient> {
  const name = checkName(input.name);
  if (op.model.lookup(name).some((r) => r.name.toLowerCase() === name.toLowerCase())) {
    throw new DeputyError('AlreadyExists', `The name "${name}" is already being used. Please try another name.`, { name });
  }
  const kind = kindOf[input.typeDetails];
  const mailEnabled = kind === 'User' ? input.typeDetails !== 'User' || !!input.primarySmtpAddress : kind === 'Group';
  const alias = aliasFrom(input.alias ?? input.primarySmtpAddress ?? name);
  const primary = mailEnabled ? checkSmtpAddress(op, input.primarySmtpAddress ?? `${alias}@${op.runtime.organization.defaultDomain}`) : '';
  let upn = '';
  if (kind === 'User') {
    upn = (input.userPrincipalName ?? primary) || `${alias}@${op.runtime.organization.defaultDomain}`;
    if (!smtpPattern.test(upn)) throw new DeputyError('InvalidArgument', `'${upn}' is not a valid user principal name.`);
    if (op.model.lookup(upn).some((r) => r.userPrincipalName.toLowerCase() === upn.toLowerCase())) {
      throw new DeputyError('AlreadyExists', `The user principal name '${upn}' is already used by another user.`);
    }
  }
  const rid = input.rid ?? (await op.tx.nextRid());
  const recipient: Recipient = {
    guid: randomUUID(),
    sid: `S-1-5-21-${op.runtime.organization.sidPrefix}-${rid}`,
    typeDetails: input.typeDetails,
    name,
    alias,
    displayName: (input.displayName ?? name).trim() || name,
    distinguishedName: distinguishedName(op, input.typeDetails, name),
    userPrincipalName: upn,
    primarySmtpAddress: primary,
    emailAddresses: primary ? [`SMTP:${primary}`] : [],
    attributes: checkAttributes(input.attributes ?? {}),
    hiddenFromAddressLists: input.hiddenFromAddressLists ?? false,
    accountDisabled: false,
    appId: input.appId,
    objectId: input.objectId,
    description: input.description,
    managedBy: input.managedBy ?? [],
    isBuiltIn: input.isBuiltIn ?? false,
    whenCreated: op.now,
    whenChanged: op.now,
  };
  await op.tx.putRecipient(recipient);
  if (input.password !== undefined) await setPassword(op, recipient, input.password);
  return recipient;
}

export interface RecipientChanges {
  name?: string;
  displayName?: string;
  alias?: string;
  primarySmtpAddress?: string;
  /** Replaces the secondary addresses; or adds/removes with the hashtable form. */
  emailAddresses?: { replace?: string[]; add?: string[]; remove?: string[] };
  userPrincipalName?: string;
  attributes?: Record<string, string>;
  hiddenFromAddressLists?: boolean;
  accountDisabled?: boolean;
  description?: string;
  managedBy?: string[];
  typeDetails?: RecipientTypeDetails;
}

export async function updateRecipient(op: Operation, current: Recipient, changes: RecipientChanges): Promise<Recipient> {
  const next: Recipient = { ...current, attributes: { ...current.attributes }, emailAddresses: [...current.emailAddresses], whenChanged: op.now };
  if (changes.name !== undefined) {
    next.name = checkName(changes.name);
    if (next.name.toLowerCase() !== current.name.toLowerCase() && op.model.lookup(next.name).some((r) => r.name.toLowerCase() === next.name.toLowerCase())) {
      throw new DeputyError('AlreadyExists', `The name "${next.name}" is already being used. Please try another name.`);
    }
    next.distinguishedName = distinguishedName(op, current.typeDetails, next.name);
  }
  if (changes.displayName !== undefined) next.displayName = changes.displayName.trim() || next.name;
  if (changes.alias !== undefined) next.alias = aliasFrom(changes.alias);
  if (changes.description !== undefined) next.description = changes.description;
  if (changes.managedBy !== undefined) next.managedBy = changes.managedBy;
  if (changes.hiddenFromAddressLists !== undefined) next.hiddenFromAddressLists = changes.hiddenFromAddressLists;
  if (changes.accountDisabled !== undefined) next.accountDisabled = changes.accountDisabled;
  if (changes.typeDetails !== undefined) next.typeDetails = changes.typeDetails;
  if (changes.attributes) next.attributes = { ...next.attributes, ...checkAttributes(changes.attributes) };
  for (const [k, v] of Object.entries(changes.attributes ?? {})) if (v === '') delete next.attributes[recipientAttributeNames.find((n) => n.toLowerCase() === k.toLowerCase())!];
  if (changes.emailAddresses) {
    const secondary = (list: string[]) => list.map((a) => `smtp:${checkSmtpAddress(op, a, current.guid)}`);
    let proxies = next.emailAddresses;
    if (changes.emailAddresses.replace) proxies = [`SMTP:${next.primarySmtpAddress}`, ...secondary(changes.emailAddresses.replace.filter((a) => a.replace(/^smtp:/i, '').toLowerCase() !== next.primarySmtpAddress.toLowerCase()))];
    if (changes.emailAddresses.add) proxies = [...proxies, ...secondary(changes.emailAddresses.add)];
    if (changes.emailAddresses.remove) {
      const removed = new Set(changes.emailAddresses.remove.map((a) => a.replace(/^smtp:/i, '').toLowerCase()));
      if (removed.has(next.primarySmtpAddress.toLowerCase())) throw new DeputyError('InvalidArgument', 'The primary SMTP address cannot be removed; set another primary address first.');
      proxies = proxies.filter((p) => !removed.has(p.replace(/^smtp:/i, '').toLowerCase()));
    }
    next.emailAddresses = [...new Map(proxies.map((p) => [p.toLowerCase(), p])).values()];
  }
  if (changes.primarySmtpAddress !== undefined) {
    if (!current.primarySmtpAddress) throw new DeputyError('InvalidArgument', `'${current.name}' is not mail-enabled and has no primary SMTP address.`);
    const primary = checkSmtpAddress(op, changes.primarySmtpAddress, current.guid);
    next.primarySmtpAddress = primary;
    // The old primary stays as a secondary proxy, as Exchange does.
    next.emailAddresses = [`SMTP:${primary}`, ...next.emailAddresses.filter((p) => p.replace(/^smtp:/i, '').toLowerCase() !== primary.toLowerCase()).map((p) => `smtp:${p.replace(/^smtp:/i, '')}`)];
  }
  if (changes.userPrincipalName !== undefined) {
    if (kindOf[current.typeDetails] !== 'User') throw new DeputyError('InvalidArgument', 'Only users have a user principal name.');
    const upn = changes.userPrincipalName.trim();
    if (!smtpPattern.test(upn)) throw new DeputyError('InvalidArgument', `'${upn}' is not a valid user principal name.`);
    if (op.model.lookup(upn).some((r) => r.guid !== current.guid && r.userPrincipalName.toLowerCase() === upn.toLowerCase())) {
      throw new DeputyError('AlreadyExists', `The user principal name '${upn}' is already used by another user.`);
    }
    next.userPrincipalName = upn;
  }
  await op.tx.putRecipient(next);
  return next;
}

export async function setPassword(op: Operation, recipient: Recipient, password: string): Promise<void> {
  if (kindOf[recipient.typeDetails] !== 'User') throw new DeputyError('InvalidArgument', `'${recipient.name}' is not a user and has no password.`);
  if (password.length < 8) throw new DeputyError('InvalidArgument', 'The password does not meet the length requirement: at least 8 characters.');
  await op.tx.setPasswordHash(recipient.guid, await hashPassword(password));
}

export async function removeRecipient(op: Operation, recipient: Recipient): Promise<void> {
  if (recipient.isBuiltIn) throw new DeputyError('InvalidOperation', `'${recipient.name}' is built in and can't be removed.`);
  await op.tx.deleteRecipient(recipient.guid);
}

/**
 * A group "carries RBAC" when changing its members changes who holds roles or what a scope
 * covers: it (or a group it is nested in) holds a role assignment or is a role group, or a
 * management scope (MemberOfGroup) or group-scoped assignment names it. That needs Role Management.
 */
export function groupCarriesRbac(op: Operation, groupGuid: string): boolean {
  const holders = new Set<string>();
  for (const a of op.model.assignments.values()) {
    holders.add(a.assigneeGuid);
    if (a.scope.kind === 'Group') holders.add(a.scope.groupGuid);
  }
  for (const s of op.model.scopes.values()) for (const g of groupsInStoredFilter(s.recipientFilter)) holders.add(g);
  for (const g of [groupGuid, ...op.model.transitiveMemberOf(groupGuid)]) {
    const r = op.model.get(g);
    if (holders.has(g) || r?.typeDetails === 'RoleGroup') return true;
  }
  return false;
}

export function requireRoleManagementFor(op: Operation, group: Recipient, action: string): void {
  if (!groupCarriesRbac(op, group.guid)) return;
  if (op.authorizer.holdsRole(op.caller.guid, 'Role Management')) return;
  throw new DeputyError(
    'AccessDenied',
    `You can't ${action} '${group.name}' because its members receive management role assignments through it. That requires the 'Role Management' role.`,
    { group: group.name, requiredRole: 'Role Management' },
  );
}

export async function addMember(op: Operation, group: Recipient, member: Recipient): Promise<void> {
  if (group.guid === member.guid) throw new DeputyError('InvalidArgument', `A group can't be a member of itself.`);
  if (op.model.directMembers(group.guid).has(member.guid)) {
    throw new DeputyError('AlreadyExists', `The recipient "${member.name}" is already a member of the group "${group.name}".`, { errorId: 'MemberAlreadyExists' });
  }
  if (op.model.transitiveMemberOf(group.guid).has(member.guid)) {
    throw new DeputyError('InvalidArgument', `Adding "${member.name}" to "${group.name}" would create a membership loop.`);
  }
  await op.tx.addMember(group.guid, member.guid);
}

export async function removeMember(op: Operation, group: Recipient, member: Recipient): Promise<void> {
  if (!op.model.directMembers(group.guid).has(member.guid)) {
    throw new DeputyError('ObjectNotFound', `The recipient "${member.name}" isn't a member of the group "${group.name}".`, { errorId: 'MemberNotFound' });
  }
  await op.tx.removeMember(group.guid, member.guid);
}
