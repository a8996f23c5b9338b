// EWS recurrence patterns and ranges ⇄ iCalendar RRULEs: t:Recurrence read into an RRULE, and an
// RRULE written back as t:Recurrence (pattern and range, with the local start date).
import { DeputyError } from '../../../core/errors.ts';
import { wallTimeAt, wallTimeToUtc } from '../../../core/calendar/time-zones.ts';
import type { CalendarEvent } from '../../../core/calendar/icalendar.ts';
import { childIn, node, parent, type XmlIn, type XmlNode } from './xml-node.ts';

const notImplemented = (what: string) => new DeputyError('NotImplemented', `${what} is not implemented yet for calendar items.`, { ewsCode: 'ErrorInvalidOperation' });

const days: Record<string, string> = { Sunday: 'SU', Monday: 'MO', Tuesday: 'TU', Wednesday: 'WE', Thursday: 'TH', Friday: 'FR', Saturday: 'SA', Day: 'SU,MO,TU,WE,TH,FR,SA', Weekday: 'MO,TU,WE,TH,FR', WeekendDay: 'SA,SU' };
const dayNames = Object.fromEntries(Object.entries(days).filter(([k]) => k.endsWith('day') && !['Weekday', 'WeekendDay'].includes(k)).map(([k, v]) => [v, k]));
const indexes: Record<string, number> = { First: 1, Second: 2, Third: 3, Fourth: 4, Last: -1 };
const indexNames = Object.fromEntries(Object.entries(indexes).map(([k, v]) => [String(v), k]));
const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const text = (el: XmlIn | undefined, local: string) => childIn(el, local)?.text.trim() ?? '';

function byDay(value: string): string {
  const list = value.split(/\s+/).filter(Boolean).map((d) => days[d]);
  if (!list.length || list.some((d) => !d)) throw new DeputyError('InvalidArgument', `DaysOfWeek '${value}' is not valid.`, { ewsCode: 'ErrorCalendarInvalidRecurrence' });
  return list.join(',');
}

