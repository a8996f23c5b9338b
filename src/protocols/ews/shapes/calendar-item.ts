// Calendar items on the wire: t:CalendarItem requests read into a CalendarEvent (EWS recurrence
// patterns become an RRULE), occurrence ids ("O:" + master uuid + ":" + occurrence start), and the
// t:CalendarItem writer, in CalendarItemType's element order (ItemType's elements first).
import { DeputyError } from '../../../core/errors.ts';
import type { Item } from '../../../core/mailbox/model.ts';
import { ianaToWindows, wallTimeAt, wallTimeToUtc, windowsToIana } from '../../../core/calendar/time-zones.ts';
import { timeZoneDefinition } from '../operations/get-server-time-zones.ts';
import { meetingDefaults, type Attendee, type AttendeeRole, type CalendarEvent, type CalendarPerson, type FreeBusyStatus, type Occurrence, type PartStat, type Sensitivity } from '../../../core/calendar/icalendar.ts';
import { folderIdAttrs, itemIdAttrs } from './ids.ts';
import type { ItemShape } from './field-uris.ts';
import { childIn, node, parent, parseBoolean, type XmlIn, type XmlNode } from './xml-node.ts';
import { changeKeyOf } from '../ids.ts';
import { serializeChildren, type XmlElement } from '../xml/parse.ts';
import { bodyNode, extendedPropertyNodes } from './message.ts';

// --- occurrence ids -----------------------------------------------------------------------------

const occurrencePayload = /^O:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)$/;

export function encodeOccurrenceId(masterUuid: string, recurrenceId: string): string {
  return Buffer.from(`O:${masterUuid}:${recurrenceId}`, 'utf8').toString('base64url');
}

/** The master and occurrence start an occurrence id names, or null for any other id. */
export function decodeOccurrenceId(id: string): { uuid: string; recurrenceId: string } | null {
  const trimmed = id.trim().replace(/=+$/, '');
  if (!trimmed || trimmed.length > 120 || !/^[A-Za-z0-9_-]+$/.test(trimmed)) return null;
  const match = occurrencePayload.exec(Buffer.from(trimmed, 'base64url').toString('utf8'));
  return match && !Number.isNaN(Date.parse(match[2])) ? { uuid: match[1], recurrenceId: match[2] } : null;
}

// --- reading t:CalendarItem ---------------------------------------------------------------------

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
    // ews-javascript-api sends HTML unescaped: it arrives as child elements.
    const given = body.children.length ? serializeChildren(body as XmlElement) : body.text;
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

// --- writing t:CalendarItem ---------------------------------------------------------------------

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

export interface CalendarView {
  item: Item;
  event: CalendarEvent;
  /** Set for an occurrence or exception of a recurring master. */
  occurrence?: Occurrence;
  mime?: Buffer;
  forFindItem?: boolean;
  /** The mailbox owner's addresses (lower case), to tell organizer from attendee. */
  owner?: ReadonlySet<string>;
}

const responseNames: Record<PartStat, string> = { 'NEEDS-ACTION': 'Unknown', ACCEPTED: 'Accept', TENTATIVE: 'Tentative', DECLINED: 'Decline' };

/** MyResponseType: Organizer for an appointment or the organizer's copy, else the owner's own answer. */
export function myResponseType(event: CalendarEvent, owner: ReadonlySet<string> | undefined): string {
  if (!event.organizer || !owner || owner.has(event.organizer.address.toLowerCase())) return 'Organizer';
  const mine = event.attendees.find((a) => owner.has(a.address.toLowerCase()));
  if (!mine) return 'Unknown';
  return mine.partStat === 'NEEDS-ACTION' ? 'NoResponseReceived' : responseNames[mine.partStat];
}

export const mailboxNode = (name: string, person: CalendarPerson): XmlNode =>
  parent(name, [parent('t:Mailbox', [...(person.name ? [node('t:Name', person.name)] : []), node('t:EmailAddress', person.address), node('t:RoutingType', 'SMTP'), node('t:MailboxType', 'Mailbox')])]);

