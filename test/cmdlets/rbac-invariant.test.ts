// Property through the real cmdlet host and store: cmdlets run by a principal without Role Management never gain anyone a role assignment.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDeputyError } from '../../src/core/errors.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { cmdletRegistry } from '../../src/cmdlets/registry.ts';
import type { ParameterSpec } from '../../src/cmdlets/host.ts';
import type { Cmdlet } from '../../src/cmdlets/define.ts';
import { findRole } from '../../src/core/rbac/roles.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { Runtime } from '../../src/services/context.ts';
import type { Store } from '../../src/store/index.ts';
import { storeTargets, type StoreTarget } from '../helpers/stores.ts';

/** Stands for the attacker's own identity in generated parameters. */
const ATTACKER = '<attacker>';
/** Recipient Management (can change recipients and groups), a Sales mailbox, a user without mailbox: none holds Role Management. */
const attackerArb = fc.constantFrom('helpdesk@contoso.com', 'helpdesk@contoso.com', 'alice@contoso.com', 'svc@contoso.com');

const MAILBOXES = ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'helpdesk@contoso.com', 'admin@contoso.com', 'evil', ATTACKER];
const USERS = [...MAILBOXES, 'svc@contoso.com', 'Administrator'];
const GROUPS = ['sales', 'sales-team', 'evilgroup', 'evil'];
const ROLE_GROUPS = ['Organization Management', 'Recipient Management', 'Help Desk', 'View-Only Organization Management', 'Sales Admins', 'Evil Admins'];
const SERVICE_PRINCIPALS = ['app1', 'svc@contoso.com', ATTACKER];
const RECIPIENTS = [...new Set([...USERS, ...GROUPS, ...ROLE_GROUPS, ...SERVICE_PRINCIPALS])];
const NAMES = ['evil', 'evilgroup', 'Evil Admins', 'sales', 'sales-team', 'Organization Management', 'Role Management', ATTACKER];
const ROLES = ['Role Management', 'ApplicationImpersonation', 'Mail Recipients', 'Reset Password', 'Application Mail.Read', 'View-Only Configuration'];
const ASSIGNMENTS = [
  'Role Management-Organization Management',
  'Role Management-Organization Management-Delegating',
  'ApplicationImpersonation-Organization Management-Delegating',
  'ApplicationImpersonation-sales',
  'Role Management-sales',
  'Mail Recipients-Recipient Management',
];
const SCOPES = ['SalesScope', 'VIP', 'Nope'];
const FILTERS = ["Department -eq 'Sales'", "MemberOfGroup -eq 'sales'", "CustomAttribute1 -like 'V*'", "Department -eq 'IT'"];
const ADDRESSES = ['evil@contoso.com', 'admin@contoso.com', 'sales@contoso.com', 'evil@evil.com'];
const ATTRIBUTE_VALUES = ['Sales', 'VIP', 'IT', ''];

type Invocation = { cmdlet: string; parameters: Record<string, unknown> };

// ---------------------------------------------------------------------------------------------
// Plausible parameter values for every registered cmdlet, chosen by parameter name and type.

function valueArb(spec: ParameterSpec): fc.Arbitrary<unknown> {
  const one = (values: readonly string[]) => fc.constantFrom(...values);
  const list = (values: readonly string[]) => fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
  const pool = poolFor(spec);
  switch (spec.type) {
    case 'SwitchParameter':
      return fc.constant(true);
    case 'Boolean':
      return fc.boolean();
    case 'Int32':
      return fc.integer({ min: 0, max: 30 });
    case 'Unlimited':
      return fc.constantFrom('Unlimited', 5);
    case 'DateTime':
      return fc.constantFrom('2020-01-01', '2999-01-01');
    case 'Hashtable':
      return fc.constant({});
    case 'String[]':
      return list(pool);
    case 'MultiValued':
      return fc.oneof(list(pool), list(pool).map((add) => ({ Add: add })), list(pool).map((remove) => ({ Remove: remove })));
    case 'String':
      return spec.values ? one(spec.values) : one(pool);
  }
}

