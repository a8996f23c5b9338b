// The one decision engine: decide(principal, entry, target?) → allow with the chain that granted
// it, or deny with the reason. Caches effective assignments and compiled scopes per model version.
import type { DirectoryModel } from '../directory/model.ts';
import type { Recipient } from '../directory/recipient.ts';
import { kindOf } from '../directory/recipient.ts';
import type { AssignmentScope, ManagementRole, ManagementScope, RoleAssignment, RoleEntry } from './model.ts';
import { builtInRoles, findRole } from './roles.ts';
import type { FilterSubject, RecipientPredicate } from './opath/index.ts';
import { compileStoredScopeFilter } from './scope-filter.ts';
import { scopeKey, type ScopeKey } from './scope-index.ts';

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

export interface EntryGrant {
  effective: EffectiveAssignment;
  entry: RoleEntry;
}

/** A principal's grants of one entry: all of them (for explanations) and the usable ones bucketed by scope key. */
interface GrantIndex {
  all: EntryGrant[];
  /** Usable grants whose scope has no lookup key: checked for every target. */
  unkeyed: EntryGrant[];
  /** property → lower-cased value → grants whose scope requires that attribute value. */
  byAttribute: Map<string, Map<string, EntryGrant[]>>;
  /** group guid → grants whose scope requires direct membership of that group. */
  byGroup: Map<string, EntryGrant[]>;
}

