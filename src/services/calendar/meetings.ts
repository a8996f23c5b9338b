// Meetings as Exchange schedules them: the organizer's requests, updates and cancellations reach
// internal attendees' Inboxes with their calendar copies kept in step (tentative until answered),
// external attendees get iMIP mail through the outbound queue, and an attendee's answer updates
// the organizer's copy when it is delivered. Everything runs in the caller's one transaction.
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../core/errors.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import type { Item } from '../../core/mailbox/model.ts';
import { withDeletedOccurrence, type Attendee, type CalendarEvent, type CalendarPerson, type ItipMethod, type PartStat } from '../../core/calendar/icalendar.ts';
import type { StoreTx } from '../../store/store.ts';
import type { MailboxOperation } from '../mailbox/context.ts';
import { itemFromMime, moveItem } from '../mailbox/items.ts';
import { expandRecipients } from '../mailbox/send.ts';
import { calendarFolders, conversationIdOfUid, entriesOf, entryByUid, ownerAddresses, putNewEvent, saveEvent, type CalendarEntry } from './calendar-items.ts';
import { imipMessage, itipOf } from './imip.ts';
import { calendarProcessingOf, overlapsBooking } from './room-booking.ts';
import { bookingWindowEnd, policyRefusal } from '../../core/calendar/calendar-processing.ts';

export const meetingRequestClass = 'IPM.Schedule.Meeting.Request';
export const meetingCancellationClass = 'IPM.Schedule.Meeting.Canceled';
export type MeetingAnswer = 'Accept' | 'Tentative' | 'Decline';
export const meetingResponseClass: Record<MeetingAnswer, string> = { Accept: 'IPM.Schedule.Meeting.Resp.Pos', Tentative: 'IPM.Schedule.Meeting.Resp.Tent', Decline: 'IPM.Schedule.Meeting.Resp.Neg' };
const answerPartStat: Record<MeetingAnswer, PartStat> = { Accept: 'ACCEPTED', Tentative: 'TENTATIVE', Decline: 'DECLINED' };
const answerSubject: Record<MeetingAnswer, string> = { Accept: 'Accepted', Tentative: 'Tentative', Decline: 'Declined' };

export const isMeetingMessageClass = (itemClass: string) => itemClass.startsWith('IPM.Schedule.Meeting.');

/** What a meeting change sent: to how many internal mailboxes, and which external addresses were queued. */
export interface MeetingDelivery {
  deliveredTo: number;
  queuedFor: string[];
  sentCopyId: string | null;
}

const personOf = (mailbox: Recipient): CalendarPerson => ({ address: mailbox.primarySmtpAddress, name: mailbox.displayName });
const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Is the acting mailbox the organizer of this event (an appointment has none: its owner)? */
export function organizes(mailbox: Recipient, event: CalendarEvent): boolean {
  return !event.organizer || ownerAddresses(mailbox).has(event.organizer.address.toLowerCase());
}

/** The attendee entry that is this mailbox, if any. */
function attendeeFor(mailbox: Recipient, event: CalendarEvent): Attendee | undefined {
  const mine = ownerAddresses(mailbox);
  return event.attendees.find((a) => mine.has(a.address.toLowerCase()));
}

/** Only a meeting's own organizer may change the copies of it (a UID alone proves nothing). */
const sameOrganizer = (a: CalendarEvent, b: CalendarEvent) => !!a.organizer && !!b.organizer && sameAddress(a.organizer.address, b.organizer.address);

const timesChanged = (a: CalendarEvent, b: CalendarEvent) => a.start !== b.start || a.end !== b.end || a.rrule !== b.rrule || a.isAllDay !== b.isAllDay;

/** How an answer shows in the answering attendee's free/busy. */
function freeBusyFor(partStat: PartStat, intended: CalendarEvent['freeBusy']): CalendarEvent['freeBusy'] {
  if (partStat === 'ACCEPTED') return intended;
  if (partStat === 'DECLINED') return 'Free';
  return 'Tentative';
}

/**
 * An attendee's copy of the organizer's event: the organizer's data, with the attendee's own answer
 * kept from the earlier copy unless the time changed (then it is asked for again, as Exchange does).
 */
