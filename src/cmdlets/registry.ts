// The cmdlet registry: every cmdlet file, keyed by lower-case name. Adding a cmdlet = one file + one line here.
import type { Cmdlet } from './define.ts';
import GetServicePrincipalCredential from './apps/get-service-principal-credential.ts';
import GetServicePrincipal from './apps/get-service-principal.ts';
import NewServicePrincipalCredential from './apps/new-service-principal-credential.ts';
import NewServicePrincipal from './apps/new-service-principal.ts';
import RemoveServicePrincipalCredential from './apps/remove-service-principal-credential.ts';
import RemoveServicePrincipal from './apps/remove-service-principal.ts';
import SetServicePrincipal from './apps/set-service-principal.ts';
import SearchAdminAuditLog from './audit/search-admin-audit-log.ts';
import SearchMailboxAuditLog from './audit/search-mailbox-audit-log.ts';
import AddMailboxFolderPermission from './calendar/add-mailbox-folder-permission.ts';
import GetCalendarProcessing from './calendar/get-calendar-processing.ts';
import GetMailboxCalendarConfiguration from './calendar/get-mailbox-calendar-configuration.ts';
import GetMailboxFolderPermission from './calendar/get-mailbox-folder-permission.ts';
import RemoveMailboxFolderPermission from './calendar/remove-mailbox-folder-permission.ts';
import SetCalendarProcessing from './calendar/set-calendar-processing.ts';
import SetMailboxCalendarConfiguration from './calendar/set-mailbox-calendar-configuration.ts';
import SetMailboxFolderPermission from './calendar/set-mailbox-folder-permission.ts';
import GetMessage from './transport/get-message.ts';
import GetAcceptedDomain from './organization/get-accepted-domain.ts';
import NewAcceptedDomain from './organization/new-accepted-domain.ts';
import AddRoleGroupMember from './rbac/add-role-group-member.ts';
import GetImpersonationAccess from './rbac/get-impersonation-access.ts';
import GetManagementRoleAssignment from './rbac/get-management-role-assignment.ts';
import GetManagementRoleEntry from './rbac/get-management-role-entry.ts';
import GetManagementRole from './rbac/get-management-role.ts';
import GetManagementScope from './rbac/get-management-scope.ts';
import GetRoleGroupMember from './rbac/get-role-group-member.ts';
import GetRoleGroup from './rbac/get-role-group.ts';
import NewManagementRoleAssignment from './rbac/new-management-role-assignment.ts';
import NewManagementScope from './rbac/new-management-scope.ts';
import NewRoleGroup from './rbac/new-role-group.ts';
import RemoveManagementRoleAssignment from './rbac/remove-management-role-assignment.ts';
import RemoveManagementScope from './rbac/remove-management-scope.ts';
import RemoveRoleGroupMember from './rbac/remove-role-group-member.ts';
import RemoveRoleGroup from './rbac/remove-role-group.ts';
import SetManagementRoleAssignment from './rbac/set-management-role-assignment.ts';
import SetManagementScope from './rbac/set-management-scope.ts';
import SetRoleGroup from './rbac/set-role-group.ts';
import TestImpersonationAccess from './rbac/test-impersonation-access.ts';
import UpdateRoleGroupMember from './rbac/update-role-group-member.ts';
import AddDistributionGroupMember from './recipients/add-distribution-group-member.ts';
import AddRecipientPermission from './recipients/add-recipient-permission.ts';
import GetDistributionGroupMember from './recipients/get-distribution-group-member.ts';
import GetDistributionGroup from './recipients/get-distribution-group.ts';
import GetMailbox from './recipients/get-mailbox.ts';
import GetRecipient from './recipients/get-recipient.ts';
import GetRecipientPermission from './recipients/get-recipient-permission.ts';
import GetUser from './recipients/get-user.ts';
import NewDistributionGroup from './recipients/new-distribution-group.ts';
import NewMailbox from './recipients/new-mailbox.ts';
import NewUser from './recipients/new-user.ts';
import RemoveDistributionGroupMember from './recipients/remove-distribution-group-member.ts';
import RemoveDistributionGroup from './recipients/remove-distribution-group.ts';
import RemoveMailbox from './recipients/remove-mailbox.ts';
import RemoveRecipientPermission from './recipients/remove-recipient-permission.ts';
import RemoveUser from './recipients/remove-user.ts';
import SetDistributionGroup from './recipients/set-distribution-group.ts';
import SetMailbox from './recipients/set-mailbox.ts';
import SetUser from './recipients/set-user.ts';

const all: Cmdlet[] = [
  GetServicePrincipalCredential,
  GetServicePrincipal,
  NewServicePrincipalCredential,
  NewServicePrincipal,
  RemoveServicePrincipalCredential,
  RemoveServicePrincipal,
  SetServicePrincipal,
  SearchAdminAuditLog,
  SearchMailboxAuditLog,
  AddMailboxFolderPermission,
  GetCalendarProcessing,
  GetMailboxCalendarConfiguration,
  GetMailboxFolderPermission,
  RemoveMailboxFolderPermission,
  SetCalendarProcessing,
  SetMailboxCalendarConfiguration,
  SetMailboxFolderPermission,
  GetMessage,
  GetAcceptedDomain,
  NewAcceptedDomain,
  AddRoleGroupMember,
  GetImpersonationAccess,
  GetManagementRoleAssignment,
  GetManagementRoleEntry,
  GetManagementRole,
  GetManagementScope,
  GetRoleGroupMember,
  GetRoleGroup,
  NewManagementRoleAssignment,
  NewManagementScope,
  NewRoleGroup,
  RemoveManagementRoleAssignment,
  RemoveManagementScope,
  RemoveRoleGroupMember,
  RemoveRoleGroup,
  SetManagementRoleAssignment,
  SetManagementScope,
  SetRoleGroup,
  TestImpersonationAccess,
  UpdateRoleGroupMember,
  AddDistributionGroupMember,
  AddRecipientPermission,
  GetDistributionGroupMember,
  GetDistributionGroup,
  GetMailbox,
  GetRecipient,
  GetRecipientPermission,
  GetUser,
  NewDistributionGroup,
  NewMailbox,
  NewUser,
  RemoveDistributionGroupMember,
  RemoveDistributionGroup,
  RemoveMailbox,
  RemoveRecipientPermission,
  RemoveUser,
  SetDistributionGroup,
  SetMailbox,
  SetUser,
];

export const cmdletRegistry: ReadonlyMap<string, Cmdlet> = new Map(all.map((c) => [c.name.toLowerCase(), c]));
