// Property test of recurrence expansion over a window long after a series began: whatever point the
// walk starts from, a window's occurrences must be those of the walk from DTSTART, to the last field.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { expandOccurrences, meetingDefaults, type CalendarEvent, type CalendarOverride, type Occurrence } from '../../../src/core/calendar/icalendar.ts';
import { offsetAt, wallTimeAt, wallTimeToUtc } from '../../../src/core/calendar/time-zones.ts';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const ms = (text: string) => Date.parse(text);
const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
const weekdays = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
/** Before every generated series: a window from here never starts the walk anywhere but DTSTART. */
const allTime = '1990-01-01T00:00:00Z';

/** mulberry32: a small seeded PRNG, so every run checks the same cases. */
function prng(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}
type Random = ReturnType<typeof prng>;

const overlaps = (o: Occurrence, fromMs: number, toMs: number) => {
  const s = ms(o.start);
  const e = ms(o.end);
  return s < toMs && (e > fromMs || (e === s && s >= fromMs));
};

/** The instants in `year` where `zone`'s offset changes (to the day; the window is days long). */
const transitionCache = new Map<string, number[]>();
function transitions(zone: string, year: number): number[] {
  const key = `${zone}|${year}`;
  let found = transitionCache.get(key);
  if (!found) {
    found = [];
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += day) if (offsetAt(t, zone) !== offsetAt(t + day, zone)) found.push(t);
    transitionCache.set(key, found);
  }
  return found;
}

const untilText = (t: number, asDate: boolean) => {
  const s = new Date(t).toISOString();
  return asDate ? s.slice(0, 10).replace(/-/g, '') : `${s.slice(0, 19).replace(/[-:]/g, '')}Z`;
};

function randomSeries(r: Random): CalendarEvent {
  const timeZone = r.pick(zones);
  const isAllDay = r.chance(0.2);
  const [year, month, date] = [r.int(2015, 2021), r.int(1, 12), r.int(1, 28)];
  // Early-morning hours too, where the DST changes skip or repeat wall times.
  const wall = { year, month, day: date, hour: r.chance(0.3) ? r.pick([0, 1, 2, 3]) : r.int(0, 23), minute: r.pick([0, 15, 30, 45]), second: 0 };
  const start = isAllDay ? Date.UTC(year, month - 1, date) : wallTimeToUtc(wall, timeZone);
  const duration = isAllDay ? r.int(1, 3) * day : r.pick([0, 15, 30, 60, 90, 180, 600, 2 * 24 * 60, 9 * 24 * 60]) * minute;
  const freq = r.pick(['DAILY', 'WEEKLY']);
  const parts = [`FREQ=${freq}`];
  const interval = r.int(1, 4);
  if (interval > 1 || r.chance(0.2)) parts.push(`INTERVAL=${interval}`);
  if (r.chance(0.65)) {
    // Half with DTSTART on one of the BYDAY days, half off them.
    const startDay = weekdays[new Date(Date.UTC(year, month - 1, date)).getUTCDay()];
    const onDay = r.chance(0.5);
    const days = new Set(weekdays.filter(() => r.chance(0.4)));
    if (onDay) days.add(startDay);
    else days.delete(startDay);
    if (!days.size) days.add(weekdays[(weekdays.indexOf(startDay) + r.int(1, 6)) % 7]);
    parts.push(`BYDAY=${weekdays.filter((d) => days.has(d)).sort(() => r.next() - 0.5).join(',')}`);
  }
  if (r.chance(0.5)) parts.push(`WKST=${r.pick(weekdays)}`);
  // COUNT counts from DTSTART: such series must be walked from it (and still agree).
  if (r.chance(0.15)) parts.push(`COUNT=${r.int(50, 1500)}`);
  else if (r.chance(0.3)) parts.push(`UNTIL=${untilText(Date.UTC(r.int(2021, 2034), r.int(0, 11), r.int(1, 28), r.int(0, 23), r.pick([0, 59])), isAllDay && r.chance(0.7))}`);
  const rrule = [parts[0], ...parts.slice(1).sort(() => r.next() - 0.5)].join(';');
  return { ...meetingDefaults, uid: 'p', subject: 'Series', body: '', location: 'Room', start: iso(start), end: iso(start + duration), timeZone, isAllDay, rrule, exdates: [], overrides: [] };
}