export class Authorizer {
  private cacheVersion = -1;
  private byAssignee = new Map<string, RoleAssignment[]>();
  private effectiveCache = new Map<string, EffectiveAssignment[]>();
  private entryCache = new Map<string, Map<string, GrantIndex>>();
  private scopeKeys = new Map<string, ScopeKey | null>();
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
    this.scopeKeys = new Map();
    this.exclusiveScopes = [...this.model.scopes.values()].filter((s) => s.exclusive);
  }

  /** Every assignment the principal holds, with the group chain through which it holds it. */
  effectiveAssignments(principalGuid: string): EffectiveAssignment[] {
    this.refresh();
    return this.effectiveOf(principalGuid);
  }

  private effectiveOf(principalGuid: string): EffectiveAssignment[] {
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

  private grantsFor(principalGuid: string, entryName: string): GrantIndex {
    let byEntry = this.entryCache.get(principalGuid);
    if (!byEntry) {
      byEntry = new Map();
      this.entryCache.set(principalGuid, byEntry);
    }
    const key = entryName.toLowerCase();
    let index = byEntry.get(key);
    if (!index) {
      index = this.indexGrants(principalGuid, key);
      byEntry.set(key, index);
    }
    return index;
  }

  private indexGrants(principalGuid: string, entryKey: string): GrantIndex {
    const index: GrantIndex = { all: [], unkeyed: [], byAttribute: new Map(), byGroup: new Map() };
    for (const effective of this.effectiveOf(principalGuid)) {
      for (const entry of effective.role.entries) {
        if (entry.name.toLowerCase() !== entryKey) continue;
        const grant = { effective, entry };
        index.all.push(grant);
        const a = effective.assignment;
        // Disabled and Delegating assignments never grant use; only explanations look at them.
        if (!a.enabled || a.delegationType !== 'Regular') continue;
        const key = a.scope.kind === 'CustomRecipientScope' || a.scope.kind === 'ExclusiveRecipientScope' ? this.keyOfScope(a.scope.scopeGuid) : undefined;
        if (!key) index.unkeyed.push(grant);
        else if (key.kind === 'group') pushTo(index.byGroup, key.guid, grant);
        else {
          let byValue = index.byAttribute.get(key.property);
          if (!byValue) index.byAttribute.set(key.property, (byValue = new Map()));
          pushTo(byValue, key.value, grant);
        }
      }
    }
    return index;
  }

  private keyOfScope(scopeGuid: string): ScopeKey | undefined {
    let key = this.scopeKeys.get(scopeGuid);
    if (key === undefined) {
      const scope = this.model.scopes.get(scopeGuid);
      key = (scope && scopeKey(scope.recipientFilter)) ?? null;
      this.scopeKeys.set(scopeGuid, key);
    }
    return key ?? undefined;
  }

  /** The compiled predicate of a management scope (cached until the next change). */
  scopePredicate(scope: ManagementScope): RecipientPredicate {
    this.refresh();
    return this.compiledPredicate(scope);
  }

  private compiledPredicate(scope: ManagementScope): RecipientPredicate {
    let predicate = this.scopePredicates.get(scope.guid);
    if (!predicate) {
      predicate = compileStoredScopeFilter(scope.recipientFilter);
      this.scopePredicates.set(scope.guid, predicate);
    }
    return predicate;
  }

  /** Whether the scope kind and its filter reach the target (exclusive-scope rules aside). */
  private covers(scope: AssignmentScope, principalGuid: string, subject: FilterSubject): boolean {
    switch (scope.kind) {
      case 'Organization':
        return true;
      case 'None':
        return false;
      case 'Self':
        return subject.recipient.guid === principalGuid;
      case 'MyGAL':
        return !subject.recipient.hiddenFromAddressLists;
      case 'Group':
        return this.model.directMembers(scope.groupGuid).has(subject.recipient.guid);
      case 'CustomRecipientScope':
      case 'ExclusiveRecipientScope': {
        const s = this.model.scopes.get(scope.scopeGuid);
        return s !== undefined && this.compiledPredicate(s)(subject);
      }
    }
  }

  /**
   * Exclusive scopes covering the target that bind this principal: they deny writes to everyone
   * not using one of them. They do not restrict applications (RBAC for Applications).
   */
  private exclusiveFor(principalGuid: string, subject: FilterSubject): readonly ManagementScope[] {
    if (this.exclusiveScopes.length === 0) return noScopes;
    const principal = this.model.get(principalGuid);
    if (principal && kindOf[principal.typeDetails] === 'ServicePrincipal') return noScopes;
    let covering: ManagementScope[] | undefined;
    for (const s of this.exclusiveScopes) {
      if (this.compiledPredicate(s)(subject)) (covering ??= []).push(s);
    }
    return covering ?? noScopes;
  }

  private reaches(assignment: RoleAssignment, principalGuid: string, subject: FilterSubject, exclusive: readonly ManagementScope[]): boolean {
    const scope = assignment.scope;
    if (exclusive.length !== 0) {
      if (scope.kind !== 'ExclusiveRecipientScope') return false;
      let uses = false;
      for (const s of exclusive) if (s.guid === scope.scopeGuid) uses = true;
      if (!uses) return false;
    }
    return this.covers(scope, principalGuid, subject);
  }

  /** Why an assignment's write scope does not reach the target, or null when it does (for explanations). */
  private whyOutside(assignment: RoleAssignment, principalGuid: string, subject: FilterSubject, exclusive: readonly ManagementScope[]): { refusal: Refusal; detail: string } | null {
    const scope = assignment.scope;
    const target = subject.recipient;
    if (exclusive.length && !(scope.kind === 'ExclusiveRecipientScope' && exclusive.some((s) => s.guid === scope.scopeGuid))) {
      return {
        refusal: 'ExcludedByExclusiveScope',
        detail: `${describe(target)} is protected by the exclusive scope ${exclusive.map((s) => `'${s.name}'`).join(', ')}, and assignment '${assignment.name}' does not use it`,
      };
    }
    if (!this.covers(scope, principalGuid, subject)) {
      return { refusal: 'OutOfScope', detail: `${describe(target)} is outside the write scope of assignment '${assignment.name}' (${this.describeScope(scope)})` };
    }
    return null;
  }

  /** Whether an enabled Regular assignment, held by `principalGuid`, can write the target. */
  assignmentReaches(assignment: RoleAssignment, principalGuid: string, target: Recipient): boolean {
    this.refresh();
    if (!assignment.enabled || assignment.delegationType !== 'Regular') return false;
    const subject = { recipient: target, memberOf: this.model.directMemberOf(target.guid) };
    return this.reaches(assignment, principalGuid, subject, this.exclusiveFor(principalGuid, subject));
  }

  /** Exclusive scopes that match the target, whoever asks. */
  exclusiveScopesCovering(target: Recipient): ManagementScope[] {
    this.refresh();
    const subject = { recipient: target, memberOf: this.model.directMemberOf(target.guid) };
    return this.exclusiveScopes.filter((s) => this.compiledPredicate(s)(subject));
  }

  /**
   * The hot path of every request. It looks only for a usable grant; the explanation of a
   * denial is built when someone reads it, so denials cost no more than allows.
   */
  decide(principalGuid: string, entryName: string, target?: Recipient, options: DecideOptions = {}): Decision {
    this.refresh();
    const index = this.grantsFor(principalGuid, entryName);
    const found = target ? this.findForTarget(index, principalGuid, target, options) : this.findAny(index, options);
    if (found) return new Allowed(this, entryName, principalGuid, target?.guid, { assignment: found.effective.assignment, role: found.effective.role, entry: found.entry, via: found.effective.via });
    return new Denied(this, entryName, principalGuid, target, options, index.all);
  }

  private findAny(index: GrantIndex, options: DecideOptions): EntryGrant | undefined {
    for (const grant of index.all) {
      const a = grant.effective.assignment;
      if (a.enabled && a.delegationType === 'Regular' && usableWith(grant.entry, options)) return grant;
    }
    return undefined;
  }

  /** Checks the unkeyed grants, then only the buckets the target's attributes and groups select. */
  private findForTarget(index: GrantIndex, principalGuid: string, target: Recipient, options: DecideOptions): EntryGrant | undefined {
    const subject = { recipient: target, memberOf: this.model.directMemberOf(target.guid) };
    const exclusive = this.exclusiveFor(principalGuid, subject);
    const usable = (grant: EntryGrant) => usableWith(grant.entry, options) && this.reaches(grant.effective.assignment, principalGuid, subject, exclusive);
    for (const grant of index.unkeyed) if (usable(grant)) return grant;
    for (const [property, byValue] of index.byAttribute) {
      const value = target.attributes[property];
      const bucket = value ? byValue.get(value.toLowerCase()) : undefined;
      if (bucket) for (const grant of bucket) if (usable(grant)) return grant;
    }
    if (index.byGroup.size) {
      for (const group of subject.memberOf) {
        const bucket = index.byGroup.get(group);
        if (bucket) for (const grant of bucket) if (usable(grant)) return grant;
      }
    }
    return undefined;
  }

  /** Every assignment considered for a denial and why it did not grant (slow path, on demand). */
  explainRefusals(principalGuid: string, target: Recipient | undefined, options: DecideOptions, grants: readonly EntryGrant[]): ConsideredAssignment[] {
    const subject = target ? { recipient: target, memberOf: this.model.directMemberOf(target.guid) } : undefined;
    const exclusive = subject ? this.exclusiveFor(principalGuid, subject) : noScopes;
    const considered: ConsideredAssignment[] = [];
    for (const { effective, entry } of grants) {
      const { assignment, role, via } = effective;
      const refuse = (refusal: Refusal, detail: string) => considered.push({ assignment, role, via, refusal, detail });
      if (!assignment.enabled) refuse('Disabled', `assignment '${assignment.name}' is disabled`);
      else if (assignment.delegationType !== 'Regular') refuse('Delegating', `assignment '${assignment.name}' is Delegating: it allows assigning the role '${role.name}' to others, not using it`);
      else if (entry.parameters && options.parameters && !allowsParameters(entry.parameters, options.parameters)) {
        const disallowed = options.parameters.filter((p) => !allowsParameters(entry.parameters!, [p]));
        refuse('ParameterNotAllowed', `role '${role.name}' allows ${entry.name} only with the parameters ${entry.parameters.join(', ')} (not ${disallowed.join(', ')})`);
      } else if (subject) {
        const outside = this.whyOutside(assignment, principalGuid, subject, exclusive);
        if (outside) refuse(outside.refusal, outside.detail);
      }
    }
    return considered;
  }

  denialReason(principalGuid: string, entryName: string, target: Recipient | undefined, considered: ConsideredAssignment[], hadGrants: boolean): string {
    return hadGrants ? this.refusalReason(principalGuid, entryName, target, considered) : this.noAssignmentReason(principalGuid, entryName);
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

const noScopes: readonly ManagementScope[] = Object.freeze([]);

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function usableWith(entry: RoleEntry, options: DecideOptions): boolean {
  return !entry.parameters || !options.parameters || allowsParameters(entry.parameters, options.parameters);
}

function allowsParameters(allowed: readonly string[], used: readonly string[]): boolean {
  for (const p of used) {
    let ok = false;
    for (const q of allowed) if (q.length === p.length && q.toLowerCase() === p.toLowerCase()) ok = true;
    if (!ok) return false;
  }
  return true;
}

class Allowed {
  readonly allowed = true as const;
  constructor(
    private readonly authorizer: Authorizer,
    readonly entry: string,
    readonly principal: string,
    readonly target: string | undefined,
    private readonly granted: Omit<Grant, 'scope'>,
  ) {}

  get grant(): Grant {
    return { ...this.granted, scope: this.authorizer.describeScope(this.granted.assignment.scope) };
  }
}

class Denied {
  readonly allowed = false as const;
  private explained?: { considered: ConsideredAssignment[]; reason: string };

  constructor(
    private readonly authorizer: Authorizer,
    readonly entry: string,
    readonly principal: string,
    private readonly targetRecipient: Recipient | undefined,
    private readonly options: DecideOptions,
    private readonly grants: readonly EntryGrant[],
  ) {}

  get target(): string | undefined {
    return this.targetRecipient?.guid;
  }

  private explain(): { considered: ConsideredAssignment[]; reason: string } {
    if (!this.explained) {
      const considered = this.authorizer.explainRefusals(this.principal, this.targetRecipient, this.options, this.grants);
      this.explained = { considered, reason: this.authorizer.denialReason(this.principal, this.entry, this.targetRecipient, considered, this.grants.length > 0) };
    }
    return this.explained;
  }

  get considered(): ConsideredAssignment[] {
    return this.explain().considered;
  }

  get reason(): string {
    return this.explain().reason;
  }
}