function poolFor(spec: ParameterSpec): readonly string[] {
  switch ((spec.typeName ?? '').replace('[]', '')) {
    case 'RoleAssignmentIdParameter':
      return ASSIGNMENTS;
    case 'ManagementScopeIdParameter':
      return SCOPES;
    case 'RoleIdParameter':
      return ROLES;
    case 'RoleEntryIdParameter':
      return ['*\\Impersonate-ExchangeUser', 'Role Management\\*'];
    case 'MailboxIdParameter':
      return MAILBOXES;
    case 'UserIdParameter':
      return USERS;
    case 'DistributionGroupIdParameter':
      return GROUPS;
    case 'RoleGroupIdParameter':
      return ROLE_GROUPS;
    case 'ServicePrincipalIdParameter':
      return SERVICE_PRINCIPALS;
  }
  switch (spec.name) {
    case 'Name':
    case 'DisplayName':
    case 'Alias':
      return NAMES;
    case 'RecipientRestrictionFilter':
    case 'Filter':
      return FILTERS;
    case 'Password':
      return ['Passw0rd!x', 'short'];
    case 'PrimarySmtpAddress':
    case 'WindowsEmailAddress':
    case 'UserPrincipalName':
    case 'MicrosoftOnlineServicesID':
    case 'EmailAddresses':
      return ADDRESSES;
    case 'DomainName':
      return ['evil.com', 'contoso.com'];
    case 'Cmdlets':
      return ['Add-RoleGroupMember', 'New-ManagementRoleAssignment'];
    case 'Description':
    case 'KeyId':
    case 'AppId':
    case 'ObjectId':
      return ['x', '00000000-0000-4000-8000-000000000001'];
    case 'CountryOrRegion':
      return ['US', 'Sales'];
  }
  if (/^(Department|Title|Company|Office|City|StateOrProvince|PostalCode|Manager|FirstName|LastName|CustomAttribute\d+)$/.test(spec.name)) return ATTRIBUTE_VALUES;
  return RECIPIENTS;
}

/** One invocation of any registered cmdlet: its mandatory parameters and a random subset of the others. */
function anyCmdletArbOf(cmdlets: readonly Cmdlet[]): fc.Arbitrary<Invocation> {
  return fc.oneof(
    ...cmdlets.map((cmdlet) => {
      // The mandatory parameters and at most three others, as people type them.
      const mandatory = cmdlet.parameters.filter((p) => p.mandatory);
      const optional = cmdlet.parameters.filter((p) => !p.mandatory);
      return fc
        .subarray(optional, { maxLength: Math.min(3, optional.length) })
        .chain((chosen) => fc.record(Object.fromEntries([...mandatory, ...chosen].map((p) => [p.name, valueArb(p)]))))
        .map((parameters) => ({ cmdlet: cmdlet.name, parameters: parameters as Record<string, unknown> }));
    }),
  );
}

const anyCmdletArb = anyCmdletArbOf([...cmdletRegistry.values()]);

