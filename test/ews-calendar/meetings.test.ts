// Meetings through ews-javascript-api, a service account impersonating each user (issue 4,
// acceptance 1 and 2): invitations reach bob's and carol's Inboxes with tentative calendar copies,
// their answers reach alice's copy; a weekly meeting's moved and deleted occurrences reach the
// attendees' calendars; cancelling frees them; external attendees get iMIP mail in the queue.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import {
  Appointment,
  AttendeeInfo,
  AvailabilityData,
  AvailabilityOptions,
  FreeBusyViewType,
  TimeWindow,
  AppointmentSchema,
  BasePropertySet,
  BodyType,
  CalendarView,
  ConflictResolutionMode,
  DateTime,
  DayOfTheWeek,
  DeleteMode,
  ItemSchema,
  ItemView,
  LegacyFreeBusyStatus,
  MeetingCancellation,
  MessageBody,
  MeetingRequest,
  MeetingResponse,
  MeetingResponseType,
  PropertySet,
  Recurrence,
  SendCancellationsMode,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  TimeZoneInfo,
  WellKnownFolderName,
  type ExchangeService,
  type Item,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService, startEwsServer, type EwsServer } from '../helpers/ews.ts';
import { wallTimeAt } from '../../src/core/calendar/time-zones.ts';

const utc = (d: DateTime) => new Date(d.TotalMilliSeconds).toISOString();
const details = new PropertySet(BasePropertySet.FirstClassProperties, [AppointmentSchema.RequiredAttendees, AppointmentSchema.OptionalAttendees, AppointmentSchema.MyResponseType, AppointmentSchema.LegacyFreeBusyStatus, AppointmentSchema.IsCancelled]);

