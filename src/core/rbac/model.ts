// RBAC objects: roles and their entries, role assignments and management scopes.

export type RoleEntryType = 'Cmdlet' | 'ApplicationPermission';

export interface RoleEntry {
  /** Cmdlet name (e.g. New-RoleGroup) or permission name (e.g. Impersonate-ExchangeUser, Mail.Read). */
  name: string;
  type: RoleEntryType;
  /** When set, the entry allows only these parameters of the cmdlet (as Exchange entries do). */
  parameters?: readonly string[];
}

export type RoleType =
  | 'RoleManagement'
  | 'ApplicationImpersonation'
  | 'MailRecipients'
  | 'MailRecipientCreation'
  | 'DistributionGroups'
  | 'SecurityGroupCreationAndMembership'
  | 'ResetPassword'
  | 'ViewOnlyRecipients'
  | 'ViewOnlyConfiguration'
  | 'AuditLogs'
  | 'RemoteAndAcceptedDomains'
  | 'TransportQueues'
  | 'ApplicationPermission';

export type RecipientScopeKind = 'Organization' | 'Self' | 'MyGAL' | 'None';

export interface ManagementRole {
  guid: string;
  name: string;
  roleType: RoleType;
  description: string;
  entries: readonly RoleEntry[];
  implicitRecipientReadScope: RecipientScopeKind;
  implicitRecipientWriteScope: RecipientScopeKind;
  implicitConfigReadScope: 'OrganizationConfig' | 'None';
  implicitConfigWriteScope: 'OrganizationConfig' | 'None';
  /** Application roles may be assigned only to service principals. */
  isApplicationRole: boolean;
}

export type DelegationType = 'Regular' | 'Delegating';

export type RoleAssigneeType = 'User' | 'SecurityGroup' | 'RoleGroup' | 'ServicePrincipal';

/**
 * The recipient write scope of an assignment. Exactly one kind:
 * the role's implicit scope (Organization/Self/MyGAL/None), a custom management
 * scope, an exclusive management scope, or a group (direct members only).
 */
export type AssignmentScope =
  | { kind: 'Organization' }
  | { kind: 'Self' }
  | { kind: 'MyGAL' }
  | { kind: 'None' }
  | { kind: 'CustomRecipientScope'; scopeGuid: string }
  | { kind: 'ExclusiveRecipientScope'; scopeGuid: string }
  | { kind: 'Group'; groupGuid: string };

export interface RoleAssignment {
  guid: string;
  name: string;
  /** Role name as in the catalogue (roles are built in). */
  role: string;
  assigneeGuid: string;
  assigneeType: RoleAssigneeType;
  delegationType: DelegationType;
  enabled: boolean;
  scope: AssignmentScope;
  whenCreated: string;
  whenChanged: string;
}

export interface ManagementScope {
  guid: string;
  name: string;
  /** The filter as stored: canonical, fully parenthesised. */
  recipientFilter: string;
  recipientRoot: string | null;
  exclusive: boolean;
  whenCreated: string;
  whenChanged: string;
}
