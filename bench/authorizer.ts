// Benchmark of Authorizer.decide for impersonation on a 100,000-recipient directory with 1,000 scoped assignments, against a no-op baseline.
import { DirectoryModel } from '../src/core/directory/model.ts';
import type { Recipient, RecipientTypeDetails } from '../src/core/directory/recipient.ts';
import { Authorizer } from '../src/core/rbac/authorizer.ts';
import type { ManagementScope, RoleAssignment } from '../src/core/rbac/model.ts';
import { impersonationEntry } from '../src/core/rbac/roles.ts';
import { canonicalScopeFilter } from '../src/core/rbac/scope-filter.ts';

export interface AuthorizerBenchOptions {
  recipients: number;
  groups: number;
  serviceAccounts: number;
  roleGroups: number;
  assignments: number;
  departments: number;
  /** Decisions per timed batch. */
  batch: number;
  /** Wall-clock budget for the main measured phase (warm-up excluded), in milliseconds. */
  phaseMs: number;
  /** Budget for each of the allowed-only and denied-only phases, in milliseconds. */
  breakdownMs: number;
  /** Stop a phase after this many batches even if time remains. */
  maxBatches: number;
  warmupBatches: number;
  coldSamples: number;
  seed: number;
}

export const defaultAuthorizerBenchOptions: AuthorizerBenchOptions = {
  recipients: 100_000,
  groups: 200,
  serviceAccounts: 20,
  roleGroups: 4,
  assignments: 1_000,
  departments: 50,
  batch: 1_000,
  phaseMs: 6_000,
  breakdownMs: 2_500,
  maxBatches: 2_000,
  warmupBatches: 30,
  coldSamples: 25,
  seed: 20240601,
};

/** Small deterministic PRNG (mulberry32), so every run measures the same directory and pairs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const stamp = '2024-01-01T00:00:00.000Z';

function recipient(index: number, typeDetails: RecipientTypeDetails, name: string, attributes: Record<string, string>, hidden = false): Recipient {
  const hex = index.toString(16).padStart(12, '0');
  const mail = typeDetails.endsWith('Mailbox') || typeDetails.startsWith('MailUniversal');
  return {
    guid: `b3c40000-0000-4000-8000-${hex}`,
    sid: `S-1-5-21-1-2-3-${1000 + index}`,
    typeDetails,
    name,
    alias: name,
    displayName: name,
    distinguishedName: `CN=${name},CN=Users,DC=contoso,DC=com`,
    userPrincipalName: typeDetails === 'UserMailbox' || typeDetails === 'User' ? `${name}@contoso.com` : '',
    primarySmtpAddress: mail ? `${name}@contoso.com` : '',
    emailAddresses: mail ? [`SMTP:${name}@contoso.com`] : [],
    attributes,
    hiddenFromAddressLists: hidden,
    accountDisabled: false,
    managedBy: [],
    isBuiltIn: false,
    whenCreated: stamp,
    whenChanged: stamp,
  };
}

export interface BenchDirectory {
  model: DirectoryModel;
  mailboxes: Recipient[];
  serviceAccounts: Recipient[];
  buildMs: number;
}

export function buildDirectory(o: AuthorizerBenchOptions): BenchDirectory {
  const started = performance.now();
  const random = prng(o.seed);
  const int = (n: number) => Math.floor(random() * n);
  const model = new DirectoryModel();
  let index = 0;

  const mailboxes: Recipient[] = [];
  for (let i = 0; i < o.recipients; i++) {
    const attributes: Record<string, string> = { Department: `Dept${int(o.departments)}` };
    const roll = random();
    if (roll < 0.001) attributes.CustomAttribute1 = 'VIP';
    else if (roll < 0.8) attributes.CustomAttribute1 = `${'ABC'[int(3)]}${int(100)}`;
    const type: RecipientTypeDetails = random() < 0.9 ? 'UserMailbox' : 'SharedMailbox';
    const r = recipient(index++, type, `user${i}`, attributes, random() < 0.05);
    model.putRecipient(r);
    mailboxes.push(r);
  }

  const groups: Recipient[] = [];
  for (let g = 0; g < o.groups; g++) {
    const group = recipient(index++, 'MailUniversalSecurityGroup', `group${g}`, {});
    model.putRecipient(group);
    groups.push(group);
    const size = 50 + int(450);
    for (let m = 0; m < size; m++) model.addMember(group.guid, mailboxes[int(mailboxes.length)].guid);
  }

  const serviceAccounts: Recipient[] = [];
  for (let s = 0; s < o.serviceAccounts; s++) {
    const svc = recipient(index++, 'User', `svc${s}`, { Department: 'Automation' });
    model.putRecipient(svc);
    serviceAccounts.push(svc);
  }
  const roleGroups: Recipient[] = [];
  for (let g = 0; g < o.roleGroups; g++) {
    const rg = recipient(index++, 'RoleGroup', `Impersonators ${g}`, {});
    model.putRecipient(rg);
    roleGroups.push(rg);
  }
  // Every service account sits in one role group, some through a nested security group.
  serviceAccounts.forEach((svc, s) => {
    const rg = roleGroups[s % roleGroups.length];
    if (s % 3 === 0) {
      const team = recipient(index++, 'MailUniversalSecurityGroup', `svc-team${s}`, {});
      model.putRecipient(team);
      model.addMember(team.guid, svc.guid);
      model.addMember(rg.guid, team.guid);
    } else {
      model.addMember(rg.guid, svc.guid);
    }
  });

  const canonical = (filter: string) => canonicalScopeFilter(model, filter);
  const putScope = (i: number, name: string, filter: string, exclusive: boolean): ManagementScope => {
    const scope: ManagementScope = {
      guid: `5c0be000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      name,
      recipientFilter: canonical(filter),
      recipientRoot: null,
      exclusive,
      whenCreated: stamp,
      whenChanged: stamp,
    };
    model.putScope(scope);
    return scope;
  };
  const exclusiveScopes = [
    putScope(100_000, 'Executives', "CustomAttribute1 -eq 'VIP'", true),
    putScope(100_001, 'Legal hold', `Department -eq 'Dept${o.departments - 1}'`, true),
  ];

  for (let i = 0; i < o.assignments; i++) {
    const exclusive = i < exclusiveScopes.length ? exclusiveScopes[i] : undefined;
    let scope = exclusive;
    if (!scope) {
      const shape = i % 3;
      const filter =
        shape === 0
          ? `Department -eq 'Dept${int(o.departments)}'`
          : shape === 1
            ? `(Department -eq 'Dept${int(o.departments)}') -and (CustomAttribute1 -like '${'ABC'[int(3)]}*')`
            : `MemberOfGroup -eq 'group${int(o.groups)}'`;
      scope = putScope(i, `Scope ${i}`, filter, false);
    }
    // Mostly held directly by a service account; one in five by a role group.
    const assignee = random() < 0.8 ? serviceAccounts[int(serviceAccounts.length)] : roleGroups[int(roleGroups.length)];
    const assignment: RoleAssignment = {
      guid: `a5519000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      name: `ApplicationImpersonation-${assignee.name}-${i}`,
      role: 'ApplicationImpersonation',
      assigneeGuid: assignee.guid,
      assigneeType: assignee.typeDetails === 'RoleGroup' ? 'RoleGroup' : 'User',
      delegationType: 'Regular',
      enabled: true,
      scope: exclusive ? { kind: 'ExclusiveRecipientScope', scopeGuid: scope.guid } : { kind: 'CustomRecipientScope', scopeGuid: scope.guid },
      whenCreated: stamp,
      whenChanged: stamp,
    };
    model.putAssignment(assignment);
  }
  return { model, mailboxes, serviceAccounts, buildMs: performance.now() - started };
}

export interface PhaseResult {
  batches: number;
  decisions: number;
  /** Per-decision time of each batch, in nanoseconds. */
  perDecisionNs: number[];
  totalNs: number;
  allowed: number;
}

