// VTIMEZONE components (RFC 5545 §3.6.5) for IANA zones, derived from the runtime's zone data (Intl).
import ICAL from 'ical.js';
import { offsetAt, type WallTime } from './time-zones.ts';

const SECOND = 1000;
const DAY = 86_400_000;
/** Margin around the requested range: a client may show a series a little beyond it. */
const MARGIN = 366 * DAY;
/**
 * Longest span scanned for transitions. A VTIMEZONE grows with every transition it lists, and an
 * open-ended series would otherwise ask for centuries; past the span, a yearly rule still in force
 * is left open-ended (RRULE without UNTIL) so clients extrapolate it as tzdata itself does.
 */
const MAX_SPAN = Math.round(30 * 365.25 * DAY);
/**
 * Sampling step of the transition search. Offset changes closer together than this could hide
 * each other; no zone has had any since 1970 (the shortest, Morocco's Ramadan suspensions, last
 * about a month).
 */
const SAMPLE_STEP = 7 * DAY;

/** One change of a zone's UTC offset. Offsets are in ms. */
interface Transition {
  /** First UTC instant (whole seconds) with the new offset. */
  atMs: number;
  from: number;
  to: number;
  daylight: boolean;
  name: string;
  /** Local wall time of the change in the old offset, as RFC 5545 wants for DTSTART. */
  start: WallTime;
}

/** A STANDARD or DAYLIGHT subcomponent: one onset, or a yearly rule from `start` on. */
interface Observance {
  daylight: boolean;
  from: number;
  to: number;
  name: string;
  start: WallTime;
  rrule?: string;
}

/**
 * The VTIMEZONE of an IANA zone covering [fromMs, toMs] (UTC ms), as an ical.js component.
 *
 * The offset transitions are found with Intl from one year before `fromMs` through one year after
 * `toMs`, at most 30 years from the start (see MAX_SPAN). Transitions repeating on the same
 * weekday rule year after year become one yearly RRULE component; the others are listed one by
 * one. A first component dated 1970 holds the offset in force when the scanned span begins, so
 * times before the first listed transition are not read as UTC by ical.js (which it does when no
 * observance precedes them); a zone without transitions gets only that component.
 * Throws a RangeError for a zone Intl doesn't know.
 */
export function vtimezoneFor(zone: string, fromMs: number, toMs: number): ICAL.Component {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) throw new RangeError('vtimezoneFor: fromMs and toMs must be finite');
  const scanStart = Math.floor((Math.min(fromMs, toMs) - MARGIN) / SECOND) * SECOND;
  const scanEnd = Math.min(Math.max(fromMs, toMs) + MARGIN, scanStart + MAX_SPAN);

  const initialOffset = offsetAt(scanStart, zone);
  const observances: Observance[] = [{
    daylight: isDaylight(zone, initialOffset, scanStart),
    from: initialOffset,
    to: initialOffset,
    name: zoneName(zone, scanStart, initialOffset),
    start: { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 },
  }];
  observances.push(...compress(findTransitions(zone, scanStart, scanEnd), scanEnd));

  const vtimezone = new ICAL.Component('vtimezone');
  vtimezone.addPropertyWithValue('tzid', zone);
  // Lets libical-based clients (Evolution, older Thunderbird) map the zone back to its IANA name.
  vtimezone.addPropertyWithValue('x-lic-location', zone);
  for (const o of observances) vtimezone.addSubcomponent(observanceComponent(o));
  return vtimezone;
}

/** Every offset change in (startMs, endMs], found by sampling and bisecting to the second. */
function findTransitions(zone: string, startMs: number, endMs: number): Transition[] {
  const transitions: Transition[] = [];
  let a = startMs;
  let offsetA = offsetAt(a, zone);
  while (a < endMs) {
    const b = Math.min(a + SAMPLE_STEP, endMs);
    const offsetB = offsetAt(b, zone);
    // Loop in case two changes fall into one step: each bisection finds one and the rest of the
    // step is searched again from it.
    while (offsetA !== offsetB) {
      let lo = a;
      let hi = b;
      while (hi - lo > SECOND) {
        const mid = lo + Math.floor((hi - lo) / 2 / SECOND) * SECOND;
        if (offsetAt(mid, zone) === offsetA) lo = mid;
        else hi = mid;
      }
      const to = offsetAt(hi, zone);
      transitions.push({ atMs: hi, from: offsetA, to, daylight: isDaylight(zone, to, hi), name: zoneName(zone, hi, to), start: utcFields(hi + offsetA) });
      a = hi;
      offsetA = to;
    }
    a = b;
  }
  return transitions;
}

/**
 * Whether an offset is daylight-saving time: above the zone's standard offset (the lower of its
 * January and July offsets, which covers both hemispheres) in this year and in the next. The
 * second year keeps a permanent move to a larger standard offset (Caracas 2016, Pyongyang 2018)
 * from being labelled daylight time.
 */
function isDaylight(zone: string, offset: number, atMs: number): boolean {
  const year = new Date(atMs).getUTCFullYear();
  return offset > standardOffset(zone, year) && offset > standardOffset(zone, year + 1);
}

function standardOffset(zone: string, year: number): number {
  return Math.min(offsetAt(Date.UTC(year, 0, 1), zone), offsetAt(Date.UTC(year, 6, 1), zone));
}

/**
 * English locales whose CLDR data has zone abbreviations of their region (en-US: EST, en-GB: CET,
 * en-AU: AEST, en-IN: IST); other locales print "GMT+1", which is no name at all.
 */