function randomWindow(r: Random, series: CalendarEvent): [number, number] {
  const length = r.pick([hour, day, 7 * day, 7 * day, 31 * day, 35 * day]);
  switch (r.int(0, 4)) {
    case 0: {
      // Across a DST change of the series' zone.
      const year = r.int(2022, 2027);
      const changes = transitions(series.timeZone, year);
      if (changes.length) {
        const from = r.pick(changes) - r.int(0, 4 * 24) * hour;
        return [from, from + r.pick([day, 2 * day, 7 * day])];
      }
      break;
    }
    case 1: {
      // Across a year's end (week numbers and WKST weeks across it).
      const from = Date.UTC(r.int(2022, 2027), 11, r.int(20, 31), r.int(0, 23));
      return [from, from + r.pick([7 * day, 14 * day])];
    }
    case 2: {
      // A few periods after DTSTART: around the point where skipping starts.
      const from = ms(series.start) + r.int(0, 60) * day + r.int(-12, 12) * hour;
      return [from, from + r.pick([day, 7 * day])];
    }
  }
  const from = Date.UTC(r.int(2022, 2027), r.int(0, 11), r.int(1, 28), r.int(0, 23), r.pick([0, 15, 30]));
  return [from, from + length];
}

/** EXDATEs and overrides near the windows (and some long before), moved in and out of them. */
function withExceptions(r: Random, series: CalendarEvent, windows: Array<[number, number]>): CalendarEvent {
  // Candidates only (any RECURRENCE-ID would do): the occurrences near the windows and a while before.
  const base = expandOccurrences(series, iso(Math.min(...windows.map(([from]) => from)) - 3 * 365 * day), iso(Math.max(...windows.map(([, to]) => to)) + 60 * day));
  const duration = ms(series.end) - ms(series.start);
  const exdates: string[] = [];
  const overrides: CalendarOverride[] = [];
  for (const [from, to] of windows) {
    const near = base.filter((o) => ms(o.start) > from - 60 * day && ms(o.start) < to + 60 * day);
    const inside = near.filter((o) => overlaps(o, from, to));
    const before = near.filter((o) => ms(o.start) < from);
    const longBefore = base.filter((o) => ms(o.start) < from - 365 * day);
    for (let i = r.int(0, 2); i > 0 && near.length; i--) exdates.push(r.pick(r.chance(0.5) && inside.length ? inside : near).recurrenceId);
    if (r.chance(0.2)) exdates.push(iso(from + r.int(0, 1000) * minute));
    for (let i = r.int(0, 4); i > 0; i--) {
      const kind = r.int(0, 6);
      const pool = kind === 1 ? before : kind === 2 ? inside : kind === 5 ? longBefore : near;
      if (!pool.length) continue;
      const rid = ms(r.pick(pool).recurrenceId);
      const subject = r.chance(0.5) ? { subject: `Changed ${i}` } : {};
      let change: Partial<CalendarOverride>;
      switch (kind) {
        case 0: change = { start: iso(rid + r.int(-3, 3) * hour), end: iso(rid + r.int(-3, 3) * hour + duration) }; break;
        case 1: { const s = from + r.int(-120, Math.max(0, (to - from) / minute)) * minute; change = { start: iso(s), end: iso(s + r.int(0, 120) * minute) }; break; }
        case 2: { const s = to + r.int(-60, 10 * 24 * 60) * minute; change = { start: iso(s), end: iso(s + duration) }; break; }
        case 3: change = { end: iso(from + r.int(1, 600) * minute) }; break;
        case 4: change = r.chance(0.5) ? { start: iso(rid + r.int(-48, 48) * hour) } : { location: 'Elsewhere' }; break;
        case 5: { const s = from + r.int(0, Math.max(0, (to - from) / minute)) * minute; change = { start: iso(s), end: iso(s + 30 * minute) }; break; }
        default: change = { start: iso(rid + r.int(-90, 90) * day), end: iso(rid + r.int(-90, 90) * day + duration) };
      }
      overrides.push({ recurrenceId: iso(rid), ...subject, ...change });
    }
  }
  return { ...series, exdates, overrides };
}

