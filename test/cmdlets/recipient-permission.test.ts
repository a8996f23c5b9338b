// Add-, Get- and Remove-RecipientPermission through the real cmdlet host and store, on every dialect: output, errors, RBAC and write scopes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { DeputyError } from '../../src/core/errors.ts';

type Row = Record<string, unknown>;

for (const target of storeTargets()) {
  describe(`recipient permission cmdlets (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    const as = (login: string) => (name: string, params: Record<string, unknown> = {}) => org.hostFor(login).invoke(name, params) as Promise<Row[]>;
    const admin = as('admin@contoso.com');
    const helpdesk = as('helpdesk@contoso.com');
    const rejects = async (promise: Promise<unknown>, code: string, message: RegExp) => {
      await assert.rejects(promise, (e: unknown) => {
        assert.ok(e instanceof DeputyError, `expected a DeputyError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
    };
    const grants = async (params: Record<string, unknown> = {}) => (await admin('Get-RecipientPermission', params)).map((r) => `${String(r.Identity)}>${String(r.Trustee)}`);

    before(async () => {
      org = await openDemo(target);
      await org.runOk('admin@contoso.com', 'New-Mailbox -Shared -Name shared; New-Mailbox -Shared -Name finance-desk');
      await org.runOk('admin@contoso.com', "New-DistributionGroup -Name newsletter -PrimarySmtpAddress newsletter@contoso.com");
    });
    after(() => org?.close());

    it('adds a Send As grant and shows it as Exchange Online does', async () => {
      const [added] = await org.runOk('admin@contoso.com', 'Add-RecipientPermission -Identity shared@contoso.com -Trustee alice@contoso.com -AccessRights SendAs -Confirm:$false') as Row[];
      const expected = { Identity: 'shared', Trustee: 'alice@contoso.com', AccessControlType: 'Allow', AccessRights: ['SendAs'], IsInherited: false, InheritanceType: 'None' };
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(added[key], value, key);
      const [listed] = await admin('Get-RecipientPermission', { Identity: 'shared' });
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(listed[key], value, key);
      await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' });
      assert.deepEqual(await grants(), []);
    });

    it('Get-RecipientPermission filters by recipient (wildcards too), trustee and right, and -Trustee lists direct grants only', async () => {
      await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' });
      await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'sales', AccessRights: 'SendAs' });
      await admin('Add-RecipientPermission', { Identity: 'finance-desk', Trustee: 'carol@contoso.com', AccessRights: 'SendAs' });
      await admin('Add-RecipientPermission', { Identity: 'newsletter', Trustee: 'Help Desk', AccessRights: 'sendas' });
      try {
        assert.deepEqual(await grants(), ['finance-desk>carol@contoso.com', 'newsletter>Help Desk', 'shared>alice@contoso.com', 'shared>sales@contoso.com']);
        assert.deepEqual(await grants({ Identity: 'shared@contoso.com' }), ['shared>alice@contoso.com', 'shared>sales@contoso.com']);
        assert.deepEqual(await grants({ Identity: '*desk' }), ['finance-desk>carol@contoso.com']);
        assert.deepEqual(await grants({ Trustee: 'carol' }), ['finance-desk>carol@contoso.com']);
        // alice is in sales, but the grant to sales is on the group: Exchange lists entries, not effective rights.
        assert.deepEqual(await grants({ Trustee: 'alice@contoso.com' }), ['shared>alice@contoso.com']);
        assert.deepEqual(await grants({ Identity: 'shared', Trustee: 'sales', AccessRights: 'SendAs' }), ['shared>sales@contoso.com']);
        assert.deepEqual(await grants({ Identity: 'bob' }), []);
        assert.equal((await admin('Get-RecipientPermission', { ResultSize: 2 })).length, 2);
      } finally {
        await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' });
        await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'sales', AccessRights: 'SendAs' });
        await admin('Remove-RecipientPermission', { Identity: 'finance-desk', Trustee: 'carol', AccessRights: 'SendAs' });
        await admin('Remove-RecipientPermission', { Identity: 'newsletter', Trustee: 'Help Desk', AccessRights: 'SendAs' });
      }
      assert.deepEqual(await grants(), []);
    });

    it('refuses other rights, duplicates, missing grants and objects that cannot take part', async () => {
      await rejects(admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'FullAccess' }), 'InvalidArgument', /does not belong to the set "SendAs" specified by the ValidateSet attribute/);
      await rejects(admin('Get-RecipientPermission', { AccessRights: 'ReadPermission' }), 'InvalidArgument', /ValidateSet/);
      await rejects(admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'alice' }), 'MissingArgument', /AccessRights/);

      await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' });
      await rejects(admin('Add-RecipientPermission', { Identity: 'shared@contoso.com', Trustee: 'alice@contoso.com', AccessRights: 'SendAs' }), 'AlreadyExists', /access control entry is already present on the object "shared" for account "alice@contoso.com"/);
      await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' });
      await rejects(
        admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' }),
        'ObjectNotFound',
        /Can't remove the access control entry on the object "shared" for account "alice@contoso.com" because the ACE doesn't exist on the object/,
      );

      await rejects(admin('Add-RecipientPermission', { Identity: 'nobody@contoso.com', Trustee: 'alice', AccessRights: 'SendAs' }), 'ObjectNotFound', /'nobody@contoso.com' couldn't be found/);
      // svc has no mailbox and no address: there is nothing to send as.
      await rejects(admin('Add-RecipientPermission', { Identity: 'svc', Trustee: 'alice', AccessRights: 'SendAs' }), 'ObjectNotFound', /'svc' couldn't be found/);
      await rejects(admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'nobody', AccessRights: 'SendAs' }), 'ObjectNotFound', /'nobody' couldn't be found/);
      await rejects(admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'newsletter', AccessRights: 'SendAs' }), 'InvalidArgument', /isn't a security principal/);
      await rejects(admin('Get-RecipientPermission', { Identity: 'nobody' }), 'ObjectNotFound', /couldn't be found/);
      assert.deepEqual(await grants(), []);
    });

    it('helpdesk (Recipient Management) may manage grants; alice may not', async () => {
      const [added] = await helpdesk('Add-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' });
      assert.equal(added.Trustee, 'bob@contoso.com');
      assert.equal((await helpdesk('Get-RecipientPermission', { Identity: 'shared' })).length, 1);
      for (const cmdlet of ['Add-RecipientPermission', 'Get-RecipientPermission', 'Remove-RecipientPermission']) {
        await rejects(as('alice@contoso.com')(cmdlet, { Identity: 'shared', Trustee: 'alice', AccessRights: 'SendAs' }), 'AccessDenied', new RegExp(`isn't allowed to run '${cmdlet}'`));
      }
      await helpdesk('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' });
      assert.deepEqual(await grants(), []);
      const audited = await org.store.searchAudit({ kind: 'Admin', operations: ['Add-RecipientPermission', 'Remove-RecipientPermission'] });
      const helpdeskUser = org.runtime.state.model.lookup('helpdesk@contoso.com')[0];
      assert.ok(audited.some((e) => e.operation === 'Add-RecipientPermission' && e.actorGuid === helpdeskUser.guid && e.result === 'Succeeded'));
      assert.ok(audited.some((e) => e.operation === 'Remove-RecipientPermission' && e.result === 'Denied'));
    });

    it('a write scope limits which recipients an admin may grant on', async () => {
      await admin('New-ManagementScope', { Name: 'Finance recipients', RecipientRestrictionFilter: "Department -eq 'Finance'" });
      await admin('New-RoleGroup', { Name: 'Finance desk admins', Roles: ['Mail Recipients'], Members: ['bob@contoso.com'], CustomRecipientWriteScope: 'Finance recipients' });
      await admin('Set-User', { Identity: 'finance-desk', Department: 'Finance' });
      try {
        await as('bob@contoso.com')('Add-RecipientPermission', { Identity: 'finance-desk', Trustee: 'bob', AccessRights: 'SendAs' });
        await rejects(as('bob@contoso.com')('Add-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' }), 'AccessDenied', /'shared' is outside your write scope/);
        await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' });
        await rejects(as('bob@contoso.com')('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' }), 'AccessDenied', /outside your write scope/);
        // Reading is not a write: the role's implicit read scope shows every grant.
        assert.equal((await as('bob@contoso.com')('Get-RecipientPermission', { Trustee: 'bob' })).length, 2);
        await as('bob@contoso.com')('Remove-RecipientPermission', { Identity: 'finance-desk', Trustee: 'bob', AccessRights: 'SendAs' });
        await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: 'SendAs' });
      } finally {
        await admin('Remove-RoleGroup', { Identity: 'Finance desk admins', BypassSecurityGroupManagerCheck: true });
        await admin('Remove-ManagementScope', { Identity: 'Finance recipients' });
      }
      assert.deepEqual(await grants(), []);
    });

    it('removing the trustee or the recipient removes the grant', async () => {
      await org.runOk('admin@contoso.com', 'New-Mailbox -Shared -Name temp-shared; New-Mailbox -Name temp-user -Password Passw0rd!demo');
      await admin('Add-RecipientPermission', { Identity: 'temp-shared', Trustee: 'temp-user', AccessRights: 'SendAs' });
      await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'temp-user', AccessRights: 'SendAs' });
      await admin('Add-RecipientPermission', { Identity: 'temp-shared', Trustee: 'alice', AccessRights: 'SendAs' });
      await admin('Remove-Mailbox', { Identity: 'temp-user', Confirm: false });
      assert.deepEqual(await grants(), ['temp-shared>alice@contoso.com']);
      await admin('Remove-Mailbox', { Identity: 'temp-shared', Confirm: false });
      assert.deepEqual(await grants(), []);
    });
  });
}
