// The built-in management roles with their entries, and the built-in role groups with the
// assignments Exchange gives them (Organization Management can grant impersonation, not use it).
import type { DelegationType, ManagementRole, RoleEntry, RoleType } from './model.ts';

export const impersonationEntry = 'Impersonate-ExchangeUser';

const cmdlets = (...names: string[]): RoleEntry[] => names.map((name) => ({ name, type: 'Cmdlet' as const }));
const cmdletWith = (name: string, parameters: string[]): RoleEntry => ({ name, type: 'Cmdlet', parameters });
const permissions = (...names: string[]): RoleEntry[] => names.map((name) => ({ name, type: 'ApplicationPermission' as const }));

interface RoleSpec {
  name: string;
  roleType: RoleType;
  description: string;
  entries: RoleEntry[];
}

/** Stable GUIDs derived from the role name, so every deployment names roles alike. */
function roleGuid(index: number): string {
  return `0f3e5a1c-7d2b-4c88-9a10-${(0x100000000000 + index).toString(16).slice(-12)}`;
}

const adminRoles: RoleSpec[] = [
  {
    name: 'Role Management',
    roleType: 'RoleManagement',
    description: 'Administrators can manage role groups, role assignments, management scopes and service principals.',
    entries: cmdlets(
      'New-RoleGroup', 'Get-RoleGroup', 'Set-RoleGroup', 'Remove-RoleGroup',
      'Add-RoleGroupMember', 'Remove-RoleGroupMember', 'Get-RoleGroupMember', 'Update-RoleGroupMember',
      'Get-ManagementRole', 'Get-ManagementRoleEntry',
      'New-ManagementRoleAssignment', 'Get-ManagementRoleAssignment', 'Set-ManagementRoleAssignment', 'Remove-ManagementRoleAssignment',
      'New-ManagementScope', 'Get-ManagementScope', 'Set-ManagementScope', 'Remove-ManagementScope',
      'New-ServicePrincipal', 'Get-ServicePrincipal', 'Set-ServicePrincipal', 'Remove-ServicePrincipal',
      'New-ServicePrincipalCredential', 'Get-ServicePrincipalCredential', 'Remove-ServicePrincipalCredential',
      'Test-ImpersonationAccess', 'Get-ImpersonationAccess',
    ),
  },
  {
    name: 'ApplicationImpersonation',
    roleType: 'ApplicationImpersonation',
    description: 'Applications and service accounts can impersonate users in the organization to act on their mailboxes.',
    entries: permissions('Impersonate-ExchangeUser'),
  },
  {
    name: 'Mail Recipients',
    roleType: 'MailRecipients',
    description: 'Administrators can view and change existing mailboxes and users.',
    entries: cmdlets('Get-Mailbox', 'Set-Mailbox', 'Get-User', 'Set-User', 'Get-Recipient',
      'Add-RecipientPermission', 'Get-RecipientPermission', 'Remove-RecipientPermission',
      'Get-MailboxFolderPermission', 'Add-MailboxFolderPermission', 'Set-MailboxFolderPermission', 'Remove-MailboxFolderPermission',
      'Get-MailboxCalendarConfiguration', 'Set-MailboxCalendarConfiguration', 'Get-CalendarProcessing', 'Set-CalendarProcessing'),
  },
  {
    name: 'Mail Recipient Creation',
    roleType: 'MailRecipientCreation',
    description: 'Administrators can create and remove mailboxes and users.',
    entries: cmdlets('New-Mailbox', 'Remove-Mailbox', 'New-User', 'Remove-User', 'Get-AcceptedDomain'),
  },
  {
    name: 'Distribution Groups',
    roleType: 'DistributionGroups',
    description: 'Administrators can create and manage distribution groups and their members.',
    entries: [
      cmdletWith('New-DistributionGroup', ['Name', 'DisplayName', 'Alias', 'PrimarySmtpAddress', 'Members', 'ManagedBy', 'Description']),
      ...cmdlets('Get-DistributionGroup', 'Set-DistributionGroup', 'Remove-DistributionGroup',
        'Add-DistributionGroupMember', 'Remove-DistributionGroupMember', 'Get-DistributionGroupMember'),
    ],
  },
  {
    name: 'Security Group Creation and Membership',
    roleType: 'SecurityGroupCreationAndMembership',
    description: 'Administrators can create mail-enabled security groups and manage their membership.',
    entries: cmdlets('New-DistributionGroup', 'Add-DistributionGroupMember', 'Remove-DistributionGroupMember'),
  },
  {
    name: 'Reset Password',
    roleType: 'ResetPassword',
    description: 'Administrators can reset the passwords of users.',
    entries: [
      cmdletWith('Set-Mailbox', ['Identity', 'Password']),
      cmdletWith('Set-User', ['Identity', 'Password']),
    ],
  },
  {
    name: 'View-Only Recipients',
    roleType: 'ViewOnlyRecipients',
    description: 'Administrators can view recipients.',
    entries: cmdlets('Get-Mailbox', 'Get-User', 'Get-Recipient', 'Get-DistributionGroup', 'Get-DistributionGroupMember'),
  },
  {
    name: 'View-Only Configuration',
    roleType: 'ViewOnlyConfiguration',
    description: 'Administrators can view the organization configuration, roles, role groups, scopes and service principals.',
    entries: cmdlets(
      'Get-RoleGroup', 'Get-RoleGroupMember', 'Get-ManagementRole', 'Get-ManagementRoleEntry', 'Get-ManagementScope',
      'Get-AcceptedDomain', 'Get-ServicePrincipal', 'Test-ImpersonationAccess', 'Get-ImpersonationAccess',
    ),
  },
  {
    name: 'Audit Logs',
    roleType: 'AuditLogs',
    description: 'Administrators can search the administrator and mailbox audit logs.',
    entries: cmdlets('Search-AdminAuditLog', 'Search-MailboxAuditLog'),
  },
  {
    name: 'Remote and Accepted Domains',
    roleType: 'RemoteAndAcceptedDomains',
    description: 'Administrators can manage the domains the organization accepts mail for.',
    entries: cmdlets('New-AcceptedDomain', 'Get-AcceptedDomain'),
  },
  {
    name: 'Transport Queues',
    roleType: 'TransportQueues',
    description: 'Administrators can view the messages waiting in the outbound queue.',
    entries: cmdlets('Get-Message'),
  },
];

