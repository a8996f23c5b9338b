// Unit tests of src/core/calendar/vtimezone.ts: generated VTIMEZONEs, written out and read back by ical.js, agree with Intl.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { vtimezoneFor } from '../../../src/core/calendar/vtimezone.ts';
import { offsetAt, wallTimeAt, type WallTime } from '../../../src/core/calendar/time-zones.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const at = (isoText: string) => Date.parse(isoText);
const iso = (ms: number) => new Date(ms).toISOString();
const fieldsOf = (ms: number): WallTime => {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
};
const wallText = (w: WallTime) => `${w.year}-${w.month}-${w.day} ${w.hour}:${w.minute}:${w.second}`;

interface Change {
  atMs: number;
  from: number;
  to: number;
}

/** Offset changes in [fromMs, toMs], found independently of the module (6-hourly samples, bisected to the second). */
function changesIn(zone: string, fromMs: number, toMs: number): Change[] {
  const changes: Change[] = [];
  let a = Math.floor(fromMs / SECOND) * SECOND;
  while (a < toMs) {
    const b = a + 6 * HOUR;
    const from = offsetAt(a, zone);
    if (offsetAt(b, zone) !== from) {
      let lo = a;
      let hi = b;
      while (hi - lo > SECOND) {
        const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
        if (offsetAt(mid, zone) === from) lo = mid;
        else hi = mid;
      }
      changes.push({ atMs: hi, from, to: offsetAt(hi, zone) });
    }
    a = b;
  }
  return changes;
}

/** A VCALENDAR with a VEVENT at `startMs` in `zone` and the zone's VTIMEZONE, as text and parsed back. */
function roundTrip(zone: string, startMs: number, fromMs: number, toMs: number) {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', '-//Deputy//Test//EN');
  calendar.addPropertyWithValue('version', '2.0');
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', 'u1');
  for (const [name, ms] of [['dtstart', startMs], ['dtend', startMs + HOUR]] as const) {
    const prop = new ICAL.Property(name, vevent);
    prop.setValue(ICAL.Time.fromData({ ...wallTimeAt(ms, zone), isDate: false }));
    prop.setParameter('tzid', zone);
    vevent.addProperty(prop);
  }
  calendar.addSubcomponent(vtimezoneFor(zone, fromMs, toMs));
  calendar.addSubcomponent(vevent);
  const text = calendar.toString();
  const parsed = new ICAL.Component(ICAL.parse(text));
  const vtimezone = parsed.getFirstSubcomponent('vtimezone');
  assert.ok(vtimezone, 'has a VTIMEZONE');
  return { text, parsed, vtimezone, timezone: new ICAL.Timezone(vtimezone) };
}

/** The UTC instant ical.js gives a wall time in its zone. */
function icalInstant(timezone: ICAL.Timezone, w: WallTime): number {
  return ICAL.Time.fromData({ ...w, isDate: false }, timezone).toUnixTime() * SECOND;
}

/**
 * Checks ical.js's reading of the zone against Intl over [fromMs, toMs]: local times of instants
 * sampled every 5 hours and around each change must give back the same instant and offset; a
 * repeated local time may give either of its instants (ical.js takes the later one, RFC 5545 the
 * earlier); a skipped local time must use the offset of one side of the gap (ical.js takes the
 * later one, RFC 5545 the earlier). Returns the changes checked.
 */
function assertAgreesWithIntl(zone: string, timezone: ICAL.Timezone, fromMs: number, toMs: number): Change[] {
  const changes = changesIn(zone, fromMs, toMs);
  const instants: number[] = [];
  for (let t = Math.floor(fromMs / SECOND) * SECOND; t <= toMs; t += 5 * HOUR) instants.push(t);
  for (const c of changes) {
    for (const d of [-DAY, -2 * HOUR, -HOUR - SECOND, -HOUR, -30 * MINUTE, -SECOND, 0, SECOND, 30 * MINUTE, HOUR, HOUR + SECOND, 2 * HOUR, DAY]) instants.push(c.atMs + d);
  }
  for (const t of instants) {
    const w = wallTimeAt(t, zone);
    const u = icalInstant(timezone, w);
    const message = `${zone}: ${wallText(w)} (${iso(t)}) read by ical.js as ${iso(u)}`;
    assert.deepEqual(wallTimeAt(u, zone), w, message);
    assert.equal(ICAL.Time.fromData({ ...w, isDate: false }, timezone).utcOffset() * SECOND, offsetAt(u, zone), message);
    if (u !== t) {
      // Only a repeated local time has a second instant: right by a change that turns clocks back.
      const repeat = changes.find((c) => c.to < c.from && Math.abs(t - c.atMs) <= c.from - c.to && Math.abs(u - t) === c.from - c.to);
      assert.ok(repeat, message);
    }
  }
  for (const c of changes) {
    const before = c.atMs + c.from;
    const after = c.atMs + c.to;
    // Local times in [min, max) of the two readings of the change's moment are skipped or repeated.
    for (const local of [Math.min(before, after), (before + after) / 2, Math.max(before, after) - SECOND]) {
      const u = icalInstant(timezone, fieldsOf(local));
      const message = `${zone}: ${wallText(fieldsOf(local))} around ${iso(c.atMs)} read by ical.js as ${iso(u)}`;
      assert.ok(u === local - c.from || u === local - c.to, message);
      if (c.to < c.from) assert.deepEqual(wallTimeAt(u, zone), fieldsOf(local), message);
    }
  }
  return changes;
}

