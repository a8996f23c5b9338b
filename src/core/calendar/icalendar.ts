// Calendar items as iCalendar (RFC 5545) text, built, parsed and expanded with ical.js: one VEVENT
// master (with RRULE and EXDATEs) plus a VEVENT per modified occurrence (RECURRENCE-ID). Recurrence
// rules are expanded by ical.js in the event's wall-clock time; each occurrence's wall time is then
// placed in its IANA zone (time-zones.ts), so occurrences keep their local time across DST changes.
import ICAL from 'ical.js';
import { wallTimeAt, wallTimeToUtc, windowsToIana, type WallTime } from './time-zones.ts';
import { vtimezoneFor } from './vtimezone.ts';

export interface CalendarOverride {
  /** UTC ISO start of the occurrence this replaces. */
  recurrenceId: string;
  subject?: string;
  location?: string;
  /** UTC ISO. */
  start?: string;
  end?: string;
}

export interface CalendarPerson {
  address: string;
  name: string;
}

export type AttendeeRole = 'Required' | 'Optional' | 'Resource';
/** RFC 5545 PARTSTAT values a meeting attendee can have. */
export type PartStat = 'NEEDS-ACTION' | 'ACCEPTED' | 'TENTATIVE' | 'DECLINED';

export interface Attendee extends CalendarPerson {
  role: AttendeeRole;
  partStat: PartStat;
  /** UTC ISO time the attendee's response reached the organizer, or null. */
  respondedAt: string | null;
}

export type FreeBusyStatus = 'Free' | 'Tentative' | 'Busy' | 'OOF' | 'WorkingElsewhere' | 'NoData';
export type Sensitivity = 'Normal' | 'Personal' | 'Private' | 'Confidential';
export type EventStatus = 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';

/** What an appointment without meeting data has. */
export const meetingDefaults = {
  organizer: null,
  attendees: [] as Attendee[],
  sequence: 0,
  status: 'CONFIRMED' as EventStatus,
  freeBusy: 'Busy' as FreeBusyStatus,
  intendedFreeBusy: 'Busy' as FreeBusyStatus,
  sensitivity: 'Normal' as Sensitivity,
  reminderMinutes: null,
  categories: [] as string[],
  bodyHtml: null,
} satisfies Partial<CalendarEvent>;

export interface CalendarEvent {
  uid: string;
  subject: string;
  body: string;
  location: string;
  /** UTC ISO of the (first) start and end. */
  start: string;
  end: string;
  /** IANA zone the event's wall-clock times and recurrence are in. */
  timeZone: string;
  isAllDay: boolean;
  /** RRULE value (e.g. "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=10"), or null for a single event. */
  rrule: string | null;
  /** UTC ISO starts of deleted occurrences. */
  exdates: string[];
  overrides: CalendarOverride[];
  /** Null for an appointment; a meeting names its organizer. */
  organizer: CalendarPerson | null;
  attendees: Attendee[];
  /** iCalendar SEQUENCE: raised by every update the organizer sends. */
  sequence: number;
  status: EventStatus;
  /** How the time shows in free/busy (an attendee's copy shows Tentative until accepted). */
  freeBusy: FreeBusyStatus;
  /** The organizer's FreeBusy, which accepting gives an attendee's copy. */
  intendedFreeBusy: FreeBusyStatus;
  sensitivity: Sensitivity;
  reminderMinutes: number | null;
  categories: string[];
  /** The body as HTML when it was given so (X-ALT-DESC); `body` is always its plain text. */
  bodyHtml: string | null;
}

export type OccurrenceKind = 'Single' | 'Occurrence' | 'Exception';