function attendeeCopy(organizerEvent: CalendarEvent, earlier: CalendarEvent | undefined, mailbox: Recipient): CalendarEvent {
  const mineBefore = earlier ? attendeeFor(mailbox, earlier) : undefined;
  const keep = mineBefore && earlier && !timesChanged(earlier, organizerEvent) ? mineBefore.partStat : 'NEEDS-ACTION';
  const mine = ownerAddresses(mailbox);
  return {
    ...organizerEvent,
    attendees: organizerEvent.attendees.map((a) => (mine.has(a.address.toLowerCase()) ? { ...a, partStat: keep } : a)),
    freeBusy: freeBusyFor(keep, organizerEvent.freeBusy),
    intendedFreeBusy: organizerEvent.freeBusy,
    reminderMinutes: earlier?.reminderMinutes ?? organizerEvent.reminderMinutes,
    categories: earlier?.categories ?? [],
  };
}

/** Files a meeting message in a folder (no attachments shown: the iCalendar part is the meeting). */
async function fileMessage(tx: StoreTx, folderId: string, mime: Buffer, itemClass: string, uid: string, now: string, read: boolean): Promise<Item> {
  const folder = (await tx.getFolder(folderId))!;
  const item = await itemFromMime(tx, folder, mime, now, { itemClass, conversationId: conversationIdOfUid(uid), hasAttachments: false, attachments: [], isRead: read, receivedAt: now });
  await tx.putItem(item, mime);
  return item;
}

interface Outgoing {
  method: ItipMethod;
  subject: string;
  event: CalendarEvent;
  instanceOf?: string;
  itemClass: string;
}

/**
 * Sends one meeting message from the acting mailbox to `to`: each internal mailbox (groups
 * expanded) gets `deliver` run on it in this transaction, external addresses are queued, and with
 * `saveCopy` the sender keeps a copy in Sent Items.
 */
async function sendMeetingMessage(op: MailboxOperation, to: CalendarPerson[], message: Outgoing, saveCopy: boolean, deliver: (mailbox: Recipient, mime: Buffer) => Promise<void>): Promise<MeetingDelivery> {
  if (!to.length) return { deliveredTo: 0, queuedFor: [], sentCopyId: null };
  const mime = await imipMessage({ from: personOf(op.mailbox), to, subject: message.subject, text: message.event.body, method: message.method, event: message.event, ...(message.instanceOf ? { instanceOf: message.instanceOf } : {}), now: op.now });
  const destinations = expandRecipients(op, to.map((p) => p.address));
  let deliveredTo = 0;
  for (const mailbox of destinations.mailboxes) {
    if (mailbox.guid === op.mailbox.guid) continue;
    await deliver(mailbox, mime);
    deliveredTo++;
  }
  if (destinations.external.length) {
    await op.tx.enqueueOutbound({ id: randomUUID(), mailboxGuid: op.mailbox.guid, mailFrom: op.mailbox.primarySmtpAddress, recipients: destinations.external, mime, state: 'Queued', attempts: 0, lastError: null, createdAt: op.now });
  }
  let sentCopyId: string | null = null;
  if (saveCopy) {
    const { sent } = await calendarFolders(op.tx, op.mailbox.guid, op.now);
    sentCopyId = (await fileMessage(op.tx, sent.id, mime, message.itemClass, message.event.uid, op.now, true)).id;
  }
  return { deliveredTo, queuedFor: destinations.external, sentCopyId };
}

// --- the organizer ------------------------------------------------------------------------------

/** A request (new or updated) reaching an internal attendee: their copy is created or brought up to date. */
async function deliverRequest(op: MailboxOperation, mailbox: Recipient, event: CalendarEvent, mime: Buffer): Promise<void> {
  const folders = await calendarFolders(op.tx, mailbox.guid, op.now);
  const existing = await entryByUid(op.tx, mailbox.guid, event.uid, op.now);
  const request = await fileMessage(op.tx, folders.inbox.id, mime, meetingRequestClass, event.uid, op.now, false);
  // Someone else's meeting with this UID is left alone: the request is filed, and answering it is refused.
  if (existing && !sameOrganizer(existing.event, event)) return;
  const copy = attendeeCopy(event, existing?.event, mailbox);
  const entry = existing ? { item: await saveEvent(op.tx, existing.item, copy, op.now), event: copy } : await putNewEvent(op.tx, folders.calendar, copy, op.now);
  if (mailbox.typeDetails === 'RoomMailbox' && attendeeFor(mailbox, copy)?.partStat === 'NEEDS-ACTION') await bookRoom(op, mailbox, entry, request);
}