const observances = (vtimezone: ICAL.Component) => vtimezone.getAllSubcomponents().map((c) => ({
  kind: c.name,
  dtstart: String(c.getFirstPropertyValue('dtstart')),
  from: String(c.getFirstPropertyValue('tzoffsetfrom')),
  to: String(c.getFirstPropertyValue('tzoffsetto')),
  name: String(c.getFirstPropertyValue('tzname')),
  rrule: c.getFirstPropertyValue('rrule')?.toString() ?? null,
}));

describe('vtimezoneFor read back by ical.js', () => {
  const cases: Array<{ zone: string; from: string; to: string; changes: number; note?: string }> = [
    { zone: 'Europe/Berlin', from: '2024-01-01', to: '2028-12-31', changes: 10 },
    { zone: 'America/New_York', from: '2024-01-01', to: '2028-12-31', changes: 10 },
    { zone: 'America/New_York', from: '2005-01-01', to: '2009-12-31', changes: 10, note: 'US rules changed in 2007' },
    { zone: 'Australia/Sydney', from: '2024-01-01', to: '2028-12-31', changes: 10, note: 'southern hemisphere' },
    { zone: 'Asia/Kolkata', from: '2024-01-01', to: '2028-12-31', changes: 0, note: '+05:30, no DST' },
    { zone: 'Asia/Tokyo', from: '2024-01-01', to: '2028-12-31', changes: 0 },
    { zone: 'America/Sao_Paulo', from: '2017-01-01', to: '2021-12-31', changes: 5, note: 'DST dropped in 2019' },
    { zone: 'Europe/London', from: '2024-01-01', to: '2026-12-31', changes: 6 },
    { zone: 'Pacific/Auckland', from: '2024-01-01', to: '2026-12-31', changes: 6 },
  ];
  for (const { zone, from, to, changes, note } of cases) {
    it(`${zone} ${from} – ${to}${note ? ` (${note})` : ''}`, () => {
      const fromMs = at(`${from}T00:00:00Z`);
      const toMs = at(`${to}T23:59:59Z`);
      const startMs = fromMs + 10 * DAY + 9 * HOUR;
      const { text, parsed, vtimezone, timezone } = roundTrip(zone, startMs, fromMs, toMs);
      assert.equal(vtimezone.getFirstPropertyValue('tzid'), zone);
      assert.equal(vtimezone.getFirstPropertyValue('x-lic-location'), zone);
      assert.ok(text.indexOf('BEGIN:VTIMEZONE') < text.indexOf('BEGIN:VEVENT'), 'VTIMEZONE before VEVENT');
      // The requested range plus most of the year of margin on each side.
      const checked = assertAgreesWithIntl(zone, timezone, fromMs - 300 * DAY, toMs + 300 * DAY);
      assert.equal(changesIn(zone, fromMs, toMs).length, changes);
      if (changes) assert.ok(checked.some((c) => c.to > c.from) && checked.some((c) => c.to < c.from), 'skipped and repeated hours were checked');

      // The VEVENT's TZID resolves to the zone once it is registered, as a client would do.
      ICAL.TimezoneService.register(timezone);
      try {
        const dtstart = parsed.getFirstSubcomponent('vevent')?.getFirstPropertyValue('dtstart');
        assert.ok(dtstart instanceof ICAL.Time);
        assert.equal(dtstart.zone?.tzid, zone);
        assert.equal(dtstart.toUnixTime() * SECOND, startMs);
      } finally {
        ICAL.TimezoneService.remove(zone);
      }
    });
  }

  it('writes RFC 5545 onsets: local time in the old offset, DAYLIGHT above the standard offset', () => {
    const berlin = observances(vtimezoneFor('Europe/Berlin', at('2027-01-01T00:00:00Z'), at('2027-12-31T00:00:00Z')));
    assert.deepEqual(berlin, [
      { kind: 'standard', dtstart: '1970-01-01T00:00:00', from: '+01:00', to: '+01:00', name: 'CET', rrule: null },
      { kind: 'daylight', dtstart: '2026-03-29T02:00:00', from: '+01:00', to: '+02:00', name: 'CEST', rrule: 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU' },
      { kind: 'standard', dtstart: '2026-10-25T03:00:00', from: '+02:00', to: '+01:00', name: 'CET', rrule: 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU' },
    ]);
    const sydney = observances(vtimezoneFor('Australia/Sydney', at('2027-01-01T00:00:00Z'), at('2027-12-31T00:00:00Z')));
    assert.deepEqual(sydney.slice(1).map((o) => [o.kind, o.dtstart, o.from, o.to, o.name]), [
      ['standard', '2026-04-05T03:00:00', '+11:00', '+10:00', 'AEST'],
      ['daylight', '2026-10-04T02:00:00', '+10:00', '+11:00', 'AEDT'],
    ]);
    const kolkata = observances(vtimezoneFor('Asia/Kolkata', at('2027-01-01T00:00:00Z'), at('2027-12-31T00:00:00Z')));
    assert.deepEqual(kolkata, [{ kind: 'standard', dtstart: '1970-01-01T00:00:00', from: '+05:30', to: '+05:30', name: 'IST', rrule: null }]);
  });

  it('ends a rule that stopped (UNTIL) so later times keep the last offset', () => {
    const { vtimezone, timezone } = roundTrip('America/Sao_Paulo', at('2017-03-01T12:00:00Z'), at('2017-01-01T00:00:00Z'), at('2021-12-31T00:00:00Z'));
    const lastOnset = Math.max(...observances(vtimezone).map((o) => Date.parse(`${o.dtstart}Z`)));
    assert.ok(lastOnset < at('2019-01-01T00:00:00Z'), 'no onset after the 2018/19 summer');
    assert.ok(observances(vtimezone).filter((o) => o.rrule).every((o) => o.rrule?.includes('UNTIL=')));
    for (const isoText of ['2019-11-03T12:00:00Z', '2025-01-15T12:00:00Z', '2035-01-15T12:00:00Z']) {
      assert.equal(icalInstant(timezone, wallTimeAt(at(isoText), 'America/Sao_Paulo')), at(isoText), isoText);
    }
  });

  it('leaves a rule still in force open-ended, so clients extrapolate it past the range', () => {
    const { timezone } = roundTrip('Europe/Berlin', at('2027-05-01T08:00:00Z'), at('2027-05-01T00:00:00Z'), at('2027-06-01T00:00:00Z'));
    assertAgreesWithIntl('Europe/Berlin', timezone, at('2044-01-01T00:00:00Z'), at('2046-01-01T00:00:00Z'));
  });

  it('caps the scanned span at 30 years and follows rule changes inside it', () => {
    const fromMs = at('1990-01-01T00:00:00Z');
    const vtimezone = vtimezoneFor('Europe/Berlin', fromMs, at('2100-01-01T00:00:00Z'));
    const onsets = observances(vtimezone).map((o) => Date.parse(`${o.dtstart}Z`));
    assert.ok(Math.max(...onsets) < fromMs + 30 * 366 * DAY);
    const timezone = new ICAL.Timezone(new ICAL.Component(ICAL.parse(vtimezone.toString())));
    // The EU moved the end of summer time from September to October in 1996.
    const changes = assertAgreesWithIntl('Europe/Berlin', timezone, at('1993-01-01T00:00:00Z'), at('1999-01-01T00:00:00Z'));
    assert.ok(changes.some((c) => new Date(c.atMs).getUTCMonth() === 8) && changes.some((c) => new Date(c.atMs).getUTCMonth() === 9));
    assertAgreesWithIntl('Europe/Berlin', timezone, at('2030-01-01T00:00:00Z'), at('2031-01-01T00:00:00Z'));
  });

  it('gives UTC a single fixed observance', () => {
    const vtimezone = vtimezoneFor('UTC', at('2027-01-01T00:00:00Z'), at('2027-12-31T00:00:00Z'));
    assert.deepEqual(observances(vtimezone), [{ kind: 'standard', dtstart: '1970-01-01T00:00:00', from: '+00:00', to: '+00:00', name: 'UTC', rrule: null }]);
    const timezone = new ICAL.Timezone(new ICAL.Component(ICAL.parse(vtimezone.toString())));
    assertAgreesWithIntl('UTC', timezone, at('2027-01-01T00:00:00Z'), at('2027-03-01T00:00:00Z'));
  });

  it('rejects zones Intl does not know', () => {
    assert.throws(() => vtimezoneFor('Mars/Olympus_Mons', 0, DAY), RangeError);
  });
});
