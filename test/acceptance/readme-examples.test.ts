// The README's examples run as written against a real directory: pipelines into cmdlets,
// variables holding cmdlet output, application set-up, and audit searches by time range.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { renderOutput } from '../../src/shell/index.ts';

type Row = Record<string, unknown>;
const sqlite = storeTargets().find((t) => t.name === 'sqlite')!;

describe('README examples', () => {
  let org: DemoOrganization;
  before(async () => {
    org = await openDemo(sqlite);
  });
  after(() => org?.close());

  it('pipes mailboxes selected by an OPATH filter into Set-User', async () => {
    await org.runOk('admin@contoso.com', `Get-Mailbox -Filter "Department -eq 'Sales'" | Set-User -Title Rep`);
    const titles = (await org.runOk('admin@contoso.com', 'Get-User | Where-Object { $_.Title -eq "Rep" } | Select-Object -ExpandProperty Name')) as string[];
    assert.deepEqual(titles, ['alice', 'bob']);
  });

  it('pipes a role group into Remove-RoleGroup', async () => {
    await org.runOk('admin@contoso.com', 'New-RoleGroup "Temp group" -Roles "View-Only Recipients"');
    await org.runOk('admin@contoso.com', 'Get-RoleGroup "Temp group" | Remove-RoleGroup -Confirm:$false');
    const left = await org.run('admin@contoso.com', 'Get-RoleGroup "Temp group"');
    assert.equal(left.errors[0]?.code, 'ObjectNotFound');
  });

  it('sets up an application with a variable, a secret and a scoped application role', async () => {
    const output = await org.runOk(
      'admin@contoso.com',
      `$app = New-ServicePrincipal -DisplayName "Mail sync"
       New-ManagementScope -Name "Sales" -RecipientRestrictionFilter "Department -eq 'Sales'" | Out-Null
       New-ServicePrincipalCredential -Identity $app.AppId | Select-Object -ExpandProperty SecretText
       New-ManagementRoleAssignment -App $app.AppId -Role "Application EWS.AccessAsApp" -CustomRecipientWriteScope Sales | Out-Null
       Test-ImpersonationAccess -Identity $app.AppId -Mailbox bob@contoso.com | Select-Object -ExpandProperty AccessCheckResult`,
    );
    assert.equal(output.length, 2);
    assert.match(String(output[0]), /^[A-Za-z0-9_-]{40}$/);
    assert.equal(output[1], 'Allowed');
  });

  it('finds real impersonators with the recipe Microsoft documents', async () => {
    await org.runOk('admin@contoso.com', 'New-RoleGroup -Name "Application Impersonation Group" -Roles ApplicationImpersonation -Members svc@contoso.com');
    const rows = (await org.runOk('admin@contoso.com', 'Get-ManagementRoleAssignment -Role ApplicationImpersonation -GetEffectiveUsers -Delegating:$false')) as Row[];
    assert.deepEqual(rows.map((r) => r.EffectiveUserName), ['svc']);
    const table = renderOutput(rows);
    assert.match(table, /^Name\s+Role\s+RoleAssigneeName\s+EffectiveUserName/m);
  });

  it('searches the admin audit log by time range and caller', async () => {
    const before = new Date(Date.now() - 1000).toISOString();
    await org.runOk('helpdesk@contoso.com', 'Set-User carol -Office "HQ"');
    const after = new Date(Date.now() + 1000).toISOString();
    const inRange = (await org.runOk('admin@contoso.com', `Search-AdminAuditLog -StartDate "${before}" -EndDate "${after}" -UserIds helpdesk@contoso.com`)) as Row[];
    assert.deepEqual(inRange.map((r) => r.CmdletName), ['Set-User']);
    const earlier = (await org.runOk('admin@contoso.com', `Search-AdminAuditLog -EndDate "${before}" -UserIds helpdesk@contoso.com`)) as Row[];
    assert.deepEqual(earlier, []);
    const bad = await org.run('admin@contoso.com', `Search-AdminAuditLog -StartDate "${after}" -EndDate "${before}"`);
    assert.match(bad.errors[0]?.message ?? '', /StartDate must be earlier/);
  });
});