/** Application roles: `Application <Permission>` grants that permission (RBAC for Applications). */
const applicationRoles: Array<[name: string, permissions: string[]]> = [
  ['Application Mail.Read', ['Mail.Read']],
  ['Application Mail.ReadBasic', ['Mail.ReadBasic']],
  ['Application Mail.ReadWrite', ['Mail.ReadWrite']],
  ['Application Mail.Send', ['Mail.Send']],
  ['Application MailboxSettings.Read', ['MailboxSettings.Read']],
  ['Application MailboxSettings.ReadWrite', ['MailboxSettings.ReadWrite']],
  ['Application Calendars.Read', ['Calendars.Read']],
  ['Application Calendars.ReadWrite', ['Calendars.ReadWrite']],
  ['Application Contacts.Read', ['Contacts.Read']],
  ['Application Contacts.ReadWrite', ['Contacts.ReadWrite']],
  ['Application EWS.AccessAsApp', ['EWS.AccessAsApp']],
  ['Application Mail Full Access', ['Mail.ReadWrite', 'Mail.Send']],
  ['Application Exchange Full Access', ['Mail.ReadWrite', 'Mail.Send', 'MailboxSettings.ReadWrite', 'Calendars.ReadWrite', 'Contacts.ReadWrite']],
];

function buildCatalogue(): ManagementRole[] {
  const roles: ManagementRole[] = adminRoles.map((spec, i) => ({
    guid: roleGuid(i + 1),
    name: spec.name,
    roleType: spec.roleType,
    description: spec.description,
    entries: spec.entries,
    implicitRecipientReadScope: 'Organization',
    implicitRecipientWriteScope: spec.roleType.startsWith('ViewOnly') || spec.roleType === 'AuditLogs' ? 'None' : 'Organization',
    implicitConfigReadScope: 'OrganizationConfig',
    implicitConfigWriteScope: spec.roleType === 'ApplicationImpersonation' || spec.roleType.startsWith('ViewOnly') ? 'None' : 'OrganizationConfig',
    isApplicationRole: false,
  }));
  applicationRoles.forEach(([name, perms], i) =>
    roles.push({
      guid: roleGuid(100 + i),
      name,
      roleType: 'ApplicationPermission',
      description: `Applications holding this role are granted ${perms.join(', ')} on the mailboxes in the assignment's scope.`,
      entries: permissions(...perms),
      implicitRecipientReadScope: 'Organization',
      implicitRecipientWriteScope: 'Organization',
      implicitConfigReadScope: 'None',
      implicitConfigWriteScope: 'None',
      isApplicationRole: true,
    }),
  );
  return roles;
}

