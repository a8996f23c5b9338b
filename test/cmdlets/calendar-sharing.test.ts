// Get-/Add-/Set-/Remove-MailboxFolderPermission and Get-/Set-MailboxCalendarConfiguration through the
// real cmdlet host and store, on every dialect: output, defaults, errors that change nothing, RBAC
// (Mail Recipients, write scopes), the admin audit, and cleanup when a recipient is removed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { DeputyError } from '../../src/core/errors.ts';

type Row = Record<string, unknown>;

for (const target of storeTargets()) {
  describe(`calendar sharing cmdlets (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    const as = (login: string) => (name: string, params: Record<string, unknown> = {}) => org.hostFor(login).invoke(name, params) as Promise<Row[]>;
    const admin = as('admin@contoso.com');
    const rejects = async (promise: Promise<unknown>, code: string, message: RegExp) => {
      await assert.rejects(promise, (e: unknown) => {
        assert.ok(e instanceof DeputyError, `expected a DeputyError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        return true;
      });
    };
    const entries = async (identity: string) => (await admin('Get-MailboxFolderPermission', { Identity: identity })).map((r) => `${String(r.User)}=${(r.AccessRights as string[]).join(',')}`);

    before(async () => {
      org = await openDemo(target);
    });
    after(() => org?.close());

    it('lists Default (AvailabilityOnly) and Anonymous (None) on a calendar nobody shared, in Exchange’s shape', async () => {
      const rows = await admin('Get-MailboxFolderPermission', { Identity: 'bob:\\Calendar' });
      assert.deepEqual(rows.map((r) => [r.Identity, r.FolderName, r.User, r.AccessRights]), [
        ['bob:\\Calendar', 'Calendar', 'Default', ['AvailabilityOnly']],
        ['bob:\\Calendar', 'Calendar', 'Anonymous', ['None']],
      ]);
    });

    it('adds, changes, filters and removes entries for users and security groups; any spelling of the mailbox works', async () => {
      const [added] = await admin('Add-MailboxFolderPermission', { Identity: 'bob@contoso.com:\\Calendar', User: 'alice@contoso.com', AccessRights: 'LimitedDetails' });
      assert.deepEqual([added.User, added.AccessRights], ['Alice Anders', ['LimitedDetails']]);
      await org.runOk('admin@contoso.com', 'Add-MailboxFolderPermission -Identity "bob:\\calendar" -User sales -AccessRights reviewer');
      await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'None' });
      await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'alice', AccessRights: 'Editor' });
      assert.deepEqual(await entries('bob:\\Calendar'), ['Default=None', 'Anonymous=None', 'Alice Anders=Editor', 'Sales=Reviewer']);
      assert.deepEqual((await admin('Get-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'sales@contoso.com' })).map((r) => r.User), ['Sales']);
      await admin('Remove-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'alice' });
      await admin('Remove-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'sales' });
      await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'AvailabilityOnly' });
      assert.deepEqual(await entries('bob:\\Calendar'), ['Default=AvailabilityOnly', 'Anonymous=None']);
    });

    it('refuses what Exchange refuses, naming the problem, and changes nothing', async () => {
      await admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice', AccessRights: 'AvailabilityOnly' });
      const before = await entries('carol:\\Calendar');
      await rejects(admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice', AccessRights: 'Reviewer' }), 'AlreadyExists', /An existing permission entry was found for user: alice@contoso\.com/);
      await rejects(admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'Reviewer' }), 'AlreadyExists', /existing permission entry was found for user: Default/);
      await rejects(admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'bob', AccessRights: 'Reviewer' }), 'ObjectNotFound', /There is no existing permission entry found for user: bob@contoso\.com/);
      await rejects(admin('Remove-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'bob' }), 'ObjectNotFound', /no existing permission entry/);
      await rejects(admin('Remove-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default' }), 'InvalidOperation', /can't be removed; use Set-MailboxFolderPermission -User Default -AccessRights None/);
      await rejects(admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice', AccessRights: 'ReadItems' }), 'InvalidArgument', /roles only; 'ReadItems' is an individual folder right/);
      await rejects(admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice', AccessRights: 'Everything' }), 'InvalidArgument', /'Everything' isn't a calendar access right/);
      await rejects(admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice', AccessRights: ['Reviewer', 'Editor'] }), 'InvalidArgument', /takes one role/);
      await rejects(admin('Get-MailboxFolderPermission', { Identity: 'carol:\\Inbox' }), 'InvalidArgument', /Calendar folder only, not 'Inbox'/);
      await rejects(admin('Get-MailboxFolderPermission', { Identity: 'carol' }), 'InvalidArgument', /doesn't name a folder/);
      await rejects(admin('Get-MailboxFolderPermission', { Identity: 'svc:\\Calendar' }), 'ObjectNotFound', /svc/);
      await rejects(admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Organization Management', AccessRights: 'Reviewer' }), 'InvalidArgument', /is a RoleGroup; folder permissions can be given to users, mail-enabled security groups/);
      await rejects(admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'nobody', AccessRights: 'Reviewer' }), 'ObjectNotFound', /nobody/);
      assert.deepEqual(await entries('carol:\\Calendar'), before);
      await admin('Remove-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'alice' });
    });

    it('keeps working hours, with the defaults until set, and validates them', async () => {
      const shown = async () => {
        const [row] = await admin('Get-MailboxCalendarConfiguration', { Identity: 'alice@contoso.com' });
        return [row.WorkingHoursDaysOfWeek, row.WorkingHoursStartTime, row.WorkingHoursEndTime, row.WorkingHoursTimeZone];
      };
      assert.deepEqual(await shown(), ['Monday, Tuesday, Wednesday, Thursday, Friday', '08:00:00', '17:00:00', 'UTC']);
      await org.runOk('admin@contoso.com', 'Set-MailboxCalendarConfiguration alice -WorkingHoursStartTime 07:30:00 -WorkingHoursDaysOfWeek Weekdays,Saturday -WorkingHoursTimeZone "Pacific Standard Time"');
      assert.deepEqual(await shown(), ['Monday, Tuesday, Wednesday, Thursday, Friday, Saturday', '07:30:00', '17:00:00', 'Pacific Standard Time']);
      await rejects(admin('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursEndTime: '07:00' }), 'InvalidArgument', /must be later than WorkingHoursStartTime \(07:30:00\)/);
      await rejects(admin('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursTimeZone: 'Europe/Berlin' }), 'InvalidArgument', /isn't a Windows time zone id/);
      await rejects(admin('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursDaysOfWeek: 'Funday' }), 'InvalidArgument', /'Funday' isn't a day of the week/);
      await rejects(admin('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursStartTime: '25:00' }), 'InvalidArgument', /time of day/);
      await rejects(admin('Set-MailboxCalendarConfiguration', { Identity: 'alice' }), 'InvalidArgument', /at least one setting/);
      assert.deepEqual(await shown(), ['Monday, Tuesday, Wednesday, Thursday, Friday, Saturday', '07:30:00', '17:00:00', 'Pacific Standard Time']);
      await admin('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursDaysOfWeek: 'None' });
      assert.equal((await shown())[0], 'None');
    });

    it('is Mail Recipients work: Recipient Management may, the Help Desk role group may not, and write scopes apply', async () => {
      // helpdesk@ is a Recipient Management member in the demo.
      const recipientsAdmin = as('helpdesk@contoso.com');
      await recipientsAdmin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'bob', AccessRights: 'LimitedDetails' });
      await recipientsAdmin('Set-MailboxCalendarConfiguration', { Identity: 'carol', WorkingHoursStartTime: '09:00' });
      await org.runOk('admin@contoso.com', 'New-User -Name desk -UserPrincipalName desk@contoso.com -Password "Passw0rd!desk"; Add-RoleGroupMember "Help Desk" -Member desk');
      await rejects(as('desk@contoso.com')('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'Owner' }), 'AccessDenied', /Set-MailboxFolderPermission/);
      await rejects(as('desk@contoso.com')('Get-MailboxFolderPermission', { Identity: 'carol:\\Calendar' }), 'AccessDenied', /Get-MailboxFolderPermission/);
      await rejects(as('alice@contoso.com')('Set-MailboxCalendarConfiguration', { Identity: 'alice', WorkingHoursStartTime: '09:00' }), 'AccessDenied', /Set-MailboxCalendarConfiguration/);

      // A Mail Recipients assignment scoped to Sales reaches bob's calendar, not carol's (Finance).
      await org.runOk('admin@contoso.com', 'New-User -Name sales-admin -UserPrincipalName sales-admin@contoso.com -Password "Passw0rd!sa"; New-ManagementScope -Name SalesOnly -RecipientRestrictionFilter "Department -eq \'Sales\'"; New-ManagementRoleAssignment -Role "Mail Recipients" -User sales-admin -CustomRecipientWriteScope SalesOnly');
      const salesAdmin = as('sales-admin@contoso.com');
      await salesAdmin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'LimitedDetails' });
      await rejects(salesAdmin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'LimitedDetails' }), 'AccessDenied', /'carol' is outside your write scope/);
      await rejects(salesAdmin('Set-MailboxCalendarConfiguration', { Identity: 'carol', WorkingHoursStartTime: '06:00' }), 'AccessDenied', /outside your write scope/);
      assert.deepEqual(await entries('carol:\\Calendar'), ['Default=AvailabilityOnly', 'Anonymous=None', 'Bob Berg=LimitedDetails']);
      await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'AvailabilityOnly' });
    });

    it('records every change in the admin audit log, refusals included', async () => {
      const rows = (await admin('Search-AdminAuditLog', { Cmdlets: ['Add-MailboxFolderPermission', 'Set-MailboxFolderPermission', 'Remove-MailboxFolderPermission', 'Set-MailboxCalendarConfiguration'], ResultSize: 1000 })) as Row[];
      const line = (r: Row) => `${String(r.CmdletName)} ${String(r.Succeeded)}`;
      assert.ok(rows.some((r) => line(r) === 'Add-MailboxFolderPermission true'), rows.map(line).join('\n'));
      assert.ok(rows.some((r) => line(r) === 'Set-MailboxFolderPermission false'));
      assert.ok(rows.some((r) => line(r) === 'Remove-MailboxFolderPermission true'));
      assert.ok(rows.some((r) => line(r) === 'Set-MailboxCalendarConfiguration true'));
    });

    it('forgets a removed recipient’s entries, on its own calendar and on others', async () => {
      await org.runOk('admin@contoso.com', 'New-Mailbox -Name temp -Password "Passw0rd!temp"; Add-MailboxFolderPermission -Identity carol:\\Calendar -User temp -AccessRights Reviewer; Set-MailboxFolderPermission -Identity temp:\\Calendar -User Default -AccessRights None; Set-MailboxCalendarConfiguration temp -WorkingHoursStartTime 10:00');
      const temp = org.runtime.state.model.lookup('temp')[0];
      assert.equal((await org.store.listFolderPermissions({ mailboxGuids: [temp.guid] })).length, 1);
      await admin('Remove-Mailbox', { Identity: 'temp', Confirm: false });
      assert.deepEqual(await org.store.listFolderPermissions({ mailboxGuids: [temp.guid] }), []);
      assert.deepEqual(await org.store.listFolderPermissions({ user: temp.guid }), []);
      assert.equal(await org.store.getWorkingHours(temp.guid), undefined);
    });
  });
}