/**
 * A room answers on its own as its calendar processing says (Exchange's resource booking): None
 * and AutoUpdate leave the request in its Inbox and the copy tentative. AutoAccept declines, saying
 * why, a meeting that breaks its policy or overlaps another booking in the booking window (unless
 * AllowConflicts), and accepts the rest; the answer goes back to the organizer at once.
 */
async function bookRoom(op: MailboxOperation, room: Recipient, entry: CalendarEntry, request: Item): Promise<void> {
  const settings = await calendarProcessingOf(op.tx, room);
  if (settings.automateProcessing !== 'AutoAccept') return;
  const { event } = entry;
  const windowEnd = bookingWindowEnd(settings, op.now);
  const refusal =
    policyRefusal(settings, { start: event.start, end: event.end, recurring: event.rrule !== null }, op.now, room.displayName) ??
    (!settings.allowConflicts && (await overlapsBooking(op, room, entry, windowEnd)) ? `${room.displayName} is already booked for part of this time.` : null);
  await answerMeeting({ ...op, mailbox: room }, request, refusal ? 'Decline' : 'Accept', { send: true, saveCopy: false, text: refusal ?? '' });
}

/** A cancellation reaching an internal attendee: the occurrence leaves their copy, or the whole copy is marked cancelled and free. */
async function deliverCancellation(op: MailboxOperation, mailbox: Recipient, event: CalendarEvent, instanceOf: string | undefined, mime: Buffer): Promise<void> {
  const folders = await calendarFolders(op.tx, mailbox.guid, op.now);
  const existing = await entryByUid(op.tx, mailbox.guid, event.uid, op.now);
  if (existing && sameOrganizer(existing.event, event)) {
    const copy = instanceOf
      ? withDeletedOccurrence(existing.event, instanceOf)
      : { ...existing.event, status: 'CANCELLED' as const, freeBusy: 'Free' as const, sequence: event.sequence, subject: existing.event.subject.startsWith('Canceled: ') ? existing.event.subject : `Canceled: ${existing.event.subject}` };
    await saveEvent(op.tx, existing.item, copy, op.now);
  }
  await fileMessage(op.tx, folders.inbox.id, mime, meetingCancellationClass, event.uid, op.now, false);
}

const others = (op: MailboxOperation, attendees: Attendee[]) => attendees.filter((a) => !ownerAddresses(op.mailbox).has(a.address.toLowerCase()));

/** Sends the meeting request for a new meeting (or its update) to these attendees. */
export function sendRequests(op: MailboxOperation, event: CalendarEvent, to: Attendee[], saveCopy: boolean): Promise<MeetingDelivery> {
  return sendMeetingMessage(op, others(op, to), { method: 'REQUEST', subject: event.subject, event, itemClass: meetingRequestClass }, saveCopy, (mailbox, mime) => deliverRequest(op, mailbox, event, mime));
}

/** Sends the cancellation of a meeting, or of one occurrence of it, to these attendees. */
export function sendCancellations(op: MailboxOperation, event: CalendarEvent, to: Attendee[], saveCopy: boolean, instanceOf?: string): Promise<MeetingDelivery> {
  let message: CalendarEvent = { ...event, status: 'CANCELLED' };
  if (instanceOf) {
    const duration = Date.parse(event.end) - Date.parse(event.start);
    const end = new Date(Date.parse(instanceOf) + duration).toISOString().replace(/\.000Z$/, 'Z');
    message = { ...message, start: instanceOf, end, rrule: null, exdates: [], overrides: [] };
  }
  return sendMeetingMessage(op, others(op, to), { method: 'CANCEL', subject: `Canceled: ${event.subject}`, event: message, ...(instanceOf ? { instanceOf } : {}), itemClass: meetingCancellationClass }, saveCopy, (mailbox, mime) =>
    deliverCancellation(op, mailbox, event, instanceOf, mime),
  );
}

