// The one decision engine: decide(principal, entry, target?) → allow with the chain that granted
// it, or deny with the reason. Caches effective assignments and compiled scopes per model version.
import type { DirectoryModel } from '../directory/model.ts';
import type { Recipient } from '../directory/recipient.ts';
import { kindOf } from '../directory/recipient.ts';
import type { AssignmentScope, ManagementRole, ManagementScope, RoleAssignment, RoleEntry } from './model.ts';
import { builtInRoles, findRole } from './roles.ts';
import { compileRecipientFilter, parseRecipientFilter, type RecipientPredicate } from './opath/index.ts';

/** An assignment a principal holds, directly or through (nested) groups. */
export interface EffectiveAssignment {
  assignment: RoleAssignment;
  role: ManagementRole;
  /** Group guids from the principal's own group up to the assignee; empty when held directly. */
  via: readonly string[];
}

export interface Grant {
  assignment: RoleAssignment;
  role: ManagementRole;
  entry: RoleEntry;
  via: readonly string[];
  /** Readable description of the write scope that covered the target. */
  scope: string;
}

export type Refusal =
  | 'Delegating'
  | 'Disabled'
  | 'OutOfScope'
  | 'ExcludedByExclusiveScope'
  | 'ParameterNotAllowed';

export interface ConsideredAssignment {
  assignment: RoleAssignment;
  role: ManagementRole;
  via: readonly string[];
  refusal: Refusal;
  detail: string;
}

export type Decision =
  | { allowed: true; entry: string; principal: string; target?: string; grant: Grant }
  | { allowed: false; entry: string; principal: string; target?: string; reason: string; considered: ConsideredAssignment[] };

export interface DecideOptions {
  /** Cmdlet parameters in use: an entry restricted to some parameters must allow all of them. */
  parameters?: readonly string[];
}

interface EntryGrant {
  effective: EffectiveAssignment;
  entry: RoleEntry;
}

export class Authorizer {
  private cacheVersion = -1;
  private byAssignee = new Map<string, RoleAssignment[]>();
  private effectiveCache = new Map<string, EffectiveAssignment[]>();
  private entryCache = new Map<string, Map<string, EntryGrant[]>>();
  private scopePredicates = new Map<string, RecipientPredicate>();
  private exclusiveScopes: ManagementScope[] = [];

  constructor(private readonly model: DirectoryModel) {}

  /** Drops every cache when the directory changed: no propagation delay. */
  private refresh(): void {
    if (this.cacheVersion === this.model.version) return;
    this.cacheVersion = this.model.version;
    this.byAssignee = new Map();
    for (const a of this.model.assignments.values()) {
      const list = this.byAssignee.get(a.assigneeGuid);
      if (list) list.push(a);
      else this.byAssignee.set(a.assigneeGuid, [a]);
    }
    this.effectiveCache = new Map();
    this.entryCache = new Map();
    this.scopePredicates = new Map();
    this.exclusiveScopes = [...this.model.scopes.values()].filter((s) => s.exclusive);
  }

  /** Every assignment the principal holds, with the group chain through which it holds it. */
  effectiveAssignments(principalGuid: string): EffectiveAssignment[] {
    this.refresh();
    const cached = this.effectiveCache.get(principalGuid);
    if (cached) return cached;
    const result: EffectiveAssignment[] = [];
    const seen = new Set<string>([principalGuid]);
    // Breadth-first over memberships so the shortest chain is recorded for each group.
    let frontier: Array<{ guid: string; via: string[] }> = [{ guid: principalGuid, via: [] }];
    while (frontier.length) {
      const next: Array<{ guid: string; via: string[] }> = [];
      for (const { guid, via } of frontier) {
        for (const assignment of this.byAssignee.get(guid) ?? []) {
          const role = findRole(assignment.role);
          if (role) result.push({ assignment, role, via });
        }
        for (const group of this.model.directMemberOf(guid)) {
          if (seen.has(group)) continue;
          seen.add(group);
          next.push({ guid: group, via: [...via, group] });
        }
      }
      frontier = next;
    }
    this.effectiveCache.set(principalGuid, result);
    return result;
  }

  private grantsFor(principalGuid: string, entryName: string): EntryGrant[] {
    this.refresh();
    let byEntry = this.entryCache.get(principalGuid);
    if (!byEntry) {
      byEntry = new Map();
      for (const effective of this.effectiveAssignments(principalGuid)) {
        for (const entry of effective.role.entries) {
          const key = entry.name.toLowerCase();
          const list = byEntry.get(key);
          if (list) list.push({ effective, entry });
          else byEntry.set(key, [{ effective, entry }]);
        }
      }
      this.entryCache.set(principalGuid, byEntry);
    }
    return byEntry.get(entryName.toLowerCase()) ?? [];
  }