interface Pair {
  principal: string;
  target: Recipient;
}

type DecideFn = (principal: string, entry: string, target: Recipient) => boolean;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Runs `fn` over the pairs in timed batches; warm-up batches are run first and not recorded. */
function measure(fn: DecideFn, pairs: readonly Pair[], o: AuthorizerBenchOptions, phaseMs = o.phaseMs): PhaseResult {
  const mask = pairs.length - 1;
  let cursor = 0;
  let allowed = 0;
  const runBatch = (): bigint => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < o.batch; i++) {
      const pair = pairs[cursor++ & mask];
      if (fn(pair.principal, impersonationEntry, pair.target)) allowed++;
    }
    return process.hrtime.bigint() - start;
  };
  for (let w = 0; w < o.warmupBatches; w++) runBatch();
  allowed = 0;
  const perDecisionNs: number[] = [];
  let totalNs = 0n;
  const deadline = performance.now() + phaseMs;
  while (perDecisionNs.length < o.maxBatches && performance.now() < deadline) {
    const ns = runBatch();
    totalNs += ns;
    perDecisionNs.push(Number(ns) / o.batch);
  }
  return { batches: perDecisionNs.length, decisions: perDecisionNs.length * o.batch, perDecisionNs, totalNs: Number(totalNs), allowed };
}

export interface AuthorizerBenchResult {
  options: AuthorizerBenchOptions;
  buildMs: number;
  baseline: PhaseResult;
  decide: PhaseResult;
  allowedOnly: PhaseResult;
  deniedOnly: PhaseResult;
  coldNs: number[];
  warmAfterColdNs: number[];
}

const us = (ns: number) => `${(ns / 1000).toFixed(3)} µs`;
const median = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 50);
const p99 = (values: readonly number[]) => percentile([...values].sort((a, b) => a - b), 99);