/** The RRULE of a t:Recurrence (pattern and range); an EndDate's occurrences run to the end of that day in `zone`. */
export function recurrenceToRrule(el: XmlIn, zone: string): string {
  const pattern = el.children.find((c) => c.local.endsWith('Recurrence') && !['NoEndRecurrence', 'EndDateRecurrence', 'NumberedRecurrence'].includes(c.local));
  const range = el.children.find((c) => ['NoEndRecurrence', 'EndDateRecurrence', 'NumberedRecurrence'].includes(c.local));
  if (!pattern || !range) throw new DeputyError('InvalidArgument', 'A Recurrence needs a pattern and a range.', { ewsCode: 'ErrorInvalidRequest' });
  const interval = Number(text(pattern, 'Interval') || '1');
  const parts: string[] = [];
  switch (pattern.local) {
    case 'DailyRecurrence':
      parts.push('FREQ=DAILY');
      break;
    case 'WeeklyRecurrence':
      parts.push('FREQ=WEEKLY', `BYDAY=${byDay(text(pattern, 'DaysOfWeek'))}`);
      if (text(pattern, 'FirstDayOfWeek')) parts.push(`WKST=${days[text(pattern, 'FirstDayOfWeek')] ?? 'MO'}`);
      break;
    case 'AbsoluteMonthlyRecurrence':
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${Number(text(pattern, 'DayOfMonth'))}`);
      break;
    case 'RelativeMonthlyRecurrence':
    case 'RelativeYearlyRecurrence':
      parts.push(pattern.local === 'RelativeMonthlyRecurrence' ? 'FREQ=MONTHLY' : 'FREQ=YEARLY', `BYDAY=${byDay(text(pattern, 'DaysOfWeek'))}`, `BYSETPOS=${indexes[text(pattern, 'DayOfWeekIndex')] ?? 1}`);
      if (pattern.local === 'RelativeYearlyRecurrence') parts.push(`BYMONTH=${months.indexOf(text(pattern, 'Month')) + 1}`);
      break;
    case 'AbsoluteYearlyRecurrence':
      parts.push('FREQ=YEARLY', `BYMONTH=${months.indexOf(text(pattern, 'Month')) + 1}`, `BYMONTHDAY=${Number(text(pattern, 'DayOfMonth'))}`);
      break;
    default:
      throw notImplemented(`The recurrence pattern ${pattern.local}`);
  }
  if (pattern.local !== 'AbsoluteYearlyRecurrence' && pattern.local !== 'RelativeYearlyRecurrence' && interval > 1) parts.push(`INTERVAL=${interval}`);
  if (range.local === 'NumberedRecurrence') parts.push(`COUNT=${Number(text(range, 'NumberOfOccurrences'))}`);
  if (range.local === 'EndDateRecurrence') {
    const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(text(range, 'EndDate'));
    if (!date) throw new DeputyError('InvalidArgument', `EndDate '${text(range, 'EndDate')}' is not a date.`, { ewsCode: 'ErrorCalendarInvalidRecurrence' });
    const until = new Date(wallTimeToUtc({ year: Number(date[1]), month: Number(date[2]), day: Number(date[3]), hour: 23, minute: 59, second: 59 }, zone));
    parts.push(`UNTIL=${until.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`);
  }
  return parts.join(';');
}

/** The zone of a request's times: StartTimeZone@Id, MeetingTimeZone, the TimeZoneContext header, else UTC. */
export function recurrenceNode(event: CalendarEvent): XmlNode | null {
  if (!event.rrule) return null;
  const parts = Object.fromEntries(event.rrule.split(';').map((p) => p.split('=') as [string, string]));
  const interval = parts.INTERVAL ?? '1';
  const dayList = (parts.BYDAY ?? '').split(',').filter(Boolean).map((d) => dayNames[d.replace(/^[+-]?\d+/, '')] ?? 'Monday').join(' ');
  let pattern: XmlNode;
  switch (parts.FREQ) {
    case 'DAILY':
      pattern = parent('t:DailyRecurrence', [node('t:Interval', interval)]);
      break;
    case 'WEEKLY':
      pattern = parent('t:WeeklyRecurrence', [node('t:Interval', interval), node('t:DaysOfWeek', dayList)]);
      break;
    case 'MONTHLY':
      pattern = parts.BYDAY
        ? parent('t:RelativeMonthlyRecurrence', [node('t:Interval', interval), node('t:DaysOfWeek', dayList), node('t:DayOfWeekIndex', indexNames[parts.BYSETPOS ?? '1'] ?? 'First')])
        : parent('t:AbsoluteMonthlyRecurrence', [node('t:Interval', interval), node('t:DayOfMonth', parts.BYMONTHDAY ?? '1')]);
      break;
    case 'YEARLY': {
      const month = months[Number(parts.BYMONTH ?? '1') - 1] ?? 'January';
      pattern = parts.BYDAY
        ? parent('t:RelativeYearlyRecurrence', [node('t:DaysOfWeek', dayList), node('t:DayOfWeekIndex', indexNames[parts.BYSETPOS ?? '1'] ?? 'First'), node('t:Month', month)])
        : parent('t:AbsoluteYearlyRecurrence', [node('t:DayOfMonth', parts.BYMONTHDAY ?? '1'), node('t:Month', month)]);
      break;
    }
    default:
      return null;
  }
  const w = wallTimeAt(Date.parse(event.start), event.timeZone);
  const startDate = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  const range = parts.COUNT
    ? parent('t:NumberedRecurrence', [node('t:StartDate', startDate), node('t:NumberOfOccurrences', parts.COUNT)])
    : parts.UNTIL
      ? parent('t:EndDateRecurrence', [node('t:StartDate', startDate), node('t:EndDate', localDateOfUntil(parts.UNTIL, event.timeZone))])
      : parent('t:NoEndRecurrence', [node('t:StartDate', startDate)]);
  return parent('t:Recurrence', [pattern, range]);
}

/** The local date (in `zone`) of an RRULE UNTIL (a UTC date-time, or a plain date). */
function localDateOfUntil(until: string, zone: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(until);
  if (!m) return `${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`;
  if (!m[4]) return `${m[1]}-${m[2]}-${m[3]}`;
  const w = wallTimeAt(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])), zone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}