export type InvitationsMode = 'SendToNone' | 'SendOnlyToAll' | 'SendOnlyToChanged' | 'SendToAllAndSaveCopy' | 'SendToChangedAndSaveCopy';
export const invitationModes: readonly InvitationsMode[] = ['SendToNone', 'SendOnlyToAll', 'SendOnlyToChanged', 'SendToAllAndSaveCopy', 'SendToChangedAndSaveCopy'];

/**
 * The organizer changed a meeting (`before` → `after`, already stored with a raised SEQUENCE): sends
 * updates to everyone or to the added attendees, and cancellations to the removed ones.
 */
export async function sendUpdate(op: MailboxOperation, before: CalendarEvent, after: CalendarEvent, mode: InvitationsMode): Promise<MeetingDelivery> {
  const none: MeetingDelivery = { deliveredTo: 0, queuedFor: [], sentCopyId: null };
  if (mode === 'SendToNone' || !after.organizer) return none;
  const saveCopy = mode.endsWith('SaveCopy');
  const had = (a: Attendee, list: Attendee[]) => list.some((b) => sameAddress(a.address, b.address));
  const removed = before.attendees.filter((a) => !had(a, after.attendees));
  const added = after.attendees.filter((a) => !had(a, before.attendees));
  const to = mode === 'SendOnlyToChanged' || mode === 'SendToChangedAndSaveCopy' ? added : after.attendees;
  const sent = await sendRequests(op, after, to, saveCopy);
  const cancelled = await sendCancellations(op, { ...before, sequence: after.sequence }, removed, false);
  return { deliveredTo: sent.deliveredTo + cancelled.deliveredTo, queuedFor: [...sent.queuedFor, ...cancelled.queuedFor], sentCopyId: sent.sentCopyId };
}

/** The organizer's copy after a change the attendees must see again: a new SEQUENCE, and answers asked for again when the time moved. */
export function revised(before: CalendarEvent, after: CalendarEvent): CalendarEvent {
  const reask = timesChanged(before, after);
  return { ...after, sequence: before.sequence + 1, attendees: reask ? after.attendees.map((a) => ({ ...a, partStat: 'NEEDS-ACTION' as const, respondedAt: null })) : after.attendees };
}

// --- attendees' answers -------------------------------------------------------------------------

/** An answer reaching the organizer: their copy records it, and the response lands in their Inbox. */
async function deliverReply(op: MailboxOperation, organizer: Recipient, uid: string, replier: Attendee, mime: Buffer, answer: MeetingAnswer): Promise<void> {
  const folders = await calendarFolders(op.tx, organizer.guid, op.now);
  const entry = await entryByUid(op.tx, organizer.guid, uid, op.now);
  if (entry && entry.event.organizer && organizes(organizer, entry.event)) {
    const known = entry.event.attendees.some((a) => sameAddress(a.address, replier.address));
    const answered = { ...replier, partStat: answerPartStat[answer], respondedAt: op.now };
    const attendees = known ? entry.event.attendees.map((a) => (sameAddress(a.address, replier.address) ? { ...answered, role: a.role, name: a.name || replier.name } : a)) : [...entry.event.attendees, { ...answered, role: 'Optional' as const }];
    await saveEvent(op.tx, entry.item, { ...entry.event, attendees }, op.now);
  }
  await fileMessage(op.tx, folders.inbox.id, mime, meetingResponseClass[answer], uid, op.now, false);
}

export interface AnswerResult {
  /** The attendee's calendar item after answering (moved to Deleted Items when declined). */
  calendarItem: Item;
  delivery: MeetingDelivery;
}

/**
 * An attendee answers a meeting, from its request in the Inbox or from the calendar item. Their
 * copy records the answer (a declined one moves to Deleted Items, as does an answered request);
 * with `send`, the organizer gets the response (and their copy is updated on delivery).
 */