function attendeesNode(name: string, attendees: Attendee[]): XmlNode[] {
  if (!attendees.length) return [];
  return [
    parent(
      name,
      attendees.map((a) =>
        parent('t:Attendee', [
          mailboxNode('t:Mailbox', a).children![0]!,
          node('t:ResponseType', responseNames[a.partStat]),
          ...(a.respondedAt ? [node('t:LastResponseTime', a.respondedAt)] : []),
        ]),
      ),
    ),
  ];
}

/** The meeting elements CalendarItemType and MeetingRequestMessageType share, from MyResponseType to Resources. */
export function meetingNodes(event: CalendarEvent, owner: ReadonlySet<string> | undefined, want: (uri: string) => boolean): XmlNode[] {
  const c: XmlNode[] = [];
  if (want('calendar:MyResponseType')) c.push(node('t:MyResponseType', myResponseType(event, owner)));
  if (event.organizer && want('calendar:Organizer')) c.push(mailboxNode('t:Organizer', event.organizer));
  if (want('calendar:RequiredAttendees')) c.push(...attendeesNode('t:RequiredAttendees', event.attendees.filter((a) => a.role === 'Required')));
  if (want('calendar:OptionalAttendees')) c.push(...attendeesNode('t:OptionalAttendees', event.attendees.filter((a) => a.role === 'Optional')));
  if (want('calendar:Resources')) c.push(...attendeesNode('t:Resources', event.attendees.filter((a) => a.role === 'Resource')));
  return c;
}

