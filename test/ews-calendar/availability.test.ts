// GetUserAvailability end to end with ews-javascript-api over a real socket: appointments made in
// alice's, bob's and carol's calendars (a service account impersonating each) come back as busy
// times — a recurring series as its occurrences, Free and cancelled ones not at all — in the detail
// the calendar's sharing allows (AvailabilityOnly, LimitedDetails, None), audited with both identities.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttendeeInfo,
  AvailabilityData,
  AvailabilityOptions,
  Appointment,
  DateTime,
  DayOfTheWeek,
  FreeBusyViewType,
  LegacyFreeBusyStatus,
  Recurrence,
  SendInvitationsMode,
  Sensitivity,
  ServiceError,
  TimeWindow,

  WellKnownFolderName,
  type AttendeeAvailability,
  type ExchangeService,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, basicAuth, ewsService, rawEws, startEwsServer, type EwsServer, type RawEwsResponse } from '../helpers/ews.ts';
import { messagesNs, typesNs } from '../../src/protocols/ews/namespaces.ts';
import { child, children, type XmlElement } from '../../src/protocols/ews/xml/parse.ts';

const week = { start: '2027-03-01T00:00:00Z', end: '2027-03-08T00:00:00Z' };
const utc = (d: DateTime) => new Date(d.TotalMilliSeconds).toISOString().replace('.000Z', 'Z');
/** W. Europe Standard Time as a legacy t:TimeZone: UTC+1, UTC+2 from the last Sunday of March 02:00 to the last Sunday of October 03:00. */
const westEurope =
  '<t:TimeZone><t:Bias>-60</t:Bias><t:StandardTime><t:Bias>0</t:Bias><t:Time>03:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
  '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>5</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime></t:TimeZone>';

interface RawRequest {
  mailboxes?: string[];
  start?: string;
  end?: string;
  interval?: string;
  view?: string;
  timeZone?: string;
  /** Replaces the FreeBusyViewOptions element. */
  options?: string;
  suggestions?: boolean;
}

function availabilityXml(r: RawRequest): string {
  const mailboxes = (r.mailboxes ?? ['alice@contoso.com']).map((a) => `<t:MailboxData><t:Email><t:Address>${a}</t:Address></t:Email><t:AttendeeType>Required</t:AttendeeType></t:MailboxData>`).join('');
  const options =
    r.options ??
    `<t:FreeBusyViewOptions><t:TimeWindow><t:StartTime>${r.start ?? '2027-03-01T00:00:00'}</t:StartTime><t:EndTime>${r.end ?? '2027-03-02T00:00:00'}</t:EndTime></t:TimeWindow>` +
      `<t:MergedFreeBusyIntervalInMinutes>${r.interval ?? '60'}</t:MergedFreeBusyIntervalInMinutes><t:RequestedView>${r.view ?? 'DetailedMerged'}</t:RequestedView></t:FreeBusyViewOptions>`;
  const suggestions = r.suggestions
    ? '<t:SuggestionsViewOptions><t:GoodThreshold>25</t:GoodThreshold><t:MaximumResultsByDay>10</t:MaximumResultsByDay><t:MaximumNonWorkHourResultsByDay>0</t:MaximumNonWorkHourResultsByDay><t:MeetingDurationInMinutes>60</t:MeetingDurationInMinutes><t:MinimumSuggestionQuality>Good</t:MinimumSuggestionQuality><t:DetailedSuggestionsWindow><t:StartTime>2027-03-01T00:00:00</t:StartTime><t:EndTime>2027-03-02T00:00:00</t:EndTime></t:DetailedSuggestionsWindow></t:SuggestionsViewOptions>'
    : '';
  return `<m:GetUserAvailabilityRequest>${r.timeZone ?? ''}<m:MailboxDataArray>${mailboxes}</m:MailboxDataArray>${options}${suggestions}</m:GetUserAvailabilityRequest>`;
}