export interface Occurrence {
  /** UTC ISO start of the occurrence as the rule places it (its RECURRENCE-ID). */
  recurrenceId: string;
  start: string;
  end: string;
  subject: string;
  location: string;
  kind: OccurrenceKind;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
const ms = (isoText: string) => Date.parse(isoText);

function icalTime(utcMs: number, zone: string, isDate: boolean): ICAL.Time {
  const w = zone === 'UTC' ? wallTimeAt(utcMs, 'UTC') : wallTimeAt(utcMs, zone);
  const t = ICAL.Time.fromData({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second, isDate });
  if (zone === 'UTC' && !isDate) t.zone = ICAL.Timezone.utcTimezone;
  return t;
}

function addTime(vevent: ICAL.Component, name: string, utcMs: number, event: Pick<CalendarEvent, 'timeZone' | 'isAllDay'>): void {
  const prop = new ICAL.Property(name, vevent);
  prop.setValue(icalTime(utcMs, event.timeZone, event.isAllDay));
  if (event.timeZone !== 'UTC' && !event.isAllDay) prop.setParameter('tzid', event.timeZone);
  vevent.addProperty(prop);
}

function addText(vevent: ICAL.Component, name: string, value: string | undefined): void {
  if (value) vevent.addPropertyWithValue(name, value);
}

/** The iCalendar text of an event. */
/**
 * The iCalendar text of an event; with `method`, an iTIP message (RFC 5546). `instanceOf` makes the
 * single VEVENT stand for one occurrence of a series (its RECURRENCE-ID), as an occurrence's
 * cancellation does.
 */
export function buildICalendar(event: CalendarEvent, now: string = new Date().toISOString(), method?: ItipMethod, instanceOf?: string): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('prodid', '-//Deputy//Calendar//EN');
  calendar.addPropertyWithValue('version', '2.0');
  if (method) calendar.addPropertyWithValue('method', method);
  const master = new ICAL.Component('vevent');
  master.addPropertyWithValue('uid', event.uid);
  master.addPropertyWithValue('dtstamp', icalTime(ms(now), 'UTC', false));
  if (instanceOf) addTime(master, 'recurrence-id', ms(instanceOf), event);
  addTime(master, 'dtstart', ms(event.start), event);
  addTime(master, 'dtend', ms(event.end), event);
  addText(master, 'summary', event.subject);
  addText(master, 'location', event.location);
  addText(master, 'description', event.body);
  if (event.rrule) master.addPropertyWithValue('rrule', ICAL.Recur.fromString(event.rrule));
  for (const exdate of event.exdates) addTime(master, 'exdate', ms(exdate), event);
  addMeetingProperties(master, event);
  // RFC 5545 wants every TZID defined (Outlook needs it), before the events that use it.
  if (!event.isAllDay && event.timeZone !== 'UTC') calendar.addSubcomponent(timeZoneComponent(event.timeZone, ms(event.start)));
  calendar.addSubcomponent(master);
  for (const o of event.overrides) {
    const v = new ICAL.Component('vevent');
    v.addPropertyWithValue('uid', event.uid);
    v.addPropertyWithValue('dtstamp', icalTime(ms(now), 'UTC', false));
    addTime(v, 'recurrence-id', ms(o.recurrenceId), event);
    const duration = ms(event.end) - ms(event.start);
    const start = o.start ? ms(o.start) : ms(o.recurrenceId);
    addTime(v, 'dtstart', start, event);
    addTime(v, 'dtend', o.end ? ms(o.end) : start + duration, event);
    addText(v, 'summary', o.subject ?? event.subject);
    addText(v, 'location', o.location ?? event.location);
    addMeetingProperties(v, { ...event, reminderMinutes: null });
    calendar.addSubcomponent(v);
  }
  return calendar.toString() + '\r\n';
}

/** Generating a zone's definition costs milliseconds: keep it per zone and year (as jCal, copied per use). */
const zoneDefinitions = new Map<string, unknown[]>();

function timeZoneComponent(zone: string, atMs: number): ICAL.Component {
  const key = `${zone}:${new Date(atMs).getUTCFullYear()}`;
  let jcal = zoneDefinitions.get(key);
  if (!jcal) {
    if (zoneDefinitions.size > 1000) zoneDefinitions.clear();
    jcal = vtimezoneFor(zone, atMs, atMs).toJSON() as unknown[];
    zoneDefinitions.set(key, jcal);
  }
  return new ICAL.Component(structuredClone(jcal));
}

