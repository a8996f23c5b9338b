// ResolveNames: looks a name up in the directory (the global address list) by exact, then prefix,
// match on names, alias and SMTP addresses. Recipients hidden from address lists never resolve.
// No match is an Error (clients read it as an empty list); several are a Warning with the list.
import type { Recipient } from '../../../core/directory/recipient.ts';
import { EwsError, standardMessages } from '../errors.ts';
import { messagesNs } from '../namespaces.ts';
import { defineOperation, readBoolean, writeResponseMessages, type ResponseMessage } from '../operation.ts';
import { auditMailboxAccess } from '../audit.ts';
import { childText } from '../xml/parse.ts';
import type { XmlWriter } from '../xml/writer.ts';

/** ArrayOfResolutionType allows at most 100 resolutions. */
const maxResolutions = 100;

export const resolveNames = defineOperation({
  name: 'ResolveNames',
  async run(ctx, request, out) {
    const entry = (childText(request, messagesNs, 'UnresolvedEntry') ?? '').trim().replace(/^smtp:/i, '');
    const fullContactData = readBoolean(request.attrs.ReturnFullContactData, false);
    // 'Contacts' asks for the caller's contact folders only, which hold no directory entries.
    const searchDirectory = (request.attrs.SearchScope ?? 'ActiveDirectoryContacts') !== 'Contacts';
    const matches = entry && searchDirectory ? findRecipients(addressList(ctx.runtime.state.model.recipients.values()), entry) : [];
    await auditMailboxAccess(ctx.runtime, ctx, { operation: 'ResolveNames', result: 'Succeeded' });
    writeResponseMessages(out, 'ResolveNames', [resolution(entry, matches, fullContactData)]);
  },
});

function resolution(entry: string, matches: Recipient[], fullContactData: boolean): ResponseMessage {
  if (!entry) return { ok: false, error: new EwsError('ErrorInvalidNameForNameResolution', 'The name to resolve is empty.') };
  if (matches.length === 0) return { ok: false, error: new EwsError('ErrorNameResolutionNoResults', standardMessages.ErrorNameResolutionNoResults) };
  const write = (out: XmlWriter) => writeResolutionSet(out, matches, fullContactData);
  if (matches.length === 1) return { ok: true, write };
  return { ok: false, warning: true, error: new EwsError('ErrorNameResolutionMultipleResults', standardMessages.ErrorNameResolutionMultipleResults), write };
}

/** Mail-enabled recipients that address lists show. */
function addressList(recipients: Iterable<Recipient>): Recipient[] {
  const shown: Recipient[] = [];
  for (const r of recipients) {
    if (r.hiddenFromAddressLists || !r.primarySmtpAddress) continue;
    if (r.typeDetails === 'RoleGroup' || r.typeDetails === 'ServicePrincipal') continue;
    shown.push(r);
  }
  return shown;
}

/** Exact matches if there are any, else prefix matches, ordered by display name. */
export function findRecipients(candidates: Recipient[], entry: string): Recipient[] {
  const key = entry.toLowerCase();
  const exact: Recipient[] = [];
  const prefix: Recipient[] = [];
  for (const r of candidates) {
    const names = searchableNames(r);
    if (names.some((n) => n === key)) exact.push(r);
    else if (names.some((n) => n.startsWith(key))) prefix.push(r);
  }
  const found = exact.length ? exact : prefix;
  return found.sort((a, b) => (a.displayName || a.name).localeCompare(b.displayName || b.name));
}

function searchableNames(r: Recipient): string[] {
  const first = r.attributes.FirstName ?? '';
  const last = r.attributes.LastName ?? '';
  const names = [r.name, r.alias, r.displayName, r.primarySmtpAddress, first, last];
  if (first && last) names.push(`${first} ${last}`, `${last} ${first}`, `${last}, ${first}`);
  for (const proxy of r.emailAddresses) if (/^smtp:/i.test(proxy)) names.push(proxy.slice(5));
  return names.filter(Boolean).map((n) => n.toLowerCase());
}

function writeResolutionSet(out: XmlWriter, matches: Recipient[], fullContactData: boolean): void {
  const shown = matches.slice(0, maxResolutions);
  out.open('m:ResolutionSet', { TotalItemsInView: shown.length, IncludesLastItemInRange: matches.length <= maxResolutions ? 'true' : 'false' });
  for (const r of shown) {
    out.open('t:Resolution');
    out
      .open('t:Mailbox')
      .leaf('t:Name', null, r.displayName || r.name)
      .leaf('t:EmailAddress', null, r.primarySmtpAddress)
      .leaf('t:RoutingType', null, 'SMTP')
      .leaf('t:MailboxType', null, isGroup(r) ? 'PublicDL' : 'Mailbox')
      .close();
    if (fullContactData) writeContact(out, r);
    out.close();
  }
  out.close();
}

function isGroup(r: Recipient): boolean {
  return r.typeDetails === 'MailUniversalDistributionGroup' || r.typeDetails === 'MailUniversalSecurityGroup';
}

/** The directory entry as a contact, elements in ContactItemType's order, empty ones left out. */
function writeContact(out: XmlWriter, r: Recipient): void {
  const a = r.attributes;
  const optional = (name: string, value: string | undefined) => {
    if (value) out.leaf(name, null, value);
  };
  out.open('t:Contact');
  optional('t:DisplayName', r.displayName || r.name);
  optional('t:GivenName', a.FirstName);
  optional('t:CompanyName', a.Company);
  const smtp = [`SMTP:${r.primarySmtpAddress}`, ...r.emailAddresses.filter((p) => p.startsWith('smtp:'))].slice(0, 3);
  out.open('t:EmailAddresses');
  smtp.forEach((address, i) => out.leaf('t:Entry', { Key: `EmailAddress${i + 1}` }, address));
  out.close();
  if (a.City || a.StateOrProvince || a.CountryOrRegion || a.PostalCode) {
    out.open('t:PhysicalAddresses').open('t:Entry', { Key: 'Business' });
    optional('t:City', a.City);
    optional('t:State', a.StateOrProvince);
    optional('t:CountryOrRegion', a.CountryOrRegion);
    optional('t:PostalCode', a.PostalCode);
    out.close().close();
  }
  out.leaf('t:ContactSource', null, 'ActiveDirectory');
  optional('t:Department', a.Department);
  optional('t:JobTitle', a.Title);
  optional('t:Manager', a.Manager);
  optional('t:OfficeLocation', a.Office);
  optional('t:Surname', a.LastName);
  out.close();
}