  /** The compiled predicate of a management scope (cached until the next change). */
  scopePredicate(scope: ManagementScope): RecipientPredicate {
    this.refresh();
    let predicate = this.scopePredicates.get(scope.guid);
    if (!predicate) {
      predicate = compileScopeFilter(this.model, scope.recipientFilter);
      this.scopePredicates.set(scope.guid, predicate);
    }
    return predicate;
  }

  private scopeCovers(scope: AssignmentScope, principalGuid: string, target: Recipient): boolean {
    switch (scope.kind) {
      case 'Organization':
        return true;
      case 'None':
        return false;
      case 'Self':
        return target.guid === principalGuid;
      case 'MyGAL':
        return !target.hiddenFromAddressLists;
      case 'Group':
        return this.model.directMembers(scope.groupGuid).has(target.guid);
      case 'CustomRecipientScope':
      case 'ExclusiveRecipientScope': {
        const s = this.model.scopes.get(scope.scopeGuid);
        return !!s && this.scopePredicate(s)({ recipient: target, memberOf: this.model.directMemberOf(target.guid) });
      }
    }
  }

  /**
   * Why an assignment's write scope does not reach the target, or null when it does.
   * `exclusive` are the exclusive scopes covering the target that apply to this principal.
   */
  private whyOutside(assignment: RoleAssignment, principalGuid: string, target: Recipient, exclusive: readonly ManagementScope[]): { refusal: Refusal; detail: string } | null {
    const scope = assignment.scope;
    if (exclusive.length && !(scope.kind === 'ExclusiveRecipientScope' && exclusive.some((s) => s.guid === scope.scopeGuid))) {
      return {
        refusal: 'ExcludedByExclusiveScope',
        detail: `${describe(target)} is protected by the exclusive scope ${exclusive.map((s) => `'${s.name}'`).join(', ')}, and assignment '${assignment.name}' does not use it`,
      };
    }
    if (!this.scopeCovers(scope, principalGuid, target)) {
      return { refusal: 'OutOfScope', detail: `${describe(target)} is outside the write scope of assignment '${assignment.name}' (${this.describeScope(scope)})` };
    }
    return null;
  }

  /** Whether an enabled Regular assignment, held by `principalGuid`, can write the target. */
  assignmentReaches(assignment: RoleAssignment, principalGuid: string, target: Recipient): boolean {
    if (!assignment.enabled || assignment.delegationType !== 'Regular') return false;
    const principal = this.model.get(principalGuid);
    const exclusive = principal && kindOf[principal.typeDetails] !== 'ServicePrincipal' ? this.exclusiveScopesCovering(target) : [];
    return this.whyOutside(assignment, principalGuid, target, exclusive) === null;
  }

  /** Exclusive scopes that match the target (they deny writes to everyone not using one of them). */
  exclusiveScopesCovering(target: Recipient): ManagementScope[] {
    this.refresh();
    if (this.exclusiveScopes.length === 0) return [];
    const subject = { recipient: target, memberOf: this.model.directMemberOf(target.guid) };
    return this.exclusiveScopes.filter((s) => this.scopePredicate(s)(subject));
  }

  decide(principalGuid: string, entryName: string, target?: Recipient, options: DecideOptions = {}): Decision {
    const grants = this.grantsFor(principalGuid, entryName);
    const base = { entry: entryName, principal: principalGuid, target: target?.guid };
    const considered: ConsideredAssignment[] = [];
    if (grants.length === 0) {
      return { ...base, allowed: false, considered, reason: this.noAssignmentReason(principalGuid, entryName) };
    }
    const principal = this.model.get(principalGuid);
    // Exclusive scopes do not restrict applications (RBAC for Applications), only users.
    const exclusive = target && principal && kindOf[principal.typeDetails] !== 'ServicePrincipal'
      ? this.exclusiveScopesCovering(target)
      : [];
    for (const { effective, entry } of grants) {
      const { assignment, role, via } = effective;
      const refuse = (refusal: Refusal, detail: string) => considered.push({ assignment, role, via, refusal, detail });
      if (!assignment.enabled) {
        refuse('Disabled', `assignment '${assignment.name}' is disabled`);
        continue;
      }
      if (assignment.delegationType !== 'Regular') {
        refuse('Delegating', `assignment '${assignment.name}' is Delegating: it allows assigning the role '${role.name}' to others, not using it`);
        continue;
      }
      const disallowed = entry.parameters && options.parameters?.filter((p) => !entry.parameters!.some((q) => q.toLowerCase() === p.toLowerCase()));
      if (disallowed && disallowed.length) {
        refuse('ParameterNotAllowed', `role '${role.name}' allows ${entry.name} only with the parameters ${entry.parameters!.join(', ')} (not ${disallowed.join(', ')})`);
        continue;
      }
      if (target) {
        const outside = this.whyOutside(assignment, principalGuid, target, exclusive);
        if (outside) {
          refuse(outside.refusal, outside.detail);
          continue;
        }
      }
      return {
        ...base,
        allowed: true,
        grant: { assignment, role, entry, via, scope: this.describeScope(assignment.scope) },
      };
    }
    return { ...base, allowed: false, considered, reason: this.refusalReason(principalGuid, entryName, target, considered) };
  }

