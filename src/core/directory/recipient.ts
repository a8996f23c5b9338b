// Recipients: every directory object that can be named by an identity (users with or
// without a mailbox, groups, role groups, service principals) and the attributes scopes filter on.

export type RecipientKind = 'User' | 'Group' | 'RoleGroup' | 'ServicePrincipal';

/** Exchange's RecipientTypeDetails values that Deputy models. */
export type RecipientTypeDetails =
  | 'UserMailbox'
  | 'SharedMailbox'
  | 'RoomMailbox'
  | 'User'
  | 'MailUniversalSecurityGroup'
  | 'MailUniversalDistributionGroup'
  | 'RoleGroup'
  | 'ServicePrincipal';

/** Exchange's coarser RecipientType for each RecipientTypeDetails. */
export const recipientTypeOf: Record<RecipientTypeDetails, string> = {
  UserMailbox: 'UserMailbox',
  SharedMailbox: 'UserMailbox',
  RoomMailbox: 'UserMailbox',
  User: 'User',
  MailUniversalSecurityGroup: 'MailUniversalSecurityGroup',
  MailUniversalDistributionGroup: 'MailUniversalDistributionGroup',
  RoleGroup: 'Group',
  ServicePrincipal: 'ServicePrincipal',
};

export const kindOf: Record<RecipientTypeDetails, RecipientKind> = {
  UserMailbox: 'User',
  SharedMailbox: 'User',
  RoomMailbox: 'User',
  User: 'User',
  MailUniversalSecurityGroup: 'Group',
  MailUniversalDistributionGroup: 'Group',
  RoleGroup: 'RoleGroup',
  ServicePrincipal: 'ServicePrincipal',
};

export const customAttributeNames = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`);

/** The free-text attributes an administrator sets and scopes filter on. */
export const recipientAttributeNames = [
  'FirstName',
  'LastName',
  'Department',
  'Title',
  'Company',
  'Office',
  'City',
  'StateOrProvince',
  'PostalCode',
  'CountryOrRegion',
  'Manager',
  ...customAttributeNames,
] as const;

export type RecipientAttributes = Partial<Record<string, string>>;

export interface Recipient {
  /** Stable GUID (lower-case, hyphenated). */
  guid: string;
  /** Synthesized SID, S-1-5-21-a-b-c-RID. */
  sid: string;
  typeDetails: RecipientTypeDetails;
  /** Unique name (Exchange's Name / CN). */
  name: string;
  alias: string;
  displayName: string;
  distinguishedName: string;
  /** User principal name; empty for groups and service principals. */
  userPrincipalName: string;
  /** Primary SMTP address; empty where the recipient is not mail-enabled. */
  primarySmtpAddress: string;
  /** All proxy addresses, e.g. "SMTP:alice@contoso.com", "smtp:a@contoso.com". */
  emailAddresses: string[];
  /** Attributes scopes filter on (Department, Title, CustomAttribute1…15, …). */
  attributes: RecipientAttributes;
  hiddenFromAddressLists: boolean;
  /** Disabled accounts cannot sign in (impersonation of them still works, as in Exchange). */
  accountDisabled: boolean;
  /** Service principals only: the application id. */
  appId?: string;
  /** Service principals only: the directory object id. */
  objectId?: string;
  /** Groups and role groups: free text. */
  description?: string;
  /** Groups and role groups: guids of the recipients that manage it. */
  managedBy: string[];
  /** Role groups: true for the groups Deputy ships, which cannot be removed. */
  isBuiltIn: boolean;
  whenCreated: string;
  whenChanged: string;
}

export function isMailbox(r: Recipient): boolean {
  return r.typeDetails === 'UserMailbox' || r.typeDetails === 'SharedMailbox' || r.typeDetails === 'RoomMailbox';
}

export function isSecurityPrincipalGroup(r: Recipient): boolean {
  return r.typeDetails === 'MailUniversalSecurityGroup' || r.typeDetails === 'RoleGroup';
}
