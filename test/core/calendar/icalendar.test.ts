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
  it('defines the zone of its times once, before the events (none for UTC)', () => {
    const names = (e: CalendarEvent) => new ICAL.Component(ICAL.parse(buildICalendar(e))).getAllSubcomponents().map((c) => `${c.name}:${String(c.getFirstPropertyValue(c.name === 'vtimezone' ? 'tzid' : 'uid'))}`);
    const series = event({ rrule: 'FREQ=DAILY;COUNT=5', overrides: [{ recurrenceId: '2027-03-24T08:00:00Z', subject: 'Moved' }] });
    assert.deepEqual(names(series), ['vtimezone:Europe/Berlin', 'vevent:u1', 'vevent:u1']);
    assert.deepEqual(names(event({ timeZone: 'UTC' })), ['vevent:u1']);
  });
  it('writes an iTIP method, and one occurrence (RECURRENCE-ID) of a series', () => {
    const text = buildICalendar(event({ status: 'CANCELLED' }), '2027-03-01T00:00:00Z', 'CANCEL', '2027-03-25T08:00:00Z');
    const calendar = new ICAL.Component(ICAL.parse(text));
    assert.equal(calendar.getFirstPropertyValue('method'), 'CANCEL');
    assert.ok(calendar.getFirstSubcomponent('vevent')!.hasProperty('recurrence-id'));
  });
});