const NAME_LOCALES = ['en-US', 'en-GB', 'en-AU', 'en-IN'];
const nameFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's abbreviation at an instant (e.g. "CEST"), or the offset as tzdata writes it ("+0530"). */
function zoneName(zone: string, atMs: number, offset: number): string {
  for (const locale of NAME_LOCALES) {
    const key = `${locale} ${zone}`;
    let f = nameFormatters.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' });
      nameFormatters.set(key, f);
    }
    const name = f.formatToParts(new Date(atMs)).find((p) => p.type === 'timeZoneName')?.value;
    if (!name || /^(GMT|UTC)[+-−]/.test(name)) continue;
    // A bare "GMT"/"UTC" is only a true name at offset zero (it also stands for unknown zones).
    if ((name === 'GMT' || name === 'UTC') && offset !== 0) continue;
    return name;
  }
  return offsetName(offset);
}

function offsetName(offset: number): string {
  const minutes = Math.round(Math.abs(offset) / 60_000);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = minutes % 60 ? String(minutes % 60).padStart(2, '0') : '';
  return `${offset < 0 ? '-' : '+'}${hh}${mm}`;
}

/** Fields of a UTC instant; applied to "instant + offset" this is the wall time at that offset. */
function utcFields(ms: number): WallTime {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const weekdayOf = (w: WallTime) => new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay();

/** The BYDAY ordinals that name this day: its week in the month (1–4) and -1 if it is the last. */
function ordinals(w: WallTime): number[] {
  const result: number[] = [];
  // A 5th weekday does not exist every year, so it cannot be a yearly rule.
  if (w.day <= 28) result.push(Math.ceil(w.day / 7));
  if (w.day > daysInMonth(w.year, w.month) - 7) result.push(-1);
  return result;
}

/** Day of the month of the `ordinal`-th (or, for -1, last) `weekday` (0 = Sunday). */
function dayOf(year: number, month: number, weekday: number, ordinal: number): number {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  if (ordinal > 0) return 1 + ((weekday - first + 7) % 7) + 7 * (ordinal - 1);
  const last = daysInMonth(year, month);
  const lastWeekday = (first + last - 1) % 7;
  return last - ((lastWeekday - weekday + 7) % 7);
}

interface Run {
  items: Transition[];
  ordinals: number[];
}

/**
 * Turns transitions into observances: a run of same-kind changes in consecutive years, at the same
 * local time on the same weekday ordinal of the same month, becomes one yearly RRULE. That is the
 * shape Outlook and Exchange map onto their own zone rules, and it keeps the component small. A
 * rule still expected after the scanned span stays open-ended; one that stopped inside it gets
 * UNTIL at its last onset. Anything else is listed as a single onset.
 */
function compress(transitions: Transition[], scanEnd: number): Observance[] {
  const runs: Run[] = [];
  const open = new Map<string, Run>();
  for (const t of transitions) {
    const s = t.start;
    const key = [t.daylight, t.from, t.to, t.name, s.month, weekdayOf(s), s.hour, s.minute, s.second].join('|');
    const run = open.get(key);
    const last = run?.items[run.items.length - 1];
    const shared = run ? run.ordinals.filter((o) => ordinals(s).includes(o)) : [];
    if (run && last && last.start.year === s.year - 1 && shared.length) {
      run.items.push(t);
      run.ordinals = shared;
    } else {
      const fresh = { items: [t], ordinals: ordinals(s) };
      runs.push(fresh);
      open.set(key, fresh);
    }
  }

  const observances: Observance[] = [];
  for (const { items, ordinals: shared } of runs) {
    const first = items[0];
    const observance: Observance = { daylight: first.daylight, from: first.from, to: first.to, name: first.name, start: first.start };
    if (items.length >= 2) {
      const s = first.start;
      const last = items[items.length - 1];
      // "Last Sunday" is the common rule when a run fits both readings.
      const ordinal = shared.includes(-1) ? -1 : Math.min(...shared);
      const weekday = weekdayOf(s);
      let rrule = `FREQ=YEARLY;BYMONTH=${s.month};BYDAY=${ordinal}${WEEKDAYS[weekday]}`;
      const nextYear = last.start.year + 1;
      const next = Date.UTC(nextYear, s.month - 1, dayOf(nextYear, s.month, weekday, ordinal), s.hour, s.minute, s.second) - first.from;
      // The next onset was inside the span and did not happen: the rule ended. (UNTIL is UTC in a
      // VTIMEZONE, RFC 5545 §3.8.5.3.)
      if (next <= scanEnd) rrule += `;UNTIL=${utcStamp(last.atMs)}`;
      observance.rrule = rrule;
    }
    observances.push(observance);
  }
  return observances.sort((x, y) => wallMs(x.start) - wallMs(y.start));
}

const wallMs = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

function utcStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function observanceComponent(o: Observance): ICAL.Component {
  const c = new ICAL.Component(o.daylight ? 'daylight' : 'standard');
  c.addPropertyWithValue('tzname', o.name);
  c.addPropertyWithValue('dtstart', ICAL.Time.fromData({ ...o.start, isDate: false }));
  c.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromSeconds(o.from / SECOND));
  c.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromSeconds(o.to / SECOND));
  if (o.rrule) c.addPropertyWithValue('rrule', ICAL.Recur.fromString(o.rrule));
  return c;
}
