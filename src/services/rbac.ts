// Use cases on RBAC: role groups, role assignments and management scopes, with Exchange's rules
// on who may change them (Role Management, Delegating assignments, ManagedBy, scopes in use).
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../core/errors.ts';
import type { Recipient } from '../core/directory/recipient.ts';
import { isMailbox, kindOf } from '../core/directory/recipient.ts';
import type { AssignmentScope, ManagementRole, ManagementScope, RoleAssigneeType, RoleAssignment } from '../core/rbac/model.ts';
import { assignmentName } from '../core/rbac/roles.ts';
import { describe } from '../core/rbac/authorizer.ts';
import { canonicalScopeFilter } from '../core/rbac/scope-filter.ts';
import type { Operation } from './context.ts';
import { addMember, checkName, createRecipient, removeMember, updateRecipient } from './recipients.ts';

// --- who may change what --------------------------------------------------

export function requireDelegation(op: Operation, role: ManagementRole): void {
  if (op.authorizer.canDelegate(op.caller.guid, role.name)) return;
  throw new DeputyError(
    'AccessDenied',
    `You can't assign the role '${role.name}' because you don't hold a Delegating assignment of it. Only holders of a Delegating assignment of a role can assign it to others.`,
    { role: role.name, errorId: 'NoDelegatingAssignment' },
  );
}

/** ManagedBy: managers may change the group; others need Role Management and -BypassSecurityGroupManagerCheck. */
export function requireGroupManager(op: Operation, group: Recipient, bypass: boolean): void {
  if (group.managedBy.length === 0) return;
  const callerGroups = op.model.transitiveMemberOf(op.caller.guid);
  if (group.managedBy.some((m) => m === op.caller.guid || callerGroups.has(m))) return;
  // As in Exchange, overriding the owners takes Role Management (held by Organization Management).
  if (bypass && op.authorizer.holdsRole(op.caller.guid, 'Role Management')) return;
  const hint = bypass
    ? ' -BypassSecurityGroupManagerCheck requires the Role Management role.'
    : ' Holders of the Role Management role can add -BypassSecurityGroupManagerCheck.';
  throw new DeputyError('AccessDenied', `You don't have sufficient permissions. This operation can only be performed by a manager of the group '${group.name}'.${hint}`, { errorId: 'OperationRequiresGroupManager' });
}

// --- assignments -----------------------------------------------------------

export function assigneeTypeOf(r: Recipient): RoleAssigneeType {
  switch (r.typeDetails) {
    case 'RoleGroup':
      return 'RoleGroup';
    case 'MailUniversalSecurityGroup':
      return 'SecurityGroup';
    case 'ServicePrincipal':
      return 'ServicePrincipal';
    case 'MailUniversalDistributionGroup':
      throw new DeputyError('InvalidArgument', `'${r.name}' is a distribution group; roles can be assigned only to users, security groups, role groups and service principals.`);
    default:
      return 'User';
  }
}

export interface NewAssignmentInput {
  name?: string;
  role: ManagementRole;
  assignee: Recipient;
  delegating: boolean;
  scope: AssignmentScope;
  enabled?: boolean;
}

export async function createAssignment(op: Operation, input: NewAssignmentInput): Promise<RoleAssignment> {
  requireDelegation(op, input.role);
  const assigneeType = assigneeTypeOf(input.assignee);
  if (input.role.isApplicationRole && assigneeType !== 'ServicePrincipal') {
    throw new DeputyError('InvalidArgument', `The role '${input.role.name}' is an application role; it can be assigned only to service principals (-App).`);
  }
  if (input.scope.kind === 'ExclusiveRecipientScope' && input.delegating) {
    throw new DeputyError('InvalidArgument', 'An exclusive scope cannot be used with a Delegating assignment.');
  }
  const delegationType = input.delegating ? 'Delegating' : 'Regular';
  const name = input.name ? checkName(input.name) : assignmentName(input.role.name, input.assignee.name, delegationType);
  if (op.model.findAssignment(name)) {
    throw new DeputyError('AlreadyExists', `The role assignment "${name}" already exists. Specify a different name with -Name.`, { name });
  }
  const assignment: RoleAssignment = {
    guid: randomUUID(),
    name,
    role: input.role.name,
    assigneeGuid: input.assignee.guid,
    assigneeType,
    delegationType,
    enabled: input.enabled ?? true,
    scope: input.scope,
    whenCreated: op.now,
    whenChanged: op.now,
  };
  await op.tx.putAssignment(assignment);
  return assignment;
}