describe('expansion of long-running series', () => {
  // The walk from DTSTART (a window from before the series never starts it anywhere else), cut to a window.
  const fromTheStart = (e: CalendarEvent, from: string, to: string) =>
    expandOccurrences(e, '1990-01-01T00:00:00Z', to).filter((o) => o.start < to && (o.end > from || (o.end === o.start && o.start >= from)));
  const dayOf = (isoText: string, zone = berlin) => {
    const w = wallTimeAt(Date.parse(isoText), zone);
    return new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();
  };

  it('expands a daily standup begun years ago over a week across the DST change, with its exceptions', () => {
    let e = event({ rrule: 'FREQ=DAILY', start: '2015-03-02T08:00:00Z', end: '2015-03-02T08:15:00Z' });
    e = withDeletedOccurrence(e, '2030-03-27T08:00:00Z');
    // One from two years before moved into the window, one in it moved out, one stretched into it.
    e = withModifiedOccurrence(e, { recurrenceId: '2028-03-28T07:00:00Z', start: '2030-03-28T12:00:00Z', end: '2030-03-28T13:00:00Z', subject: 'Moved in' });
    e = withModifiedOccurrence(e, { recurrenceId: '2030-03-29T08:00:00Z', start: '2030-04-05T08:00:00Z', end: '2030-04-05T08:15:00Z' });
    e = withModifiedOccurrence(e, { recurrenceId: '2030-03-20T08:00:00Z', end: '2030-03-25T10:00:00Z', subject: 'Long' });
    const occ = expandOccurrences(e, '2030-03-25T00:00:00Z', '2030-04-01T00:00:00Z');
    assert.deepEqual(occ.map((o) => [o.start, o.subject]), [
      ['2030-03-20T08:00:00Z', 'Long'],
      ['2030-03-25T08:00:00Z', 'Standup'],
      ['2030-03-26T08:00:00Z', 'Standup'],
      ['2030-03-28T08:00:00Z', 'Standup'],
      ['2030-03-28T12:00:00Z', 'Moved in'],
      ['2030-03-30T08:00:00Z', 'Standup'],
      ['2030-03-31T07:00:00Z', 'Standup'],
    ]);
    assert.deepEqual(occ, fromTheStart(e, '2030-03-25T00:00:00Z', '2030-04-01T00:00:00Z'));
  });
  it('keeps the weeks of a biweekly rule (WKST) and adds no occurrence on a DTSTART off its days', () => {
    // DTSTART is a Wednesday; Sunday and Tuesday every other week, weeks starting Monday or Sunday.
    for (const wkst of ['MO', 'SU']) {
      const e = event({ rrule: `FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=${wkst}`, start: '2015-01-07T08:00:00Z', end: '2015-01-07T09:00:00Z' });
      const occ = expandOccurrences(e, '2031-06-01T00:00:00Z', '2031-07-01T00:00:00Z');
      assert.deepEqual(occ, fromTheStart(e, '2031-06-01T00:00:00Z', '2031-07-01T00:00:00Z'));
      assert.ok(occ.length >= 4);
      for (const o of occ) {
        assert.ok([0, 2].includes(dayOf(o.start)), o.start);
        // Its week (from WKST) is DTSTART's week plus a multiple of two weeks.
        const weekStart = (t: number) => { const d = new Date(t); d.setUTCHours(0, 0, 0, 0); return d.getTime() - ((d.getUTCDay() - (wkst === 'MO' ? 1 : 0) + 7) % 7) * 86_400_000; };
        assert.equal(((weekStart(Date.parse(o.start)) - weekStart(Date.parse(e.start))) / (7 * 86_400_000)) % 2, 0, o.start);
      }
    }
    const monday = expandOccurrences(event({ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=MO', start: '2015-01-07T08:00:00Z', end: '2015-01-07T09:00:00Z' }), '2031-06-01T00:00:00Z', '2031-07-01T00:00:00Z');
    const sunday = expandOccurrences(event({ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,TU;WKST=SU', start: '2015-01-07T08:00:00Z', end: '2015-01-07T09:00:00Z' }), '2031-06-01T00:00:00Z', '2031-07-01T00:00:00Z');
    assert.notDeepEqual(monday.map((o) => o.start), sunday.map((o) => o.start));
    // Every third day on weekdays, from a Saturday: the days a shifted start lands on off them stay out.
    const daily = event({ rrule: 'FREQ=DAILY;INTERVAL=3;BYDAY=MO,TU,WE,TH,FR', start: '2016-01-02T08:00:00Z', end: '2016-01-02T08:30:00Z' });
    for (const from of ['2029-02-01T00:00:00Z', '2029-02-02T00:00:00Z', '2029-02-03T00:00:00Z']) {
      const to = new Date(Date.parse(from) + 21 * 86_400_000).toISOString();
      const occ = expandOccurrences(daily, from, to);
      assert.deepEqual(occ, fromTheStart(daily, from, to));
      assert.ok(occ.length >= 4 && occ.every((o) => ![0, 6].includes(dayOf(o.start))));
    }
  });
  it('walks all-day series, UNTIL and COUNT as from the start', () => {
    const allDay = event({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TH', isAllDay: true, start: '2014-09-01T00:00:00Z', end: '2014-09-02T00:00:00Z' });
    const occ = expandOccurrences(allDay, '2029-12-28T00:00:00Z', '2030-01-08T00:00:00Z');
    assert.deepEqual(occ.map((o) => o.start), ['2029-12-31T00:00:00Z', '2030-01-03T00:00:00Z', '2030-01-07T00:00:00Z']);
    const until = event({ rrule: 'FREQ=DAILY;UNTIL=20300105T080000Z', start: '2015-03-02T08:00:00Z', end: '2015-03-02T08:15:00Z' });
    assert.deepEqual(expandOccurrences(until, '2030-01-03T00:00:00Z', '2030-01-10T00:00:00Z').map((o) => o.start), ['2030-01-03T08:00:00Z', '2030-01-04T08:00:00Z']);
    assert.deepEqual(expandOccurrences(until, '2031-01-03T00:00:00Z', '2031-01-10T00:00:00Z'), []);
    // The 4000th day of a series begun on 2015-03-02 is 2026-02-11: COUNT counts from DTSTART.
    const count = event({ rrule: 'FREQ=DAILY;COUNT=4000', start: '2015-03-02T08:00:00Z', end: '2015-03-02T08:15:00Z' });
    assert.deepEqual(expandOccurrences(count, '2026-02-08T00:00:00Z', '2026-02-15T00:00:00Z').map((o) => o.start), ['2026-02-08T08:00:00Z', '2026-02-09T08:00:00Z', '2026-02-10T08:00:00Z', '2026-02-11T08:00:00Z']);
  });
  it('still ends where the walk from DTSTART hits its bound (50,000 occurrences)', () => {
    const old = event({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', timeZone: 'UTC', start: '1900-01-01T08:00:00Z', end: '1900-01-01T09:00:00Z' });
    // Day 50,000 of the series is 2036-11-22: a walk from DTSTART gets no further.
    assert.deepEqual(expandOccurrences(old, '2036-11-20T00:00:00Z', '2036-12-01T00:00:00Z').map((o) => o.start), ['2036-11-20T08:00:00Z', '2036-11-21T08:00:00Z', '2036-11-22T08:00:00Z']);
  });
});

describe('rules ical.js cannot expand', () => {
  const ics = (rrule: string) => ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'UID:x', 'DTSTART:20270323T090000Z', 'DTEND:20270323T100000Z', `RRULE:${rrule}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  it('refuses them when reading iCalendar, with the reason, instead of hanging or throwing later', () => {
    // 2027-03-23 is a Tuesday: every 7 days is a Tuesday, never a Monday (ical.js would loop forever).
    assert.throws(() => parseICalendar(ics('FREQ=DAILY;INTERVAL=7;BYDAY=MO')), /never falls on MO/);
    assert.throws(() => parseICalendar(ics('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30')), /No month 2 has day 30/);
    assert.throws(() => parseICalendar(ics('FREQ=WEEKLY;BYMONTHDAY=3')), /not valid/);
    assert.throws(() => parseICalendar(ics('FREQ=MONTHLY;BYMONTHDAY=32')), /BYMONTHDAY: invalid value/);
    assert.throws(() => parseICalendar(ics('FREQ=MINUTELY')), /not supported/);
    assert.equal(parseICalendar(ics('FREQ=DAILY;INTERVAL=7;BYDAY=TU')).rrule, 'FREQ=DAILY;INTERVAL=7;BYDAY=TU');
  });
  it('shows only the first occurrence of such a rule already stored, never hanging', () => {
    const stored = event({ rrule: 'FREQ=DAILY;INTERVAL=14;BYDAY=WE' });
    assert.equal(expandOccurrences(stored, '2027-01-01T00:00:00Z', '2028-01-01T00:00:00Z').length, 1);
  });
});
