// The meeting elements of t:MeetingRequest, t:MeetingResponse and t:MeetingCancellation, in their
// types' order after MessageType's: the meeting (MeetingMessageType), then what each kind shows of
// the event. The event is the one the message carries (its text/calendar part); the associated
// calendar item is the recipient's own copy of the meeting.
import type { Item } from '../../../core/mailbox/model.ts';
import type { CalendarEvent } from '../../../core/calendar/icalendar.ts';
import { itemIdAttrs } from './ids.ts';
import type { ItemShape } from './field-uris.ts';
import { meetingNodes, myResponseType } from './calendar-item.ts';
import { recurrenceNode } from './recurrence.ts';
import { node, type XmlNode } from './xml-node.ts';

export interface MeetingMessageView {
  item: Item;
  /** The event the message carries. */
  event: CalendarEvent;
  /** Its RECURRENCE-ID when the message is about one occurrence. */
  instanceOf: string | null;
  /** The recipient's calendar item for the meeting, if there is one. */
  associated: { item: Item; event: CalendarEvent } | null;
  owner: ReadonlySet<string>;
}

const answerOf: Record<string, string> = { 'IPM.Schedule.Meeting.Resp.Pos': 'Accept', 'IPM.Schedule.Meeting.Resp.Tent': 'Tentative', 'IPM.Schedule.Meeting.Resp.Neg': 'Decline' };

export function meetingMessageNodes(view: MeetingMessageView, shape: ItemShape): XmlNode[] {
  const { item, event, associated } = view;
  const all = shape.base !== 'IdOnly';
  const want = (uri: string) => all || shape.fields.has(uri);
  const own = associated?.event;
  const c: XmlNode[] = [];
  if (associated && want('meeting:AssociatedCalendarItemId')) c.push(node('t:AssociatedCalendarItemId', undefined, itemIdAttrs(associated.item)));
  if (want('meeting:IsDelegated')) c.push(node('t:IsDelegated', false));
  if (want('meeting:IsOutOfDate')) c.push(node('t:IsOutOfDate', !!own && own.sequence > event.sequence));
  if (want('meeting:HasBeenProcessed')) c.push(node('t:HasBeenProcessed', !!associated));
  const response = answerOf[item.itemClass] ?? (own ? myResponseType(own, view.owner) : 'Unknown');
  if (want('meeting:ResponseType')) c.push(node('t:ResponseType', response));
  if (want('calendar:UID')) c.push(node('t:UID', event.uid));
  if (view.instanceOf && want('calendar:RecurrenceId')) c.push(node('t:RecurrenceId', view.instanceOf));
  const itemType = view.instanceOf ? 'Occurrence' : event.rrule ? 'RecurringMaster' : 'Single';
  if (item.itemClass === 'IPM.Schedule.Meeting.Request') {
    if (want('meetingRequest:MeetingRequestType')) c.push(node('t:MeetingRequestType', event.sequence > 0 ? 'FullUpdate' : 'NewMeetingRequest'));
    if (want('meetingRequest:IntendedFreeBusyStatus')) c.push(node('t:IntendedFreeBusyStatus', event.freeBusy));
    if (want('calendar:Start')) c.push(node('t:Start', event.start));
    if (want('calendar:End')) c.push(node('t:End', event.end));
    if (want('calendar:IsAllDayEvent')) c.push(node('t:IsAllDayEvent', event.isAllDay));
    if (want('calendar:LegacyFreeBusyStatus')) c.push(node('t:LegacyFreeBusyStatus', own?.freeBusy ?? 'Tentative'));
    if (want('calendar:Location')) c.push(node('t:Location', event.location));
    if (want('calendar:IsMeeting')) c.push(node('t:IsMeeting', true));
    if (want('calendar:IsCancelled')) c.push(node('t:IsCancelled', own?.status === 'CANCELLED'));
    if (want('calendar:IsRecurring')) c.push(node('t:IsRecurring', !!event.rrule));
    if (want('calendar:MeetingRequestWasSent')) c.push(node('t:MeetingRequestWasSent', true));
    if (want('calendar:CalendarItemType')) c.push(node('t:CalendarItemType', itemType));
    c.push(...meetingNodes(own ?? event, view.owner, want));
    if (want('calendar:AppointmentSequenceNumber')) c.push(node('t:AppointmentSequenceNumber', event.sequence));
    if (want('calendar:AppointmentState')) c.push(node('t:AppointmentState', 3));
    const recurrence = want('calendar:Recurrence') ? recurrenceNode(event) : null;
    if (recurrence) c.push(recurrence);
    return c;
  }
  if (want('calendar:Start')) c.push(node('t:Start', event.start));
  if (want('calendar:End')) c.push(node('t:End', event.end));
  if (want('calendar:Location')) c.push(node('t:Location', event.location));
  const recurrence = want('calendar:Recurrence') ? recurrenceNode(event) : null;
  if (recurrence) c.push(recurrence);
  if (want('calendar:CalendarItemType')) c.push(node('t:CalendarItemType', itemType));
  return c;
}
