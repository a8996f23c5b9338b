// A t:CalendarItem of a request read into a CalendarEvent: times and zones, attendees, the plain
// properties (for CreateItem and UpdateItem) and the recurrence.
import { DeputyError } from '../../../core/errors.ts';
import { windowsToIana } from '../../../core/calendar/time-zones.ts';
import { meetingDefaults, type Attendee, type AttendeeRole, type CalendarEvent, type CalendarPerson, type FreeBusyStatus, type Sensitivity } from '../../../core/calendar/icalendar.ts';
import { childIn, parseBoolean, type XmlIn } from './xml-node.ts';
import { bodyText } from './body-text.ts';
import { recurrenceToRrule } from './recurrence.ts';

const text = (el: XmlIn | undefined, local: string) => childIn(el, local)?.text.trim() ?? '';

export function requestZone(el: XmlIn, contextZone: string | null): string {
  const id = childIn(el, 'StartTimeZone')?.attrs.Id ?? childIn(el, 'MeetingTimeZone')?.attrs.TimeZoneName ?? contextZone ?? 'UTC';
  const zone = windowsToIana(id);
  if (!zone) throw new DeputyError('InvalidArgument', `The time zone '${id}' is not known.`, { ewsCode: 'ErrorCalendarInvalidTimeZone' });
  return zone;
}

export const isoUtc = (value: string) => {
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(ms)) throw new DeputyError('InvalidArgument', `'${value}' is not a valid date and time.`, { ewsCode: 'ErrorInvalidRequest' });
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
};

const roleElements: Array<[string, AttendeeRole]> = [['RequiredAttendees', 'Required'], ['OptionalAttendees', 'Optional'], ['Resources', 'Resource']];
const freeBusyValues = new Set<FreeBusyStatus>(['Free', 'Tentative', 'Busy', 'OOF', 'WorkingElsewhere', 'NoData']);
const sensitivityValues = new Set<Sensitivity>(['Normal', 'Personal', 'Private', 'Confidential']);

/** The attendees of RequiredAttendees, OptionalAttendees and Resources (each t:Attendee/t:Mailbox). */
export function readAttendees(el: XmlIn): Attendee[] | null {
  const lists = roleElements.filter(([local]) => childIn(el, local));
  if (!lists.length) return null;
  return lists.flatMap(([local, role]) =>
    (childIn(el, local)?.children ?? []).map((attendee) => {
      const mailbox = childIn(attendee, 'Mailbox');
      const address = text(mailbox, 'EmailAddress');
      if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw new DeputyError('InvalidArgument', `The attendee '${address}' has no valid e-mail address.`, { ewsCode: 'ErrorInvalidRecipients' });
      return { address, name: text(mailbox, 'Name'), role, partStat: 'NEEDS-ACTION' as const, respondedAt: null };
    }),
  );
}

/** A field whose value must be one of the schema's names. */
function oneOf<T extends string>(value: string, allowed: ReadonlySet<T>, field: string): T {
  if (!allowed.has(value as T)) throw new DeputyError('InvalidArgument', `'${value}' is not a valid ${field}.`, { ewsCode: 'ErrorInvalidRequest' });
  return value as T;
}

/** The plain calendar properties given in a t:CalendarItem (for CreateItem and UpdateItem). */
export function readCalendarProperties(el: XmlIn): Partial<CalendarEvent> {
  const out: Partial<CalendarEvent> = {};
  if (childIn(el, 'Subject')) out.subject = text(el, 'Subject');
  if (childIn(el, 'Location')) out.location = text(el, 'Location');
  const body = childIn(el, 'Body');
  if (body) {
    const given = bodyText(body);
    out.body = body.attrs.BodyType === 'HTML' ? htmlText(given) : given;
    out.bodyHtml = body.attrs.BodyType === 'HTML' && given.trim() ? given : null;
  }
  if (text(el, 'LegacyFreeBusyStatus')) out.freeBusy = out.intendedFreeBusy = oneOf(text(el, 'LegacyFreeBusyStatus'), freeBusyValues, 'LegacyFreeBusyStatus');
  if (text(el, 'Sensitivity')) out.sensitivity = oneOf(text(el, 'Sensitivity'), sensitivityValues, 'Sensitivity');
  const categories = childIn(el, 'Categories');
  if (categories) out.categories = categories.children.map((c) => c.text.trim()).filter(Boolean);
  const reminderSet = parseBoolean(text(el, 'ReminderIsSet') || undefined);
  const minutes = text(el, 'ReminderMinutesBeforeStart');
  if (minutes && !/^\d{1,6}$/.test(minutes)) throw new DeputyError('InvalidArgument', `ReminderMinutesBeforeStart '${minutes}' is not a number of minutes.`, { ewsCode: 'ErrorInvalidRequest' });
  if (reminderSet === false) out.reminderMinutes = null;
  else if (minutes) out.reminderMinutes = Number(minutes);
  else if (reminderSet) out.reminderMinutes = 15;
  if (childIn(el, 'IsAllDayEvent')) out.isAllDay = parseBoolean(text(el, 'IsAllDayEvent') || undefined) ?? false;
  const attendees = readAttendees(el);
  if (attendees) out.attendees = attendees;
  return out;
}

/** A t:CalendarItem's fields (not its MimeContent) as an event; with attendees, `organizer` organizes it. */
export function readCalendarItem(el: XmlIn, contextZone: string | null, uid: string, organizer: CalendarPerson): CalendarEvent {
  const start = text(el, 'Start');
  const end = text(el, 'End');
  if (!start || !end) throw new DeputyError('InvalidArgument', 'A calendar item needs Start and End.', { ewsCode: 'ErrorInvalidRequest' });
  const recurrence = childIn(el, 'Recurrence');
  const event: CalendarEvent = {
    uid,
    subject: '',
    body: '',
    location: '',
    start: isoUtc(start),
    end: isoUtc(end),
    timeZone: requestZone(el, contextZone),
    isAllDay: false,
    rrule: null,
    exdates: [],
    overrides: [],
    ...meetingDefaults,
    reminderMinutes: 15,
    ...readCalendarProperties(el),
  };
  if (recurrence) event.rrule = recurrenceToRrule(recurrence, event.timeZone);
  return event.attendees.length ? { ...event, organizer } : event;
}

function htmlText(html: string): string {
  return html.replace(/<(script|style)[\s\S]*?<\/\1>/gi, '').replace(/<br\s*\/?>/gi, '\n').replace(/<\/p>/gi, '\n').replace(/<[^>]+>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').trim();
}
