// Exchange-shaped output objects for roles, role entries, role groups, role assignments and scopes.
import type { DirectoryModel } from '../../core/directory/model.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import type { ManagementRole, ManagementScope, RoleAssignment, RoleEntry } from '../../core/rbac/model.ts';
import type { Authorizer } from '../../core/rbac/authorizer.ts';
import { domainDn } from '../../services/recipients.ts';
import { withDisplayColumns } from '../host.ts';
import { managerNames } from './recipients.ts';

const configDn = (domain: string, container: string, name: string) =>
  `CN=${name},CN=${container},CN=RBAC,CN=Deputy,CN=Microsoft Exchange,CN=Services,CN=Configuration,${domainDn(domain)}`;

export function roleOutput(role: ManagementRole, domain: string) {
  return withDisplayColumns(
    {
      Name: role.name,
      RoleType: role.roleType,
      RoleEntries: role.entries.map((e) => `(${e.type}) ${e.name}${e.parameters ? ' -' + e.parameters.join(' -') : ''}`),
      ImplicitRecipientReadScope: role.implicitRecipientReadScope,
      ImplicitRecipientWriteScope: role.implicitRecipientWriteScope,
      ImplicitConfigReadScope: role.implicitConfigReadScope,
      ImplicitConfigWriteScope: role.implicitConfigWriteScope,
      IsRootRole: true,
      IsEndUserRole: false,
      MailboxPlanIndex: '',
      Description: role.description,
      Parent: '',
      Identity: role.name,
      Guid: role.guid,
      DistinguishedName: configDn(domain, 'Roles', role.name),
      ObjectCategory: 'ms-Exch-Role',
      ObjectClass: ['top', 'msExchRole'],
    },
    ['Name', 'RoleType'],
  );
}

export function roleEntryOutput(role: ManagementRole, entry: RoleEntry) {
  return withDisplayColumns(
    {
      Name: entry.name,
      Role: role.name,
      Identity: `${role.name}\\${entry.name}`,
      Type: entry.type,
      Parameters: entry.parameters ? [...entry.parameters] : [],
    },
    ['Name', 'Role', 'Parameters'],
  );
}

export function roleGroupOutput(model: DirectoryModel, group: Recipient) {
  const assignments = [...model.assignments.values()].filter((a) => a.assigneeGuid === group.guid).sort((a, b) => a.name.localeCompare(b.name));
  return withDisplayColumns(
    {
      ManagedBy: managerNames(model, group.managedBy),
      RoleAssignments: assignments.map((a) => a.name),
      Roles: [...new Set(assignments.map((a) => a.role))],
      DisplayName: group.displayName,
      ExternalDirectoryObjectId: group.guid,
      Members: [...model.directMembers(group.guid)].map((m) => model.get(m)?.name ?? m).sort(),
      SamAccountName: group.alias,
      Description: group.description ?? '',
      RoleGroupType: 'Standard',
      LinkedGroup: '',
      Capabilities: [],
      LinkedPartnerGroupId: '',
      LinkedPartnerOrganizationId: '',
      Identity: group.name,
      IsValid: true,
      ExchangeVersion: '0.10 (14.0.100.0)',
      Name: group.name,
      DistinguishedName: group.distinguishedName,
      Guid: group.guid,
      Sid: group.sid,
      IsBuiltIn: group.isBuiltIn,
      ObjectCategory: 'group',
      ObjectClass: ['top', 'group'],
      WhenChanged: group.whenChanged,
      WhenCreated: group.whenCreated,
      WhenChangedUTC: group.whenChanged,
      WhenCreatedUTC: group.whenCreated,
      ObjectState: 'Unchanged',
    },
    ['Name', 'Roles', 'RoleAssignments', 'ManagedBy'],
  );
}

export interface AssignmentView {
  assignment: RoleAssignment;
  /** Set for -GetEffectiveUsers rows: the user who holds it and the group chain. */
  effectiveUser?: Recipient;
  chain?: string[];
}

