// The legacy time zone of the availability service (t:SerializableTimeZone, Windows'
// TIME_ZONE_INFORMATION): a bias and two yearly transition rules. Requests use it to say which
// zone their times without offset are in; responses use it to describe working hours. Also the
// clock both kinds of zone (legacy and IANA) share: an offset at each instant, and back.
import { offsetAt, type WallTime } from './time-zones.ts';
import { weekdays, type Weekday } from './working-hours.ts';

/** One yearly change: the `dayOrder`th (5 = last) `dayOfWeek` of `month` at local `time`. Month 0: no change. */
export interface LegacyTransition {
  /** Minutes added to the zone's bias while this period lasts. */
  bias: number;
  /** HH:MM:SS, local time before the change. */
  time: string;
  dayOrder: number;
  month: number;
  dayOfWeek: Weekday;
}

export interface LegacyTimeZone {
  /** Minutes to add to local time to get UTC (west of Greenwich is positive, as in Windows). */
  bias: number;
  standard: LegacyTransition;
  daylight: LegacyTransition;
}

/** A zone as the offset from UTC (ms, east positive) in force at each UTC instant. */
export interface ZoneClock {
  offsetAt(utcMs: number): number;
}

const minute = 60_000;
const noChange = (): LegacyTransition => ({ bias: 0, time: '00:00:00', dayOrder: 0, month: 0, dayOfWeek: 'Sunday' });

export const utcLegacyZone: LegacyTimeZone = { bias: 0, standard: noChange(), daylight: noChange() };

export function hasDaylightTime(zone: LegacyTimeZone): boolean {
  return zone.standard.month !== 0 && zone.daylight.month !== 0;
}

/** The UTC instant a rule's change happens in `year`, given the offset in force before it. */
function transitionUtc(rule: LegacyTransition, year: number, offsetBeforeMs: number): number {
  const [h, m, s] = rule.time.split(':').map((n) => Number(n) || 0);
  const firstOfMonth = new Date(Date.UTC(year, rule.month - 1, 1)).getUTCDay();
  const weekday = weekdays.indexOf(rule.dayOfWeek);
  let day = 1 + ((weekday - firstOfMonth + 7) % 7) + 7 * (Math.min(Math.max(rule.dayOrder, 1), 5) - 1);
  const daysInMonth = new Date(Date.UTC(year, rule.month, 0)).getUTCDate();
  while (day > daysInMonth) day -= 7;
  return Date.UTC(year, rule.month - 1, day, h, m, s) - offsetBeforeMs;
}

export function legacyClock(zone: LegacyTimeZone): ZoneClock {
  const standardOffset = -(zone.bias + zone.standard.bias) * minute;
  const daylightOffset = -(zone.bias + zone.daylight.bias) * minute;
  if (!hasDaylightTime(zone)) return { offsetAt: () => standardOffset };
  return {
    offsetAt(utcMs: number): number {
      const year = new Date(utcMs + standardOffset).getUTCFullYear();
      const daylightStarts = transitionUtc(zone.daylight, year, standardOffset);
      const daylightEnds = transitionUtc(zone.standard, year, daylightOffset);
      // Southern-hemisphere zones have their daylight period across the new year.
      const inDaylight = daylightStarts < daylightEnds ? utcMs >= daylightStarts && utcMs < daylightEnds : utcMs >= daylightStarts || utcMs < daylightEnds;
      return inDaylight ? daylightOffset : standardOffset;
    },
  };
}

export function ianaClock(zone: string): ZoneClock {
  return { offsetAt: (utcMs) => offsetAt(utcMs, zone) };
}

const asUtcMs = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The local wall time at an instant, as xs:dateTime without offset (how availability answers). */
export function localDateTime(clock: ZoneClock, utcMs: number): string {
  return new Date(utcMs + clock.offsetAt(utcMs)).toISOString().slice(0, 19);
}

/** The instant of a local wall time; a skipped time moves forward by the gap, an ambiguous one takes the first instant. */
export function utcOfLocal(clock: ZoneClock, wall: WallTime): number {
  const guess = asUtcMs(wall);
  const candidates = [guess - clock.offsetAt(guess - 86_400_000), guess - clock.offsetAt(guess + 86_400_000), guess - clock.offsetAt(guess)];
  const exact = candidates.filter((t) => t + clock.offsetAt(t) === guess);
  if (exact.length) return Math.min(...exact);
  return guess - clock.offsetAt(guess - 86_400_000);
}

/**
 * An IANA zone as a legacy zone, from the changes it makes in `year` (found by scanning the year).
 * Standard time is the smaller offset; a zone without changes that year has none.
 */
export function legacyZoneOfIana(zone: string, year: number): LegacyTimeZone {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const changes: Array<{ at: number; before: number; after: number }> = [];
  const day = 86_400_000;
  for (let t = start; t < end; t += day) {
    const before = offsetAt(t, zone);
    const after = offsetAt(t + day, zone);
    if (before === after) continue;
    // Narrow to the minute: offsets change on whole minutes.
    let lo = t;
    let hi = t + day;
    while (hi - lo > minute) {
      const mid = lo + Math.floor((hi - lo) / 2 / minute) * minute;
      if (offsetAt(mid, zone) === before) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi, before, after });
  }
  const offsets = changes.length ? changes.flatMap((c) => [c.before, c.after]) : [offsetAt(start, zone)];
  const standardOffset = Math.min(...offsets);
  const daylightOffset = Math.max(...offsets);
  // `|| 0`: UTC's bias is 0, not -0.
  const bias = -standardOffset / minute || 0;
  const toDaylight = changes.find((c) => c.after === daylightOffset && c.before === standardOffset);
  const toStandard = changes.find((c) => c.after === standardOffset && c.before === daylightOffset);
  if (!toDaylight || !toStandard || standardOffset === daylightOffset) return { bias, standard: noChange(), daylight: noChange() };
  return {
    bias,
    standard: { ...ruleOf(toStandard.at, toStandard.before), bias: 0 },
    daylight: { ...ruleOf(toDaylight.at, toDaylight.before), bias: -(daylightOffset - standardOffset) / minute },
  };
}

/** The rule that places a change at this instant: its local time (before the change) as nth weekday of the month. */
function ruleOf(utcMs: number, offsetBefore: number): Omit<LegacyTransition, 'bias'> {
  const local = new Date(utcMs + offsetBefore);
  const day = local.getUTCDate();
  const daysInMonth = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  return {
    time: local.toISOString().slice(11, 19),
    dayOrder: day + 7 > daysInMonth ? 5 : Math.ceil(day / 7),
    month: local.getUTCMonth() + 1,
    dayOfWeek: weekdays[local.getUTCDay()],
  };
}