  /** True when the principal can assign `roleName` to others (holds an enabled Delegating assignment of it). */
  canDelegate(principalGuid: string, roleName: string): boolean {
    return this.effectiveAssignments(principalGuid).some(
      (e) => e.assignment.enabled && e.assignment.delegationType === 'Delegating' && e.role.name.toLowerCase() === roleName.toLowerCase(),
    );
  }

  /** True when the principal holds an enabled Regular assignment of the role. */
  holdsRole(principalGuid: string, roleName: string): boolean {
    return this.effectiveAssignments(principalGuid).some(
      (e) => e.assignment.enabled && e.assignment.delegationType === 'Regular' && e.role.name.toLowerCase() === roleName.toLowerCase(),
    );
  }

  describeScope(scope: AssignmentScope): string {
    switch (scope.kind) {
      case 'CustomRecipientScope':
      case 'ExclusiveRecipientScope': {
        const s = this.model.scopes.get(scope.scopeGuid);
        const kind = scope.kind === 'ExclusiveRecipientScope' ? 'exclusive scope' : 'custom scope';
        return s ? `${kind} '${s.name}': ${s.recipientFilter}` : `${kind} (removed)`;
      }
      case 'Group': {
        const g = this.model.get(scope.groupGuid);
        return `direct members of group '${g?.name ?? scope.groupGuid}'`;
      }
      default:
        return scope.kind;
    }
  }

  private principalName(guid: string): string {
    const p = this.model.get(guid);
    return p ? describe(p) : guid;
  }

  private noAssignmentReason(principalGuid: string, entryName: string): string {
    const roles = rolesContaining(entryName);
    const who = this.principalName(principalGuid);
    if (roles.length === 0) return `No role contains the entry '${entryName}'.`;
    return `${who} holds no role assignment that includes '${entryName}', directly or through a group. It is in the role${roles.length > 1 ? 's' : ''} ${roles.map((r) => `'${r}'`).join(', ')}; assign ${roles.length > 1 ? 'one of them' : 'it'} to grant access.`;
  }

  private refusalReason(principalGuid: string, entryName: string, target: Recipient | undefined, considered: ConsideredAssignment[]): string {
    const who = this.principalName(principalGuid);
    const lines = considered.map((c) => {
      const chain = c.via.length ? ` (through ${c.via.map((g) => `'${this.model.get(g)?.name ?? g}'`).join(' → ')})` : '';
      return `${c.detail}${chain}`;
    });
    const what = target ? `'${entryName}' on ${describe(target)}` : `'${entryName}'`;
    return `${who} is not allowed ${what}: ${lines.join('; ')}.`;
  }
}

export function describe(r: Recipient): string {
  return r.primarySmtpAddress || r.userPrincipalName || r.name;
}

export function rolesContaining(entryName: string): string[] {
  const key = entryName.toLowerCase();
  return builtInRoles.filter((r) => r.entries.some((e) => e.name.toLowerCase() === key)).map((r) => r.name);
}

/** Compiles a stored scope filter against the directory (MemberOfGroup resolves to group guids). */
export function compileScopeFilter(model: DirectoryModel, filter: string): RecipientPredicate {
  return compileRecipientFilter(parseRecipientFilter(filter), (identity) => {
    const groups = model.lookup(identity).filter((r) => kindOf[r.typeDetails] === 'Group' || kindOf[r.typeDetails] === 'RoleGroup');
    return groups.length === 1 ? groups[0].guid : undefined;
  });
}
