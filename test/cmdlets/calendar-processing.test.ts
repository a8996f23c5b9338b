// Get-/Set-CalendarProcessing through the real cmdlet host and store, on every dialect: the defaults
// of rooms and user mailboxes, changes, PowerShell-style validation that changes nothing, RBAC (Mail
// Recipients, write scopes), the admin audit, and cleanup when the mailbox is removed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeTargets } from '../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { DeputyError } from '../../src/core/errors.ts';

type Row = Record<string, unknown>;

for (const target of storeTargets()) {
  describe(`calendar processing cmdlets (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    const as = (login: string) => (name: string, params: Record<string, unknown> = {}) => org.hostFor(login).invoke(name, params) as Promise<Row[]>;
    const admin = as('admin@contoso.com');
    const rejects = async (promise: Promise<unknown>, code: string, message: RegExp, errorId?: string) => {
      await assert.rejects(promise, (e: unknown) => {
        assert.ok(e instanceof DeputyError, `expected a DeputyError, got ${String(e)}`);
        assert.equal(e.code, code, e.message);
        assert.match(e.message, message);
        if (errorId) assert.equal(e.details?.errorId, errorId);
        return true;
      });
    };
    const shown = async (identity: string) => {
      const [row] = await admin('Get-CalendarProcessing', { Identity: identity });
      return [row.Identity, row.AutomateProcessing, row.AllowConflicts, row.BookingWindowInDays, row.MaximumDurationInMinutes, row.AllowRecurringMeetings];
    };

    before(async () => {
      org = await openDemo(target);
      await org.runOk('admin@contoso.com', 'New-Mailbox -Name "Board Room" -Room -PrimarySmtpAddress boardroom@contoso.com; New-Mailbox -Name "Sales Room" -Room -PrimarySmtpAddress salesroom@contoso.com');
    });
    after(() => org?.close());

    it('shows Exchange’s defaults: AutoAccept for a room, AutoUpdate for a user mailbox', async () => {
      assert.deepEqual(await shown('boardroom@contoso.com'), ['Board Room', 'AutoAccept', false, 180, 1440, true]);
      assert.deepEqual(await shown('alice'), ['alice', 'AutoUpdate', false, 180, 1440, true]);
    });

    it('changes what is named, keeps the rest, and shows the result (shell and named parameters)', async () => {
      const [out] = await admin('Set-CalendarProcessing', { Identity: 'Board Room', AllowConflicts: true, BookingWindowInDays: 365 });
      assert.deepEqual([out.AutomateProcessing, out.AllowConflicts, out.BookingWindowInDays], ['AutoAccept', true, 365]);
      await org.runOk('admin@contoso.com', "Set-CalendarProcessing 'Board Room' -MaximumDurationInMinutes 0 -AllowRecurringMeetings $false -AutomateProcessing autoupdate");
      assert.deepEqual(await shown('Board Room'), ['Board Room', 'AutoUpdate', true, 365, 0, false]);
      await admin('Set-CalendarProcessing', { Identity: 'Board Room', AutomateProcessing: 'None', AllowConflicts: false });
      assert.deepEqual(await shown('boardroom@contoso.com'), ['Board Room', 'None', false, 365, 0, false]);
      await admin('Set-CalendarProcessing', { Identity: 'alice', AutomateProcessing: 'None', BookingWindowInDays: 1080 });
      assert.deepEqual(await shown('alice'), ['alice', 'None', false, 1080, 1440, true]);
    });

    it('refuses bad values in PowerShell’s words and changes nothing', async () => {
      const before = await shown('Sales Room');
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', BookingWindowInDays: 1081 }), 'InvalidArgument', /parameter 'BookingWindowInDays'\. The 1081 argument is greater than the maximum allowed range of 1080/, 'ParameterArgumentValidationError');
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', BookingWindowInDays: 0 }), 'InvalidArgument', /The 0 argument is less than the minimum allowed range of 1/, 'ParameterArgumentValidationError');
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', MaximumDurationInMinutes: -5 }), 'ParameterBinding', /Cannot bind parameter 'MaximumDurationInMinutes'/);
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', AutomateProcessing: 'Sometimes' }), 'InvalidArgument', /"Sometimes" does not belong to the set "None,AutoUpdate,AutoAccept"/, 'ParameterArgumentValidationError');
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', AllowConflicts: 'maybe' }), 'ParameterBinding', /System\.Boolean/);
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', AllowConflicts: null }), 'InvalidArgument', /'AllowConflicts' because it is null/);
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room' }), 'InvalidArgument', /at least one setting/);
      // A valid change beside an invalid one is not applied either.
      await rejects(admin('Set-CalendarProcessing', { Identity: 'Sales Room', AllowConflicts: true, BookingWindowInDays: 5000 }), 'InvalidArgument', /maximum allowed range/);
      await rejects(admin('Set-CalendarProcessing', { Identity: 'nobody', AllowConflicts: true }), 'ObjectNotFound', /nobody/);
      await rejects(admin('Get-CalendarProcessing', { Identity: 'svc' }), 'ObjectNotFound', /svc/);
      assert.deepEqual(await shown('Sales Room'), before);
    });

    it('refuses AutoAccept for a mailbox that is not a room, since Deputy books only rooms', async () => {
      const before = await shown('bob');
      await rejects(admin('Set-CalendarProcessing', { Identity: 'bob', AutomateProcessing: 'AutoAccept', AllowConflicts: true }), 'InvalidOperation', /AutoAccept is supported for room mailboxes only; 'bob' is a UserMailbox/, 'AutoAcceptRequiresResourceMailbox');
      assert.deepEqual(await shown('bob'), before);
    });

    it('is Mail Recipients work: Recipient Management may, Help Desk and plain users may not, and write scopes apply', async () => {
      await as('helpdesk@contoso.com')('Set-CalendarProcessing', { Identity: 'Sales Room', MaximumDurationInMinutes: 120 });
      assert.equal((await shown('Sales Room'))[4], 120);
      await org.runOk('admin@contoso.com', 'New-User -Name desk -UserPrincipalName desk@contoso.com -Password "Passw0rd!desk"; Add-RoleGroupMember "Help Desk" -Member desk');
      await rejects(as('desk@contoso.com')('Set-CalendarProcessing', { Identity: 'Sales Room', AllowConflicts: true }), 'AccessDenied', /Set-CalendarProcessing/);
      await rejects(as('desk@contoso.com')('Get-CalendarProcessing', { Identity: 'Sales Room' }), 'AccessDenied', /Get-CalendarProcessing/);
      await rejects(as('alice@contoso.com')('Set-CalendarProcessing', { Identity: 'alice', AllowConflicts: true }), 'AccessDenied', /Set-CalendarProcessing/);

      // Mail Recipients scoped to Sales reaches bob (Sales), not carol (Finance).
      await org.runOk('admin@contoso.com', 'New-User -Name sales-admin -UserPrincipalName sales-admin@contoso.com -Password "Passw0rd!sa"; New-ManagementScope -Name SalesOnly -RecipientRestrictionFilter "Department -eq \'Sales\'"; New-ManagementRoleAssignment -Role "Mail Recipients" -User sales-admin -CustomRecipientWriteScope SalesOnly');
      const salesAdmin = as('sales-admin@contoso.com');
      await salesAdmin('Set-CalendarProcessing', { Identity: 'bob', AllowRecurringMeetings: false });
      await rejects(salesAdmin('Set-CalendarProcessing', { Identity: 'carol', AllowRecurringMeetings: false }), 'AccessDenied', /'carol' is outside your write scope/);
      assert.equal((await shown('carol'))[5], true);
      assert.equal((await shown('bob'))[5], false);
    });

    it('records every run in the admin audit log, refusals included', async () => {
      const rows = (await admin('Search-AdminAuditLog', { Cmdlets: ['Set-CalendarProcessing'], ResultSize: 1000 })) as Row[];
      const line = (r: Row) => `${String(r.CmdletName)} ${String(r.Succeeded)}`;
      assert.ok(rows.some((r) => line(r) === 'Set-CalendarProcessing true'), rows.map(line).join('\n'));
      assert.ok(rows.some((r) => line(r) === 'Set-CalendarProcessing false'));
      const ok = rows.find((r) => line(r) === 'Set-CalendarProcessing true' && String(r.ObjectModified).includes('Sales Room'));
      assert.ok(ok, JSON.stringify(rows.map((r) => r.ObjectModified)));
    });

    it('forgets a removed mailbox’s settings', async () => {
      await org.runOk('admin@contoso.com', 'New-Mailbox -Name "Temp Room" -Room -PrimarySmtpAddress temproom@contoso.com; Set-CalendarProcessing "Temp Room" -AllowConflicts $true');
      const temp = org.runtime.state.model.lookup('Temp Room')[0];
      assert.deepEqual(await org.store.getCalendarProcessing(temp.guid), { allowConflicts: true });
      await admin('Remove-Mailbox', { Identity: 'Temp Room', Confirm: false });
      assert.equal(await org.store.getCalendarProcessing(temp.guid), undefined);
    });
  });
}
