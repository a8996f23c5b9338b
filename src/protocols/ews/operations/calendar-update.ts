// UpdateItem on a whole calendar item (a single item or a series master): Set/Append/DeleteItemField
// on its calendar properties, attendees and recurrence. The organizer of a meeting sends the change
// to attendees as SendMeetingInvitationsOrCancellations says (a new SEQUENCE; removed attendees get
// a cancellation); an attendee's changes stay in their own copy.
import { DeputyError } from '../../../core/errors.ts';
import type { Item } from '../../../core/mailbox/model.ts';
import { windowsToIana } from '../../../core/calendar/time-zones.ts';
import type { Attendee, AttendeeRole, CalendarEvent } from '../../../core/calendar/icalendar.ts';
import { entriesOf, saveEvent } from '../../../services/calendar/calendar-items.ts';
import { organizes, revised, sendUpdate, type InvitationsMode, type MeetingDelivery } from '../../../services/calendar/meetings.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { calendarItemNode } from '../shapes/calendar-item.ts';
import { isoUtc, readAttendees, readCalendarProperties } from '../shapes/calendar-item-input.ts';
import { recurrenceToRrule } from '../shapes/recurrence.ts';
import { childIn, node, parent, typesNs, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';

const idOnly = { base: 'IdOnly' as const, fields: new Set<string>(), extended: [], includeMime: false, bodyType: 'Best' as const };
const invalid = (message: string, ewsCode: string) => new DeputyError('InvalidArgument', message, { ewsCode });

const plainFields = new Set(['item:Subject', 'item:Body', 'item:Sensitivity', 'item:Categories', 'item:ReminderIsSet', 'item:ReminderMinutesBeforeStart', 'calendar:Location', 'calendar:LegacyFreeBusyStatus', 'calendar:IsAllDayEvent']);
const attendeeFields: Record<string, AttendeeRole> = { 'calendar:RequiredAttendees': 'Required', 'calendar:OptionalAttendees': 'Optional', 'calendar:Resources': 'Resource' };
const zoneFields = new Set(['calendar:StartTimeZone', 'calendar:EndTimeZone', 'calendar:MeetingTimeZone']);

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Attendees of one role replaced (or added to), keeping the answers of those already invited. */
function withAttendees(event: CalendarEvent, role: AttendeeRole, given: Attendee[], append: boolean): Attendee[] {
  const known = new Map(event.attendees.map((a) => [a.address.toLowerCase(), a]));
  const next = given.map((a) => ({ ...a, role, ...(known.has(a.address.toLowerCase()) ? { partStat: known.get(a.address.toLowerCase())!.partStat, respondedAt: known.get(a.address.toLowerCase())!.respondedAt } : {}) }));
  const kept = event.attendees.filter((a) => a.role !== role || append);
  return [...kept, ...next.filter((a) => !kept.some((k) => k.address.toLowerCase() === a.address.toLowerCase()))];
}

/** The event with one Set/Append/DeleteItemField applied. */
function applyUpdate(event: CalendarEvent, u: XmlIn): CalendarEvent {
  const uri = childIn(u, 'FieldURI')?.attrs.FieldURI ?? '';
  if (!uri) throw new DeputyError('NotImplemented', `Changing ${childIn(u, 'ExtendedFieldURI') ? 'extended properties' : 'indexed fields'} of calendar items is not implemented yet.`, { ewsCode: 'ErrorInvalidPropertyRequest' });
  if (u.local === 'DeleteItemField') {
    if (uri in attendeeFields) return { ...event, attendees: event.attendees.filter((a) => a.role !== attendeeFields[uri]) };
    const cleared: Partial<Record<string, Partial<CalendarEvent>>> = {
      'calendar:Location': { location: '' },
      'item:Body': { body: '', bodyHtml: null },
      'item:Categories': { categories: [] },
      'calendar:Recurrence': { rrule: null, exdates: [], overrides: [] },
      'item:ReminderMinutesBeforeStart': { reminderMinutes: null },
    };
    if (!cleared[uri]) throw invalid(`${uri} can't be deleted from a calendar item.`, 'ErrorInvalidPropertyDelete');
    return { ...event, ...cleared[uri] };
  }
  const value = childIn(u, 'CalendarItem');
  if (!value) throw invalid(`${uri} needs a t:CalendarItem value.`, 'ErrorInvalidRequest');
  const append = u.local === 'AppendToItemField';
  if (append && uri !== 'item:Body' && !(uri in attendeeFields)) throw invalid(`Only the body and attendee lists can be appended to, not ${uri}.`, 'ErrorInvalidPropertyAppend');
  if (uri in attendeeFields) return { ...event, attendees: withAttendees(event, attendeeFields[uri]!, readAttendees(value) ?? [], append) };
  if (plainFields.has(uri)) {
    const given = readCalendarProperties(value);
    if (append) return { ...event, body: event.body + (given.body ?? ''), bodyHtml: event.bodyHtml || given.bodyHtml ? (event.bodyHtml ?? escapeHtml(event.body)) + (given.bodyHtml ?? escapeHtml(given.body ?? '')) : null };
    return { ...event, ...given };
  }
  if (uri === 'calendar:Start' || uri === 'calendar:End') {
    const time = childIn(value, uri === 'calendar:Start' ? 'Start' : 'End')?.text.trim() ?? '';
    if (!time) throw invalid(`${uri} needs a value.`, 'ErrorInvalidRequest');
    return uri === 'calendar:Start' ? { ...event, start: isoUtc(time) } : { ...event, end: isoUtc(time) };
  }
  if (zoneFields.has(uri)) {
    // Start and End are instants; the zone decides the wall-clock time the recurrence follows.
    const zoneEl = childIn(value, uri.slice('calendar:'.length));
    const id = zoneEl?.attrs.Id ?? zoneEl?.attrs.TimeZoneName;
    if (!id || uri === 'calendar:EndTimeZone') return event;
    const zone = windowsToIana(id);
    if (!zone) throw invalid(`The time zone '${id}' is not known.`, 'ErrorCalendarInvalidTimeZone');
    return { ...event, timeZone: zone };
  }
  if (uri === 'calendar:Recurrence') {
    const recurrence = childIn(value, 'Recurrence');
    if (!recurrence) throw invalid('calendar:Recurrence needs a t:Recurrence value.', 'ErrorInvalidRequest');
    return { ...event, rrule: recurrenceToRrule(recurrence, event.timeZone), exdates: [], overrides: [] };
  }
  throw new DeputyError('NotImplemented', `Changing ${uri} of a calendar item is not implemented yet.`, { ewsCode: 'ErrorInvalidPropertyRequest' });
}

/** UpdateItem of one calendar item of the acting mailbox. */
export async function updateCalendarItem(op: MailboxOperation, item: Item, change: XmlIn, mode: InvitationsMode): Promise<XmlNode[]> {
  const [entry] = await entriesOf(op.tx, [item]);
  const before = entry!.event;
  let after = before;
  for (const u of childIn(change, 'Updates')?.children.filter((c) => c.ns === typesNs) ?? []) after = applyUpdate(after, u);
  if (Date.parse(after.end) < Date.parse(after.start)) throw invalid('The end of a calendar item is before its start.', 'ErrorCalendarEndDateIsEarlierThanStartDate');
  if (after.attendees.length && !after.organizer) after = { ...after, organizer: { address: op.mailbox.primarySmtpAddress, name: op.mailbox.displayName } };
  const sending = !!after.organizer && organizes(op.mailbox, after) && mode !== 'SendToNone';
  if (sending) after = revised(before, after);
  const saved = await saveEvent(op.tx, item, after, op.now);
  const delivery: MeetingDelivery = sending ? await sendUpdate(op, before, after, mode) : { deliveredTo: 0, queuedFor: [], sentCopyId: null };
  await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id, ...(delivery.sentCopyId ? [delivery.sentCopyId] : [])], details: { fields: childIn(change, 'Updates')?.children.length ?? 0, ...(sending ? { meetingUpdate: mode, deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } : {}) } });
  // A room may have answered the update already, changing the item: return its current ChangeKey.
  const current = (await op.tx.getItems([item.id]))[0] ?? saved;
  return [parent('m:Items', [calendarItemNode({ item: current, event: after }, idOnly)]), parent('m:ConflictResults', [node('t:Count', 0)])];
}