export type ItipMethod = 'REQUEST' | 'REPLY' | 'CANCEL' | 'PUBLISH';

const busyNames: Record<FreeBusyStatus, string> = { Free: 'FREE', Tentative: 'TENTATIVE', Busy: 'BUSY', OOF: 'OOF', WorkingElsewhere: 'WORKINGELSEWHERE', NoData: '' };
const classNames: Record<Sensitivity, string> = { Normal: 'PUBLIC', Personal: 'X-PERSONAL', Private: 'PRIVATE', Confidential: 'CONFIDENTIAL' };
const roleNames: Record<AttendeeRole, string> = { Required: 'REQ-PARTICIPANT', Optional: 'OPT-PARTICIPANT', Resource: 'NON-PARTICIPANT' };

function addPerson(vevent: ICAL.Component, name: string, person: CalendarPerson): ICAL.Property {
  const prop = new ICAL.Property(name, vevent);
  prop.setValue(`mailto:${person.address}`);
  if (person.name) prop.setParameter('cn', person.name);
  vevent.addProperty(prop);
  return prop;
}

/** Organizer, attendees, sequence, status, transparency, class, categories and the reminder (VALARM). */
function addMeetingProperties(vevent: ICAL.Component, event: CalendarEvent): void {
  if (event.organizer) addPerson(vevent, 'organizer', event.organizer);
  for (const a of event.attendees) {
    const prop = addPerson(vevent, 'attendee', a);
    prop.setParameter('role', roleNames[a.role]);
    prop.setParameter('cutype', a.role === 'Resource' ? 'RESOURCE' : 'INDIVIDUAL');
    prop.setParameter('partstat', a.partStat);
    if (a.partStat === 'NEEDS-ACTION') prop.setParameter('rsvp', 'TRUE');
    // Not a standard parameter: when the organizer's copy learned of the response (EWS LastResponseTime).
    if (a.respondedAt) prop.setParameter('x-deputy-responded', a.respondedAt);
  }
  if (event.sequence) vevent.addPropertyWithValue('sequence', event.sequence);
  if (event.status !== 'CONFIRMED') vevent.addPropertyWithValue('status', event.status);
  vevent.addPropertyWithValue('transp', event.freeBusy === 'Free' ? 'TRANSPARENT' : 'OPAQUE');
  if (busyNames[event.freeBusy]) vevent.addPropertyWithValue('x-microsoft-cdo-busystatus', busyNames[event.freeBusy]);
  if (event.intendedFreeBusy !== event.freeBusy && busyNames[event.intendedFreeBusy]) vevent.addPropertyWithValue('x-microsoft-cdo-intendedstatus', busyNames[event.intendedFreeBusy]);
  if (event.sensitivity !== 'Normal') vevent.addPropertyWithValue('class', classNames[event.sensitivity]);
  if (event.bodyHtml) {
    // Outlook's way of carrying an HTML description next to the plain DESCRIPTION.
    const prop = new ICAL.Property('x-alt-desc', vevent);
    // An x-property's value is written raw unless typed TEXT: HTML line breaks would end the line.
    prop.resetType('text');
    prop.setValue(event.bodyHtml);
    prop.setParameter('fmttype', 'text/html');
    vevent.addProperty(prop);
  }
  if (event.categories.length) {
    const prop = new ICAL.Property('categories', vevent);
    prop.setValues(event.categories);
    vevent.addProperty(prop);
  }
  if (event.reminderMinutes !== null) {
    const alarm = new ICAL.Component('valarm');
    alarm.addPropertyWithValue('action', 'DISPLAY');
    alarm.addPropertyWithValue('description', 'Reminder');
    alarm.addPropertyWithValue('trigger', ICAL.Duration.fromSeconds(-event.reminderMinutes * 60));
    vevent.addSubcomponent(alarm);
  }
}