export function runAuthorizerBenchmark(overrides: Partial<AuthorizerBenchOptions> = {}, log: (line: string) => void = console.log): AuthorizerBenchResult {
  const o = { ...defaultAuthorizerBenchOptions, ...overrides };
  const { model, mailboxes, serviceAccounts, buildMs } = buildDirectory(o);
  const authorizer = new Authorizer(model);
  log(`authorizer: ${model.recipients.size.toLocaleString('en')} recipients, ${o.groups} security groups, ${model.assignments.size.toLocaleString('en')} ApplicationImpersonation assignments over ${o.serviceAccounts} service accounts and ${o.roleGroups} role groups, ${model.scopes.size.toLocaleString('en')} scopes (2 exclusive); built in ${buildMs.toFixed(0)} ms`);

  // A fixed ring of random (service account, mailbox) pairs, its size a power of two.
  const random = prng(o.seed ^ 0x5eed);
  const pairs: Pair[] = Array.from({ length: 1 << 16 }, () => ({
    principal: serviceAccounts[Math.floor(random() * serviceAccounts.length)].guid,
    target: mailboxes[Math.floor(random() * mailboxes.length)],
  }));

  // The baseline does the same loop bookkeeping and reads the target, but decides nothing.
  const noop: DecideFn = (_principal, _entry, target) => target.hiddenFromAddressLists;
  const decide: DecideFn = (principal, entry, target) => authorizer.decide(principal, entry, target).allowed;

  const baseline = measure(noop, pairs, o);
  const decided = measure(decide, pairs, o);
  // The same pairs split by outcome. A denial's explanation is built only when read; EWS reads it
  // for every denial (it goes into the fault), so that cost is measured separately.
  const ring = (list: Pair[]) => Array.from({ length: 1 << 14 }, (_, i) => list[i % list.length]);
  const allowedPairs: Pair[] = [];
  const deniedPairs: Pair[] = [];
  for (const p of pairs.slice(0, 8192)) (authorizer.decide(p.principal, impersonationEntry, p.target).allowed ? allowedPairs : deniedPairs).push(p);
  const allowedOnly = measure(decide, ring(allowedPairs), o, o.breakdownMs);
  const deniedOnly = measure(decide, ring(deniedPairs), o, o.breakdownMs);
  const explain: DecideFn = (principal, entry, target) => {
    const d = authorizer.decide(principal, entry, target);
    return d.allowed || d.reason.length > 0;
  };
  const deniedExplained = measure(explain, ring(deniedPairs), o, o.breakdownMs);

  // Cold: the first decision after a change that invalidates every cache (a version bump).
  const coldNs: number[] = [];
  const warmAfterColdNs: number[] = [];
  const anyAssignment = model.assignments.values().next().value as RoleAssignment;
  for (let i = 0; i < o.coldSamples; i++) {
    model.putAssignment({ ...anyAssignment });
    const pair = pairs[(i * 7919) & (pairs.length - 1)];
    let start = process.hrtime.bigint();
    authorizer.decide(pair.principal, impersonationEntry, pair.target);
    coldNs.push(Number(process.hrtime.bigint() - start));
    start = process.hrtime.bigint();
    authorizer.decide(pair.principal, impersonationEntry, pair.target);
    warmAfterColdNs.push(Number(process.hrtime.bigint() - start));
  }

  const baseMedian = median(baseline.perDecisionNs);
  const decideMedian = median(decided.perDecisionNs);
  const decisionsPerSecond = decided.decisions / (decided.totalNs / 1e9);
  const targetNs = 5_000;
  log(`  baseline (no-op):  ${baseline.decisions.toLocaleString('en')} calls in ${baseline.batches} batches of ${o.batch}; median ${us(baseMedian)}, p99 ${us(p99(baseline.perDecisionNs))} per call`);
  log(`  decide:            ${decided.decisions.toLocaleString('en')} decisions in ${decided.batches} batches of ${o.batch}; ${Math.round(decisionsPerSecond).toLocaleString('en')} decisions/s`);
  log(`  decide per decision: median ${us(decideMedian)}, p99 ${us(p99(decided.perDecisionNs))}`);
  log(`  ratio decide/baseline (medians): ${(decideMedian / baseMedian).toFixed(1)}×`);
  log(`  allowed: ${((100 * decided.allowed) / decided.decisions).toFixed(1)}% of decisions`);
  log(`  by outcome: allowed-only median ${us(median(allowedOnly.perDecisionNs))} (p99 ${us(p99(allowedOnly.perDecisionNs))}), denied-only median ${us(median(deniedOnly.perDecisionNs))} (p99 ${us(p99(deniedOnly.perDecisionNs))})`);
  log(`  denied with its explanation read: median ${us(median(deniedExplained.perDecisionNs))} (p99 ${us(p99(deniedExplained.perDecisionNs))})`);
  log(`  target "median under 5 µs": ${decideMedian < targetNs ? 'met' : 'NOT met'} (${us(decideMedian)})`);
  log(`  cold decision (first after a change, ${coldNs.length} samples): median ${us(median(coldNs))}, max ${us(Math.max(...coldNs))}; the same decision right after: median ${us(median(warmAfterColdNs))}`);
  return { options: o, buildMs, baseline, decide: decided, allowedOnly, deniedOnly, coldNs, warmAfterColdNs };
}
