// RBAC cmdlets through the real cmdlet host and store, on every dialect: who may change what,
// scopes, exclusive scopes, applications, effective users, and immediate effect of changes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { DeputyError } from '../../src/core/errors.ts';
import { hashSecret } from '../../src/services/credentials.ts';

type Row = Record<string, unknown>;

for (const target of storeTargets()) {
  describe(`RBAC cmdlets (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    const as = (login: string) => (name: string, params: Record<string, unknown> = {}) => org.hostFor(login).invoke(name, params) as Promise<Row[]>;
    const admin = (name: string, params: Record<string, unknown> = {}) => as('admin@contoso.com')(name, params);
    const rejects = async (promise: Promise<unknown>, code: string, message: RegExp) => {
      await assert.rejects(promise, (e: unknown) => {
        assert.ok(e instanceof DeputyError, `expected a DeputyError, got ${e}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
    };
    const impersonation = async (identity: string, mailbox: string) => (await admin('Test-ImpersonationAccess', { Identity: identity, Mailbox: mailbox }))[0];

    before(async () => {
      org = await openDemo(target);
    });
    after(() => org?.close());

    it('resolves an identity given as name, alias, SMTP address, UPN, GUID, SID or DN', async () => {
      const [alice] = await admin('Get-Mailbox', { Identity: 'alice' });
      for (const identity of ['alice', 'ALICE', 'alice@contoso.com', alice.UserPrincipalName, alice.Guid, alice.Sid, alice.DistinguishedName]) {
        const [found] = await admin('Get-Recipient', { Identity: identity });
        assert.equal(found.Guid, alice.Guid, String(identity));
      }
      assert.match(String(alice.Sid), /^S-1-5-21-\d+-\d+-\d+-\d+$/);
      assert.match(String(alice.DistinguishedName), /^CN=alice,CN=Users,DC=contoso,DC=com$/);
      await rejects(admin('Get-Recipient', { Identity: 'nobody@contoso.com' }), 'ObjectNotFound', /couldn't be found/);
    });

    it('filters recipients with OPATH (-Filter) and rejects invalid filters with the position', async () => {
      const sales = await admin('Get-Mailbox', { Filter: "Department -eq 'Sales'" });
      assert.deepEqual(sales.map((r) => r.Name), ['alice', 'bob']);
      await rejects(admin('New-ManagementScope', { Name: 'broken', RecipientRestrictionFilter: "Department -eq 'Sales' -and" }), 'InvalidFilter', /position \d+/);
      await rejects(admin('New-ManagementScope', { Name: 'broken', RecipientRestrictionFilter: "Department -like '*ales'" }), 'InvalidFilter', /suffix/);
      assert.equal((await admin('Get-ManagementScope')).filter((s) => s.Name === 'broken').length, 0);
    });

    it('built-in role groups cannot be removed', async () => {
      await rejects(admin('Remove-RoleGroup', { Identity: 'Organization Management' }), 'InvalidOperation', /built in/);
      await rejects(admin('Remove-RoleGroup', { Identity: 'Help Desk', BypassSecurityGroupManagerCheck: true }), 'InvalidOperation', /built in/);
    });

    it('assigning a role needs a Delegating assignment of it', async () => {
      await admin('New-RoleGroup', { Name: 'Role admins', Roles: ['Role Management'], Members: ['carol@contoso.com'] });
      // carol can now manage RBAC, but holds no Delegating assignment of ApplicationImpersonation.
      await rejects(as('carol@contoso.com')('New-RoleGroup', { Name: 'Carol imp', Roles: ['ApplicationImpersonation'] }), 'AccessDenied', /Delegating assignment/);
      await rejects(as('carol@contoso.com')('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'carol@contoso.com' }), 'AccessDenied', /Delegating assignment/);
      assert.equal((await admin('Get-RoleGroup', { Identity: 'Carol*' })).length, 0);
      await admin('Remove-RoleGroup', { Identity: 'Role admins' });
    });

    it('a role group with ManagedBy is changed by its managers; others need Role Management and -BypassSecurityGroupManagerCheck', async () => {
      await admin('New-RoleGroup', { Name: 'Managed group', Roles: ['View-Only Recipients'], ManagedBy: ['alice@contoso.com'] });
      await rejects(admin('Add-RoleGroupMember', { Identity: 'Managed group', Member: 'bob' }), 'AccessDenied', /manager of the group/);
      await admin('Add-RoleGroupMember', { Identity: 'Managed group', Member: 'bob', BypassSecurityGroupManagerCheck: true });
      const [group] = await admin('Get-RoleGroup', { Identity: 'Managed group' });
      assert.deepEqual(group.Members, ['bob']);
      assert.deepEqual(group.ManagedBy, ['alice']);
      await rejects(admin('Remove-RoleGroup', { Identity: 'Managed group' }), 'AccessDenied', /BypassSecurityGroupManagerCheck/);
      await admin('Remove-RoleGroup', { Identity: 'Managed group', BypassSecurityGroupManagerCheck: true });
    });

    it('a scope in use cannot be removed; the error names the assignment', async () => {
      await admin('New-ManagementScope', { Name: 'Finance', RecipientRestrictionFilter: "Department -eq 'Finance'" });
      await admin('New-ManagementRoleAssignment', { Name: 'svc-finance', Role: 'ApplicationImpersonation', User: 'svc@contoso.com', CustomRecipientWriteScope: 'Finance' });
      await rejects(admin('Remove-ManagementScope', { Identity: 'Finance' }), 'InvalidOperation', /svc-finance/);
      assert.equal((await impersonation('svc', 'carol@contoso.com')).AccessCheckResult, 'Allowed');
      assert.equal((await impersonation('svc', 'alice@contoso.com')).AccessCheckResult, 'Denied');
      await admin('Remove-ManagementRoleAssignment', { Identity: 'svc-finance' });
      // No propagation delay: the very next decision sees the removal.
      assert.equal((await impersonation('svc', 'carol@contoso.com')).AccessCheckResult, 'Denied');
      await admin('Remove-ManagementScope', { Identity: 'Finance' });
    });

    it('a disabled assignment grants nothing and says so', async () => {
      await admin('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc' });
      const name = 'ApplicationImpersonation-svc';
      assert.equal((await impersonation('svc', 'bob')).AccessCheckResult, 'Allowed');
      await admin('Set-ManagementRoleAssignment', { Identity: name, Enabled: false });
      const denied = await impersonation('svc', 'bob');
      assert.equal(denied.AccessCheckResult, 'Denied');
      assert.match(String(denied.Reason), /disabled/);
      await admin('Remove-ManagementRoleAssignment', { Identity: name });
    });

    it('exclusive scopes protect matching recipients from everyone without a matching exclusive assignment', async () => {
      await admin('Set-Mailbox', { Identity: 'bob', CustomAttribute1: 'VIP' });
      await admin('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc' });
      await admin('New-ManagementScope', { Name: 'VIPs', RecipientRestrictionFilter: "CustomAttribute1 -eq 'VIP'", Exclusive: true });
      const bob = await impersonation('svc', 'bob');
      assert.equal(bob.AccessCheckResult, 'Denied');
      assert.match(String(bob.Reason), /exclusive scope 'VIPs'/);
      assert.equal((await impersonation('svc', 'alice')).AccessCheckResult, 'Allowed');
      // Writes by administrators are blocked too.
      await rejects(as('helpdesk@contoso.com')('Set-User', { Identity: 'bob', Title: 'Boss' }), 'AccessDenied', /VIPs/);
      await admin('New-ManagementRoleAssignment', { Name: 'svc-vip', Role: 'ApplicationImpersonation', User: 'svc', ExclusiveRecipientWriteScope: 'VIPs' });
      const allowed = await impersonation('svc', 'bob');
      assert.equal(allowed.AccessCheckResult, 'Allowed');
      assert.equal(allowed.RoleAssignment, 'svc-vip');
      await admin('Remove-ManagementRoleAssignment', { Identity: 'svc-vip' });
      await admin('Remove-ManagementRoleAssignment', { Identity: 'ApplicationImpersonation-svc' });
      await admin('Remove-ManagementScope', { Identity: 'VIPs' });
      await admin('Set-Mailbox', { Identity: 'bob', CustomAttribute1: '' });
    });

    it('group scopes reach direct members only, and nested groups pass role group membership on', async () => {
      await admin('New-DistributionGroup', { Name: 'ops', Type: 'Security', Members: ['svc'] });
      await admin('New-RoleGroup', { Name: 'Sales impersonators', Roles: ['ApplicationImpersonation'], Members: ['ops'] });
      await admin('Set-ManagementRoleAssignment', { Identity: 'ApplicationImpersonation-Sales impersonators', RecipientGroupScope: 'sales' });
      const alice = await impersonation('svc', 'alice');
      assert.equal(alice.AccessCheckResult, 'Allowed');
      assert.deepEqual(alice.AssignmentChain, ['ops', 'Sales impersonators']);
      assert.equal((await impersonation('svc', 'carol')).AccessCheckResult, 'Denied');
      const effective = await admin('Get-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', GetEffectiveUsers: true, Delegating: false });
      assert.deepEqual(effective.map((r) => `${r.Name}:${r.EffectiveUserName}`), ['ApplicationImpersonation-Sales impersonators:svc']);
      const held = await admin('Get-ManagementRoleAssignment', { RoleAssignee: 'svc' });
      assert.deepEqual(held.map((r) => [r.Name, r.AssignmentMethod]), [['ApplicationImpersonation-Sales impersonators', 'RoleGroup']]);
      // Membership in a group that carries roles is an RBAC change: Recipient Management can't make it.
      await rejects(as('helpdesk@contoso.com')('Add-DistributionGroupMember', { Identity: 'ops', Member: 'helpdesk', BypassSecurityGroupManagerCheck: true }), 'AccessDenied', /Role Management/);
      await admin('Update-RoleGroupMember', { Identity: 'Sales impersonators', Members: { Remove: ['ops'] } });
      assert.equal((await impersonation('svc', 'alice')).AccessCheckResult, 'Denied');
      await admin('Remove-RoleGroup', { Identity: 'Sales impersonators' });
    });

    it('applications get application roles directly, scoped, and client secrets shown once', async () => {
      const [sp] = await admin('New-ServicePrincipal', { DisplayName: 'Mail sync' });
      assert.match(String(sp.AppId), /^[0-9a-f-]{36}$/);
      await rejects(admin('New-ManagementRoleAssignment', { Role: 'Application EWS.AccessAsApp', User: 'svc' }), 'InvalidArgument', /service principals/);
      await admin('New-ManagementScope', { Name: 'Sales only', RecipientRestrictionFilter: "Department -eq 'Sales'" });
      await admin('New-ManagementRoleAssignment', { Role: 'Application EWS.AccessAsApp', App: sp.AppId, CustomRecipientWriteScope: 'Sales only' });
      const alice = await impersonation(String(sp.AppId), 'alice');
      assert.equal(alice.AccessCheckResult, 'Allowed');
      assert.equal(alice.Entry, 'EWS.AccessAsApp');
      assert.equal((await impersonation(String(sp.ObjectId), 'carol')).AccessCheckResult, 'Denied');
      const [issued] = await admin('New-ServicePrincipalCredential', { Identity: sp.AppId });
      assert.equal(typeof issued.SecretText, 'string');
      assert.ok(String(issued.SecretText).length >= 40);
      const listed = await admin('Get-ServicePrincipalCredential', { Identity: sp.AppId });
      assert.equal(listed.length, 1);
      assert.equal('SecretText' in listed[0], false);
      const stored = await org.store.listClientSecrets(String(sp.Guid));
      assert.equal(stored[0].secretHash, hashSecret(String(issued.SecretText)));
      await rejects(admin('Add-RoleGroupMember', { Identity: 'Help Desk', Member: sp.AppId }), 'InvalidArgument', /service principal/);
    });

    it('parameter-restricted role entries: Help Desk can reset passwords but not rename', async () => {
      await admin('Add-RoleGroupMember', { Identity: 'Help Desk', Member: 'carol' });
      await as('carol@contoso.com')('Set-Mailbox', { Identity: 'bob', Password: 'N3w-passw0rd' });
      await rejects(as('carol@contoso.com')('Set-Mailbox', { Identity: 'bob', DisplayName: 'Robert' }), 'AccessDenied', /Reset Password/);
      await admin('Remove-RoleGroupMember', { Identity: 'Help Desk', Member: 'carol' });
    });

    it('names assignments <Role>-<Assignee>[-Delegating] and refuses duplicates', async () => {
      const [a] = await admin('New-ManagementRoleAssignment', { Role: 'View-Only Recipients', User: 'carol', Delegating: true });
      assert.equal(a.Name, 'View-Only Recipients-carol-Delegating');
      assert.equal(a.RoleAssignmentDelegationType, 'Delegating');
      await rejects(admin('New-ManagementRoleAssignment', { Role: 'View-Only Recipients', User: 'carol', Delegating: true }), 'AlreadyExists', /already exists/);
      await admin('Remove-ManagementRoleAssignment', { Identity: a.Name });
    });

    it('lists roles and role entries, e.g. every role holding Impersonate-ExchangeUser', async () => {
      const entries = await admin('Get-ManagementRoleEntry', { Identity: '*\\Impersonate-ExchangeUser' });
      assert.deepEqual(entries.map((e) => e.Identity), ['ApplicationImpersonation\\Impersonate-ExchangeUser']);
      const roles = await admin('Get-ManagementRole');
      for (const name of ['Role Management', 'ApplicationImpersonation', 'Mail Recipients', 'Mail Recipient Creation', 'Distribution Groups', 'Security Group Creation and Membership', 'Reset Password', 'View-Only Recipients', 'View-Only Configuration', 'Audit Logs', 'Application Mail.Read', 'Application Mail.ReadWrite', 'Application Mail.Send', 'Application Calendars.Read', 'Application Calendars.ReadWrite', 'Application EWS.AccessAsApp', 'Application Mail Full Access', 'Application Exchange Full Access']) {
        assert.ok(roles.some((r) => r.Name === name), name);
      }
      const groups = await admin('Get-RoleGroup');
      for (const name of ['Organization Management', 'Recipient Management', 'View-Only Organization Management', 'Help Desk', 'Compliance Management']) {
        assert.ok(groups.some((g) => g.Name === name && g.IsBuiltIn === true), name);
      }
      const [orgManagement] = await admin('Get-RoleGroup', { Identity: 'Organization Management' });
      const assignments = orgManagement.RoleAssignments as string[];
      assert.ok(assignments.includes('ApplicationImpersonation-Organization Management-Delegating'));
      assert.ok(!assignments.includes('ApplicationImpersonation-Organization Management'));
      assert.ok(assignments.includes('Role Management-Organization Management'));
      assert.ok(assignments.includes('Role Management-Organization Management-Delegating'));
    });
  });
}