const mailtoOf = (value: unknown) => (typeof value === 'string' ? value.replace(/^mailto:/i, '').trim() : '');
const paramOf = (prop: ICAL.Property, name: string) => {
  const v = prop.getParameter(name);
  return typeof v === 'string' ? v : Array.isArray(v) ? String(v[0] ?? '') : '';
};
const busyOf = (value: unknown): FreeBusyStatus | null => {
  const name = typeof value === 'string' ? value.toUpperCase() : '';
  return (Object.entries(busyNames).find(([, v]) => v && v === name)?.[0] as FreeBusyStatus | undefined) ?? null;
};

/** X-ALT-DESC;FMTTYPE=text/html, TEXT-unescaped even when the sender did not say VALUE=TEXT (Outlook doesn't). */
function altDescription(vevent: ICAL.Component): string | null {
  const prop = vevent.getAllProperties('x-alt-desc').find((p) => paramOf(p, 'fmttype').toLowerCase() === 'text/html');
  const value = prop?.getFirstValue();
  if (typeof value !== 'string') return null;
  return prop!.type === 'text' ? value : value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** The meeting properties of a VEVENT (the inverse of addMeetingProperties). */
function readMeetingProperties(vevent: ICAL.Component): Pick<CalendarEvent, keyof typeof meetingDefaults> {
  const organizerProp = vevent.getFirstProperty('organizer');
  const organizer = organizerProp ? { address: mailtoOf(organizerProp.getFirstValue()), name: paramOf(organizerProp, 'cn') } : null;
  const attendees: Attendee[] = vevent.getAllProperties('attendee').map((prop) => {
    const role = paramOf(prop, 'cutype').toUpperCase() === 'RESOURCE' || paramOf(prop, 'cutype').toUpperCase() === 'ROOM' ? 'Resource' : paramOf(prop, 'role').toUpperCase() === 'OPT-PARTICIPANT' ? 'Optional' : 'Required';
    const partStat = paramOf(prop, 'partstat').toUpperCase();
    return {
      address: mailtoOf(prop.getFirstValue()),
      name: paramOf(prop, 'cn'),
      role,
      partStat: (['ACCEPTED', 'TENTATIVE', 'DECLINED'].includes(partStat) ? partStat : 'NEEDS-ACTION') as PartStat,
      respondedAt: paramOf(prop, 'x-deputy-responded') || null,
    };
  });
  const status = String(vevent.getFirstPropertyValue('status') ?? 'CONFIRMED').toUpperCase();
  const transparent = String(vevent.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT';
  const freeBusy = busyOf(vevent.getFirstPropertyValue('x-microsoft-cdo-busystatus')) ?? (transparent ? 'Free' : status === 'TENTATIVE' ? 'Tentative' : 'Busy');
  const className = String(vevent.getFirstPropertyValue('class') ?? 'PUBLIC').toUpperCase();
  const sensitivity = (Object.entries(classNames).find(([, v]) => v === className)?.[0] as Sensitivity | undefined) ?? 'Normal';
  const alarm = vevent.getFirstSubcomponent('valarm');
  const trigger = alarm?.getFirstPropertyValue('trigger');
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0);
  return {
    organizer: organizer?.address ? organizer : null,
    attendees: attendees.filter((a) => a.address),
    sequence: Number.isFinite(sequence) ? sequence : 0,
    status: (['TENTATIVE', 'CANCELLED'].includes(status) ? status : 'CONFIRMED') as EventStatus,
    freeBusy,
    intendedFreeBusy: busyOf(vevent.getFirstPropertyValue('x-microsoft-cdo-intendedstatus')) ?? freeBusy,
    sensitivity,
    reminderMinutes: trigger instanceof ICAL.Duration ? Math.max(0, Math.round(-trigger.toSeconds() / 60)) : null,
    categories: vevent.getAllProperties('categories').flatMap((p) => p.getValues().map(String)),
    bodyHtml: altDescription(vevent),
  };
}

function wallOf(t: ICAL.Time): WallTime {
  return { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute, second: t.isDate ? 0 : t.second };
}

/** The UTC instant of a DTSTART-like property, and the zone it names. */
function readTime(prop: ICAL.Property | null, fallbackZone: string): { utcMs: number; zone: string; isDate: boolean } | null {
  if (!prop) return null;
  const value = prop.getFirstValue();
  if (!(value instanceof ICAL.Time)) return null;
  const tzid = prop.getParameter('tzid');
  const named = typeof tzid === 'string' ? windowsToIana(tzid.replace(/^\/+/, '')) : null;
  const isUtc = value.zone === ICAL.Timezone.utcTimezone || value.toString().endsWith('Z');
  const zone = isUtc ? 'UTC' : (named ?? fallbackZone);
  return { utcMs: wallTimeToUtc(wallOf(value), zone), zone, isDate: value.isDate };
}

const textOf = (v: ICAL.Component, name: string): string => {
  const value = v.getFirstPropertyValue(name);
  return typeof value === 'string' ? value : '';
};

export class ICalendarError extends Error {}

/** The event of an iCalendar text (its first VEVENT master and the overrides of the same UID). */
export function parseICalendar(text: string, defaultZone = 'UTC'): CalendarEvent {
  return parseITip(text, defaultZone).event;
}

/**
 * An iCalendar text's METHOD (iTIP, RFC 5546; null when absent) and its event; `instanceOf` is the
 * RECURRENCE-ID when the text is about one occurrence only.
 */
export function parseITip(text: string, defaultZone = 'UTC'): { method: string | null; event: CalendarEvent; instanceOf: string | null } {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(text));
  } catch (error) {
    throw new ICalendarError(`The iCalendar text could not be parsed: ${(error as Error).message}`);
  }
  const vevents = calendar.name === 'vevent' ? [calendar] : calendar.getAllSubcomponents('vevent');
  const master = vevents.find((v) => !v.hasProperty('recurrence-id')) ?? vevents[0];
  if (!master) throw new ICalendarError('The iCalendar text has no VEVENT.');
  const start = readTime(master.getFirstProperty('dtstart'), defaultZone);
  if (!start) throw new ICalendarError('The VEVENT has no DTSTART.');
  let endMs = readTime(master.getFirstProperty('dtend'), start.zone)?.utcMs;
  if (endMs === undefined) {
    const duration = master.getFirstPropertyValue('duration');
    endMs = start.utcMs + (duration instanceof ICAL.Duration ? duration.toSeconds() * 1000 : start.isDate ? 86_400_000 : 0);
  }
  const uid = textOf(master, 'uid') || crypto.randomUUID();
  const rrule = master.getFirstPropertyValue('rrule');
  const refusal = rrule instanceof ICAL.Recur ? unexpandableRule(rrule.toString(), iso(start.utcMs), start.isDate ? 'UTC' : start.zone) : null;
  if (refusal) throw new ICalendarError(refusal);
  const exdates: string[] = [];
  for (const prop of master.getAllProperties('exdate')) {
    for (const value of prop.getValues()) {
      if (!(value instanceof ICAL.Time)) continue;
      const tzid = prop.getParameter('tzid');
      const zone = value.zone === ICAL.Timezone.utcTimezone ? 'UTC' : ((typeof tzid === 'string' ? windowsToIana(tzid) : null) ?? start.zone);
      exdates.push(iso(wallTimeToUtc(wallOf(value), zone)));
    }
  }
  const overrides: CalendarOverride[] = [];
  for (const v of vevents) {
    if (v === master || !v.hasProperty('recurrence-id') || (textOf(v, 'uid') && textOf(v, 'uid') !== uid)) continue;
    const rid = readTime(v.getFirstProperty('recurrence-id'), start.zone);
    if (!rid) continue;
    const oStart = readTime(v.getFirstProperty('dtstart'), start.zone);
    const oEnd = readTime(v.getFirstProperty('dtend'), start.zone);
    overrides.push({
      recurrenceId: iso(rid.utcMs),
      ...(v.hasProperty('summary') ? { subject: textOf(v, 'summary') } : {}),
      ...(v.hasProperty('location') ? { location: textOf(v, 'location') } : {}),
      ...(oStart ? { start: iso(oStart.utcMs) } : {}),
      ...(oEnd ? { end: iso(oEnd.utcMs) } : {}),
    });
  }
  const method = calendar.getFirstPropertyValue('method');
  const event: CalendarEvent = {
    uid,
    subject: textOf(master, 'summary'),
    body: textOf(master, 'description'),
    location: textOf(master, 'location'),
    start: iso(start.utcMs),
    end: iso(endMs),
    timeZone: start.zone,
    isAllDay: start.isDate,
    rrule: rrule instanceof ICAL.Recur ? rrule.toString() : null,
    exdates,
    overrides,
    ...readMeetingProperties(master),
  };
  const instance = master.hasProperty('recurrence-id') ? readTime(master.getFirstProperty('recurrence-id'), start.zone) : null;
  return { method: typeof method === 'string' ? method.toUpperCase() : null, event, instanceOf: instance ? iso(instance.utcMs) : null };
}

