// Property tests: Authorizer.decide agrees with a naive reference of exchange-rbac.md §5 on random directories, and with no stale cache after changes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DirectoryModel } from '../../../src/core/directory/model.ts';
import type { Recipient, RecipientTypeDetails } from '../../../src/core/directory/recipient.ts';
import { Authorizer, type Decision } from '../../../src/core/rbac/authorizer.ts';
import type { AssignmentScope, ManagementScope, RoleAssignment, RoleAssigneeType } from '../../../src/core/rbac/model.ts';
import { findRole } from '../../../src/core/rbac/roles.ts';
import { formatRecipientFilter, parseRecipientFilter } from '../../../src/core/rbac/opath/index.ts';
import { canonicalScopeFilter } from '../../../src/core/rbac/scope-filter.ts';

// ---------------------------------------------------------------------------------------------
// The random world: its specification (what fast-check generates) and the reference's own copy.

const DEPARTMENTS = ['Sales', 'Sales EMEA', 'Finance', 'IT'] as const;
const CUSTOM1 = ['A1', 'a9', 'B2'] as const;
const USER_TYPES: readonly RecipientTypeDetails[] = ['UserMailbox', 'SharedMailbox', 'RoomMailbox', 'User'];
const ROLES = [
  'ApplicationImpersonation',
  'Role Management',
  'Mail Recipients',
  'Reset Password',
  'View-Only Recipients',
  'Application EWS.AccessAsApp',
  'Application Mail.Read',
] as const;
const ENTRIES = [
  'Impersonate-ExchangeUser',
  'impersonate-exchangeuser',
  'Set-Mailbox',
  'Get-Mailbox',
  'New-RoleGroup',
  'EWS.AccessAsApp',
  'Mail.Read',
  'No-SuchEntry',
] as const;
const PARAMETER_SETS: ReadonlyArray<readonly string[] | undefined> = [undefined, undefined, ['Identity', 'Password'], ['identity'], ['Identity', 'DisplayName']];

/** A filter from the small grammar; `group` picks a group by index (modulo the groups present). */
type Cond =
  | { op: 'eq' | 'ne'; prop: 'Department' | 'CustomAttribute1' | 'RecipientTypeDetails'; value: string }
  | { op: 'like'; prop: 'Department' | 'CustomAttribute1'; prefix: string }
  | { op: 'member'; group: number }
  | { op: 'not'; inner: Cond }
  | { op: 'and' | 'or'; left: Cond; right: Cond };

type ScopeSpec =
  | { kind: 'Organization' | 'Self' | 'MyGAL' | 'None' }
  | { kind: 'Custom' | 'Exclusive' | 'Group'; pick: number };

interface RecipientSpec {
  type: RecipientTypeDetails;
  department: string | undefined;
  custom1: string | undefined;
  hidden: boolean;
}

interface AssignmentSpec {
  role: string;
  assignee: number;
  delegating: boolean;
  enabled: boolean;
  scope: ScopeSpec;
}

interface WorldSpec {
  users: RecipientSpec[];
  servicePrincipals: RecipientSpec[];
  groups: RecipientSpec[];
  roleGroups: RecipientSpec[];
  edges: Array<[group: number, member: number]>;
  scopes: Array<{ cond: Cond; exclusive: boolean; keywordCase: 'lower' | 'upper' }>;
  assignments: AssignmentSpec[];
}

interface Query {
  principal: number;
  /** An entry name, or an index into the entries of the roles assigned in the world (so most questions can be granted). */
  entry: string | number;
  target: number | null;
  parameters: readonly string[] | undefined;
}

/** The reference's copy of the directory: plain data, no indexes, no caches. */
interface RefWorld {
  recipients: Recipient[];
  /** "group|member" for every direct membership. */
  edges: Set<string>;
  assignments: Map<string, RoleAssignment>;
  scopes: Map<string, { scope: ManagementScope; cond: Cond }>;
  /** Group and role group names, in index order, for MemberOfGroup. */
  groupNames: string[];
}