export async function updateAssignment(op: Operation, current: RoleAssignment, role: ManagementRole, changes: { enabled?: boolean; scope?: AssignmentScope }): Promise<RoleAssignment> {
  // Changing an assignment can widen what it grants, so it takes the same right as creating it.
  requireDelegation(op, role);
  if (changes.scope?.kind === 'ExclusiveRecipientScope' && current.delegationType === 'Delegating') {
    throw new DeputyError('InvalidArgument', 'An exclusive scope cannot be used with a Delegating assignment.');
  }
  const next: RoleAssignment = { ...current, whenChanged: op.now };
  if (changes.enabled !== undefined) next.enabled = changes.enabled;
  if (changes.scope) next.scope = changes.scope;
  await op.tx.putAssignment(next);
  return next;
}

export async function removeAssignment(op: Operation, assignment: RoleAssignment): Promise<void> {
  await op.tx.deleteAssignment(assignment.guid);
}

// --- role groups -------------------------------------------------------------

export interface NewRoleGroupInput {
  name: string;
  displayName?: string;
  description?: string;
  roles: ManagementRole[];
  members: Recipient[];
  managedBy: Recipient[];
  scope: AssignmentScope;
}

export function checkRoleGroupMember(member: Recipient): void {
  if (member.typeDetails === 'ServicePrincipal') {
    throw new DeputyError('InvalidArgument', `'${member.name}' is a service principal; applications can't be role group members. Assign roles to it directly with New-ManagementRoleAssignment -App.`);
  }
  if (member.typeDetails === 'MailUniversalDistributionGroup') {
    throw new DeputyError('InvalidArgument', `'${member.name}' is a distribution group; only users and security groups can be role group members.`);
  }
}

export async function createRoleGroup(op: Operation, input: NewRoleGroupInput): Promise<Recipient> {
  for (const role of input.roles) {
    requireDelegation(op, role);
    if (role.isApplicationRole) throw new DeputyError('InvalidArgument', `The role '${role.name}' is an application role; it can be assigned only to service principals.`);
  }
  input.members.forEach(checkRoleGroupMember);
  const group = await createRecipient(op, {
    typeDetails: 'RoleGroup',
    name: input.name,
    displayName: input.displayName,
    description: input.description ?? '',
    managedBy: input.managedBy.map((m) => m.guid),
  });
  for (const member of input.members) await addMember(op, group, member);
  for (const role of input.roles) {
    await createAssignment(op, { role, assignee: group, delegating: false, scope: input.scope });
  }
  return group;
}

export async function removeRoleGroup(op: Operation, group: Recipient, bypass: boolean): Promise<void> {
  if (group.isBuiltIn) throw new DeputyError('InvalidOperation', `The role group '${group.name}' is built in and can't be removed.`, { errorId: 'CannotRemoveBuiltInRoleGroup' });
  requireGroupManager(op, group, bypass);
  // The store removes the group's assignments with it; roles stay.
  await op.tx.deleteRecipient(group.guid);
}

export async function updateRoleGroup(op: Operation, group: Recipient, changes: { name?: string; displayName?: string; description?: string; managedBy?: Recipient[] }, bypass: boolean): Promise<Recipient> {
  requireGroupManager(op, group, bypass);
  const updated = await updateRecipient(op, group, {
    name: changes.name,
    displayName: changes.displayName,
    description: changes.description,
    managedBy: changes.managedBy?.map((m) => m.guid),
  });
  if (changes.name !== undefined && updated.name !== group.name) {
    // Assignment names follow the group's name, as Exchange renames them.
    for (const a of op.model.assignments.values()) {
      if (a.assigneeGuid !== group.guid) continue;
      const rename = assignmentName(a.role, updated.name, a.delegationType);
      if (a.name === assignmentName(a.role, group.name, a.delegationType) && rename !== a.name) await op.tx.putAssignment({ ...a, name: rename, whenChanged: op.now });
    }
  }
  return updated;
}

export async function addRoleGroupMember(op: Operation, group: Recipient, member: Recipient, bypass: boolean): Promise<void> {
  requireGroupManager(op, group, bypass);
  checkRoleGroupMember(member);
  await addMember(op, group, member);
}

export async function removeRoleGroupMember(op: Operation, group: Recipient, member: Recipient, bypass: boolean): Promise<void> {
  requireGroupManager(op, group, bypass);
  await removeMember(op, group, member);
}

