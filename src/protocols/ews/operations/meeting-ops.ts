// Meeting response objects of CreateItem: AcceptItem, TentativelyAcceptItem and DeclineItem (an
// attendee answers, sending the response unless SaveOnly), CancelCalendarItem (the organizer
// cancels: attendees get the cancellation, the organizer's item goes to Deleted Items) and
// RemoveItem (an attendee removes a cancelled meeting from the calendar).
import { DeputyError } from '../../../core/errors.ts';
import type { Item } from '../../../core/mailbox/model.ts';
import { calendarFolders, entriesOf, saveEvent } from '../../../services/calendar/calendar-items.ts';
import { answerMeeting, organizes, removeCancelledMeeting, sendCancellations, type MeetingAnswer } from '../../../services/calendar/meetings.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { moveItem, ownedItem } from '../../../services/mailbox/items.ts';
import { calendarItemNode, decodeOccurrenceId } from '../shapes/calendar-item.ts';
import { messageNode } from '../shapes/message.ts';
import { childIn, parent, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';
import { decodeId } from '../ids.ts';

export type Disposition = 'SaveOnly' | 'SendOnly' | 'SendAndSaveCopy';
const idOnly = { base: 'IdOnly' as const, fields: new Set<string>(), extended: [], includeMime: false, bodyType: 'Best' as const };
const answers: Record<string, MeetingAnswer> = { AcceptItem: 'Accept', TentativelyAcceptItem: 'Tentative', DeclineItem: 'Decline' };

export const isMeetingResponseObject = (local: string) => local in answers || local === 'CancelCalendarItem' || local === 'RemoveItem';

/** The item a response object refers to (ReferenceItemId), which must be the acting mailbox's. */
async function referencedItem(op: MailboxOperation, el: XmlIn): Promise<Item> {
  const id = childIn(el, 'ReferenceItemId')?.attrs.Id ?? '';
  if (decodeOccurrenceId(id)) throw new DeputyError('NotImplemented', 'Answering or cancelling a single occurrence is not implemented yet: answer the series, or delete the occurrence with SendMeetingCancellations.', { ewsCode: 'ErrorInvalidOperation' });
  const ref = decodeId(id);
  if (!ref || ref.kind !== 'item') throw new DeputyError('InvalidArgument', 'The ReferenceItemId is malformed.', { ewsCode: 'ErrorInvalidIdMalformed' });
  return ownedItem(op, ref.uuid);
}

const bodyOf = (el: XmlIn) => (childIn(el, 'Body') ?? childIn(el, 'NewBodyContent'))?.text ?? '';

/** One response object of CreateItem, in the acting mailbox's transaction. */
export async function createMeetingResponse(op: MailboxOperation, el: XmlIn, disposition: Disposition): Promise<XmlNode[]> {
  const reference = await referencedItem(op, el);
  const answer = answers[el.local];
  if (answer) {
    const result = await answerMeeting(op, reference, answer, { send: disposition !== 'SaveOnly', saveCopy: disposition === 'SendAndSaveCopy', text: bodyOf(el) });
    await auditMailboxOperation(op, {
      operation: 'MeetingResponse',
      itemIds: [reference.id, result.calendarItem.id, ...(result.delivery.sentCopyId ? [result.delivery.sentCopyId] : [])],
      details: { answer, sent: disposition !== 'SaveOnly', deliveredTo: result.delivery.deliveredTo, queuedFor: result.delivery.queuedFor.length },
    });
    const [entry] = await entriesOf(op.tx, [result.calendarItem]);
    return [parent('m:Items', [calendarItemNode({ item: result.calendarItem, event: entry!.event }, idOnly)])];
  }
  if (el.local === 'RemoveItem') {
    const removed = await removeCancelledMeeting(op, reference);
    await auditMailboxOperation(op, { operation: 'MoveToDeletedItems', itemIds: [reference.id, ...(removed.calendarItem ? [removed.calendarItem.id] : [])], details: { removedCancelledMeeting: true } });
    const [entry] = removed.calendarItem ? await entriesOf(op.tx, [removed.calendarItem]) : [];
    return [parent('m:Items', [entry ? calendarItemNode({ item: entry.item, event: entry.event }, idOnly) : messageNode(removed.message, idOnly)])];
  }
  if (disposition === 'SaveOnly') throw new DeputyError('InvalidArgument', 'A meeting cancellation is sent: use MessageDisposition SendOnly or SendAndSaveCopy.', { ewsCode: 'ErrorInvalidOperation' });
  const [entry] = await entriesOf(op.tx, [reference]);
  if (!entry || !entry.event.organizer || !organizes(op.mailbox, entry.event)) {
    throw new DeputyError('InvalidOperation', 'Only the organizer can cancel a meeting, and only a calendar item with attendees is a meeting.', { ewsCode: 'ErrorCalendarIsNotOrganizer' });
  }
  const cancelled = { ...entry.event, status: 'CANCELLED' as const, sequence: entry.event.sequence + 1, ...(bodyOf(el) ? { body: bodyOf(el), bodyHtml: null } : {}) };
  const saved = await saveEvent(op.tx, entry.item, cancelled, op.now);
  const delivery = await sendCancellations(op, cancelled, cancelled.attendees, disposition === 'SendAndSaveCopy');
  const moved = await moveItem(op, saved, (await calendarFolders(op.tx, op.mailbox.guid, op.now)).deleted);
  await auditMailboxOperation(op, { operation: 'CancelMeeting', itemIds: [entry.item.id, ...(delivery.sentCopyId ? [delivery.sentCopyId] : [])], details: { deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } });
  // Clients (the EWS Managed API's CalendarActionResults) expect the item back.
  return [parent('m:Items', [calendarItemNode({ item: moved, event: cancelled }, idOnly)])];
}
