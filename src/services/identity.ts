// Resolves the identities cmdlets take (name, alias, SMTP address, UPN, GUID, SID, DN, AppId)
// to directory objects, with Exchange's wording when nothing or too much matches.
import { DeputyError, objectNotFound } from '../core/errors.ts';
import type { DirectoryModel } from '../core/directory/model.ts';
import type { Recipient, RecipientTypeDetails } from '../core/directory/recipient.ts';

export type RecipientFilter = (r: Recipient) => boolean;

export const only =
  (...types: RecipientTypeDetails[]): RecipientFilter =>
  (r) => types.includes(r.typeDetails);

export const mailboxes = only('UserMailbox', 'SharedMailbox', 'RoomMailbox');
export const users = only('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User');
export const groups = only('MailUniversalSecurityGroup', 'MailUniversalDistributionGroup');
export const roleGroups = only('RoleGroup');
export const servicePrincipals = only('ServicePrincipal');
/** Who can hold role assignments or be a role group member. */
export const securityPrincipals = only('UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User', 'MailUniversalSecurityGroup', 'RoleGroup', 'ServicePrincipal');
export const anyRecipient: RecipientFilter = () => true;

/** Matches `*` wildcards case-insensitively (as Get-* -Identity does). */
export function wildcardMatcher(pattern: string): (value: string) => boolean {
  const escaped = pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const re = new RegExp(`^${escaped}$`, 's');
  return (value) => re.test(value.toLowerCase());
}

/** Exactly one recipient of the accepted kinds, or ObjectNotFound / ambiguity errors. */
export function resolveOne(model: DirectoryModel, identity: unknown, accept: RecipientFilter): Recipient {
  const text = identityText(identity);
  const matches = model.lookup(text).filter(accept);
  if (matches.length === 0) throw objectNotFound(text);
  if (matches.length > 1) {
    // An exact primary identifier wins over a display-name collision.
    const exact = matches.filter((r) => [r.guid, r.name, r.primarySmtpAddress, r.userPrincipalName, r.sid, r.distinguishedName].some((k) => k.toLowerCase() === text.toLowerCase()));
    if (exact.length === 1) return exact[0];
    throw new DeputyError('InvalidArgument', `The operation couldn't be performed because '${text}' matches multiple entries.`, { identity: text, matches: matches.map((r) => r.name) });
  }
  return matches[0];
}

/** For Get-* cmdlets: no identity → all; wildcards allowed; an exact identity must exist. */
export function resolveMany(model: DirectoryModel, identity: unknown, accept: RecipientFilter): Recipient[] {
  const all = () => [...model.recipients.values()].filter(accept);
  if (identity === undefined || identity === null || identity === '') return sortByName(all());
  const text = identityText(identity);
  if (text.includes('*')) {
    const matches = wildcardMatcher(text);
    return sortByName(all().filter((r) => matches(r.name) || matches(r.alias) || matches(r.primarySmtpAddress) || matches(r.displayName)));
  }
  return [resolveOne(model, text, accept)];
}

export function sortByName(list: Recipient[]): Recipient[] {
  return list.sort((a, b) => a.name.localeCompare(b.name));
}

/** Pipeline input arrives as an output object; its Identity (or Guid) names it. */
export function identityText(identity: unknown): string {
  if (typeof identity === 'string') return identity;
  if (identity && typeof identity === 'object') {
    const o = identity as Record<string, unknown>;
    for (const key of ['Guid', 'Identity', 'Name']) if (typeof o[key] === 'string') return o[key] as string;
  }
  throw new DeputyError('InvalidArgument', `Cannot convert '${String(identity)}' to an identity.`);
}
