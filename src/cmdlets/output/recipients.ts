// Exchange-shaped output objects for recipients: Get-Mailbox, Get-User, Get-Recipient,
// Get-DistributionGroup(Member), Get-ServicePrincipal.
import type { DirectoryModel } from '../../core/directory/model.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import { customAttributeNames, recipientTypeOf } from '../../core/directory/recipient.ts';
import { withDisplayColumns } from '../host.ts';

const attr = (r: Recipient, name: string) => r.attributes[name] ?? null;

function common(r: Recipient) {
  return {
    Identity: r.name,
    Guid: r.guid,
    DistinguishedName: r.distinguishedName,
    WhenChanged: r.whenChanged,
    WhenCreated: r.whenCreated,
    WhenChangedUTC: r.whenChanged,
    WhenCreatedUTC: r.whenCreated,
    ExchangeObjectId: r.guid,
    IsValid: true,
    ObjectState: 'Unchanged',
  };
}

export function managerNames(model: DirectoryModel, guids: readonly string[]): string[] {
  return guids.map((g) => model.get(g)?.name ?? g);
}

export function mailboxOutput(r: Recipient) {
  const attributes = Object.fromEntries(customAttributeNames.map((n) => [n, attr(r, n) ?? '']));
  return withDisplayColumns(
    {
      Name: r.name,
      Alias: r.alias,
      DisplayName: r.displayName,
      PrimarySmtpAddress: r.primarySmtpAddress,
      UserPrincipalName: r.userPrincipalName,
      WindowsEmailAddress: r.primarySmtpAddress,
      EmailAddresses: r.emailAddresses,
      RecipientType: recipientTypeOf[r.typeDetails],
      RecipientTypeDetails: r.typeDetails,
      HiddenFromAddressListsEnabled: r.hiddenFromAddressLists,
      AccountDisabled: r.accountDisabled,
      ExchangeGuid: r.guid,
      Sid: r.sid,
      ...attributes,
      ...common(r),
    },
    ['Name', 'Alias', 'RecipientTypeDetails', 'PrimarySmtpAddress'],
  );
}

export function userOutput(r: Recipient) {
  return withDisplayColumns(
    {
      Name: r.name,
      DisplayName: r.displayName,
      FirstName: attr(r, 'FirstName') ?? '',
      LastName: attr(r, 'LastName') ?? '',
      UserPrincipalName: r.userPrincipalName,
      WindowsEmailAddress: r.primarySmtpAddress,
      RecipientType: recipientTypeOf[r.typeDetails],
      RecipientTypeDetails: r.typeDetails,
      Department: attr(r, 'Department') ?? '',
      Title: attr(r, 'Title') ?? '',
      Company: attr(r, 'Company') ?? '',
      Office: attr(r, 'Office') ?? '',
      City: attr(r, 'City') ?? '',
      StateOrProvince: attr(r, 'StateOrProvince') ?? '',
      PostalCode: attr(r, 'PostalCode') ?? '',
      CountryOrRegion: attr(r, 'CountryOrRegion') ?? '',
      Manager: attr(r, 'Manager'),
      AccountDisabled: r.accountDisabled,
      Sid: r.sid,
      ...common(r),
    },
    ['Name', 'RecipientType', 'UserPrincipalName', 'Department'],
  );
}

export function recipientOutput(model: DirectoryModel, r: Recipient) {
  return withDisplayColumns(
    {
      Name: r.name,
      Alias: r.alias,
      DisplayName: r.displayName,
      RecipientType: recipientTypeOf[r.typeDetails],
      RecipientTypeDetails: r.typeDetails,
      PrimarySmtpAddress: r.primarySmtpAddress,
      EmailAddresses: r.emailAddresses,
      Department: attr(r, 'Department') ?? '',
      Title: attr(r, 'Title') ?? '',
      Company: attr(r, 'Company') ?? '',
      Office: attr(r, 'Office') ?? '',
      City: attr(r, 'City') ?? '',
      StateOrProvince: attr(r, 'StateOrProvince') ?? '',
      CountryOrRegion: attr(r, 'CountryOrRegion') ?? '',
      ...Object.fromEntries(customAttributeNames.map((n) => [n, attr(r, n) ?? ''])),
      MemberOfGroup: [...model.directMemberOf(r.guid)].map((g) => model.get(g)?.distinguishedName ?? g),
      HiddenFromAddressListsEnabled: r.hiddenFromAddressLists,
      ...common(r),
    },
    ['Name', 'RecipientType'],
  );
}

export function groupOutput(model: DirectoryModel, r: Recipient) {
  return withDisplayColumns(
    {
      Name: r.name,
      DisplayName: r.displayName,
      Alias: r.alias,
      GroupType: r.typeDetails === 'MailUniversalSecurityGroup' ? 'Universal, SecurityEnabled' : 'Universal',
      RecipientType: recipientTypeOf[r.typeDetails],
      RecipientTypeDetails: r.typeDetails,
      PrimarySmtpAddress: r.primarySmtpAddress,
      EmailAddresses: r.emailAddresses,
      ManagedBy: managerNames(model, r.managedBy),
      Description: r.description ?? '',
      ...Object.fromEntries(customAttributeNames.map((n) => [n, attr(r, n) ?? ''])),
      ...common(r),
    },
    ['Name', 'DisplayName', 'GroupType', 'PrimarySmtpAddress'],
  );
}

export function memberOutput(r: Recipient) {
  return withDisplayColumns(
    {
      Name: r.name,
      RecipientType: recipientTypeOf[r.typeDetails],
      RecipientTypeDetails: r.typeDetails,
      PrimarySmtpAddress: r.primarySmtpAddress,
      DisplayName: r.displayName,
      ...common(r),
    },
    ['Name', 'RecipientType'],
  );
}

export function servicePrincipalOutput(r: Recipient) {
  return withDisplayColumns(
    {
      DisplayName: r.displayName,
      AppId: r.appId ?? '',
      ObjectId: r.objectId ?? '',
      Name: r.name,
      Sid: r.sid,
      ...common(r),
    },
    ['DisplayName', 'ObjectId', 'AppId'],
  );
}