export async function answerMeeting(op: MailboxOperation, reference: Item, answer: MeetingAnswer, options: { send: boolean; saveCopy: boolean; text: string }): Promise<AnswerResult> {
  const folders = await calendarFolders(op.tx, op.mailbox.guid, op.now);
  let entry: CalendarEntry | null;
  if (reference.itemClass === meetingRequestClass) {
    const mime = (await op.tx.getItemMime([reference.id])).get(reference.id)!;
    const itip = await itipOf(mime);
    if (!itip) throw new DeputyError('InvalidOperation', 'This meeting request carries no meeting (no readable text/calendar part).', { objectKind: 'Item' });
    entry = await entryByUid(op.tx, op.mailbox.guid, itip.event.uid, op.now);
    if (entry && !sameOrganizer(entry.event, itip.event)) {
      throw new DeputyError('InvalidOperation', 'This request names a meeting your calendar holds from another organizer; it was not applied and cannot be answered.', { objectKind: 'Item' });
    }
    // The calendar copy was deleted since: answering brings it back from the request, as Outlook does.
    entry ??= await putNewEvent(op.tx, folders.calendar, attendeeCopy(itip.event, undefined, op.mailbox), op.now);
  } else {
    entry = await entryFromItem(op, reference);
  }
  const { event } = entry;
  if (!event.organizer || organizes(op.mailbox, event)) {
    throw new DeputyError('InvalidOperation', 'Only an attendee can answer a meeting; this is the organizer\'s own calendar item or an appointment without attendees.', { objectKind: 'Item', errorId: `CalendarIsOrganizerFor${answer}` });
  }
  if (event.status === 'CANCELLED') throw new DeputyError('InvalidOperation', 'The meeting was cancelled by its organizer.', { objectKind: 'Item', errorId: `CalendarIsCancelledFor${answer}` });
  const me: Attendee = attendeeFor(op.mailbox, event) ?? { ...personOf(op.mailbox), role: 'Optional', partStat: 'NEEDS-ACTION', respondedAt: null };
  const answered: Attendee = { ...me, partStat: answerPartStat[answer] };
  const known = event.attendees.some((a) => sameAddress(a.address, me.address));
  const copy: CalendarEvent = {
    ...event,
    attendees: known ? event.attendees.map((a) => (sameAddress(a.address, me.address) ? answered : a)) : [...event.attendees, answered],
    freeBusy: freeBusyFor(answered.partStat, event.intendedFreeBusy),
  };
  let calendarItem = await saveEvent(op.tx, entry.item, copy, op.now);
  if (answer === 'Decline') calendarItem = await moveItem(op, calendarItem, folders.deleted);
  if (reference.itemClass === meetingRequestClass) await moveItem(op, reference, folders.deleted);
  let delivery: MeetingDelivery = { deliveredTo: 0, queuedFor: [], sentCopyId: null };
  if (options.send) {
    const reply: CalendarEvent = { ...copy, attendees: [answered], body: options.text, bodyHtml: null };
    delivery = await sendMeetingMessage(op, [event.organizer], { method: 'REPLY', subject: `${answerSubject[answer]}: ${event.subject}`, event: reply, itemClass: meetingResponseClass[answer] }, options.saveCopy, (organizer, mime) =>
      deliverReply(op, organizer, event.uid, answered, mime, answer),
    );
  }
  return { calendarItem, delivery };
}

/** The calendar entry of an item of the acting mailbox that must be a calendar item. */
async function entryFromItem(op: MailboxOperation, item: Item): Promise<CalendarEntry> {
  const [entry] = await entriesOf(op.tx, [item]);
  if (!entry) throw new DeputyError('InvalidOperation', `A ${item.itemClass} item is not a meeting: answer a meeting request or a calendar item.`, { objectKind: 'Item' });
  return entry;
}

/**
 * RemoveItem on a cancellation: the attendee's cancelled copy of the meeting leaves the calendar
 * (to Deleted Items), and so does the cancellation. Returns the moved calendar item, if there was one.
 */
export async function removeCancelledMeeting(op: MailboxOperation, cancellation: Item): Promise<{ calendarItem: Item | null; message: Item }> {
  if (cancellation.itemClass !== meetingCancellationClass) throw new DeputyError('InvalidOperation', 'RemoveItem takes a meeting cancellation: only a cancelled meeting can be removed this way.', { objectKind: 'Item' });
  const itip = await itipOf((await op.tx.getItemMime([cancellation.id])).get(cancellation.id)!);
  const { deleted } = await calendarFolders(op.tx, op.mailbox.guid, op.now);
  const entry = itip ? await entryByUid(op.tx, op.mailbox.guid, itip.event.uid, op.now) : null;
  const calendarItem = entry && !itip?.instanceOf ? await moveItem(op, entry.item, deleted) : null;
  return { calendarItem, message: await moveItem(op, cancellation, deleted) };
}