/** What expandOccurrences(event, from, to, limit) must answer, from the walk from DTSTART. */
function expected(all: Occurrence[], from: number, to: number, limit: number): Occurrence[] {
  const inWindow = all.filter((o) => overlaps(o, from, to));
  if (limit === Infinity) return inWindow;
  // The first `limit` by the rule (rule starts are in rule order for DAILY and WEEKLY), by start.
  return [...inWindow].sort((a, b) => ms(a.recurrenceId) - ms(b.recurrenceId)).slice(0, limit).sort((a, b) => ms(a.start) - ms(b.start));
}

const wallMsOf = (t: ICAL.Time) => Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);

describe('expansion over a window long after the series began', () => {
  it('answers as the walk from DTSTART does, for random DAILY and WEEKLY series, windows, EXDATEs and overrides', () => {
    const r = prng(20_270_323);
    // Watch where ical.js is asked to start, to see the walks that skipped do so by whole periods.
    const iterator = ICAL.Recur.prototype.iterator;
    let walkStart: ICAL.Time | null = null;
    ICAL.Recur.prototype.iterator = function (this: ICAL.Recur, start: ICAL.Time) {
      walkStart = start;
      return iterator.call(this, start);
    };
    let cases = 0;
    let skipped = 0;
    let nonEmpty = 0;
    try {
      for (let n = 0; n < 64; n++) {
        const series = randomSeries(r);
        const windows = Array.from({ length: 8 }, () => randomWindow(r, series));
        const event = withExceptions(r, series, windows);
        const maxTo = Math.max(...windows.map(([, to]) => to));
        const all = expandOccurrences(event, allTime, iso(maxTo));
        const rule = ICAL.Recur.fromString(series.rrule!);
        const period = rule.interval * (rule.freq === 'WEEKLY' ? 7 : 1) * day;
        const dtstartWall = wallTimeAt(ms(series.start), series.isAllDay ? 'UTC' : series.timeZone);
        const dtstartMs = Date.UTC(dtstartWall.year, dtstartWall.month - 1, dtstartWall.day, series.isAllDay ? 0 : dtstartWall.hour, series.isAllDay ? 0 : dtstartWall.minute, series.isAllDay ? 0 : dtstartWall.second);
        for (const [from, to] of windows) {
          const limit = r.chance(0.15) ? r.int(1, 3) : Infinity;
          const got = expandOccurrences(event, iso(from), iso(to), limit);
          const want = expected(all, from, to, limit);
          assert.deepEqual(got, want, `${JSON.stringify(event)} over ${iso(from)}..${iso(to)} (limit ${limit})`);
          cases++;
          if (want.length) nonEmpty++;
          const startedAt = wallMsOf(walkStart!);
          if (startedAt !== dtstartMs) {
            skipped++;
            assert.equal((startedAt - dtstartMs) % period, 0, 'a walk skips whole periods');
            assert.ok(startedAt < from, 'a walk starts before its window');
          }
        }
      }
    } finally {
      ICAL.Recur.prototype.iterator = iterator;
    }
    // The cases must exercise both the skipping walk and the walk from DTSTART, and find occurrences.
    assert.ok(skipped > cases * 0.4, `${skipped} of ${cases} walks skipped`);
    assert.ok(skipped < cases, 'some walks start at DTSTART');
    assert.ok(nonEmpty > cases / 2, `${nonEmpty} of ${cases} windows have occurrences`);
  });
});