export const builtInRoles: readonly ManagementRole[] = buildCatalogue();

const rolesByName = new Map(builtInRoles.map((r) => [r.name.toLowerCase(), r]));
const rolesByGuid = new Map(builtInRoles.map((r) => [r.guid, r]));

export function findRole(identity: string): ManagementRole | undefined {
  const key = identity.trim().toLowerCase();
  return rolesByName.get(key) ?? rolesByGuid.get(key);
}

export interface BuiltInRoleGroup {
  name: string;
  description: string;
  assignments: Array<{ role: string; delegationType: DelegationType }>;
}

const regularAndDelegating = (role: string) => [
  { role, delegationType: 'Regular' as const },
  { role, delegationType: 'Delegating' as const },
];
const regular = (role: string) => ({ role, delegationType: 'Regular' as const });

export const builtInRoleGroups: readonly BuiltInRoleGroup[] = [
  {
    name: 'Organization Management',
    description: 'Members of this management role group have permissions to manage Exchange objects and their properties in the organization. Members can also delegate role groups and management roles. They can grant ApplicationImpersonation but, as in Exchange, cannot use it.',
    assignments: [
      ...adminRoles
        .filter((r) => r.roleType !== 'ApplicationImpersonation')
        .flatMap((r) => regularAndDelegating(r.name)),
      { role: 'ApplicationImpersonation', delegationType: 'Delegating' },
      ...applicationRoles.map(([name]) => ({ role: name, delegationType: 'Delegating' as const })),
    ],
  },
  {
    name: 'Recipient Management',
    description: 'Members of this management role group have rights to create, manage, and remove Exchange recipient objects in the organization.',
    assignments: ['Mail Recipients', 'Mail Recipient Creation', 'Distribution Groups', 'Security Group Creation and Membership', 'Reset Password'].map(regular),
  },
  {
    name: 'View-Only Organization Management',
    description: 'Members of this management role group can view recipient and configuration objects and their properties in the organization.',
    assignments: ['View-Only Recipients', 'View-Only Configuration'].map(regular),
  },
  {
    name: 'Help Desk',
    description: 'Members of this management role group can view recipients and reset passwords.',
    assignments: ['View-Only Recipients', 'Reset Password'].map(regular),
  },
  {
    name: 'Compliance Management',
    description: 'Members of this management role group can search the audit logs and view the configuration.',
    assignments: ['Audit Logs', 'View-Only Configuration', 'View-Only Recipients'].map(regular),
  },
];

/** Exchange's assignment naming: `<Role>-<Assignee>[-Delegating]`, cut to 64 characters. */
export function assignmentName(role: string, assigneeName: string, delegationType: DelegationType): string {
  const suffix = delegationType === 'Delegating' ? '-Delegating' : '';
  const base = `${role}-${assigneeName}`;
  return base.slice(0, 64 - suffix.length) + suffix;
}
