// Time zones of calendar items: Windows ids (as EWS names them in StartTimeZone and TimeZoneContext)
// mapped to IANA ids, and conversions between a wall-clock time in a zone and UTC using the
// runtime's ICU data (Intl), so daylight-saving changes follow the IANA rules.

/** Common Windows time zone ids and their IANA equivalents (CLDR windowsZones, territory 001). */
const windowsToIanaTable: Readonly<Record<string, string>> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'Greenwich Standard Time': 'Atlantic/Reykjavik',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'Romance Standard Time': 'Europe/Paris',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'GTB Standard Time': 'Europe/Bucharest',
  'Russian Standard Time': 'Europe/Moscow',
  'Turkey Standard Time': 'Europe/Istanbul',
  'Israel Standard Time': 'Asia/Jerusalem',
  'Arabian Standard Time': 'Asia/Dubai',
  'India Standard Time': 'Asia/Kolkata',
  'China Standard Time': 'Asia/Shanghai',
  'Singapore Standard Time': 'Asia/Singapore',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'Korea Standard Time': 'Asia/Seoul',
  'AUS Eastern Standard Time': 'Australia/Sydney',
  'New Zealand Standard Time': 'Pacific/Auckland',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'US Mountain Standard Time': 'America/Phoenix',
  'Pacific Standard Time': 'America/Los_Angeles',
  'Alaskan Standard Time': 'America/Anchorage',
  'Hawaiian Standard Time': 'Pacific/Honolulu',
  'Atlantic Standard Time': 'America/Halifax',
  'E. South America Standard Time': 'America/Sao_Paulo',
  'SA Pacific Standard Time': 'America/Bogota',
  'South Africa Standard Time': 'Africa/Johannesburg',
};

/** The IANA id for a Windows time zone id (IANA ids pass through), or null when unknown. */
export function windowsToIana(id: string): string | null {
  const mapped = windowsToIanaTable[id];
  if (mapped) return mapped;
  return isIanaZone(id) ? id : null;
}

/** The Windows id for an IANA id from the table, or null. */
export function ianaToWindows(iana: string): string | null {
  for (const [windows, zone] of Object.entries(windowsToIanaTable)) if (zone === iana) return windows;
  return null;
}

const knownZones = new Set<string>();

export function isIanaZone(id: string): boolean {
  // Building a DateTimeFormat costs tens of microseconds, and parsing every iCalendar asks.
  if (knownZones.has(id)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: id });
  } catch {
    return false;
  }
  knownZones.add(id);
  return true;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * Wall times already computed: recurrence expansion asks for the same instants on every request,
 * and formatToParts costs microseconds each. Cleared when full rather than tracked per use.
 */
const wallTimes = new Map<string, WallTime>();
const maxWallTimes = 200_000;

/** The wall-clock time in `zone` at the UTC instant `utcMs`. */
export function wallTimeAt(utcMs: number, zone: string): WallTime {
  const key = `${zone}|${utcMs}`;
  const known = wallTimes.get(key);
  if (known) return { ...known };
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute, second: parts.second };
  if (wallTimes.size >= maxWallTimes) wallTimes.clear();
  wallTimes.set(key, wall);
  return { ...wall };
}

const asUtcMs = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** Offset of `zone` from UTC in ms at the UTC instant `utcMs`. */
export function offsetAt(utcMs: number, zone: string): number {
  return asUtcMs(wallTimeAt(utcMs, zone)) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant of a wall-clock time in `zone`. A time skipped by a daylight-saving change is
 * moved forward by the gap (as Exchange and RFC 5545 do); an ambiguous time takes the first instant.
 */
export function wallTimeToUtc(w: WallTime, zone: string): number {
  const guess = asUtcMs(w);
  const first = guess - offsetAt(guess, zone);
  const second = guess - offsetAt(first, zone);
  const candidates = [first, second].filter((t) => asUtcMs(wallTimeAt(t, zone)) === guess);
  if (candidates.length) return Math.min(...candidates);
  // In a gap: use the offset before the change, which lands after it.
  return guess - offsetAt(guess - 86_400_000, zone);
}
