// A mailbox's working hours (Set-MailboxCalendarConfiguration): the days, the start and end time
// of day, and the Windows time zone they are in. Mailboxes that never set them get 08:00–17:00,
// Monday to Friday, in UTC (Exchange would use the server's zone; Deputy has no such setting).
import { DeputyError } from '../errors.ts';
import { windowsToIana } from './time-zones.ts';

export const weekdays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export type Weekday = (typeof weekdays)[number];

export interface WorkingHours {
  /** Minutes after local midnight. */
  startMinutes: number;
  endMinutes: number;
  /** In week order, Sunday first. */
  days: Weekday[];
  /** A Windows time zone id, e.g. 'W. Europe Standard Time'. */
  timeZone: string;
}

export const defaultWorkingHours: WorkingHours = {
  startMinutes: 8 * 60,
  endMinutes: 17 * 60,
  days: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  timeZone: 'UTC',
};

/** "08:00", "08:00:00" or "8:30" (a TimeSpan as Exchange prints it) to minutes; whole minutes only. */
export function parseTimeOfDay(text: string, parameter: string): number {
  const m = /^\s*(\d{1,2}):(\d{2})(?::(00))?\s*$/.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) {
    throw new DeputyError('InvalidArgument', `${parameter} takes a time of day in whole minutes such as '08:00:00', not '${text}'.`, { parameter });
  }
  return minutes;
}

export function formatTimeOfDay(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
}

const dayGroups: Record<string, readonly Weekday[]> = {
  weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  weekenddays: ['Saturday', 'Sunday'],
  alldays: weekdays,
  none: [],
};

/** Day names and Exchange's groups (Weekdays, WeekendDays, AllDays, None), as a list or comma-separated. */
export function parseDaysOfWeek(values: readonly string[]): Weekday[] {
  const chosen = new Set<Weekday>();
  for (const value of values.flatMap((v) => v.split(','))) {
    const key = value.trim().toLowerCase();
    if (!key) continue;
    const day = weekdays.find((d) => d.toLowerCase() === key);
    const group = dayGroups[key];
    if (!day && !group) {
      throw new DeputyError('InvalidArgument', `'${value.trim()}' isn't a day of the week. Use ${weekdays.join(', ')}, Weekdays, WeekendDays, AllDays or None.`, { parameter: 'WorkingHoursDaysOfWeek' });
    }
    for (const d of day ? [day] : group) chosen.add(d);
  }
  return weekdays.filter((d) => chosen.has(d));
}

/** A Windows time zone id Deputy knows (IANA ids are refused: Exchange's setting takes Windows ids). */
export function checkWindowsTimeZone(id: string): string {
  const iana = windowsToIana(id);
  if (!iana || (iana === id && id !== 'UTC')) {
    throw new DeputyError('InvalidArgument', `'${id}' isn't a Windows time zone id Deputy knows, such as 'UTC', 'W. Europe Standard Time' or 'Pacific Standard Time'.`, { parameter: 'WorkingHoursTimeZone' });
  }
  return id;
}

/** Exchange requires the working day to end after it starts. */
export function checkWorkingHours(hours: WorkingHours): WorkingHours {
  if (hours.endMinutes <= hours.startMinutes) {
    throw new DeputyError('InvalidArgument', `WorkingHoursEndTime (${formatTimeOfDay(hours.endMinutes)}) must be later than WorkingHoursStartTime (${formatTimeOfDay(hours.startMinutes)}).`);
  }
  return hours;
}