export function assignmentOutput(model: DirectoryModel, authorizer: Authorizer, view: AssignmentView, domain: string) {
  const a = view.assignment;
  const assignee = model.get(a.assigneeGuid);
  const scope = a.scope;
  const scopeName = (guid: string) => model.scopes.get(guid)?.name ?? guid;
  const recipientWriteScope = scope.kind === 'Group' ? 'Group' : scope.kind;
  const groupAssignee = a.assigneeType === 'RoleGroup' || a.assigneeType === 'SecurityGroup';
  const columns = view.effectiveUser
    ? ['Name', 'Role', 'RoleAssigneeName', 'EffectiveUserName', 'AssignmentChain']
    : ['Name', 'Role', 'RoleAssigneeName', 'RoleAssigneeType', 'AssignmentMethod'];
  return withDisplayColumns(
    {
      Name: a.name,
      User: view.effectiveUser?.name ?? (groupAssignee ? null : assignee?.name ?? null),
      AssignmentMethod: view.chain && view.chain.length ? (a.assigneeType === 'RoleGroup' ? 'RoleGroup' : 'SecurityGroup') : 'Direct',
      Identity: a.name,
      EffectiveUserName: view.effectiveUser?.name ?? (groupAssignee ? 'All Group Members' : assignee?.name ?? ''),
      AssignmentChain: view.chain ?? [],
      RoleAssigneeType: a.assigneeType,
      RoleAssignee: assignee?.name ?? a.assigneeGuid,
      Role: a.role,
      RoleAssignmentDelegationType: a.delegationType,
      CustomRecipientWriteScope: scope.kind === 'CustomRecipientScope' || scope.kind === 'ExclusiveRecipientScope' ? scopeName(scope.scopeGuid) : null,
      CustomConfigWriteScope: null,
      ExclusiveRecipientWriteScope: scope.kind === 'ExclusiveRecipientScope' ? scopeName(scope.scopeGuid) : null,
      RecipientGroupScope: scope.kind === 'Group' ? model.get(scope.groupGuid)?.name ?? scope.groupGuid : null,
      RecipientReadScope: 'Organization',
      ConfigReadScope: 'OrganizationConfig',
      RecipientWriteScope: recipientWriteScope,
      ConfigWriteScope: a.role === 'ApplicationImpersonation' ? 'None' : 'OrganizationConfig',
      WriteScopeDescription: authorizer.describeScope(scope),
      Enabled: a.enabled,
      RoleAssigneeName: assignee?.name ?? a.assigneeGuid,
      IsValid: true,
      DistinguishedName: configDn(domain, 'Role Assignments', a.name),
      Guid: a.guid,
      ObjectCategory: 'ms-Exch-Role-Assignment',
      ObjectClass: ['top', 'msExchRoleAssignment'],
      WhenChanged: a.whenChanged,
      WhenCreated: a.whenCreated,
      ObjectState: 'Unchanged',
    },
    columns,
  );
}

export function scopeOutput(scope: ManagementScope, domain: string, extra: Record<string, unknown> = {}) {
  return withDisplayColumns(
    {
      Name: scope.name,
      ScopeRestrictionType: 'RecipientScope',
      Exclusive: scope.exclusive,
      RecipientRoot: scope.recipientRoot,
      RecipientFilter: scope.recipientFilter,
      ServerFilter: null,
      DatabaseFilter: null,
      ...extra,
      Identity: scope.name,
      IsValid: true,
      DistinguishedName: configDn(domain, 'Scopes', scope.name),
      Guid: scope.guid,
      ObjectCategory: 'ms-Exch-Scope',
      ObjectClass: ['top', 'msExchScope'],
      WhenChanged: scope.whenChanged,
      WhenCreated: scope.whenCreated,
    },
    ['Name', 'ScopeRestrictionType', 'Exclusive', 'RecipientRoot', 'RecipientFilter'],
  );
}
