// Calendar items over EWS with ews-javascript-api impersonating alice: a weekly series across the
// 2027 DST change in W. Europe Standard Time, an occurrence moved and another deleted, and a
// single appointment's MimeContent (iCalendar) parsed and fed back into CreateItem.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import {
  Appointment,
  AppointmentSchema,
  BasePropertySet,
  CalendarView,
  ConflictResolutionMode,
  DateTime,
  DayOfTheWeek,
  DeleteMode,
  ItemId,
  ItemSchema,
  PropertySet,
  Recurrence,
  SendCancellationsMode,
  SendInvitationsMode,
  SendInvitationsOrCancellationsMode,
  TimeZoneInfo,
  WellKnownFolderName,
  type ExchangeService,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, basicAuth, ewsService, rawEws, startEwsServer, type EwsServer } from '../helpers/ews.ts';
import { wallTimeAt } from '../../src/core/calendar/time-zones.ts';

const impersonate = (address: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${address}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;
const berlinHour = (d: DateTime) => wallTimeAt(d.TotalMilliSeconds, 'Europe/Berlin').hour;
const utc = (d: DateTime) => new Date(d.TotalMilliSeconds).toISOString();

describe('calendar items through EWS (ews-javascript-api, impersonating alice)', () => {
  let ews: EwsServer;
  let service: ExchangeService;

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    service = ewsService({ url: ews.url, user: 'svc@contoso.com', impersonate: 'alice@contoso.com' });
  });
  after(() => ews.close());
  afterEach(() => assertRecordedResponsesValid());

  const view = async () => {
    const found = await service.FindAppointments(WellKnownFolderName.Calendar, new CalendarView(DateTime.Parse('2027-03-01T00:00:00Z'), DateTime.Parse('2027-05-01T00:00:00Z')));
    return found.Items.filter((a) => a.Subject.startsWith('Standup'));
  };

  it('expands a weekly series at 09:00 local across the DST change, with one occurrence moved and one deleted', async () => {
    const appointment = new Appointment(service);
    appointment.Subject = 'Standup';
    appointment.Location = 'Room 1';
    appointment.StartTimeZone = TimeZoneInfo.FindSystemTimeZoneById('W. Europe Standard Time');
    appointment.EndTimeZone = appointment.StartTimeZone;
    appointment.Start = DateTime.Parse('2027-03-23T08:00:00Z');
    appointment.End = DateTime.Parse('2027-03-23T08:30:00Z');
    // The typings declare the (startDate, interval, days) constructor but export it without overloads.
    const Weekly = Recurrence.WeeklyPattern as unknown as new (start: DateTime, interval: number, days: DayOfTheWeek[]) => InstanceType<typeof Recurrence.WeeklyPattern>;
    const pattern = new Weekly(appointment.Start, 1, [DayOfTheWeek.Tuesday, DayOfTheWeek.Thursday]);
    pattern.NumberOfOccurrences = 10;
    appointment.Recurrence = pattern;
    await appointment.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);

    const occurrences = await view();
    assert.equal(occurrences.length, 10);
    for (const o of occurrences) assert.equal(berlinHour(o.Start), 9, utc(o.Start));
    assert.equal(utc(occurrences[0].Start), '2027-03-23T08:00:00.000Z');
    assert.equal(utc(occurrences[1].Start), '2027-03-25T08:00:00.000Z');
    assert.equal(utc(occurrences[2].Start), '2027-03-30T07:00:00.000Z');

    // Move the third occurrence to 11:00 and delete the fourth.
    const moved = occurrences[2];
    moved.Start = DateTime.Parse('2027-03-30T09:00:00Z');
    moved.End = DateTime.Parse('2027-03-30T09:30:00Z');
    await moved.Update(ConflictResolutionMode.AlwaysOverwrite, SendInvitationsOrCancellationsMode.SendToNone);
    await occurrences[3].Delete(DeleteMode.HardDelete, SendCancellationsMode.SendToNone);

    const after = await view();
    assert.equal(after.length, 9);
    assert.deepEqual(after.map((o) => utc(o.Start)).slice(0, 4), ['2027-03-23T08:00:00.000Z', '2027-03-25T08:00:00.000Z', '2027-03-30T09:00:00.000Z', '2027-04-06T07:00:00.000Z']);
    assert.equal(berlinHour(after[2].Start), 11);

    // An occurrence id is usable with GetItem.
    const again = await Appointment.Bind(service, after[2].Id, new PropertySet(BasePropertySet.FirstClassProperties));
    assert.equal(utc(again.Start), '2027-03-30T09:00:00.000Z');
    assert.equal(again.Subject, 'Standup');

    // The master names its zone (a full definition) and lists its changed and deleted occurrences.
    const master = await Appointment.Bind(service, appointment.Id, new PropertySet(BasePropertySet.FirstClassProperties, [AppointmentSchema.StartTimeZone, AppointmentSchema.ModifiedOccurrences, AppointmentSchema.DeletedOccurrences]));
    assert.equal(master.StartTimeZone.Id, 'W. Europe Standard Time');
    assert.deepEqual(master.ModifiedOccurrences.GetEnumerator().map((o) => [utc(o.OriginalStart), utc(o.Start)]), [['2027-03-30T07:00:00.000Z', '2027-03-30T09:00:00.000Z']]);
    assert.deepEqual(master.DeletedOccurrences.GetEnumerator().map((o) => utc(o.OriginalStart)), ['2027-04-01T07:00:00.000Z']);
  });

  it('answers MimeContent as iCalendar, and creates an item from it', async () => {
    const appointment = new Appointment(service);
    appointment.Subject = 'Dentist';
    appointment.Location = 'Main Street 1';
    appointment.Start = DateTime.Parse('2027-06-10T13:00:00Z');
    appointment.End = DateTime.Parse('2027-06-10T14:00:00Z');
    await appointment.Save(WellKnownFolderName.Calendar, SendInvitationsMode.SendToNone);
    const bound = await Appointment.Bind(service, appointment.Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent]));
    const text = Buffer.from(bound.MimeContent.Content, 'base64').toString('utf8');
    const calendar = new ICAL.Component(ICAL.parse(text));
    assert.equal(calendar.name, 'vcalendar');
    const vevent = calendar.getFirstSubcomponent('vevent')!;
    assert.equal(vevent.getFirstPropertyValue('summary'), 'Dentist');
    assert.equal(vevent.getFirstPropertyValue('location'), 'Main Street 1');
    const start = vevent.getFirstPropertyValue('dtstart') as ICAL.Time;
    const end = vevent.getFirstPropertyValue('dtend') as ICAL.Time;
    assert.equal(start.toUnixTime(), Date.parse('2027-06-10T13:00:00Z') / 1000);
    assert.equal(end.toUnixTime(), Date.parse('2027-06-10T14:00:00Z') / 1000);

    const created = await rawEws(
      ews.ewsUrl,
      basicAuth('svc@contoso.com'),
      `<m:CreateItem SendMeetingInvitations="SendToNone"><m:SavedItemFolderId><t:DistinguishedFolderId Id="calendar"/></m:SavedItemFolderId><m:Items><t:CalendarItem><t:MimeContent CharacterSet="UTF-8">${Buffer.from(text.replace(/Dentist/, 'Dentist again')).toString('base64')}</t:MimeContent></t:CalendarItem></m:Items></m:CreateItem>`,
      impersonate('alice@contoso.com'),
    );
    assert.equal(created.status, 200);
    const id = /<t:CalendarItem><t:ItemId Id="([^"]+)"/.exec(created.body)?.[1];
    assert.ok(id, created.body);
    const copy = await Appointment.Bind(service, new ItemId(id), new PropertySet(BasePropertySet.FirstClassProperties));
    assert.equal(copy.Subject, 'Dentist again');
    assert.equal(copy.Location, 'Main Street 1');
    assert.equal(utc(copy.Start), '2027-06-10T13:00:00.000Z');
    assert.equal(utc(copy.End), '2027-06-10T14:00:00.000Z');
    assert.equal(copy.IsRecurring, false);
  });
});