/** The known ways to try: join RBAC-carrying groups, create or widen assignments, take over managers. */
const attackArb: fc.Arbitrary<Invocation> = fc.constantFrom<Invocation>(
  { cmdlet: 'Add-RoleGroupMember', parameters: { Identity: 'Organization Management', Member: ATTACKER, BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Add-RoleGroupMember', parameters: { Identity: 'Sales Admins', Member: ATTACKER } },
  { cmdlet: 'Update-RoleGroupMember', parameters: { Identity: 'Organization Management', Members: { Add: [ATTACKER] }, BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'sales', Member: ATTACKER, BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'sales-team', Member: ATTACKER, BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'sales', Member: 'evilgroup', BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'evilgroup', Member: 'sales' } },
  { cmdlet: 'Add-DistributionGroupMember', parameters: { Identity: 'evilgroup', Member: ATTACKER } },
  { cmdlet: 'New-DistributionGroup', parameters: { Name: 'evilgroup', Type: 'Security', Members: [ATTACKER] } },
  { cmdlet: 'New-DistributionGroup', parameters: { Name: 'evil', Type: 'Security', Members: [ATTACKER, 'sales'] } },
  { cmdlet: 'Set-DistributionGroup', parameters: { Identity: 'sales', ManagedBy: [ATTACKER], BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'Remove-DistributionGroupMember', parameters: { Identity: 'sales', Member: 'alice@contoso.com', BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'New-RoleGroup', parameters: { Name: 'Evil Admins', Roles: ['Role Management'], Members: [ATTACKER] } },
  { cmdlet: 'New-RoleGroup', parameters: { Name: 'Evil Admins', Roles: ['Mail Recipients'], Members: ['evilgroup'] } },
  { cmdlet: 'Set-RoleGroup', parameters: { Identity: 'Organization Management', ManagedBy: [ATTACKER], BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'New-ManagementRoleAssignment', parameters: { Role: 'Role Management', User: ATTACKER } },
  { cmdlet: 'New-ManagementRoleAssignment', parameters: { Role: 'ApplicationImpersonation', SecurityGroup: 'evilgroup' } },
  { cmdlet: 'New-ManagementRoleAssignment', parameters: { Role: 'ApplicationImpersonation', User: ATTACKER, Delegating: true } },
  { cmdlet: 'Set-ManagementRoleAssignment', parameters: { Identity: 'Role Management-sales', Enabled: true } },
  { cmdlet: 'Set-ManagementRoleAssignment', parameters: { Identity: 'ApplicationImpersonation-sales', RecipientRelativeWriteScope: 'Organization' } },
  { cmdlet: 'Set-ManagementScope', parameters: { Identity: 'SalesScope', RecipientRestrictionFilter: "Department -eq 'IT'" } },
  { cmdlet: 'Set-User', parameters: { Identity: ATTACKER, Department: 'Sales' } },
  { cmdlet: 'Set-Mailbox', parameters: { Identity: ATTACKER, CustomAttribute1: 'VIP' } },
  { cmdlet: 'Set-User', parameters: { Identity: ATTACKER, Name: 'Organization Management' } },
  { cmdlet: 'Remove-DistributionGroup', parameters: { Identity: 'sales', BypassSecurityGroupManagerCheck: true } },
  { cmdlet: 'New-Mailbox', parameters: { Name: 'evil', Password: 'Passw0rd!x' } },
);

/** Cmdlets Recipient Management may run: they succeed often enough to build up state between attacks. */
const recipientManagementCmdlets = new Set(
  ['Mail Recipients', 'Mail Recipient Creation', 'Distribution Groups', 'Security Group Creation and Membership', 'Reset Password']
    .flatMap((r) => findRole(r)?.entries.map((e) => e.name.toLowerCase()) ?? []),
);
const recipientCmdletArb: fc.Arbitrary<Invocation> = anyCmdletArbOf([...cmdletRegistry.values()].filter((c) => recipientManagementCmdlets.has((c.entry ?? c.name).toLowerCase())));

const invocationArb = fc.oneof(
  { weight: 2, arbitrary: anyCmdletArb },
  { weight: 2, arbitrary: recipientCmdletArb },
  { weight: 3, arbitrary: attackArb },
);

/** What the administrator set up before the attacker acts. */
interface Setup {
  salesImpersonation: boolean;
  salesRoleManagementDisabled: boolean;
  salesRoleGroup: boolean;
  nestedTeam: boolean;
  scopes: boolean;
}

const setupArb: fc.Arbitrary<Setup> = fc.record({
  salesImpersonation: fc.boolean(),
  salesRoleManagementDisabled: fc.boolean(),
  salesRoleGroup: fc.boolean(),
  nestedTeam: fc.boolean(),
  scopes: fc.boolean(),
});

// ---------------------------------------------------------------------------------------------
// The world: a bootstrapped demo directory on a fresh store, and hosts for its principals.

interface World {
  store: Store;
  runtime: Runtime;
  hostFor(login: string): CmdletHost;
  guidOf(login: string): string;
}

async function openWorld(target: StoreTarget, internalErrors: unknown[] = []): Promise<World> {
  const store = await target.open();
  try {
    const { runtime } = await bootstrap(store, { demo: true, demoPassword: 'Passw0rd!' });
    const guidOf = (login: string) => {
      const r = runtime.state.model.lookup(login)[0];
      assert.ok(r, `no recipient ${login}`);
      return r.guid;
    };
    const hostFor = (login: string) =>
      new CmdletHost(runtime, { guid: guidOf(login), name: login, protocol: 'Test', clientAddress: null, requestId: null }, (error) => internalErrors.push(error));
    return { store, runtime, hostFor, guidOf };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function applySetup(world: World, setup: Setup): Promise<void> {
  const admin = world.hostFor('admin@contoso.com');
  if (setup.scopes) {
    await admin.invoke('New-ManagementScope', { Name: 'SalesScope', RecipientRestrictionFilter: "Department -eq 'Sales'" });
    await admin.invoke('New-ManagementScope', { Name: 'VIP', RecipientRestrictionFilter: "CustomAttribute1 -eq 'VIP'", Exclusive: true, Force: true });
  }
  if (setup.salesImpersonation) {
    await admin.invoke('New-ManagementRoleAssignment', {
      Role: 'ApplicationImpersonation',
      SecurityGroup: 'sales',
      ...(setup.scopes ? { CustomRecipientWriteScope: 'SalesScope' } : {}),
    });
  }
  if (setup.salesRoleManagementDisabled) {
    await admin.invoke('New-ManagementRoleAssignment', { Role: 'Role Management', SecurityGroup: 'sales' });
    await admin.invoke('Set-ManagementRoleAssignment', { Identity: 'Role Management-sales', Enabled: false });
  }
  if (setup.salesRoleGroup) {
    await admin.invoke('New-RoleGroup', { Name: 'Sales Admins', Roles: ['Mail Recipients'], Members: ['sales'], ManagedBy: ['sales'] });
  }
  if (setup.nestedTeam) {
    await admin.invoke('New-DistributionGroup', { Name: 'sales-team', Type: 'Security', Members: ['bob@contoso.com'] });
    // sales is managed by the local administrator who created it; admin@ holds Role Management.
    await admin.invoke('Add-DistributionGroupMember', { Identity: 'sales', Member: 'sales-team', BypassSecurityGroupManagerCheck: true });
  }
}

/** Everything that decides what a principal may do: assignment guid → its role, type, scope and state. */
function grantsOf(runtime: Runtime, principalGuid: string): Map<string, { role: string; delegationType: string; scope: string; enabled: boolean }> {
  return new Map(
    runtime.state.authorizer.effectiveAssignments(principalGuid).map(({ assignment: a }) => [
      a.guid,
      { role: a.role, delegationType: a.delegationType, scope: JSON.stringify(a.scope), enabled: a.enabled },
    ]),
  );
}

function snapshot(runtime: Runtime): Map<string, ReturnType<typeof grantsOf>> {
  return new Map([...runtime.state.model.recipients.keys()].map((guid) => [guid, grantsOf(runtime, guid)]));
}

/** After ⊆ before: no new assignment, none re-enabled, re-typed or re-scoped, for anyone. */
function assertNoGain(before: ReturnType<typeof snapshot>, after: ReturnType<typeof snapshot>, runtime: Runtime, trace: string): void {
  for (const [guid, grants] of after) {
    const had = before.get(guid) ?? new Map();
    const who = runtime.state.model.get(guid)?.name ?? guid;
    for (const [assignmentGuid, now] of grants) {
      const then = had.get(assignmentGuid);
      const name = runtime.state.model.assignments.get(assignmentGuid)?.name ?? assignmentGuid;
      assert.ok(then, `${who} gained assignment '${name}' after:\n${trace}`);
      assert.equal(now.role, then.role, `'${name}' changed role after:\n${trace}`);
      assert.equal(now.delegationType, then.delegationType, `'${name}' changed delegation type after:\n${trace}`);
      assert.equal(now.scope, then.scope, `'${name}' changed scope after:\n${trace}`);
      assert.ok(then.enabled || !now.enabled, `'${name}' was enabled after:\n${trace}`);
    }
  }
}

function withAttacker(value: unknown, attacker: string): unknown {
  if (value === ATTACKER) return attacker;
  if (Array.isArray(value)) return value.map((v) => withAttacker(v, attacker));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withAttacker(v, attacker)]));
  return value;
}

async function expectDenied(action: Promise<unknown>, ...mentions: string[]): Promise<string> {
  try {
    await action;
  } catch (error) {
    assert.ok(isDeputyError(error), `expected a DeputyError, got ${String(error)}`);
    assert.equal(error.code, 'AccessDenied', error.message);
    for (const m of mentions) assert.ok(error.message.includes(m), `the message should mention ${JSON.stringify(m)}: ${error.message}`);
    return error.message;
  }
  assert.fail('expected AccessDenied, but the cmdlet succeeded');
}

// ---------------------------------------------------------------------------------------------

/** A fresh bootstrapped store per run costs ~0.3 s on SQLite, ~0.5 s on PostgreSQL. */
const runsFor = (target: StoreTarget) => (target.name === 'sqlite' ? 40 : 20);

for (const target of storeTargets()) {
  describe(`RBAC invariant on ${target.name}`, { skip: target.skip }, () => {
    it('no cmdlet sequence run without Role Management gains anyone a role assignment', async (t: TestContext) => {
      const stats = { runs: 0, invocations: 0, succeeded: new Map<string, number>(), byCode: new Map<string, number>() };
      const internalErrors: unknown[] = [];
      await fc.assert(
        fc.asyncProperty(attackerArb, setupArb, fc.array(invocationArb, { minLength: 1, maxLength: 8, size: 'max' }), async (attacker, setup, sequence) => {
          const world = await openWorld(target, internalErrors);
          try {
            await applySetup(world, setup);
            const { runtime } = world;
            const attackerGuid = world.guidOf(attacker);
            assert.equal(runtime.state.authorizer.holdsRole(attackerGuid, 'Role Management'), false, 'precondition: the attacker lacks Role Management');
            const assignmentsBefore = new Set(runtime.state.model.assignments.keys());
            const before = snapshot(runtime);
            const host = world.hostFor(attacker);
            const trace: string[] = [];
            stats.runs++;
            for (const step of sequence) {
              const parameters = withAttacker(step.parameters, attacker) as Record<string, unknown>;
              stats.invocations++;
              try {
                await host.invoke(step.cmdlet, parameters);
                stats.succeeded.set(step.cmdlet, (stats.succeeded.get(step.cmdlet) ?? 0) + 1);
                trace.push(`  ${step.cmdlet} ${JSON.stringify(parameters)} → ok`);
              } catch (error) {
                const code = isDeputyError(error) ? error.code : 'non-DeputyError';
                stats.byCode.set(code, (stats.byCode.get(code) ?? 0) + 1);
                trace.push(`  ${step.cmdlet} ${JSON.stringify(parameters)} → ${code}`);
              }
            }
            await runtime.state.sync();
            const text = `attacker ${attacker}, setup ${JSON.stringify(setup)}\n${trace.join('\n')}`;
            assertNoGain(before, snapshot(runtime), runtime, text);
            for (const guid of runtime.state.model.assignments.keys()) assert.ok(assignmentsBefore.has(guid), `a new assignment exists after:\n${text}`);
            assert.equal(runtime.state.authorizer.holdsRole(attackerGuid, 'Role Management'), false, `the attacker holds Role Management after:\n${text}`);
          } finally {
            await world.store.close();
          }
        }),
        { numRuns: runsFor(target), includeErrorInReport: true },
      );
      const succeeded = [...stats.succeeded.values()].reduce((a, b) => a + b, 0);
      const list = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ${n}`).join(', ');
      t.diagnostic(`${stats.runs} runs, ${stats.invocations} invocations, ${succeeded} succeeded (${list(stats.succeeded)}); failed: ${list(stats.byCode)}`);
      assert.ok(succeeded > 0, 'no generated invocation ever succeeded: the generator is too far off');
      assert.deepEqual(internalErrors.map(String), [], 'cmdlets failed with internal errors');
    });

    it('helpdesk cannot join the security group sales after it was given ApplicationImpersonation', async () => {
      const world = await openWorld(target);
      try {
        await world.hostFor('admin@contoso.com').invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', SecurityGroup: 'sales' });
        const helpdesk = world.guidOf('helpdesk@contoso.com');
        const before = [...grantsOf(world.runtime, helpdesk).keys()];
        const host = world.hostFor('helpdesk@contoso.com');
        // Being no manager of sales is the first obstacle; bypassing it still needs Role Management.
        await expectDenied(host.invoke('Add-DistributionGroupMember', { Identity: 'sales', Member: 'helpdesk@contoso.com' }), "Role Management");
        await expectDenied(
          host.invoke('Add-DistributionGroupMember', { Identity: 'sales', Member: 'helpdesk@contoso.com', BypassSecurityGroupManagerCheck: true }),
          "'sales'",
          "'Role Management'",
        );
        await world.runtime.state.sync();
        assert.deepEqual([...grantsOf(world.runtime, helpdesk).keys()], before);
        assert.equal(world.runtime.state.model.directMembers(world.guidOf('sales')).has(helpdesk), false);
        const d = world.runtime.state.authorizer.decide(helpdesk, 'Impersonate-ExchangeUser', world.runtime.state.model.get(world.guidOf('alice@contoso.com')));
        assert.equal(d.allowed, false);
      } finally {
        await world.store.close();
      }
    });

    it('helpdesk cannot add itself to Organization Management, with or without the manager bypass', async () => {
      const world = await openWorld(target);
      try {
        const helpdesk = world.guidOf('helpdesk@contoso.com');
        const host = world.hostFor('helpdesk@contoso.com');
        for (const bypass of [{}, { BypassSecurityGroupManagerCheck: true }]) {
          await expectDenied(
            host.invoke('Add-RoleGroupMember', { Identity: 'Organization Management', Member: 'helpdesk@contoso.com', ...bypass }),
            "'Add-RoleGroupMember'",
            "'Role Management'",
          );
        }
        await world.runtime.state.sync();
        assert.equal(world.runtime.state.model.directMembers(world.guidOf('Organization Management')).has(helpdesk), false);
        assert.equal(world.runtime.state.authorizer.holdsRole(helpdesk, 'Role Management'), false);
      } finally {
        await world.store.close();
      }
    });

    // Known holes in src/ (reported, not fixed here): groups named by MemberOfGroup filters are not
    // protected like groups that carry assignments, so a Recipient Management member can change
    // what a scope covers. These run, and turn into plain passes once fixed.
    it('a MemberOfGroup scope cannot be redirected by renaming groups', async () => {
      const world = await openWorld(target);
      try {
        const admin = world.hostFor('admin@contoso.com');
        await admin.invoke('New-ManagementScope', { Name: 'SalesMembers', RecipientRestrictionFilter: "MemberOfGroup -eq 'sales'" });
        await admin.invoke('New-ServicePrincipal', { DisplayName: 'app1' });
        await admin.invoke('New-ManagementRoleAssignment', { Role: 'Application Mail.Read', App: 'app1', CustomRecipientWriteScope: 'SalesMembers' });
        const helpdesk = world.hostFor('helpdesk@contoso.com');
        await helpdesk
          .invoke('Set-DistributionGroup', { Identity: 'sales', Name: 'sales-old', Alias: 'salesold', DisplayName: 'Old', PrimarySmtpAddress: 'salesold@contoso.com', BypassSecurityGroupManagerCheck: true })
          .catch(() => {});
        await helpdesk.invoke('New-DistributionGroup', { Name: 'sales', Type: 'Security', Members: ['carol@contoso.com'], PrimarySmtpAddress: 'sales3@contoso.com' }).catch(() => {});
        await world.runtime.state.sync();
        const { authorizer, model } = world.runtime.state;
        assert.equal(authorizer.decide(world.guidOf('app1'), 'Mail.Read', model.get(world.guidOf('carol@contoso.com'))).allowed, false, 'app1 now reads carol');
      } finally {
        await world.store.close();
      }
    });

    it('a recipient cannot be taken out of an exclusive MemberOfGroup scope by someone it excludes', async () => {
      const world = await openWorld(target);
      try {
        const admin = world.hostFor('admin@contoso.com');
        await admin.invoke('New-DistributionGroup', { Name: 'vips', Type: 'Security', Members: ['carol@contoso.com'] });
        await admin.invoke('New-ManagementScope', { Name: 'VIP', RecipientRestrictionFilter: "MemberOfGroup -eq 'vips'", Exclusive: true, Force: true });
        const helpdesk = world.hostFor('helpdesk@contoso.com');
        await expectDenied(helpdesk.invoke('Set-User', { Identity: 'carol@contoso.com', Password: 'N3wPassw0rd!' }), "'VIP'");
        await helpdesk.invoke('Remove-DistributionGroupMember', { Identity: 'vips', Member: 'carol@contoso.com', BypassSecurityGroupManagerCheck: true }).catch(() => {});
        await expectDenied(helpdesk.invoke('Set-User', { Identity: 'carol@contoso.com', Password: 'N3wPassw0rd!' }));
      } finally {
        await world.store.close();
      }
    });

    it('a group sharing a display name with a scope’s MemberOfGroup group does not break decisions', async () => {
      const world = await openWorld(target);
      try {
        const admin = world.hostFor('admin@contoso.com');
        await admin.invoke('New-ManagementScope', { Name: 'VIP', RecipientRestrictionFilter: "MemberOfGroup -eq 'sales'", Exclusive: true, Force: true });
        await world.hostFor('helpdesk@contoso.com').invoke('New-DistributionGroup', { Name: 'decoy', DisplayName: 'sales' });
        await world.runtime.state.sync();
        const { authorizer, model } = world.runtime.state;
        assert.doesNotThrow(() => authorizer.decide(world.guidOf('helpdesk@contoso.com'), 'Set-User', model.get(world.guidOf('carol@contoso.com'))));
      } finally {
        await world.store.close();
      }
    });
  });
}
