// Unit tests of src/core/calendar: iCalendar round trips and recurrence expansion across DST.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { meetingDefaults, buildICalendar, expandOccurrences, isOccurrenceOf, parseICalendar, withDeletedOccurrence, withModifiedOccurrence, type CalendarEvent } from '../../../src/core/calendar/icalendar.ts';
import { offsetAt, wallTimeAt, wallTimeToUtc, windowsToIana } from '../../../src/core/calendar/time-zones.ts';

const berlin = 'Europe/Berlin';
const event = (over: Partial<CalendarEvent>): CalendarEvent => ({
  uid: 'u1', subject: 'Standup', body: '', location: 'Room 1', start: '2027-03-23T08:00:00Z', end: '2027-03-23T08:30:00Z', timeZone: berlin, isAllDay: false, rrule: null, exdates: [], overrides: [], ...meetingDefaults, ...over,
});
const localHour = (isoText: string, zone = berlin) => wallTimeAt(Date.parse(isoText), zone).hour;

describe('time zones', () => {
  it('maps Windows ids to IANA ids', () => {
    assert.equal(windowsToIana('W. Europe Standard Time'), 'Europe/Berlin');
    assert.equal(windowsToIana('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(windowsToIana('UTC'), 'UTC');
    assert.equal(windowsToIana('Europe/Paris'), 'Europe/Paris');
    assert.equal(windowsToIana('Nowhere Standard Time'), null);
  });
  it('converts wall times across the DST change, moving skipped times forward', () => {
    assert.equal(new Date(wallTimeToUtc({ year: 2027, month: 3, day: 27, hour: 9, minute: 0, second: 0 }, berlin)).toISOString(), '2027-03-27T08:00:00.000Z');
    assert.equal(new Date(wallTimeToUtc({ year: 2027, month: 3, day: 29, hour: 9, minute: 0, second: 0 }, berlin)).toISOString(), '2027-03-29T07:00:00.000Z');
    assert.equal(new Date(wallTimeToUtc({ year: 2027, month: 3, day: 28, hour: 2, minute: 30, second: 0 }, berlin)).toISOString(), '2027-03-28T01:30:00.000Z');
    assert.equal(offsetAt(Date.parse('2027-07-01T00:00:00Z'), berlin), 2 * 3600_000);
  });
});

describe('iCalendar', () => {
  it('round-trips an event with recurrence, EXDATE and an override', () => {
    const e = event({ rrule: 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10', exdates: ['2027-03-25T08:00:00Z'], overrides: [{ recurrenceId: '2027-03-30T07:00:00Z', start: '2027-03-30T09:00:00Z', end: '2027-03-30T09:30:00Z', subject: 'Moved' }] });
    const text = buildICalendar(e, '2026-11-27T00:00:00Z');
    const parsed = new ICAL.Component(ICAL.parse(text));
    assert.equal(parsed.name, 'vcalendar');
    assert.equal(parsed.getAllSubcomponents('vevent').length, 2);
    assert.match(text, /DTSTART;TZID=Europe\/Berlin:20270323T090000/);
    assert.match(text, /RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH/);
    assert.match(text, /EXDATE;TZID=Europe\/Berlin:20270325T090000/);
    const back = parseICalendar(text);
    assert.deepEqual({ ...back, overrides: back.overrides.map((o) => ({ ...o })) }, { ...e, rrule: 'FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH', overrides: [{ recurrenceId: '2027-03-30T07:00:00Z', start: '2027-03-30T09:00:00Z', end: '2027-03-30T09:30:00Z', subject: 'Moved', location: 'Room 1' }] });
  });
  it('reads Windows TZIDs and UTC times', () => {
    const text = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=W. Europe Standard Time:20270701T100000\r\nDTEND:20270701T090000Z\r\nSUMMARY:S\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const e = parseICalendar(text);
    assert.equal(e.start, '2027-07-01T08:00:00Z');
    assert.equal(e.end, '2027-07-01T09:00:00Z');
    assert.equal(e.timeZone, berlin);
  });
  it('rejects text that is not iCalendar', () => {
    assert.throws(() => parseICalendar('hello'));
  });
});

describe('expansion', () => {
  it('keeps 09:00 local across the DST change (weekly, Tuesday and Thursday, 10 occurrences)', () => {
    const e = event({ rrule: 'FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10' });
    const occ = expandOccurrences(e, '2027-03-01T00:00:00Z', '2027-06-01T00:00:00Z');
    assert.equal(occ.length, 10);
    for (const o of occ) assert.equal(localHour(o.start), 9);
    assert.equal(occ[0].start, '2027-03-23T08:00:00Z');
    assert.equal(occ[1].start, '2027-03-25T08:00:00Z');
    assert.equal(occ[2].start, '2027-03-30T07:00:00Z');
    assert.equal(occ[9].start, '2027-04-22T07:00:00Z');
  });
  it('applies EXDATEs and overrides, also moving an occurrence into the window', () => {
    let e = event({ rrule: 'FREQ=DAILY;COUNT=5' });
    e = withDeletedOccurrence(e, '2027-03-24T08:00:00Z');
    e = withModifiedOccurrence(e, { recurrenceId: '2027-03-25T08:00:00Z', start: '2027-03-25T12:00:00Z', end: '2027-03-25T13:00:00Z', subject: 'Later' });
    const occ = expandOccurrences(e, '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z');
    assert.deepEqual(occ.map((o) => [o.start, o.kind]), [
      ['2027-03-23T08:00:00Z', 'Occurrence'],
      ['2027-03-25T12:00:00Z', 'Exception'],
      ['2027-03-26T08:00:00Z', 'Occurrence'],
      ['2027-03-27T08:00:00Z', 'Occurrence'],
    ]);
    assert.equal(occ[1].subject, 'Later');
    const moved = withModifiedOccurrence(event({ rrule: 'FREQ=DAILY;COUNT=5' }), { recurrenceId: '2027-03-27T08:00:00Z', start: '2027-03-22T08:00:00Z', end: '2027-03-22T08:30:00Z' });
    assert.deepEqual(expandOccurrences(moved, '2027-03-22T00:00:00Z', '2027-03-23T00:00:00Z').map((o) => o.start), ['2027-03-22T08:00:00Z']);
    assert.equal(isOccurrenceOf(e, '2027-03-26T08:00:00Z'), true);
    assert.equal(isOccurrenceOf(e, '2027-03-24T08:00:00Z'), false);
    assert.equal(isOccurrenceOf(e, '2027-03-26T09:00:00Z'), false);
  });
  it('expands daily with an end date, monthly (absolute and relative) and yearly patterns', () => {
    const daily = expandOccurrences(event({ rrule: 'FREQ=DAILY;INTERVAL=2;UNTIL=20270331T235959Z' }), '2027-03-01T00:00:00Z', '2027-12-01T00:00:00Z');
    assert.deepEqual(daily.map((o) => o.start.slice(0, 10)), ['2027-03-23', '2027-03-25', '2027-03-27', '2027-03-29', '2027-03-31']);
    const monthly = expandOccurrences(event({ rrule: 'FREQ=MONTHLY;BYMONTHDAY=23;COUNT=3' }), '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
    assert.deepEqual(monthly.map((o) => o.start), ['2027-03-23T08:00:00Z', '2027-04-23T07:00:00Z', '2027-05-23T07:00:00Z']);
    const relative = expandOccurrences(event({ rrule: 'FREQ=MONTHLY;BYDAY=TU;BYSETPOS=-1;COUNT=3', start: '2027-03-30T07:00:00Z', end: '2027-03-30T08:00:00Z' }), '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z');
    assert.deepEqual(relative.map((o) => o.start.slice(0, 10)), ['2027-03-30', '2027-04-27', '2027-05-25']);
    const yearly = expandOccurrences(event({ rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=23', timeZone: 'America/New_York', start: '2027-03-23T13:00:00Z', end: '2027-03-23T14:00:00Z' }), '2027-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
    assert.deepEqual(yearly.map((o) => o.start), ['2027-03-23T13:00:00Z', '2028-03-23T13:00:00Z', '2029-03-23T13:00:00Z']);
    const noEnd = expandOccurrences(event({ rrule: 'FREQ=WEEKLY;BYDAY=TU' }), '2030-01-01T00:00:00Z', '2030-01-15T00:00:00Z');
    assert.equal(noEnd.length, 2);
    assert.equal(localHour(noEnd[0].start), 9);
  });
  it('answers a single event only when it overlaps the window', () => {
    assert.equal(expandOccurrences(event({}), '2027-03-23T08:15:00Z', '2027-03-24T00:00:00Z').length, 1);
    assert.equal(expandOccurrences(event({}), '2027-03-23T08:30:00Z', '2027-03-24T00:00:00Z').length, 0);
  });
  it('round-trips meeting data: organizer, attendees with roles and answers, sequence, status, free/busy, class, categories, reminder, HTML body', () => {
    const e = event({
      organizer: { address: 'alice@contoso.com', name: 'Alice' },
      attendees: [
        { address: 'bob@contoso.com', name: 'Bob', role: 'Required', partStat: 'ACCEPTED', respondedAt: '2027-03-20T10:00:00Z' },
        { address: 'carol@contoso.com', name: '', role: 'Optional', partStat: 'NEEDS-ACTION', respondedAt: null },
        { address: 'room1@contoso.com', name: 'Room 1', role: 'Resource', partStat: 'DECLINED', respondedAt: null },
      ],
      sequence: 3,
      status: 'CANCELLED',
      freeBusy: 'Tentative',
      intendedFreeBusy: 'OOF',
      sensitivity: 'Private',
      categories: ['Blue', 'Red, dark'],
      reminderMinutes: 30,
      bodyHtml: '<p>Agenda; first, second</p>\n<p>end</p>',
    });
    assert.deepEqual(parseICalendar(buildICalendar(e)), e);
    // A plain appointment keeps its defaults.
    assert.deepEqual(parseICalendar(buildICalendar(event({}))), event({}));
  });
  it('writes an iTIP method, and one occurrence (RECURRENCE-ID) of a series', () => {
    const text = buildICalendar(event({ status: 'CANCELLED' }), '2027-03-01T00:00:00Z', 'CANCEL', '2027-03-25T08:00:00Z');
    const calendar = new ICAL.Component(ICAL.parse(text));
    assert.equal(calendar.getFirstPropertyValue('method'), 'CANCEL');
    assert.ok(calendar.getFirstSubcomponent('vevent')!.hasProperty('recurrence-id'));
  });
});