const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const expandableFrequencies = new Set(['DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);

/**
 * Refuses rules ical.js cannot expand safely, before anything is stored: its iterator throws on
 * out-of-range BY values, and loops forever inside one next() on a rule that never matches again
 * (DAILY every 7n days on a weekday BYDAY excludes; a BYMONTH/BYMONTHDAY pair no month has).
 * Sub-daily frequencies are refused too: a calendar has no use for them
 * and they multiply the work of every view. Returns a reason, or null when the rule is fine.
 */
export function unexpandableRule(rrule: string, start: string, zone: string): string | null {
  let rule: ICAL.Recur;
  try {
    rule = ICAL.Recur.fromString(rrule);
    rule.iterator(icalTime(ms(start), zone, false));
  } catch (error) {
    return `The recurrence rule '${rrule}' is not valid: ${(error as Error).message}`;
  }
  if (!expandableFrequencies.has(rule.freq)) return `Recurrence by ${rule.freq.toLowerCase()} is not supported: use DAILY, WEEKLY, MONTHLY or YEARLY.`;
  const parts = rule.parts as Record<string, Array<string | number> | undefined>;
  const interval = rule.interval || 1;
  if (rule.freq === 'DAILY' && parts.BYDAY && interval % 7 === 0) {
    const weekday = ICAL.Recur.numericDayToIcalDay(icalTime(ms(start), zone, false).dayOfWeek());
    if (!parts.BYDAY.some((d) => String(d).replace(/^[+-]?\d+/, '') === weekday)) return `The rule '${rrule}' never falls on ${parts.BYDAY.join(',')}: every ${interval} days is always a ${weekday}.`;
  }
  if (parts.BYMONTHDAY && parts.BYMONTH) {
    const possible = parts.BYMONTH.some((m) => parts.BYMONTHDAY!.some((d) => Math.abs(Number(d)) <= (daysInMonth[Number(m) - 1] ?? 0)));
    if (!possible) return `No month ${parts.BYMONTH.join(',')} has day ${parts.BYMONTHDAY.join(',')}.`;
  }
  return null;
}

/** Safety bound on the occurrences walked for one expansion. */
const maxIterations = 50_000;

const dayMs = 86_400_000;
/** RRULE parts of the rules whose walk may start near the window rather than at DTSTART. */
const skippableRuleParts = new Set(['FREQ', 'INTERVAL', 'UNTIL', 'BYDAY', 'WKST']);
const plainWeekday = /^(SU|MO|TU|WE|TH|FR|SA)$/;
/** A walk starts at DTSTART unless it can skip at least this many whole periods. */
const minSkippedPeriods = 4;

/** A floating (wall-clock) time as if it were UTC, in ms: how ical.js orders floating times. */
const wallMs = (t: ICAL.Time): number => {
  const w = wallOf(t);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
};

/**
 * Where the walk of a rule may start instead of DTSTART (floating, as `dtstart`) without changing
 * expandOccurrences' answer for [fromMs, toMs), or null to walk from DTSTART.
 *
 * Only FREQ=DAILY or WEEKLY with nothing but INTERVAL, UNTIL, WKST and plain BYDAY weekdays: ical.js
 * then yields DTSTART, then DTSTART + n·INTERVAL days that fall on a BYDAY day (DAILY), or the BYDAY
 * days at or after DTSTART of the WKST weeks DTSTART's week + n·INTERVAL weeks (WEEKLY), each
 * compared with UNTIL on its own; no COUNT, which counts from DTSTART. Such a rule repeats with a
 * period of INTERVAL days or weeks, so from DTSTART + k periods (same weekday, same time of day,
 * same week position) it yields the same occurrences as from DTSTART, less those before the new
 * start, and (DAILY) plus the new start itself even off the BYDAY days, which the caller drops.
 *
 * The occurrences skipped have wall times before the new start; an occurrence's UTC start is less
 * than a day from its wall time read as UTC (zone offsets are under a day), and `reach` bounds how
 * far after its rule start an occurrence (its override's start or end, or its duration) can reach.
 * k is the largest count of periods keeping the new start at least `reach` + 1 period + 2 days
 * before `fromMs`, so none of the skipped occurrences overlaps the window (nor, being before it,
 * stops the walk). And a walk from DTSTART must surely end before maxIterations, so that the bound
 * never cuts it where a shorter walk would go on.
 */
function walkStart(rrule: string, rule: ICAL.Recur, dtstart: ICAL.Time, fromMs: number, toMs: number, reach: number, latestMove: number): ICAL.Time | null {
  if (!(fromMs < toMs) || !Number.isFinite(fromMs) || !Number.isFinite(toMs) || !Number.isFinite(reach) || !Number.isFinite(latestMove)) return null;
  if (rule.freq !== 'DAILY' && rule.freq !== 'WEEKLY') return null;
  if (!rrule.split(';').every((part) => skippableRuleParts.has(part.split('=')[0].toUpperCase()))) return null;
  if (rule.count !== null && rule.count !== undefined) return null;
  if (!Object.keys(rule.parts).every((name) => name === 'BYDAY')) return null;
  if (!(rule.parts.BYDAY ?? []).every((day) => plainWeekday.test(day))) return null;
  if (!Number.isInteger(rule.interval) || rule.interval < 1) return null;
  const weekly = rule.freq === 'WEEKLY';
  const periodMs = rule.interval * (weekly ? 7 : 1) * dayMs;
  const start = wallMs(dtstart);
  const k = Math.floor((fromMs - reach - periodMs - 2 * dayMs - start) / periodMs);
  if (!(k >= minSkippedPeriods)) return null;
  // A walk from DTSTART stops at the first occurrence starting (UTC) at or after toMs + latestMove:
  // the ones before it have wall times before that + 1 day, at most 7 a period (WEEKLY's first
  // period may begin 6 days before DTSTART).
  const periodsWalked = Math.floor((toMs + latestMove + 8 * dayMs - start) / periodMs) + 2;
  if ((weekly ? 7 : 1) * periodsWalked + 1 >= maxIterations) return null;
  const d = new Date(start + k * periodMs);
  const shifted = ICAL.Time.fromData({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), isDate: dtstart.isDate }, ICAL.Timezone.localTimezone);
  return wallMs(shifted) === start + k * periodMs ? shifted : null;
}

/** The occurrences of an event that overlap [from, to) (UTC ISO), in start order; at most `limit`, the first by the rule. */
export function expandOccurrences(event: CalendarEvent, from: string, to: string, limit = Infinity): Occurrence[] {
  const fromMs = ms(from);
  const toMs = ms(to);
  const duration = ms(event.end) - ms(event.start);
  const overlaps = (s: number, e: number) => s < toMs && (e > fromMs || (e === s && s >= fromMs));
  // A rule refused at input can still be in older data: show its first occurrence, never hang.
  if (!event.rrule || unexpandableRule(event.rrule, event.start, event.isAllDay ? 'UTC' : event.timeZone)) {
    return overlaps(ms(event.start), ms(event.end)) ? [{ recurrenceId: event.start, start: event.start, end: event.end, subject: event.subject, location: event.location, kind: 'Single' }] : [];
  }
  const zone = event.isAllDay ? 'UTC' : event.timeZone;
  const dtstart = icalTime(ms(event.start), event.isAllDay ? 'UTC' : zone, event.isAllDay);
  dtstart.zone = ICAL.Timezone.localTimezone;
  const rule = ICAL.Recur.fromString(event.rrule);
  const excluded = new Set(event.exdates.map((d) => ms(d)));
  const overrides = new Map(event.overrides.map((o) => [ms(o.recurrenceId), o]));
  const result: Occurrence[] = [];
  // Overrides may move an occurrence from outside the window into it: look a little beyond.
  const latestMove = Math.max(0, ...event.overrides.map((o) => Math.abs((o.start ? ms(o.start) : ms(o.recurrenceId)) - ms(o.recurrenceId))));
  // How far after its rule start an occurrence may still overlap a window (its start or end).
  const reach = Math.max(0, duration, ...event.overrides.map((o) => {
    const start = o.start ? ms(o.start) : ms(o.recurrenceId);
    return Math.max(start, o.end ? ms(o.end) : start + duration) - ms(o.recurrenceId);
  }));
  // Long-running series: start the walk near the window when that yields the same occurrences there.
  const shifted = walkStart(event.rrule, rule, dtstart, fromMs, toMs, reach, latestMove);
  const byDay = shifted && rule.parts.BYDAY ? new Set(rule.parts.BYDAY) : null;
  const iterator = rule.iterator(shifted ?? dtstart);
  for (let i = 0; i < maxIterations && result.length < limit; i++) {
    const next = iterator.next();
    if (!next) break;
    // ical.js yields the start it is given even off the BYDAY days; the rule yields only DTSTART so.
    if (byDay && !byDay.has(ICAL.Recur.numericDayToIcalDay(next.dayOfWeek()))) continue;
    const rid = wallTimeToUtc(wallOf(next), zone);
    if (rid >= toMs + latestMove) break;
    if (excluded.has(rid)) continue;
    const o = overrides.get(rid);
    const start = o?.start ? ms(o.start) : rid;
    const end = o?.end ? ms(o.end) : start + duration;
    if (!overlaps(start, end)) continue;
    result.push({ recurrenceId: iso(rid), start: iso(start), end: iso(end), subject: o?.subject ?? event.subject, location: o?.location ?? event.location, kind: o ? 'Exception' : 'Occurrence' });
  }
  return result.sort((a, b) => ms(a.start) - ms(b.start));
}

/** The event with an occurrence deleted (an EXDATE; a modification of it is dropped). */
export function withDeletedOccurrence(event: CalendarEvent, recurrenceId: string): CalendarEvent {
  const rid = iso(ms(recurrenceId));
  return { ...event, exdates: [...event.exdates.filter((d) => d !== rid), rid], overrides: event.overrides.filter((o) => iso(ms(o.recurrenceId)) !== rid) };
}

/** The event with an occurrence modified (a RECURRENCE-ID override, merged with an earlier one). */
export function withModifiedOccurrence(event: CalendarEvent, change: CalendarOverride): CalendarEvent {
  const rid = iso(ms(change.recurrenceId));
  const earlier = event.overrides.find((o) => iso(ms(o.recurrenceId)) === rid);
  const merged: CalendarOverride = { ...earlier, ...change, recurrenceId: rid };
  return { ...event, overrides: [...event.overrides.filter((o) => o !== earlier), merged] };
}

/** Is this UTC ISO start one the event's rule produces (and not deleted)? */
export function isOccurrenceOf(event: CalendarEvent, recurrenceId: string): boolean {
  const rid = ms(recurrenceId);
  if (!event.rrule || Number.isNaN(rid)) return false;
  return expandOccurrences({ ...event, overrides: [] }, iso(rid), iso(rid + 1)).some((o) => ms(o.recurrenceId) === rid);
}
