// A service account whose ApplicationImpersonation assignment is scoped to Sales (alice and bob, not
// carol of Finance): it works in alice's calendar, is refused in carol's with ErrorImpersonateUserDenied
// (audited with the actor and carol, carol's calendar unchanged), and in free/busy sees carol only as
// alice may (AvailabilityOnly: times, no subject), while bob, in its scope, shows full details.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Appointment,
  AttendeeInfo,
  AvailabilityData,
  AvailabilityOptions,
  CalendarView,
  DateTime,
  FreeBusyViewType,
  SendInvitationsMode,
  ServiceError,
  TimeWindow,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService, startEwsServer, type EwsServer } from '../helpers/ews.ts';

interface AuditRow {
  Operation: string;
  OperationResult: string;
  LogonUserDisplayName: string;
  MailboxResolvedOwnerName: string;
  Error: string | null;
}

/** ews-javascript-api rejects with a SoapFaultDetails, whose ResponseCode is the fault's e:ResponseCode. */
interface SoapFault {
  ResponseCode?: number;
  Message?: string;
}

describe('impersonation scoped to Sales (ews-javascript-api)', () => {
  let ews: EwsServer;
  const as = (mailbox: string) => ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: mailbox });
  const view = () => new CalendarView(DateTime.Parse('2027-04-01T00:00:00Z'), DateTime.Parse('2027-04-08T00:00:00Z'));
  const create = async (service: ExchangeService, subject: string, start: string) => {
    const a = new Appointment(service);
    a.Subject = subject;
    a.Location = 'Room 7';
    a.Start = DateTime.Parse(start);
    a.End = DateTime.Parse(start.replace(/T(\d\d)/, (_, h: string) => `T${String(Number(h) + 1).padStart(2, '0')}`));
    await a.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
  };
  const refusedWith = async (promise: Promise<unknown>, code: ServiceError) => {
    await assert.rejects(promise, (e: SoapFault) => {
      assert.equal(e.ResponseCode, code, e.Message);
      assert.match(e.Message ?? '', /does not have permission to impersonate the requested user/);
      return true;
    });
  };
  const calendarSubjects = async (mailbox: string) => {
    // Read as the owner would see it: through an unscoped grant given to the test's own account.
    const found = await ewsService({ url: ews.url, user: 'admin-reader@contoso.com', impersonate: mailbox }).FindAppointments(WellKnownFolderName.Calendar, view());
    return found.Items.map((a) => a.Subject).sort();
  };

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementScope', { Name: 'Sales', RecipientRestrictionFilter: "Department -eq 'Sales'" });
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com', CustomRecipientWriteScope: 'Sales' });
    // An unscoped reader to check calendars from outside the account under test.
    await ews.admin.invoke('New-User', { Name: 'admin-reader', UserPrincipalName: 'admin-reader@contoso.com', Password: ews.password });
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'admin-reader@contoso.com' });
    await create(ewsService({ url: ews.url, user: 'admin-reader@contoso.com', impersonate: 'carol@contoso.com' }), 'Quarter close', '2027-04-05T09:00:00Z');
    await create(ewsService({ url: ews.url, user: 'admin-reader@contoso.com', impersonate: 'bob@contoso.com' }), 'Sales sync', '2027-04-05T11:00:00Z');
  });
  after(() => ews?.close());
  afterEach(() => assertRecordedResponsesValid());

  it("creates and finds appointments in alice's calendar (alice is in the scope)", async () => {
    await create(as('alice@contoso.com'), 'Demo prep', '2027-04-02T10:00:00Z');
    const found = await as('alice@contoso.com').FindAppointments(WellKnownFolderName.Calendar, view());
    assert.deepEqual(found.Items.map((a) => a.Subject), ['Demo prep']);
  });

  it("refuses FindAppointments and CreateItem in carol's calendar with ErrorImpersonateUserDenied, changing nothing, and audits each refusal", async () => {
    await refusedWith(as('carol@contoso.com').FindAppointments(WellKnownFolderName.Calendar, view()), ServiceError.ErrorImpersonateUserDenied);
    await refusedWith(create(as('carol@contoso.com'), 'Sneaky meeting', '2027-04-06T09:00:00Z'), ServiceError.ErrorImpersonateUserDenied);
    assert.deepEqual(await calendarSubjects('carol@contoso.com'), ['Quarter close']);

    const rows = (await ews.admin.invoke('Search-MailboxAuditLog', { Identity: 'carol@contoso.com', ResultSize: 100 })) as AuditRow[];
    const refusals = rows.filter((r) => r.OperationResult === 'Denied' && r.LogonUserDisplayName === 'svc@contoso.com');
    assert.deepEqual(refusals.map((r) => r.Operation).sort(), ['CreateItem', 'FindItem']);
    for (const r of refusals) {
      assert.equal(r.MailboxResolvedOwnerName, 'carol@contoso.com');
      // The reason names the scope that left carol out.
      assert.match(r.Error ?? '', /Sales/);
    }
  });

  it("shows carol's free/busy only as alice may see it (times, no subject), and bob's, in scope, in full", async () => {
    const options = new AvailabilityOptions();
    options.RequestedFreeBusyView = FreeBusyViewType.Detailed;
    const results = await as('alice@contoso.com').GetUserAvailability(
      [new AttendeeInfo('carol@contoso.com'), new AttendeeInfo('bob@contoso.com')],
      new TimeWindow(DateTime.Parse('2027-04-05T00:00:00Z'), DateTime.Parse('2027-04-06T00:00:00Z')),
      AvailabilityData.FreeBusy,
      options,
    );
    const [carol, bob] = results.AttendeesAvailability.Responses;
    assert.equal(carol.ErrorCode, ServiceError.NoError);
    assert.equal(carol.ViewType, FreeBusyViewType.FreeBusy);
    assert.deepEqual(carol.CalendarEvents.map((e) => [new Date(e.StartTime.TotalMilliSeconds).toISOString(), e.Details ?? null]), [['2027-04-05T09:00:00.000Z', null]]);
    assert.equal(bob.ViewType, FreeBusyViewType.Detailed);
    assert.deepEqual(bob.CalendarEvents.map((e) => e.Details?.Subject), ['Sales sync']);

    // With carol's calendar closed to everyone, the scoped account gets nothing either.
    await ews.admin.invoke('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'None' });
    const closed = await as('alice@contoso.com').GetUserAvailability(
      [new AttendeeInfo('carol@contoso.com')],
      new TimeWindow(DateTime.Parse('2027-04-05T00:00:00Z'), DateTime.Parse('2027-04-06T00:00:00Z')),
      AvailabilityData.FreeBusy,
      options,
    );
    assert.equal(closed.AttendeesAvailability.Responses[0].ErrorCode, ServiceError.ErrorNoFreeBusyAccess);
  });
});
