// Calendar items on the wire: occurrence ids ("O:" + master uuid + ":" + occurrence start) and
// the t:CalendarItem writer, in CalendarItemType's element order (ItemType's elements first).
// Reading requests is calendar-item-input.ts; recurrence patterns are recurrence.ts.
import type { Item } from '../../../core/mailbox/model.ts';
import { ianaToWindows } from '../../../core/calendar/time-zones.ts';
import { timeZoneDefinition } from '../operations/get-server-time-zones.ts';
import type { Attendee, CalendarEvent, CalendarPerson, Occurrence, PartStat } from '../../../core/calendar/icalendar.ts';
import { folderIdAttrs, itemIdAttrs } from './ids.ts';
import type { ItemShape } from './field-uris.ts';
import { node, parent, type XmlNode } from './xml-node.ts';
import { changeKeyOf } from '../ids.ts';
import { bodyNode, extendedPropertyNodes } from './message.ts';
import { recurrenceNode } from './recurrence.ts';

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