const pick = <T>(list: readonly T[], n: number): T => list[n % list.length];
const guidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const scopeGuidOf = (i: number) => `5c0be000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const assignmentGuidOf = (i: number) => `a5519000-0000-4000-8000-${String(i).padStart(12, '0')}`;
const stamp = '2024-01-01T00:00:00.000Z';

function recipientFrom(spec: RecipientSpec, index: number, name: string): Recipient {
  const mail = spec.type !== 'User' && spec.type !== 'ServicePrincipal' && spec.type !== 'RoleGroup';
  const attributes: Record<string, string> = {};
  if (spec.department !== undefined) attributes.Department = spec.department;
  if (spec.custom1 !== undefined) attributes.CustomAttribute1 = spec.custom1;
  return {
    guid: guidOf(index),
    sid: `S-1-5-21-1-2-3-${1000 + index}`,
    typeDetails: spec.type,
    name,
    alias: name,
    displayName: `Display of ${name}`,
    distinguishedName: `CN=${name},CN=Users,DC=contoso,DC=com`,
    userPrincipalName: spec.type === 'UserMailbox' || spec.type === 'User' ? `${name}@contoso.com` : '',
    primarySmtpAddress: mail ? `${name}@contoso.com` : '',
    emailAddresses: mail ? [`SMTP:${name}@contoso.com`] : [],
    attributes,
    hiddenFromAddressLists: spec.hidden,
    accountDisabled: false,
    appId: spec.type === 'ServicePrincipal' ? `app-${index}` : undefined,
    managedBy: [],
    isBuiltIn: false,
    whenCreated: stamp,
    whenChanged: stamp,
  };
}

function condText(c: Cond, groupNames: readonly string[], upper: boolean): string {
  const kw = (k: string) => (upper ? k.toUpperCase() : k);
  switch (c.op) {
    case 'eq':
    case 'ne':
      return `${c.prop} ${kw(`-${c.op}`)} '${c.value}'`;
    case 'like':
      return `${c.prop} ${kw('-like')} '${c.prefix}*'`;
    case 'member':
      return `MemberOfGroup ${kw('-eq')} '${pick(groupNames, c.group)}'`;
    case 'not':
      return `${kw('-not')} (${condText(c.inner, groupNames, upper)})`;
    case 'and':
    case 'or':
      return `(${condText(c.left, groupNames, upper)}) ${kw(`-${c.op}`)} (${condText(c.right, groupNames, upper)})`;
  }
}

/** Canonical stored text, as the services store it: parse, pin MemberOfGroup to GUIDs (given a model), format. */
function canonical(c: Cond, groupNames: readonly string[], upper = false, model?: DirectoryModel): string {
  const text = condText(c, groupNames, upper);
  return model ? canonicalScopeFilter(model, text) : formatRecipientFilter(parseRecipientFilter(text));
}

function assigneeTypeOf(r: Recipient): RoleAssigneeType {
  if (r.typeDetails === 'RoleGroup') return 'RoleGroup';
  if (r.typeDetails === 'MailUniversalSecurityGroup') return 'SecurityGroup';
  if (r.typeDetails === 'ServicePrincipal') return 'ServicePrincipal';
  return 'User';
}

/** Builds both the DirectoryModel under test and the reference's copy. */
function build(spec: WorldSpec): { model: DirectoryModel; ref: RefWorld } {
  const model = new DirectoryModel();
  const recipients: Recipient[] = [];
  const add = (list: RecipientSpec[], type: RecipientTypeDetails | null, prefix: string) =>
    list.forEach((s, i) => recipients.push(recipientFrom(type ? { ...s, type } : s, recipients.length, `${prefix}${i}`)));
  add(spec.users, null, 'u');
  add(spec.servicePrincipals, 'ServicePrincipal', 'sp');
  add(spec.groups, 'MailUniversalSecurityGroup', 'g');
  add(spec.roleGroups, 'RoleGroup', 'rg');
  for (const r of recipients) model.putRecipient(r);
  const groupList = recipients.filter((r) => r.typeDetails === 'MailUniversalSecurityGroup' || r.typeDetails === 'RoleGroup');
  const ref: RefWorld = { recipients, edges: new Set(), assignments: new Map(), scopes: new Map(), groupNames: groupList.map((g) => g.name) };

  for (const [g, m] of spec.edges) {
    const group = pick(groupList, g);
    const member = pick(recipients, m);
    model.addMember(group.guid, member.guid);
    ref.edges.add(`${group.guid}|${member.guid}`);
  }
  spec.scopes.forEach((s, i) => {
    const scope: ManagementScope = {
      guid: scopeGuidOf(i),
      name: `${s.exclusive ? 'Exclusive' : 'Scope'} ${i}`,
      recipientFilter: canonical(s.cond, ref.groupNames, s.keywordCase === 'upper', model),
      recipientRoot: null,
      exclusive: s.exclusive,
      whenCreated: stamp,
      whenChanged: stamp,
    };
    model.putScope(scope);
    ref.scopes.set(scope.guid, { scope, cond: s.cond });
  });
  const allScopes = [...ref.scopes.values()].map((s) => s.scope);
  spec.assignments.forEach((a, i) => {
    const assignee = pick(recipients, a.assignee);
    const assignment: RoleAssignment = {
      guid: assignmentGuidOf(i),
      name: `${a.role}-${assignee.name}-${i}${a.delegating ? '-Delegating' : ''}`,
      role: a.role,
      assigneeGuid: assignee.guid,
      assigneeType: assigneeTypeOf(assignee),
      delegationType: a.delegating ? 'Delegating' : 'Regular',
      enabled: a.enabled,
      scope: scopeFrom(a.scope, allScopes, groupList),
      whenCreated: stamp,
      whenChanged: stamp,
    };
    model.putAssignment(assignment);
    ref.assignments.set(assignment.guid, assignment);
  });
  return { model, ref };
}

function scopeFrom(s: ScopeSpec, scopes: readonly ManagementScope[], groups: readonly Recipient[]): AssignmentScope {
  switch (s.kind) {
    case 'Custom':
    case 'Exclusive': {
      // As the cmdlets enforce: custom scopes name non-exclusive scopes, exclusive ones exclusive scopes.
      const candidates = scopes.filter((x) => x.exclusive === (s.kind === 'Exclusive'));
      if (candidates.length === 0) return { kind: 'Organization' };
      const scopeGuid = pick(candidates, s.pick).guid;
      return s.kind === 'Custom' ? { kind: 'CustomRecipientScope', scopeGuid } : { kind: 'ExclusiveRecipientScope', scopeGuid };
    }
    case 'Group':
      return { kind: 'Group', groupGuid: pick(groups, s.pick).guid };
    default:
      return { kind: s.kind };
  }
}

// ---------------------------------------------------------------------------------------------
// The reference implementation: deliberately naive, recomputes everything from RefWorld.

function refRecipient(ref: RefWorld, guid: string): Recipient {
  const r = ref.recipients.find((x) => x.guid === guid);
  assert.ok(r, `reference has no recipient ${guid}`);
  return r;
}

function isDirectMember(ref: RefWorld, groupGuid: string, memberGuid: string): boolean {
  return ref.edges.has(`${groupGuid}|${memberGuid}`);
}

/** The principal and every group it reaches by following membership upwards (cycles allowed). */
function refHolders(ref: RefWorld, principal: string): Set<string> {
  const holders = new Set<string>([principal]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const edge of ref.edges) {
      const [group, member] = edge.split('|');
      if (holders.has(member) && !holders.has(group)) {
        holders.add(group);
        grew = true;
      }
    }
  }
  return holders;
}

/** Length of the shortest membership chain from principal up to group (0 for the principal itself). */
function refDistance(ref: RefWorld, principal: string, group: string): number {
  let frontier = new Set([principal]);
  const seen = new Set([principal]);
  for (let d = 0; frontier.size; d++) {
    if (frontier.has(group)) return d;
    const next = new Set<string>();
    for (const edge of ref.edges) {
      const [g, m] = edge.split('|');
      if (frontier.has(m) && !seen.has(g)) {
        seen.add(g);
        next.add(g);
      }
    }
    frontier = next;
  }
  return -1;
}

function refEval(ref: RefWorld, c: Cond, target: Recipient): boolean {
  switch (c.op) {
    case 'eq':
    case 'ne': {
      const value = c.prop === 'RecipientTypeDetails' ? target.typeDetails : (target.attributes[c.prop] ?? '');
      const equal = value.toLowerCase() === c.value.toLowerCase();
      return c.op === 'eq' ? equal : !equal;
    }
    case 'like': {
      const value = target.attributes[c.prop] ?? '';
      return value.length > 0 && value.toLowerCase().startsWith(c.prefix.toLowerCase());
    }
    case 'member': {
      const name = pick(ref.groupNames, c.group);
      const group = ref.recipients.find((r) => r.name === name);
      return !!group && isDirectMember(ref, group.guid, target.guid);
    }
    case 'not':
      return !refEval(ref, c.inner, target);
    case 'and':
      return refEval(ref, c.left, target) && refEval(ref, c.right, target);
    case 'or':
      return refEval(ref, c.left, target) || refEval(ref, c.right, target);
  }
}

function refScopeMatches(ref: RefWorld, scopeGuid: string, target: Recipient): boolean {
  const s = ref.scopes.get(scopeGuid);
  return !!s && refEval(ref, s.cond, target);
}

function refCovers(ref: RefWorld, scope: AssignmentScope, principal: string, target: Recipient): boolean {
  switch (scope.kind) {
    case 'Organization':
      return true;
    case 'None':
      return false;
    case 'Self':
      return target.guid === principal;
    case 'MyGAL':
      return !target.hiddenFromAddressLists;
    case 'Group':
      return isDirectMember(ref, scope.groupGuid, target.guid);
    case 'CustomRecipientScope':
    case 'ExclusiveRecipientScope':
      return refScopeMatches(ref, scope.scopeGuid, target);
  }
}

/** Exclusive scopes protecting the target from this principal (none for service principals). */
function refProtecting(ref: RefWorld, principal: string, target: Recipient): string[] {
  if (refRecipient(ref, principal).typeDetails === 'ServicePrincipal') return [];
  return [...ref.scopes.values()].filter((s) => s.scope.exclusive && refEval(ref, s.cond, target)).map((s) => s.scope.guid);
}

function roleEntry(a: RoleAssignment, entry: string) {
  return findRole(a.role)?.entries.find((e) => e.name.toLowerCase() === entry.toLowerCase());
}

function parametersAllowed(allowed: readonly string[] | undefined, used: readonly string[] | undefined): boolean {
  if (!allowed || !used) return true;
  return used.every((p) => allowed.some((q) => q.toLowerCase() === p.toLowerCase()));
}

/** Assignments reachable from the principal whose role has the entry. */
function refCandidates(ref: RefWorld, principal: string, entry: string): RoleAssignment[] {
  const holders = refHolders(ref, principal);
  return [...ref.assignments.values()].filter((a) => holders.has(a.assigneeGuid) && roleEntry(a, entry));
}

/** exchange-rbac.md §5: one assignment grants when enabled, Regular, holds the entry and reaches the target. */
function refAssignmentGrants(ref: RefWorld, a: RoleAssignment, principal: string, q: { entry: string; target?: Recipient; parameters?: readonly string[] }): boolean {
  if (!refHolders(ref, principal).has(a.assigneeGuid)) return false;
  if (!a.enabled || a.delegationType !== 'Regular') return false;
  const entry = roleEntry(a, q.entry);
  if (!entry || !parametersAllowed(entry.parameters, q.parameters)) return false;
  if (!q.target) return true;
  const protecting = refProtecting(ref, principal, q.target);
  if (protecting.length && !(a.scope.kind === 'ExclusiveRecipientScope' && protecting.includes(a.scope.scopeGuid))) return false;
  return refCovers(ref, a.scope, principal, q.target);
}

function refAllowed(ref: RefWorld, principal: string, q: { entry: string; target?: Recipient; parameters?: readonly string[] }): boolean {
  return [...ref.assignments.values()].some((a) => refAssignmentGrants(ref, a, principal, q));
}

// ---------------------------------------------------------------------------------------------
// Checking one decision against the reference.

/** `via` must be a real chain: principal ∈ via[0] ∈ via[1] … and the last link is the assignee. */
function assertChain(ref: RefWorld, principal: string, via: readonly string[], assignee: string, label: string): void {
  let from = principal;
  for (const group of via) {
    assert.ok(isDirectMember(ref, group, from), `${label}: ${from} is not a direct member of ${group} (via ${via.join(' → ')})`);
    from = group;
  }
  assert.equal(from, assignee, `${label}: via ends at ${from}, the assignee is ${assignee}`);
}

function entryOf(ref: RefWorld, entry: string | number): string {
  if (typeof entry === 'string') return entry;
  const held = [...ref.assignments.values()].flatMap((a) => findRole(a.role)?.entries.map((e) => e.name) ?? []);
  return pick(held.length ? held : ENTRIES, entry);
}

function checkDecision(authorizer: Authorizer, ref: RefWorld, generated: Query): void {
  const q = { ...generated, entry: entryOf(ref, generated.entry) };
  const principal = pick(ref.recipients, q.principal).guid;
  const target = q.target === null ? undefined : pick(ref.recipients, q.target);
  const query = { entry: q.entry, target, parameters: q.parameters };
  const decision: Decision = authorizer.decide(principal, q.entry, target, { parameters: q.parameters });
  const label = `decide(${principal}, ${q.entry}, ${target?.name ?? '-'}, [${q.parameters ?? ''}])`;

  // (a) the same answer as the reference
  assert.equal(decision.allowed, refAllowed(ref, principal, query), `${label}: authorizer says ${decision.allowed}`);
  assert.equal(decision.entry, q.entry);
  assert.equal(decision.principal, principal);
  assert.equal(decision.target, target?.guid);

  if (decision.allowed) {
    // (b) the grant itself satisfies the reference, and its chain is real
    const { assignment, via, entry } = decision.grant;
    const current = ref.assignments.get(assignment.guid);
    assert.deepEqual(assignment, current, `${label}: granted by an assignment that is not the current one`);
    assert.ok(refAssignmentGrants(ref, assignment, principal, query), `${label}: granting assignment '${assignment.name}' does not satisfy the reference`);
    assert.equal(entry.name.toLowerCase(), q.entry.toLowerCase());
    assertChain(ref, principal, via, assignment.assigneeGuid, label);
    assert.ok(decision.grant.scope.length > 0);
    return;
  }

  // (c) a denial explains itself, and every considered assignment was refused for a true reason
  assert.equal(typeof decision.reason, 'string');
  assert.ok(decision.reason.length > 0, `${label}: empty reason`);
  const candidates = refCandidates(ref, principal, q.entry);
  assert.deepEqual(
    decision.considered.map((c) => c.assignment.guid).sort(),
    candidates.map((a) => a.guid).sort(),
    `${label}: considered assignments differ from those reachable with the entry`,
  );
  const protecting = target ? refProtecting(ref, principal, target) : [];
  for (const c of decision.considered) {
    const a = ref.assignments.get(c.assignment.guid)!;
    const what = `${label}: '${a.name}' refused as ${c.refusal}`;
    assertChain(ref, principal, c.via, a.assigneeGuid, what);
    assert.ok(c.detail.length > 0, `${what} without detail`);
    assert.ok(decision.reason.includes(c.detail), `${what}: reason does not include the detail`);
    switch (c.refusal) {
      case 'Disabled':
        assert.equal(a.enabled, false, what);
        break;
      case 'Delegating':
        assert.ok(a.enabled && a.delegationType === 'Delegating', what);
        break;
      case 'ParameterNotAllowed':
        assert.ok(a.enabled && a.delegationType === 'Regular', what);
        assert.ok(!parametersAllowed(roleEntry(a, q.entry)?.parameters, q.parameters), what);
        break;
      case 'ExcludedByExclusiveScope':
        assert.ok(a.enabled && a.delegationType === 'Regular' && target, what);
        assert.ok(protecting.length > 0, `${what}, but no exclusive scope protects the target from this principal`);
        assert.ok(!(a.scope.kind === 'ExclusiveRecipientScope' && protecting.includes(a.scope.scopeGuid)), what);
        break;
      case 'OutOfScope':
        assert.ok(a.enabled && a.delegationType === 'Regular' && target, what);
        assert.equal(refCovers(ref, a.scope, principal, target), false, what);
        break;
      default:
        assert.fail(`${what}: unknown refusal`);
    }
  }
}

/** effectiveAssignments: exactly the reachable assignments, each with a shortest real chain. */
function checkEffective(authorizer: Authorizer, ref: RefWorld, principalIndex: number): void {
  const principal = pick(ref.recipients, principalIndex).guid;
  const effective = authorizer.effectiveAssignments(principal);
  const holders = refHolders(ref, principal);
  const expected = [...ref.assignments.values()].filter((a) => holders.has(a.assigneeGuid));
  assert.deepEqual(effective.map((e) => e.assignment.guid).sort(), expected.map((a) => a.guid).sort(), `effectiveAssignments(${principal})`);
  for (const e of effective) {
    assertChain(ref, principal, e.via, e.assignment.assigneeGuid, `effectiveAssignments(${principal})`);
    assert.equal(e.via.length, refDistance(ref, principal, e.assignment.assigneeGuid), 'via is not a shortest chain');
    assert.equal(e.role.name, e.assignment.role);
  }
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const condArb: fc.Arbitrary<Cond> = fc.letrec<{ cond: Cond }>((tie) => ({
  cond: fc.oneof(
    { maxDepth: 3, withCrossShrink: true },
    fc.record({ op: fc.constantFrom('eq' as const, 'ne' as const), prop: fc.constantFrom('Department' as const, 'CustomAttribute1' as const), value: fc.constantFrom(...DEPARTMENTS, ...CUSTOM1, 'sales') }),
    fc.record({ op: fc.constant('eq' as const), prop: fc.constant('RecipientTypeDetails' as const), value: fc.constantFrom(...USER_TYPES, 'sharedmailbox') }),
    fc.record({ op: fc.constant('like' as const), prop: fc.constantFrom('Department' as const, 'CustomAttribute1' as const), prefix: fc.constantFrom('Sa', 'sales', 'A', 'b', 'Fin') }),
    fc.record({ op: fc.constant('member' as const), group: fc.nat(9) }),
    fc.record({ op: fc.constant('not' as const), inner: tie('cond') }),
    fc.record({ op: fc.constantFrom('and' as const, 'or' as const), left: tie('cond'), right: tie('cond') }),
  ),
})).cond;

const recipientSpecArb = (types: readonly RecipientTypeDetails[]): fc.Arbitrary<RecipientSpec> =>
  fc.record({
    type: fc.constantFrom(...types),
    department: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: undefined }),
    custom1: fc.option(fc.constantFrom(...CUSTOM1), { nil: undefined }),
    hidden: fc.boolean(),
  });

const scopeSpecArb: fc.Arbitrary<ScopeSpec> = fc.oneof(
  fc.record({ kind: fc.constantFrom('Organization' as const, 'Self' as const, 'MyGAL' as const, 'None' as const) }),
  fc.record({ kind: fc.constantFrom('Custom' as const, 'Exclusive' as const, 'Group' as const), pick: fc.nat(9) }),
);

const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  users: fc.array(recipientSpecArb(USER_TYPES), { minLength: 1, maxLength: 6 }),
  servicePrincipals: fc.array(recipientSpecArb(['ServicePrincipal']), { maxLength: 2 }),
  groups: fc.array(recipientSpecArb(['MailUniversalSecurityGroup']), { minLength: 1, maxLength: 4 }),
  roleGroups: fc.array(recipientSpecArb(['RoleGroup']), { maxLength: 3 }),
  edges: fc.array(fc.tuple(fc.nat(9), fc.nat(19)), { maxLength: 16 }),
  scopes: fc.array(fc.record({ cond: condArb, exclusive: fc.constantFrom(false, false, true), keywordCase: fc.constantFrom('lower' as const, 'upper' as const) }), { maxLength: 4 }),
  assignments: fc.array(
    fc.record({
      role: fc.constantFrom(...ROLES),
      assignee: fc.nat(19),
      delegating: fc.constantFrom(false, false, true),
      enabled: fc.constantFrom(true, true, false),
      scope: scopeSpecArb,
    }),
    { maxLength: 10 },
  ),
});

const queryArb: fc.Arbitrary<Query> = fc.record({
  principal: fc.nat(19),
  entry: fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...ENTRIES) }, { weight: 2, arbitrary: fc.nat(99) }),
  target: fc.option(fc.nat(19), { nil: null, freq: 4 }),
  parameters: fc.constantFrom(...PARAMETER_SETS),
});

type Mutation =
  | { kind: 'addMember'; group: number; member: number }
  | { kind: 'removeMember'; edge: number }
  | { kind: 'toggleEnabled'; assignment: number }
  | { kind: 'toggleDelegation'; assignment: number }
  | { kind: 'setAssignmentScope'; assignment: number; scope: ScopeSpec }
  | { kind: 'setFilter'; scope: number; cond: Cond }
  | { kind: 'setAttributes'; recipient: number; department: string | undefined; custom1: string | undefined; hidden: boolean };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('addMember' as const), group: fc.nat(9), member: fc.nat(19) }),
  fc.record({ kind: fc.constant('removeMember' as const), edge: fc.nat(19) }),
  fc.record({ kind: fc.constant('toggleEnabled' as const), assignment: fc.nat(9) }),
  fc.record({ kind: fc.constant('toggleDelegation' as const), assignment: fc.nat(9) }),
  fc.record({ kind: fc.constant('setAssignmentScope' as const), assignment: fc.nat(9), scope: scopeSpecArb }),
  fc.record({ kind: fc.constant('setFilter' as const), scope: fc.nat(9), cond: condArb }),
  fc.record({
    kind: fc.constant('setAttributes' as const),
    recipient: fc.nat(19),
    department: fc.option(fc.constantFrom(...DEPARTMENTS), { nil: undefined }),
    custom1: fc.option(fc.constantFrom(...CUSTOM1), { nil: undefined }),
    hidden: fc.boolean(),
  }),
);

/** Applies one change to the model (through its public mutators) and to the reference's copy. */
function mutate(model: DirectoryModel, ref: RefWorld, m: Mutation): void {
  const groups = ref.recipients.filter((r) => r.typeDetails === 'MailUniversalSecurityGroup' || r.typeDetails === 'RoleGroup');
  const assignments = [...ref.assignments.values()];
  const scopes = [...ref.scopes.values()];
  const putAssignment = (a: RoleAssignment) => {
    model.putAssignment(a);
    ref.assignments.set(a.guid, a);
  };
  switch (m.kind) {
    case 'addMember': {
      const group = pick(groups, m.group);
      const member = pick(ref.recipients, m.member);
      model.addMember(group.guid, member.guid);
      ref.edges.add(`${group.guid}|${member.guid}`);
      return;
    }
    case 'removeMember': {
      if (ref.edges.size === 0) return;
      const edge = pick([...ref.edges], m.edge);
      const [group, member] = edge.split('|');
      model.removeMember(group, member);
      ref.edges.delete(edge);
      return;
    }
    case 'toggleEnabled':
      if (assignments.length) {
        const a = pick(assignments, m.assignment);
        putAssignment({ ...a, enabled: !a.enabled });
      }
      return;
    case 'toggleDelegation':
      if (assignments.length) {
        const a = pick(assignments, m.assignment);
        putAssignment({ ...a, delegationType: a.delegationType === 'Regular' ? 'Delegating' : 'Regular' });
      }
      return;
    case 'setAssignmentScope':
      if (assignments.length) {
        const a = pick(assignments, m.assignment);
        putAssignment({ ...a, scope: scopeFrom(m.scope, scopes.map((s) => s.scope), groups) });
      }
      return;
    case 'setFilter': {
      if (scopes.length === 0) return;
      const { scope } = pick(scopes, m.scope);
      const next: ManagementScope = { ...scope, recipientFilter: canonical(m.cond, ref.groupNames, false, model) };
      model.putScope(next);
      ref.scopes.set(next.guid, { scope: next, cond: m.cond });
      return;
    }
    case 'setAttributes': {
      const index = m.recipient % ref.recipients.length;
      const current = ref.recipients[index];
      const attributes: Record<string, string> = {};
      if (m.department !== undefined) attributes.Department = m.department;
      if (m.custom1 !== undefined) attributes.CustomAttribute1 = m.custom1;
      const next: Recipient = { ...current, attributes, hiddenFromAddressLists: m.hidden };
      model.putRecipient(next);
      ref.recipients[index] = next;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('Authorizer against the reference of exchange-rbac.md §5', () => {
  it('stores every generated scope filter in canonical form (format ∘ parse is the identity on it)', () => {
    fc.assert(
      fc.property(condArb, fc.constantFrom(['g0', 'g1', 'rg0'], ['g0']), fc.boolean(), (cond, groupNames, upper) => {
        const stored = canonical(cond, groupNames, upper);
        assert.equal(formatRecipientFilter(parseRecipientFilter(stored)), stored);
        assert.equal(stored, canonical(cond, groupNames, !upper));
      }),
      { numRuns: 200, includeErrorInReport: true },
    );
  });

  it('decide() agrees with the reference, with and without a target; grants and refusals are truthful', () => {
    fc.assert(
      fc.property(worldArb, fc.array(queryArb, { minLength: 1, maxLength: 25 }), (spec, queries) => {
        const { model, ref } = build(spec);
        const authorizer = new Authorizer(model);
        for (const q of queries) {
          checkDecision(authorizer, ref, q);
          // The same question again is answered from the caches: still the same answer.
          checkDecision(authorizer, ref, q);
          checkDecision(authorizer, ref, { ...q, target: null });
        }
        for (let i = 0; i < ref.recipients.length; i++) checkEffective(authorizer, ref, i);
      }),
      { numRuns: 500, includeErrorInReport: true },
    );
  });

  it('applies every change to the very next decision of the same Authorizer (no stale cache)', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(queryArb, { minLength: 1, maxLength: 10 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 8 }),
        (spec, queries, mutations) => {
          const { model, ref } = build(spec);
          const authorizer = new Authorizer(model);
          // Warm every cache first, so a missed invalidation would show.
          for (const q of queries) checkDecision(authorizer, ref, q);
          for (const m of mutations) {
            mutate(model, ref, m);
            for (const q of queries) checkDecision(authorizer, ref, q);
            for (let i = 0; i < ref.recipients.length; i++) checkEffective(authorizer, ref, i);
          }
        },
      ),
      { numRuns: 300, includeErrorInReport: true },
    );
  });

  it('terminates on membership cycles, including a group that is a member of itself', () => {
    const spec: WorldSpec = {
      users: [{ type: 'UserMailbox', department: 'Sales', custom1: undefined, hidden: false }],
      servicePrincipals: [],
      groups: [
        { type: 'MailUniversalSecurityGroup', department: undefined, custom1: undefined, hidden: false },
        { type: 'MailUniversalSecurityGroup', department: undefined, custom1: undefined, hidden: false },
      ],
      roleGroups: [{ type: 'RoleGroup', department: undefined, custom1: undefined, hidden: false }],
      // u0 ∈ g0 ∈ g1 ∈ rg0 ∈ g0, and g1 ∈ g1
      edges: [[0, 0], [1, 1], [2, 2], [0, 3], [1, 2]],
      scopes: [],
      assignments: [{ role: 'ApplicationImpersonation', assignee: 3, delegating: false, enabled: true, scope: { kind: 'Organization' } }],
    };
    const { model, ref } = build(spec);
    const authorizer = new Authorizer(model);
    const decision = authorizer.decide(guidOf(0), 'Impersonate-ExchangeUser', ref.recipients[0]);
    assert.equal(decision.allowed, true);
    if (decision.allowed) assert.deepEqual(decision.grant.via, [guidOf(1), guidOf(2), guidOf(3)]);
    checkEffective(authorizer, ref, 0);
  });
});