// --- scopes ------------------------------------------------------------------

export async function createScope(op: Operation, input: { name: string; filter: string; recipientRoot?: string; exclusive: boolean }): Promise<ManagementScope> {
  const name = checkName(input.name);
  if (op.model.findScope(name)) throw new DeputyError('AlreadyExists', `The management scope "${name}" already exists.`, { name });
  const scope: ManagementScope = {
    guid: randomUUID(),
    name,
    recipientFilter: canonicalScopeFilter(op.model, input.filter),
    recipientRoot: input.recipientRoot ?? null,
    exclusive: input.exclusive,
    whenCreated: op.now,
    whenChanged: op.now,
  };
  await op.tx.putScope(scope);
  return scope;
}

export async function updateScope(op: Operation, scope: ManagementScope, changes: { name?: string; filter?: string; recipientRoot?: string | null }): Promise<ManagementScope> {
  const next: ManagementScope = { ...scope, whenChanged: op.now };
  if (changes.name !== undefined) {
    next.name = checkName(changes.name);
    const clash = op.model.findScope(next.name);
    if (clash && clash.guid !== scope.guid) throw new DeputyError('AlreadyExists', `The management scope "${next.name}" already exists.`);
  }
  if (changes.filter !== undefined) next.recipientFilter = canonicalScopeFilter(op.model, changes.filter);
  if (changes.recipientRoot !== undefined) next.recipientRoot = changes.recipientRoot;
  await op.tx.putScope(next);
  return next;
}

export function assignmentsUsingScope(op: Operation, scope: ManagementScope): RoleAssignment[] {
  return [...op.model.assignments.values()].filter(
    (a) => (a.scope.kind === 'CustomRecipientScope' || a.scope.kind === 'ExclusiveRecipientScope') && a.scope.scopeGuid === scope.guid,
  );
}

export async function removeScope(op: Operation, scope: ManagementScope): Promise<void> {
  const users = assignmentsUsingScope(op, scope);
  if (users.length) {
    throw new DeputyError('InvalidOperation', `The management scope "${scope.name}" can't be removed because it's in use by the role assignments: ${users.map((a) => a.name).join(', ')}. Remove or change those assignments first.`, { errorId: 'ScopeInUse', assignments: users.map((a) => a.name) });
  }
  await op.tx.deleteScope(scope.guid);
}

// --- explaining impersonation ------------------------------------------------

export interface ImpersonationCheck {
  allowed: boolean;
  entry: string;
  assignment?: RoleAssignment;
  role?: string;
  roleGroup?: string;
  via: string[];
  scope?: string;
  reason: string;
}

/**
 * Whether `actor` may impersonate `mailbox`. Users need ApplicationImpersonation
 * (Impersonate-ExchangeUser); applications may also hold Application EWS.AccessAsApp.
 */
export function checkImpersonation(op: Pick<Operation, 'model' | 'authorizer'>, actor: Recipient, mailbox: Recipient): ImpersonationCheck {
  const entries = actor.typeDetails === 'ServicePrincipal' ? ['Impersonate-ExchangeUser', 'EWS.AccessAsApp'] : ['Impersonate-ExchangeUser'];
  if (!isMailbox(mailbox)) {
    return { allowed: false, entry: entries[0], via: [], reason: `${describe(mailbox)} has no mailbox (it is a ${mailbox.typeDetails}).` };
  }
  const reasons: string[] = [];
  for (const entry of entries) {
    const d = op.authorizer.decide(actor.guid, entry, mailbox);
    if (d.allowed) {
      const via = d.grant.via.map((g) => op.model.get(g)?.name ?? g);
      const holder = op.model.get(d.grant.assignment.assigneeGuid);
      return {
        allowed: true,
        entry,
        assignment: d.grant.assignment,
        role: d.grant.role.name,
        roleGroup: holder && kindOf[holder.typeDetails] === 'RoleGroup' ? holder.name : undefined,
        via,
        scope: d.grant.scope,
        reason: `${describe(actor)} may impersonate ${describe(mailbox)} through assignment '${d.grant.assignment.name}' of role '${d.grant.role.name}'${via.length ? ` (through ${via.map((v) => `'${v}'`).join(' → ')})` : ''}, write scope ${d.grant.scope}.`,
      };
    }
    reasons.push(d.reason);
  }
  return { allowed: false, entry: entries[0], via: [], reason: reasons.join(' ') };
}