/** t:CalendarItem for the shape, elements in CalendarItemType's order. */
export function calendarItemNode(view: CalendarView, shape: ItemShape): XmlNode {
  const { item, event, occurrence } = view;
  const all = shape.base !== 'IdOnly';
  const want = (uri: string) => all || shape.fields.has(uri);
  const isMeeting = !!event.organizer;
  const c: XmlNode[] = [];
  if (view.mime && (shape.includeMime || shape.fields.has('item:MimeContent'))) c.push(node('t:MimeContent', view.mime.toString('base64'), { CharacterSet: 'UTF-8' }));
  c.push(node('t:ItemId', undefined, occurrence ? { Id: encodeOccurrenceId(item.id, occurrence.recurrenceId), ChangeKey: changeKeyOf(item.version) } : itemIdAttrs(item)));
  if (want('item:ParentFolderId')) c.push(node('t:ParentFolderId', undefined, { Id: folderIdAttrs({ id: item.folderId, version: 1 }).Id }));
  if (want('item:ItemClass')) c.push(node('t:ItemClass', item.itemClass));
  if (want('item:Subject')) c.push(node('t:Subject', occurrence?.subject ?? event.subject));
  if (want('item:Sensitivity')) c.push(node('t:Sensitivity', event.sensitivity));
  if (!view.forFindItem && want('item:Body')) c.push(bodyNode('t:Body', shape, { text: event.body, html: event.bodyHtml }));
  if (want('item:DateTimeReceived')) c.push(node('t:DateTimeReceived', item.receivedAt));
  if (want('item:Size')) c.push(node('t:Size', item.size));
  if (want('item:Categories') && event.categories.length) c.push(parent('t:Categories', event.categories.map((x) => node('t:String', x))));
  if (want('item:Importance')) c.push(node('t:Importance', item.importance));
  if (want('item:IsDraft')) c.push(node('t:IsDraft', false));
  if (want('item:DateTimeCreated')) c.push(node('t:DateTimeCreated', item.createdAt));
  if (want('item:ReminderIsSet')) c.push(node('t:ReminderIsSet', event.reminderMinutes !== null));
  if (want('item:ReminderMinutesBeforeStart')) c.push(node('t:ReminderMinutesBeforeStart', event.reminderMinutes ?? 0));
  if (want('item:HasAttachments')) c.push(node('t:HasAttachments', false));
  c.push(...extendedPropertyNodes(item, shape));
  if (want('item:LastModifiedTime')) c.push(node('t:LastModifiedTime', item.modifiedAt));
  if (want('calendar:UID')) c.push(node('t:UID', event.uid));
  if (occurrence && want('calendar:RecurrenceId')) c.push(node('t:RecurrenceId', occurrence.recurrenceId));
  if (want('calendar:Start')) c.push(node('t:Start', occurrence?.start ?? event.start));
  if (want('calendar:End')) c.push(node('t:End', occurrence?.end ?? event.end));
  if (occurrence && want('calendar:OriginalStart')) c.push(node('t:OriginalStart', occurrence.recurrenceId));
  if (want('calendar:IsAllDayEvent')) c.push(node('t:IsAllDayEvent', event.isAllDay));
  if (want('calendar:LegacyFreeBusyStatus')) c.push(node('t:LegacyFreeBusyStatus', event.freeBusy));
  if (want('calendar:Location')) c.push(node('t:Location', occurrence?.location ?? event.location));
  if (want('calendar:IsMeeting')) c.push(node('t:IsMeeting', isMeeting));
  if (want('calendar:IsCancelled')) c.push(node('t:IsCancelled', event.status === 'CANCELLED'));
  if (want('calendar:IsRecurring')) c.push(node('t:IsRecurring', !!event.rrule));
  if (want('calendar:MeetingRequestWasSent')) c.push(node('t:MeetingRequestWasSent', isMeeting && myResponseType(event, view.owner) === 'Organizer'));
  if (want('calendar:IsResponseRequested')) c.push(node('t:IsResponseRequested', isMeeting));
  if (want('calendar:CalendarItemType')) c.push(node('t:CalendarItemType', occurrence ? occurrence.kind : event.rrule ? 'RecurringMaster' : 'Single'));
  c.push(...meetingNodes(event, view.owner, want));
  if (want('calendar:AppointmentSequenceNumber')) c.push(node('t:AppointmentSequenceNumber', event.sequence));
  if (want('calendar:AppointmentState')) c.push(node('t:AppointmentState', (isMeeting ? 1 : 0) | (event.status === 'CANCELLED' ? 4 : 0) | (isMeeting && myResponseType(event, view.owner) !== 'Organizer' ? 2 : 0)));
  if (!occurrence && want('calendar:Recurrence')) {
    const recurrence = recurrenceNode(event);
    if (recurrence) c.push(recurrence);
  }
  if (!occurrence && event.rrule && event.overrides.length && want('calendar:ModifiedOccurrences')) {
    const duration = Date.parse(event.end) - Date.parse(event.start);
    c.push(
      parent(
        't:ModifiedOccurrences',
        event.overrides.map((o) => {
          const start = o.start ?? o.recurrenceId;
          return parent('t:Occurrence', [
            node('t:ItemId', undefined, { Id: encodeOccurrenceId(item.id, o.recurrenceId), ChangeKey: changeKeyOf(item.version) }),
            node('t:Start', start),
            node('t:End', o.end ?? new Date(Date.parse(start) + duration).toISOString().replace(/\.000Z$/, 'Z')),
            node('t:OriginalStart', o.recurrenceId),
          ]);
        }),
      ),
    );
  }
  if (!occurrence && event.rrule && event.exdates.length && want('calendar:DeletedOccurrences')) c.push(parent('t:DeletedOccurrences', event.exdates.map((d) => parent('t:DeletedOccurrence', [node('t:Start', d)]))));
  // The zone the item's wall-clock times follow, as a full definition clients can convert with.
  const windowsZone = event.isAllDay ? null : ianaToWindows(event.timeZone);
  for (const [uri, element] of [['calendar:StartTimeZone', 't:StartTimeZone'], ['calendar:EndTimeZone', 't:EndTimeZone']] as const) {
    const definition = windowsZone && want(uri) ? timeZoneDefinition(element, windowsZone) : null;
    if (definition) c.push(definition);
  }
  return parent('t:CalendarItem', c);
}