/** Each FreeBusyResponse: its response code and view element. */
function freeBusyResponses(response: RawEwsResponse): Array<{ code: string; view: XmlElement | undefined }> {
  const array = response.bodyElement ? child(response.bodyElement, messagesNs, 'FreeBusyResponseArray') : undefined;
  return (array ? children(array, messagesNs, 'FreeBusyResponse') : []).map((r) => ({
    code: child(child(r, messagesNs, 'ResponseMessage')!, messagesNs, 'ResponseCode')?.text ?? '',
    view: child(r, messagesNs, 'FreeBusyView'),
  }));
}

const text = (el: XmlElement | undefined, ...path: string[]): string | undefined => {
  let at = el;
  for (const name of path) at = at ? child(at, typesNs, name) : undefined;
  return at?.text;
};

const impersonate = (address: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${address}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;

interface AuditRow {
  Operation: string;
  OperationResult: string;
  LogonType: string;
  LogonUserDisplayName: string;
  MailboxResolvedOwnerName: string;
  Error: string | null;
  Details?: { mailboxes?: string[]; refused?: Array<{ mailbox: string; code: string; reason: string }>; requestedView?: string };
}

describe('free/busy through EWS (GetUserAvailability, ews-javascript-api)', () => {
  let ews: EwsServer;
  const as = (user: string, mailbox?: string) => {
    const service = ewsService({ url: ews.url, user, ...(mailbox ? { impersonate: mailbox } : {}) });

    return service;
  };
  const availability = async (service: ExchangeService, addresses: string[], view: FreeBusyViewType, interval = 60): Promise<AttendeeAvailability[]> => {
    const options = new AvailabilityOptions();
    options.RequestedFreeBusyView = view;
    options.MergedFreeBusyInterval = interval;
    const results = await service.GetUserAvailability(
      addresses.map((a) => new AttendeeInfo(a)),
      new TimeWindow(DateTime.Parse(week.start), DateTime.Parse(week.end)),
      AvailabilityData.FreeBusy,
      options,
    );
    return results.AttendeesAvailability.Responses;
  };
  const events = (a: AttendeeAvailability) => a.CalendarEvents.map((e) => `${utc(e.StartTime)}/${utc(e.EndTime)} ${LegacyFreeBusyStatus[e.FreeBusyStatus]}`);
  const subjects = (a: AttendeeAvailability) => a.CalendarEvents.map((e) => (e.Details ? `${e.Details.Subject ?? '-'}@${e.Details.Location ?? '-'}` : null));
  const admin = (cmdlet: string, params: Record<string, unknown>) => ews.admin.invoke(cmdlet, params);
  const auditOf = async (mailbox: string) =>
    (await ews.admin.invoke('Search-MailboxAuditLog', { Identity: mailbox, Operations: ['GetUserAvailability'], ShowDetails: true, ResultSize: 100 })) as AuditRow[];

  async function appointment(mailbox: string, fields: { subject: string; start: string; end: string; location?: string; status?: LegacyFreeBusyStatus; private?: boolean; weekly?: { days: DayOfTheWeek[]; count: number } }) {
    const service = as('svc@contoso.com', mailbox);
    const a = new Appointment(service);
    a.Subject = fields.subject;
    if (fields.location) a.Location = fields.location;
    a.Start = DateTime.Parse(fields.start);
    a.End = DateTime.Parse(fields.end);
    if (fields.status !== undefined) a.LegacyFreeBusyStatus = fields.status;
    if (fields.private) a.Sensitivity = Sensitivity.Private;
    if (fields.weekly) {
      const Weekly = Recurrence.WeeklyPattern as unknown as new (start: DateTime, interval: number, days: DayOfTheWeek[]) => InstanceType<typeof Recurrence.WeeklyPattern>;
      const pattern = new Weekly(a.Start, 1, fields.weekly.days);
      pattern.NumberOfOccurrences = fields.weekly.count;
      a.Recurrence = pattern;
    }
    await a.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
  }

  before(async () => {
    ews = await startEwsServer();
    await admin('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    await appointment('alice@contoso.com', { subject: 'Pipeline review', location: 'Room A', start: '2027-03-01T09:00:00Z', end: '2027-03-01T10:00:00Z' });
    await appointment('alice@contoso.com', { subject: 'Maybe lunch', start: '2027-03-02T12:00:00Z', end: '2027-03-02T13:00:00Z', status: LegacyFreeBusyStatus.Tentative });
    await appointment('alice@contoso.com', { subject: 'Focus time', start: '2027-03-03T10:00:00Z', end: '2027-03-03T11:00:00Z', status: LegacyFreeBusyStatus.Free });
    await appointment('alice@contoso.com', { subject: 'Conference', start: '2027-03-05T08:00:00Z', end: '2027-03-05T12:00:00Z', status: LegacyFreeBusyStatus.OOF });
    // A cancelled event (iCalendar STATUS:CANCELLED, as a cancelled meeting's copy is) takes no time.
    const cancelled = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'BEGIN:VEVENT', 'UID:cancelled-1@test', 'DTSTAMP:20270101T000000Z',
      'DTSTART:20270304T090000Z', 'DTEND:20270304T100000Z', 'SUMMARY:Cancelled sync', 'STATUS:CANCELLED', 'END:VEVENT', 'END:VCALENDAR', '',
    ].join('\r\n');
    const created = await rawEws(
      ews.ewsUrl,
      basicAuth('svc@contoso.com'),
      `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items><t:CalendarItem><t:MimeContent CharacterSet="UTF-8">${Buffer.from(cancelled).toString('base64')}</t:MimeContent></t:CalendarItem></m:Items></m:CreateItem>`,
      impersonate('alice@contoso.com'),
    );
    assert.equal(created.messages[0]?.responseCode, 'NoError', created.body);

    // Mondays and Wednesdays from the week before: two occurrences fall in the window.
    await appointment('bob@contoso.com', { subject: 'Standup', location: 'Team room', start: '2027-02-22T09:30:00Z', end: '2027-02-22T10:00:00Z', weekly: { days: [DayOfTheWeek.Monday, DayOfTheWeek.Wednesday], count: 6 } });
    await appointment('bob@contoso.com', { subject: 'Customer lunch', location: 'Cafe', start: '2027-03-04T12:00:00Z', end: '2027-03-04T13:30:00Z' });

    await appointment('carol@contoso.com', { subject: 'Budget review', location: 'Board room', start: '2027-03-02T15:00:00Z', end: '2027-03-02T16:00:00Z' });
    await appointment('carol@contoso.com', { subject: 'Doctor', location: 'Clinic', start: '2027-03-03T08:00:00Z', end: '2027-03-03T09:00:00Z', private: true });
  });
  after(() => ews?.close());
  afterEach(() => assertRecordedResponsesValid());

  it('answers busy times per mailbox in request order: occurrences of a series, no Free or cancelled events, an error for an unknown address', async () => {
    const [alice, bob, carol, nobody] = await availability(as('svc@contoso.com', 'alice@contoso.com'), ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'nobody@contoso.com'], FreeBusyViewType.DetailedMerged);
    assert.equal(alice.ErrorCode, ServiceError.NoError);
    assert.deepEqual(events(alice), ['2027-03-01T09:00:00Z/2027-03-01T10:00:00Z Busy', '2027-03-02T12:00:00Z/2027-03-02T13:00:00Z Tentative', '2027-03-05T08:00:00Z/2027-03-05T12:00:00Z OOF']);
    assert.deepEqual(events(bob), ['2027-03-01T09:30:00Z/2027-03-01T10:00:00Z Busy', '2027-03-03T09:30:00Z/2027-03-03T10:00:00Z Busy', '2027-03-04T12:00:00Z/2027-03-04T13:30:00Z Busy']);
    assert.deepEqual(bob.CalendarEvents.map((e) => e.Details?.IsRecurring), [true, true, false]);
    assert.deepEqual(events(carol), ['2027-03-02T15:00:00Z/2027-03-02T16:00:00Z Busy', '2027-03-03T08:00:00Z/2027-03-03T09:00:00Z Busy']);
    // svc may impersonate all three: full details, private items included, and the item id.
    assert.deepEqual(subjects(carol), ['Budget review@Board room', 'Doctor@Clinic']);
    assert.ok(carol.CalendarEvents[1].Details?.IsPrivate);
    assert.match(carol.CalendarEvents[0].Details?.StoreId ?? '', /^[0-9A-F]+$/);
    for (const a of [alice, bob, carol]) assert.equal(a.ViewType, FreeBusyViewType.DetailedMerged);

    // One digit per hour of the week, the strongest status of each hour.
    const merged = (a: AttendeeAvailability) => a.MergedFreeBusyStatus.join('');
    assert.equal(merged(alice).length, 7 * 24);
    const hour = (dayIndex: number, h: number) => dayIndex * 24 + h;
    const expected = Array.from({ length: 7 * 24 }, () => '0');
    expected[hour(0, 9)] = '2';
    expected[hour(1, 12)] = '1';
    for (const h of [8, 9, 10, 11]) expected[hour(4, h)] = '3';
    assert.equal(merged(alice), expected.join(''));
    assert.equal(merged(bob)[hour(0, 9)], '2');
    assert.equal(merged(bob)[hour(3, 12)], '2');
    assert.equal(merged(bob)[hour(3, 13)], '2');
    assert.equal(merged(bob)[hour(3, 14)], '0');

    assert.equal(nobody.ErrorCode, ServiceError.ErrorMailRecipientNotFound);
    assert.match(nobody.ErrorMessage, /nobody@contoso\.com/);

    // Working hours: the defaults, 08:00–17:00 Monday to Friday in UTC.
    assert.equal(alice.WorkingHours?.StartTime.TotalMinutes, 480);
    assert.equal(alice.WorkingHours?.EndTime.TotalMinutes, 1020);
    assert.deepEqual(alice.WorkingHours?.DaysOfTheWeek, [DayOfTheWeek.Monday, DayOfTheWeek.Tuesday, DayOfTheWeek.Wednesday, DayOfTheWeek.Thursday, DayOfTheWeek.Friday]);
  });

  it('audits the request on behalf of alice with the real actor, the mailboxes asked about and those refused', async () => {
    const rows = (await auditOf('alice@contoso.com')).filter((r) => r.LogonUserDisplayName === 'svc@contoso.com');
    const row = rows.find((r) => r.Details?.mailboxes?.includes('nobody@contoso.com'));
    assert.ok(row, JSON.stringify(rows));
    assert.equal(row.LogonType, 'Impersonation');
    assert.equal(row.MailboxResolvedOwnerName, 'alice@contoso.com');
    assert.deepEqual(row.Details?.mailboxes, ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'nobody@contoso.com']);
    assert.deepEqual(row.Details?.refused?.map((r) => `${r.mailbox} ${r.code}`), ['nobody@contoso.com ErrorMailRecipientNotFound']);
    assert.equal(row.Details?.requestedView, 'DetailedMerged');
  });

  it("shows alice (as herself) only the times of bob's and carol's events under the Default AvailabilityOnly", async () => {
    const [alice, bob, carol] = await availability(as('alice@contoso.com'), ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'], FreeBusyViewType.Detailed);
    assert.equal(alice.ViewType, FreeBusyViewType.Detailed);
    assert.equal(subjects(alice)[0], 'Pipeline review@Room A');
    for (const other of [bob, carol]) {
      assert.equal(other.ErrorCode, ServiceError.NoError);
      // Exchange says which view it gave: FreeBusy, not the Detailed that was asked for.
      assert.equal(other.ViewType, FreeBusyViewType.FreeBusy);
      assert.ok(other.CalendarEvents.length > 0);
      assert.ok(other.CalendarEvents.every((e) => !e.Details), 'no CalendarEventDetails under AvailabilityOnly');
    }
    assert.deepEqual(events(bob), ['2027-03-01T09:30:00Z/2027-03-01T10:00:00Z Busy', '2027-03-03T09:30:00Z/2027-03-03T10:00:00Z Busy', '2027-03-04T12:00:00Z/2027-03-04T13:30:00Z Busy']);
  });

  it('shows subject and location under LimitedDetails, but neither for private events nor the item id', async () => {
    await admin('Add-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'alice@contoso.com', AccessRights: 'LimitedDetails' });
    await admin('Set-MailboxFolderPermission', { Identity: 'carol@contoso.com:\\Calendar', User: 'Default', AccessRights: 'LimitedDetails' });
    const [bob, carol] = await availability(as('alice@contoso.com'), ['bob@contoso.com', 'carol@contoso.com'], FreeBusyViewType.Detailed);
    assert.equal(bob.ViewType, FreeBusyViewType.Detailed);
    assert.deepEqual(subjects(bob), ['Standup@Team room', 'Standup@Team room', 'Customer lunch@Cafe']);
    assert.ok(bob.CalendarEvents.every((e) => !e.Details?.StoreId));
    assert.deepEqual(subjects(carol), ['Budget review@Board room', '-@-']);
    assert.equal(carol.CalendarEvents[1].Details?.IsPrivate, true);
    // bob's entry for alice decides for alice only: carol still sees times only.
    const [bobForCarol] = await availability(as('carol@contoso.com'), ['bob@contoso.com'], FreeBusyViewType.Detailed);
    assert.equal(bobForCarol.ViewType, FreeBusyViewType.FreeBusy);
    await admin('Remove-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'alice@contoso.com' });
    await admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'AvailabilityOnly' });
  });

  it('refuses bob alone with ErrorNoFreeBusyAccess once his Default entry is None, and audits the refusal', async () => {
    await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'None' });
    try {
      const [alice, bob, carol] = await availability(as('alice@contoso.com'), ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'], FreeBusyViewType.FreeBusy);
      assert.equal(alice.ErrorCode, ServiceError.NoError);
      assert.equal(carol.ErrorCode, ServiceError.NoError);
      assert.equal(bob.ErrorCode, ServiceError.ErrorNoFreeBusyAccess);
      assert.match(bob.ErrorMessage, /bob@contoso\.com:\\Calendar grants None to alice@contoso\.com through its Default entry/);
      assert.equal(bob.CalendarEvents.length, 0);

      const refusal = (await auditOf('alice@contoso.com')).find((r) => r.LogonType === 'Owner' && r.Details?.refused?.some((x) => x.code === 'ErrorNoFreeBusyAccess'));
      assert.ok(refusal, 'a refusal is audited even when alice acts as herself');
      assert.equal(refusal.OperationResult, 'Denied');
      assert.equal(refusal.LogonUserDisplayName, 'alice@contoso.com');
      assert.deepEqual(refusal.Details?.refused?.map((r) => r.mailbox), ['bob@contoso.com']);

      // A service account whose impersonation right covers bob could read his calendar anyway: full details.
      const [bobForSvc] = await availability(as('svc@contoso.com', 'alice@contoso.com'), ['bob@contoso.com'], FreeBusyViewType.Detailed);
      assert.equal(bobForSvc.ErrorCode, ServiceError.NoError);
      assert.equal(subjects(bobForSvc)[2], 'Customer lunch@Cafe');
    } finally {
      await admin('Set-MailboxFolderPermission', { Identity: 'bob:\\Calendar', User: 'Default', AccessRights: 'AvailabilityOnly' });
    }
  });

  it('gives an explicit entry precedence over Default, and group entries to their members', async () => {
    await admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'None' });
    await admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'sales', AccessRights: 'Reviewer' });
    await admin('Add-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'bob', AccessRights: 'None' });
    try {
      const [forAlice] = await availability(as('alice@contoso.com'), ['carol@contoso.com'], FreeBusyViewType.Detailed);
      assert.equal(forAlice.ViewType, FreeBusyViewType.Detailed, 'alice is in sales (Reviewer)');
      assert.deepEqual(subjects(forAlice), ['Budget review@Board room', '-@-']);
      const [forBob] = await availability(as('bob@contoso.com'), ['carol@contoso.com'], FreeBusyViewType.Detailed);
      assert.equal(forBob.ErrorCode, ServiceError.ErrorNoFreeBusyAccess, "bob's own entry (None) wins over his group's");
    } finally {
      await admin('Remove-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'sales' });
      await admin('Remove-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'bob' });
      await admin('Set-MailboxFolderPermission', { Identity: 'carol:\\Calendar', User: 'Default', AccessRights: 'AvailabilityOnly' });
    }
  });

  it('answers MergedOnly with the merged string and no events', async () => {
    const [bob] = await availability(as('alice@contoso.com'), ['bob@contoso.com'], FreeBusyViewType.MergedOnly, 30);
    assert.equal(bob.ViewType, FreeBusyViewType.MergedOnly);
    assert.equal(bob.CalendarEvents.length, 0);
    const merged = bob.MergedFreeBusyStatus.join('');
    assert.equal(merged.length, 7 * 48);
    // Monday 09:30–10:00 is the 20th half hour.
    assert.equal(merged.slice(17, 21), '0020');
  });

  // --- raw SOAP: time zones, working hours, and bad input ---------------------------------------

  const raw = (r: RawRequest, user = 'alice@contoso.com') => rawEws(ews.ewsUrl, basicAuth(user), availabilityXml(r));

  it("reads a window without offset in the request's legacy TimeZone and answers local times there", async () => {
    const response = await raw({ timeZone: westEurope, mailboxes: ['alice@contoso.com'] });
    assert.equal(response.status, 200, response.body);
    const [alice] = freeBusyResponses(response);
    assert.equal(alice.code, 'NoError');
    const event = child(child(alice.view!, typesNs, 'CalendarEventArray')!, typesNs, 'CalendarEvent');
    // 09:00Z is 10:00 in Berlin; the window is Berlin's 1 March, so 10:00 is the eleventh hour.
    assert.equal(text(event, 'StartTime'), '2027-03-01T10:00:00');
    assert.equal(text(event, 'EndTime'), '2027-03-01T11:00:00');
    assert.equal(text(alice.view, 'MergedFreeBusy'), `${'0'.repeat(10)}2${'0'.repeat(13)}`);
  });

  it("describes a mailbox's working hours in its own zone as a legacy time zone", async () => {
    await admin('Set-MailboxCalendarConfiguration', { Identity: 'bob', WorkingHoursStartTime: '09:00', WorkingHoursEndTime: '17:30', WorkingHoursDaysOfWeek: ['Monday', 'Tuesday', 'Wednesday', 'Thursday'], WorkingHoursTimeZone: 'W. Europe Standard Time' });
    try {
      const [bob] = freeBusyResponses(await raw({ mailboxes: ['bob@contoso.com'], view: 'FreeBusy' }));
      const hours = child(bob.view!, typesNs, 'WorkingHours');
      assert.equal(text(hours, 'TimeZone', 'Bias'), '-60');
      assert.deepEqual(['Bias', 'Time', 'DayOrder', 'Month', 'DayOfWeek'].map((n) => text(hours, 'TimeZone', 'StandardTime', n)), ['0', '03:00:00', '5', '10', 'Sunday']);
      assert.deepEqual(['Bias', 'Time', 'DayOrder', 'Month', 'DayOfWeek'].map((n) => text(hours, 'TimeZone', 'DaylightTime', n)), ['-60', '02:00:00', '5', '3', 'Sunday']);
      assert.deepEqual(['DayOfWeek', 'StartTimeInMinutes', 'EndTimeInMinutes'].map((n) => text(hours, 'WorkingPeriodArray', 'WorkingPeriod', n)), ['Monday Tuesday Wednesday Thursday', '540', '1050']);
    } finally {
      await admin('Set-MailboxCalendarConfiguration', { Identity: 'bob', WorkingHoursStartTime: '08:00', WorkingHoursEndTime: '17:00', WorkingHoursDaysOfWeek: 'Weekdays', WorkingHoursTimeZone: 'UTC' });
    }
  });

  it('answers each bad mailbox entry on its own: missing address, unparsable address, a group, a user without a mailbox', async () => {
    const response = await raw({ mailboxes: ['', 'not an address', 'sales@contoso.com', 'svc@contoso.com', 'bob@contoso.com'], view: 'FreeBusy' });
    assert.equal(response.status, 200, response.body);
    assert.deepEqual(
      freeBusyResponses(response).map((r) => r.code),
      ['ErrorMissingEmailAddress', 'ErrorInvalidSmtpAddress', 'ErrorMailRecipientNotFound', 'ErrorMailRecipientNotFound', 'NoError'],
    );
  });

  it('answers meeting suggestions with their own error and still gives free/busy', async () => {
    const response = await raw({ suggestions: true });
    assert.equal(response.status, 200, response.body);
    assert.deepEqual(freeBusyResponses(response).map((r) => r.code), ['NoError']);
    const suggestions = child(response.bodyElement!, messagesNs, 'SuggestionsResponse')!;
    assert.equal(child(child(suggestions, messagesNs, 'ResponseMessage')!, messagesNs, 'ResponseCode')?.text, 'ErrorInvalidOperation');
  });

  it('refuses bad requests as a whole with a specific code, and reads no calendar', async () => {
    const cases: Array<[string, RawRequest, string]> = [
      ['a window over 62 days', { start: '2027-03-01T00:00:00Z', end: '2027-05-03T00:00:00Z' }, 'ErrorTimeIntervalTooBig'],
      ['101 mailboxes', { mailboxes: Array.from({ length: 101 }, (_, i) => `user${i}@contoso.com`) }, 'ErrorMailboxDataArrayTooBig'],
      ['no mailbox', { mailboxes: [] }, 'ErrorMailboxDataArrayEmpty'],
      ['an end before the start', { start: '2027-03-02T00:00:00', end: '2027-03-01T00:00:00' }, 'ErrorInvalidTimeInterval'],
      ['an interval of 3 minutes', { interval: '3' }, 'ErrorInvalidMergedFreeBusyInterval'],
      ['an interval that is not a number', { interval: 'half an hour' }, 'ErrorInvalidMergedFreeBusyInterval'],
      ['the view None', { view: 'None' }, 'ErrorInvalidFreeBusyViewType'],
      ['a start that is not a date', { start: 'next Monday' }, 'ErrorSchemaValidation'],
      ['no TimeWindow', { options: '<t:FreeBusyViewOptions><t:RequestedView>FreeBusy</t:RequestedView></t:FreeBusyViewOptions>' }, 'ErrorSchemaValidation'],
      ['neither free/busy nor suggestions', { options: '' }, 'ErrorSchemaValidation'],
      ['a time zone with month 13', { timeZone: westEurope.replace('<t:Month>10</t:Month>', '<t:Month>13</t:Month>') }, 'ErrorTimeZone'],
    ];
    for (const [what, request, code] of cases) {
      const response = await raw(request);
      assert.equal(response.status, 500, `${what}: ${response.body}`);
      assert.equal(response.fault?.code, code, `${what}: ${response.fault?.message}`);
      assert.ok(response.fault?.message, what);
    }
    // The window limit is inclusive: exactly 62 days is answered.
    assert.equal((await raw({ start: '2027-03-01T00:00:00Z', end: '2027-05-02T00:00:00Z', view: 'FreeBusy' })).status, 200);
    const malformed = await rawEws(ews.ewsUrl, basicAuth('alice@contoso.com'), '<m:GetUserAvailabilityRequest><m:MailboxDataArray>');
    assert.equal(malformed.status, 500);
    assert.equal(malformed.fault?.code, 'ErrorInvalidRequest');
  });

  it('audits a refused request made on behalf of alice as failed, with the reason', async () => {
    const response = await rawEws(ews.ewsUrl, basicAuth('svc@contoso.com'), availabilityXml({ interval: '2' }), impersonate('alice@contoso.com'));
    assert.equal(response.fault?.code, 'ErrorInvalidMergedFreeBusyInterval');
    const rows = (await auditOf('alice@contoso.com')).filter((r) => r.OperationResult === 'Failed');
    assert.ok(rows.some((r) => r.LogonUserDisplayName === 'svc@contoso.com' && /MergedFreeBusyIntervalInMinutes/.test(r.Error ?? '')), JSON.stringify(rows));
  });
});