describe('meetings through EWS (ews-javascript-api, a service account impersonating each user)', () => {
  let ews: EwsServer;
  const as: Record<string, ExchangeService> = {};

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    for (const who of ['alice', 'bob', 'carol']) as[who] = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: `${who}@contoso.com` });
  });
  after(() => ews.close());
  afterEach(() => assertRecordedResponsesValid());

  const inbox = async (who: string): Promise<Item[]> => (await as[who]!.FindItems(WellKnownFolderName.Inbox, new ItemView(100))).Items;
  const calendar = async (who: string, from: string, to: string, subject: string) => {
    const found = await as[who]!.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(DateTime.Parse(from), DateTime.Parse(to)));
    return found.Items.filter((a) => a.Subject === subject || a.Subject === `Canceled: ${subject}`);
  };

  it('invites bob and carol, who find the request and a tentative item; bob accepts, carol declines; alice sees both answers', async () => {
    const meeting = new Appointment(as.alice!);
    meeting.Subject = 'Budget review';
    meeting.Location = 'Room 4';
    meeting.Body = new MessageBody(BodyType.HTML, '<html><body><p>Agenda: <b>numbers</b></p></body></html>');
    meeting.Start = DateTime.Parse('2027-06-01T09:00:00Z');
    meeting.End = DateTime.Parse('2027-06-01T10:00:00Z');
    meeting.RequiredAttendees.Add('bob@contoso.com');
    meeting.RequiredAttendees.Add('carol@contoso.com');
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);

    for (const who of ['bob', 'carol']) {
      const requests = (await inbox(who)).filter((i) => i instanceof MeetingRequest);
      assert.equal(requests.length, 1, `${who} has the request`);
      assert.equal(requests[0]!.Subject, 'Budget review');
      const [copy] = await calendar(who, '2027-06-01T00:00:00Z', '2027-06-02T00:00:00Z', 'Budget review');
      assert.ok(copy, `${who} has a calendar item`);
      const bound = await Appointment.Bind(as[who]!, copy.Id, details);
      assert.equal(bound.LegacyFreeBusyStatus, LegacyFreeBusyStatus.Tentative);
      assert.equal(bound.MyResponseType, MeetingResponseType.NoResponseReceived);
      assert.equal(bound.Organizer.Address, 'alice@contoso.com');
      assert.equal(bound.Body.BodyType, BodyType.HTML);
      assert.match(bound.Body.Text, /<b>numbers<\/b>/);
    }

    // Bob answers from the request in his Inbox, carol from her calendar item.
    const bobRequest = (await inbox('bob')).find((i) => i instanceof MeetingRequest)!;
    const request = await MeetingRequest.Bind(as.bob!, bobRequest.Id);
    assert.equal(request.Location, 'Room 4');
    assert.equal(utc(request.Start), '2027-06-01T09:00:00.000Z');
    await request.Accept(true);
    const [carolCopy] = await calendar('carol', '2027-06-01T00:00:00Z', '2027-06-02T00:00:00Z', 'Budget review');
    await carolCopy!.Decline(true);

    const [bobCopy] = await calendar('bob', '2027-06-01T00:00:00Z', '2027-06-02T00:00:00Z', 'Budget review');
    const bobBound = await Appointment.Bind(as.bob!, bobCopy!.Id, details);
    assert.equal(bobBound.MyResponseType, MeetingResponseType.Accept);
    assert.equal(bobBound.LegacyFreeBusyStatus, LegacyFreeBusyStatus.Busy);
    assert.equal((await calendar('carol', '2027-06-01T00:00:00Z', '2027-06-02T00:00:00Z', 'Budget review')).length, 0, 'a declined meeting leaves the calendar');
    assert.equal((await inbox('bob')).filter((i) => i instanceof MeetingRequest).length, 0, 'the answered request leaves the Inbox');

    const organizerCopy = await Appointment.Bind(as.alice!, meeting.Id, details);
    const answers = Object.fromEntries(organizerCopy.RequiredAttendees.GetEnumerator().map((a) => [a.Address, a.ResponseType]));
    assert.deepEqual(answers, { 'bob@contoso.com': MeetingResponseType.Accept, 'carol@contoso.com': MeetingResponseType.Decline });
    assert.equal(organizerCopy.MyResponseType, MeetingResponseType.Organizer);
    const responses = (await inbox('alice')).filter((i) => i instanceof MeetingResponse);
    assert.deepEqual(responses.map((r) => r.Subject).sort(), ['Accepted: Budget review', 'Declined: Budget review']);

    // Every act was on behalf of a user, by the service account: the audit log names both.
    const audit = (await ews.admin.invoke('Search-MailboxAuditLog', { Identity: 'bob@contoso.com', ShowDetails: true })) as Array<Record<string, unknown>>;
    const answered = audit.find((e) => e.Operation === 'MeetingResponse');
    assert.ok(answered, JSON.stringify(audit.map((e) => e.Operation)));
    assert.match(String(answered.LogonUserDisplayName ?? answered.Actor ?? JSON.stringify(answered)), /svc/);
  });

  it('a weekly meeting every Tuesday and Thursday: 10 occurrences across DST; a moved and a deleted occurrence reach the attendee', async () => {
    const meeting = new Appointment(as.alice!);
    meeting.Subject = 'Sync';
    meeting.StartTimeZone = TimeZoneInfo.FindSystemTimeZoneById('W. Europe Standard Time');
    meeting.EndTimeZone = meeting.StartTimeZone;
    meeting.Start = DateTime.Parse('2027-03-23T08:00:00Z');
    meeting.End = DateTime.Parse('2027-03-23T08:30:00Z');
    const Weekly = Recurrence.WeeklyPattern as unknown as new (start: DateTime, interval: number, days: DayOfTheWeek[]) => InstanceType<typeof Recurrence.WeeklyPattern>;
    const pattern = new Weekly(meeting.Start, 1, [DayOfTheWeek.Tuesday, DayOfTheWeek.Thursday]);
    pattern.NumberOfOccurrences = 10;
    meeting.Recurrence = pattern;
    meeting.RequiredAttendees.Add('bob@contoso.com');
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);

    const span = ['2027-03-01T00:00:00Z', '2027-05-01T00:00:00Z'] as const;
    for (const who of ['alice', 'bob']) {
      const occurrences = await calendar(who, ...span, 'Sync');
      assert.equal(occurrences.length, 10, who);
      for (const o of occurrences) assert.equal(wallTimeAt(o.Start.TotalMilliSeconds, 'Europe/Berlin').hour, 9, `${who} ${utc(o.Start)}`);
    }

    const occurrences = await calendar('alice', ...span, 'Sync');
    const moved = occurrences[2]!;
    moved.Start = DateTime.Parse('2027-03-30T09:00:00Z');
    moved.End = DateTime.Parse('2027-03-30T09:30:00Z');
    await moved.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy);
    await occurrences[3]!.Delete(DeleteMode.MoveToDeletedItems, SendCancellationsMode.SendToAllAndSaveCopy);

    for (const who of ['alice', 'bob']) {
      const after = await calendar(who, ...span, 'Sync');
      assert.equal(after.length, 9, who);
      assert.deepEqual(after.map((o) => utc(o.Start)).slice(0, 4), ['2027-03-23T08:00:00.000Z', '2027-03-25T08:00:00.000Z', '2027-03-30T09:00:00.000Z', '2027-04-06T07:00:00.000Z'], who);
    }
    const bobInbox = await inbox('bob');
    assert.ok(bobInbox.some((i) => i instanceof MeetingCancellation), 'bob got the occurrence cancellation');
    assert.equal(bobInbox.filter((i) => i instanceof MeetingRequest && i.Subject === 'Sync').length, 2, 'the invitation and the update');
  });

  it('an update moves the attendee copy and asks again; cancelling marks the copy cancelled and free', async () => {
    const meeting = new Appointment(as.alice!);
    meeting.Subject = 'Offsite';
    meeting.Start = DateTime.Parse('2027-07-01T09:00:00Z');
    meeting.End = DateTime.Parse('2027-07-01T10:00:00Z');
    meeting.RequiredAttendees.Add('bob@contoso.com');
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);
    const [bobCopy] = await calendar('bob', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite');
    await bobCopy!.Accept(true);

    const organizer = await Appointment.Bind(as.alice!, meeting.Id, details);
    organizer.Start = DateTime.Parse('2027-07-01T13:00:00Z');
    organizer.End = DateTime.Parse('2027-07-01T14:00:00Z');
    organizer.OptionalAttendees.Add('carol@contoso.com');
    await organizer.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToAllAndSaveCopy);

    const [moved] = await calendar('bob', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite');
    assert.equal(utc(moved!.Start), '2027-07-01T13:00:00.000Z');
    const movedBound = await Appointment.Bind(as.bob!, moved!.Id, details);
    assert.equal(movedBound.MyResponseType, MeetingResponseType.NoResponseReceived, 'a new time asks for the answer again');
    assert.equal((await calendar('carol', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite')).length, 1, 'the added attendee is invited');

    const fresh = await Appointment.Bind(as.alice!, meeting.Id, details);
    await fresh.CancelMeeting('Sorry, postponed.');
    for (const who of ['bob', 'carol']) {
      const [copy] = await calendar(who, '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite');
      const bound = await Appointment.Bind(as[who]!, copy!.Id, details);
      assert.equal(bound.IsCancelled, true, who);
      assert.equal(bound.LegacyFreeBusyStatus, LegacyFreeBusyStatus.Free, who);
      assert.equal(bound.Subject, 'Canceled: Offsite');
      const cancellation = (await inbox(who)).find((i) => i instanceof MeetingCancellation && i.Subject === 'Canceled: Offsite');
      assert.ok(cancellation, `${who} got the cancellation`);
    }
    // Bob removes the cancelled meeting from his calendar.
    const bobCancellation = (await inbox('bob')).find((i) => i instanceof MeetingCancellation && i.Subject === 'Canceled: Offsite') as MeetingCancellation;
    await (await MeetingCancellation.Bind(as.bob!, bobCancellation.Id)).RemoveMeetingFromCalendar();
    assert.equal((await calendar('bob', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite')).length, 0, 'bob removed it');
    assert.equal((await calendar('carol', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite')).length, 1, 'carol still shows it, cancelled');
    assert.equal((await calendar('alice', '2027-07-01T00:00:00Z', '2027-07-02T00:00:00Z', 'Offsite')).length, 0, "the organizer's item goes to Deleted Items");
  });

  it('external attendees get an RFC 5546 invitation through the outbound queue', async () => {
    const meeting = new Appointment(as.alice!);
    meeting.Subject = 'Partner call';
    meeting.Start = DateTime.Parse('2027-08-02T15:00:00Z');
    meeting.End = DateTime.Parse('2027-08-02T15:30:00Z');
    meeting.RequiredAttendees.Add('dana@fabrikam.example');
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);
    const queued = await ews.runtime.store.listOutbound();
    assert.ok(queued.some((m) => m.recipients.includes('dana@fabrikam.example') && m.mailFrom === 'alice@contoso.com'), JSON.stringify(queued));
    // The queued MIME is the one kept in Sent Items.
    const sent = (await as.alice!.FindItems(WellKnownFolderName.SentItems, new ItemView(10))).Items.find((i) => i.Subject === 'Partner call');
    assert.ok(sent instanceof MeetingRequest);
    const bound = await MeetingRequest.Bind(as.alice!, sent.Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent]));
    const text = Buffer.from(bound.MimeContent.Content, 'base64').toString('utf8');
    assert.match(text, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/);
    const ics = /BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/.exec(text)![0];
    const vcalendar = new ICAL.Component(ICAL.parse(ics));
    assert.equal(vcalendar.getFirstPropertyValue('method'), 'REQUEST');
    const vevent = vcalendar.getFirstSubcomponent('vevent')!;
    assert.equal(vevent.getFirstPropertyValue('organizer'), 'mailto:alice@contoso.com');
    assert.equal(vevent.getFirstProperty('attendee')!.getParameter('partstat'), 'NEEDS-ACTION');
    assert.equal(vevent.getFirstPropertyValue('summary'), 'Partner call');
  });

  it('a room accepts a meeting when it is free and declines one that overlaps a booking', async () => {
    await ews.admin.invoke('New-Mailbox', { Name: 'Board Room', Room: true, PrimarySmtpAddress: 'boardroom@contoso.com' });
    const book = async (subject: string, start: string, end: string) => {
      const meeting = new Appointment(as.alice!);
      meeting.Subject = subject;
      meeting.Start = DateTime.Parse(start);
      meeting.End = DateTime.Parse(end);
      meeting.Resources.Add('boardroom@contoso.com');
      await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);
      const bound = await Appointment.Bind(as.alice!, meeting.Id, new PropertySet(BasePropertySet.FirstClassProperties, [AppointmentSchema.Resources]));
      return bound.Resources.GetEnumerator()[0]!.ResponseType;
    };
    // Rooms book only inside their booking window (180 days from now by default): a day a month ahead.
    const day = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    assert.equal(await book('Board meeting', `${day}T09:00:00Z`, `${day}T11:00:00Z`), MeetingResponseType.Accept);
    assert.equal(await book('Overlapping', `${day}T10:00:00Z`, `${day}T12:00:00Z`), MeetingResponseType.Decline);
    assert.equal(await book('After', `${day}T11:00:00Z`, `${day}T12:00:00Z`), MeetingResponseType.Accept);
    const responses = (await inbox('alice')).filter((i) => i instanceof MeetingResponse).map((r) => r.Subject);
    assert.ok(responses.includes('Declined: Overlapping'), JSON.stringify(responses));
  });

  it('GetUserAvailability for alice, bob and carol over a week shows the meeting as busy where accepted, and a free slot once it is cancelled', async () => {
    const week = ['2027-11-08T00:00:00Z', '2027-11-15T00:00:00Z'] as const;
    const busy = async () => {
      const options = new AvailabilityOptions();
      options.RequestedFreeBusyView = FreeBusyViewType.Detailed;
      const results = await as.alice!.GetUserAvailability(
        ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'].map((a) => new AttendeeInfo(a)),
        new TimeWindow(DateTime.Parse(week[0]), DateTime.Parse(week[1])),
        AvailabilityData.FreeBusy,
        options,
      );
      return results.AttendeesAvailability.Responses.map((r) => r.CalendarEvents.map((e) => `${utc(e.StartTime)} ${LegacyFreeBusyStatus[e.FreeBusyStatus]}`));
    };
    const carolsOwn = new Appointment(as.carol!);
    carolsOwn.Subject = 'Dentist';
    carolsOwn.Start = DateTime.Parse('2027-11-09T14:00:00Z');
    carolsOwn.End = DateTime.Parse('2027-11-09T15:00:00Z');
    await carolsOwn.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const meeting = new Appointment(as.alice!);
    meeting.Subject = 'Quarterly';
    meeting.Start = DateTime.Parse('2027-11-10T09:00:00Z');
    meeting.End = DateTime.Parse('2027-11-10T10:00:00Z');
    meeting.RequiredAttendees.Add('bob@contoso.com');
    meeting.RequiredAttendees.Add('carol@contoso.com');
    await meeting.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToAllAndSaveCopy);
    const [bobCopy] = await calendar('bob', ...week, 'Quarterly');
    await bobCopy!.Accept(true);

    // Alice busy (organizer), bob busy (accepted), carol tentative (not answered) beside her own appointment.
    assert.deepEqual(await busy(), [['2027-11-10T09:00:00.000Z Busy'], ['2027-11-10T09:00:00.000Z Busy'], ['2027-11-09T14:00:00.000Z Busy', '2027-11-10T09:00:00.000Z Tentative']]);

    await (await Appointment.Bind(as.alice!, meeting.Id)).CancelMeeting();
    assert.deepEqual(await busy(), [[], [], ['2027-11-09T14:00:00.000Z Busy']], 'the cancelled meeting frees the slot for everyone');
  });
});
