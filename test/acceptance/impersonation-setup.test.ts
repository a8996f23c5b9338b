// Issue acceptance: an administrator sets up application impersonation exactly as in Exchange,
// and Deputy explains for any account and mailbox whether impersonation is allowed and why.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';

const howTo = 'New-RoleGroup -Name “Application Impersonation Group” -Roles ApplicationImpersonation -Members svc@contoso.com';

type Row = Record<string, unknown>;

for (const target of storeTargets()) {
  describe(`granting impersonation (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    before(async () => {
      org = await openDemo(target);
    });
    after(() => org?.close());

    const access = async (mailbox: string) =>
      (await org.runOk('admin@contoso.com', `Test-ImpersonationAccess -Identity svc@contoso.com -Mailbox ${mailbox}`))[0] as Row;

    it('a Recipient Management member is denied New-RoleGroup, with a message naming Role Management, and nothing is created', async () => {
      const result = await org.run('helpdesk@contoso.com', howTo);
      assert.equal(result.errors.length, 1);
      assert.match(result.errors[0].message, /Role Management/);
      assert.equal(result.errors[0].code, 'AccessDenied');
      const check = await org.run('admin@contoso.com', 'Get-RoleGroup “Application Impersonation Group”');
      assert.equal(check.errors[0]?.code, 'ObjectNotFound');
    });

    it('-Members without a value gives the missing-argument error and creates nothing', async () => {
      const result = await org.run('admin@contoso.com', 'New-RoleGroup -Name “Application Impersonation Group” -Roles ApplicationImpersonation -Members');
      assert.equal(result.errors.length, 1);
      assert.match(result.errors[0].message, /^Missing an argument for parameter 'Members'\. Specify a parameter of type '.+' and try again\.$/);
      const check = await org.run('admin@contoso.com', 'Get-RoleGroup “Application Impersonation Group”');
      assert.equal(check.errors[0]?.code, 'ObjectNotFound');
    });

    it('the usual how-to runs verbatim, typographic quotes included, for an Organization Management member', async () => {
      await org.runOk('admin@contoso.com', howTo);
      const [group] = (await org.runOk('admin@contoso.com', 'Get-RoleGroup “Application Impersonation Group”')) as Row[];
      assert.deepEqual(group.Roles, ['ApplicationImpersonation']);
      assert.deepEqual(group.Members, ['svc']);
      assert.deepEqual(group.RoleAssignments, ['ApplicationImpersonation-Application Impersonation Group']);
    });

    it('svc can then impersonate every mailbox', async () => {
      for (const mailbox of ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'helpdesk@contoso.com', 'admin@contoso.com']) {
        const row = await access(mailbox);
        assert.equal(row.AccessCheckResult, 'Allowed', `${mailbox}: ${row.Reason}`);
        assert.equal(row.RoleAssignment, 'ApplicationImpersonation-Application Impersonation Group');
        assert.equal(row.RoleGroup, 'Application Impersonation Group');
      }
    });

    it("re-scoped to Department -eq 'Sales', only Sales mailboxes, and the Finance denial names the scope", async () => {
      await org.runOk(
        'admin@contoso.com',
        `New-ManagementScope -Name "Sales mailboxes" -RecipientRestrictionFilter "Department -eq 'Sales'"
         Set-ManagementRoleAssignment "ApplicationImpersonation-Application Impersonation Group" -CustomRecipientWriteScope "Sales mailboxes"`,
      );
      assert.equal((await access('alice@contoso.com')).AccessCheckResult, 'Allowed');
      assert.equal((await access('bob@contoso.com')).AccessCheckResult, 'Allowed');
      const carol = await access('carol@contoso.com');
      assert.equal(carol.AccessCheckResult, 'Denied');
      assert.match(String(carol.Reason), /Sales mailboxes/);
      assert.match(String(carol.Reason), /outside the write scope/);
      const reachable = (await org.runOk('admin@contoso.com', 'Get-ImpersonationAccess -Identity svc@contoso.com')) as Row[];
      assert.deepEqual(reachable.map((r) => r.Mailbox).sort(), ['alice@contoso.com', 'bob@contoso.com']);
    });

    it('an Organization Management member is denied impersonation because its ApplicationImpersonation assignment is delegating', async () => {
      const [row] = (await org.runOk('admin@contoso.com', 'Test-ImpersonationAccess -Identity admin@contoso.com -Mailbox alice@contoso.com')) as Row[];
      assert.equal(row.AccessCheckResult, 'Denied');
      assert.match(String(row.Reason), /ApplicationImpersonation-Organization Management-Delegating/);
      assert.match(String(row.Reason), /Delegating/);
    });

    it('every cmdlet run is in the admin audit log, denials included', async () => {
      const rows = (await org.runOk('admin@contoso.com', 'Search-AdminAuditLog -Cmdlets New-RoleGroup')) as Row[];
      const results = rows.map((r) => `${r.Caller}:${r.Result}`).sort();
      // The missing-argument attempt never reached the cmdlet (the shell rejects it while binding).
      assert.deepEqual(results, ['admin@contoso.com:Succeeded', 'helpdesk@contoso.com:Denied']);
    });
  });
}
