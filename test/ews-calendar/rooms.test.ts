// Room booking as Set-CalendarProcessing configures it, through ews-javascript-api (a service
// account impersonating alice, the organizer, and the rooms): AllowConflicts, MaximumDurationInMinutes,
// BookingWindowInDays, AllowRecurringMeetings and AutomateProcessing None, seen from the organizer's
// copy, her Inbox (declines say why) and the room's own calendar and Inbox.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Appointment,
  AppointmentSchema,
  BasePropertySet,
  CalendarView,
  DateTime,
  DayOfTheWeek,
  Item,
  ItemView,
  LegacyFreeBusyStatus,
  MeetingRequest,
  MeetingResponse,
  MeetingResponseType,
  PropertySet,
  Recurrence,
  SendInvitationsMode,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService, startEwsServer, type EwsServer } from '../helpers/ews.ts';

const day = 86_400_000;
/** 09:00 UTC `days` from today: the booking window counts from now, so fixed dates would age out of it. */
const at = (days: number, hours = 0) => new Date(Math.floor(Date.now() / day) * day + days * day + (9 + hours) * 3_600_000).toISOString();

describe('room booking follows Set-CalendarProcessing (ews-javascript-api, a service account impersonating organizer and rooms)', () => {
  let ews: EwsServer;
  const as: Record<string, ExchangeService> = {};

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    for (const room of ['Shared Room', 'Short Room', 'Quiet Room', 'Single Room', 'Near Room']) {
      const address = `${room.replace(' ', '').toLowerCase()}@contoso.com`;
      await ews.admin.invoke('New-Mailbox', { Name: room, Room: true, PrimarySmtpAddress: address });
      as[room] = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: address });
    }
    as.alice = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: 'alice@contoso.com' });
  });
  after(() => ews.close());
  afterEach(() => assertRecordedResponsesValid());

  const address = (room: string) => `${room.replace(' ', '').toLowerCase()}@contoso.com`;

  /** Alice books the room; the room's answer as alice's copy shows it. */
  const book = async (room: string, subject: string, start: string, end: string, weeks?: number) => {
    const meeting = new Appointment(as.alice!);
    meeting.Subject = subject;
    meeting.Start = DateTime.Parse(start);
    meeting.End = DateTime.Parse(end);
    if (weeks) {
      const Weekly = Recurrence.WeeklyPattern as unknown as new (start: DateTime, interval: number, days: DayOfTheWeek[]) => InstanceType<typeof Recurrence.WeeklyPattern>;
      const pattern = new Weekly(meeting.Start, 1, [new Date(start).getUTCDay() as DayOfTheWeek]);
      pattern.NumberOfOccurrences = weeks;
      meeting.Recurrence = pattern;
    }
    meeting.Resources.Add(address(room));
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);
    const bound = await Appointment.Bind(as.alice!, meeting.Id, new PropertySet(BasePropertySet.FirstClassProperties, [AppointmentSchema.Resources]));
    return bound.Resources.GetEnumerator()[0]!.ResponseType;
  };
  /** The text of the answer alice got to this meeting. */
  const answerText = async (subject: string) => {
    const found = (await as.alice!.FindItems(WellKnownFolderName.Inbox, new ItemView(100))).Items.filter((i) => i instanceof MeetingResponse && i.Subject === subject);
    assert.equal(found.length, 1, `one answer "${subject}"`);
    return (await Item.Bind(as.alice!, found[0]!.Id, new PropertySet(BasePropertySet.FirstClassProperties))).Body.Text;
  };

  it('AllowConflicts $true accepts a meeting that overlaps a booking', async () => {
    assert.equal(await book('Shared Room', 'First', at(10), at(10, 2)), MeetingResponseType.Accept);
    assert.equal(await book('Shared Room', 'Clash before', at(10, 1), at(10, 3)), MeetingResponseType.Decline, 'the default refuses conflicts');
    await ews.admin.invoke('Set-CalendarProcessing', { Identity: 'Shared Room', AllowConflicts: true });
    assert.equal(await book('Shared Room', 'Clash after', at(10, 1), at(10, 3)), MeetingResponseType.Accept);
  });

  it('MaximumDurationInMinutes 60 declines a 2-hour meeting, saying why, and accepts a 1-hour one', async () => {
    await ews.admin.invoke('Set-CalendarProcessing', { Identity: 'Short Room', MaximumDurationInMinutes: 60 });
    assert.equal(await book('Short Room', 'Long talk', at(11), at(11, 2)), MeetingResponseType.Decline);
    assert.match(await answerText('Declined: Long talk'), /Short Room can be booked for at most 60 minutes; this meeting lasts 120 minutes/);
    assert.equal(await book('Short Room', 'Short talk', at(11, 3), at(11, 4)), MeetingResponseType.Accept);
  });

  it('BookingWindowInDays declines a meeting that starts beyond the window, saying why', async () => {
    await ews.admin.invoke('Set-CalendarProcessing', { Identity: 'Near Room', BookingWindowInDays: 7 });
    assert.equal(await book('Near Room', 'Far off', at(12), at(12, 1)), MeetingResponseType.Decline);
    assert.match(await answerText('Declined: Far off'), /at most 7 days ahead/);
    assert.equal(await book('Near Room', 'Soon', at(3), at(3, 1)), MeetingResponseType.Accept);
  });

  it('AutomateProcessing None leaves the room silent: its response Unknown, the request in its Inbox, its copy tentative', async () => {
    await ews.admin.invoke('Set-CalendarProcessing', { Identity: 'Quiet Room', AutomateProcessing: 'None' });
    assert.equal(await book('Quiet Room', 'Unanswered', at(13), at(13, 1)), MeetingResponseType.Unknown);
    const requests = (await as['Quiet Room']!.FindItems(WellKnownFolderName.Inbox, new ItemView(10))).Items.filter((i) => i instanceof MeetingRequest);
    assert.deepEqual(requests.map((r) => r.Subject), ['Unanswered']);
    const copies = await as['Quiet Room']!.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(DateTime.Parse(at(13, -9)), DateTime.Parse(at(14, -9))));
    assert.equal(copies.Items.length, 1);
    const copy = await Appointment.Bind(as['Quiet Room']!, copies.Items[0]!.Id, new PropertySet(BasePropertySet.FirstClassProperties, [AppointmentSchema.MyResponseType, AppointmentSchema.LegacyFreeBusyStatus]));
    assert.equal(copy.LegacyFreeBusyStatus, LegacyFreeBusyStatus.Tentative);
    assert.equal(copy.MyResponseType, MeetingResponseType.NoResponseReceived);
    assert.ok(!(await as.alice!.FindItems(WellKnownFolderName.Inbox, new ItemView(100))).Items.some((i) => i.Subject.endsWith(': Unanswered')), 'no answer reached alice');
  });

  it('AllowRecurringMeetings $false declines a series, saying why, and still accepts a single meeting', async () => {
    await ews.admin.invoke('Set-CalendarProcessing', { Identity: 'Single Room', AllowRecurringMeetings: false });
    assert.equal(await book('Single Room', 'Weekly sync', at(15), at(15, 1), 4), MeetingResponseType.Decline);
    assert.match(await answerText('Declined: Weekly sync'), /Single Room doesn't accept recurring meetings/);
    assert.equal(await book('Single Room', 'One-off', at(16), at(16, 1)), MeetingResponseType.Accept);
  });
});
