// What a room decides about a meeting request (Exchange's resource booking, Set-CalendarProcessing):
// its settings with the defaults of its kind, and whether the meeting overlaps its other bookings.
import type { Recipient } from '../../core/directory/recipient.ts';
import { expandOccurrences } from '../../core/calendar/icalendar.ts';
import { defaultCalendarProcessing, type CalendarProcessing } from '../../core/calendar/calendar-processing.ts';
import type { StoreReader } from '../../store/store.ts';
import type { MailboxOperation } from '../mailbox/context.ts';
import { calendarEntries, calendarFolders, type CalendarEntry } from './calendar-items.ts';

/** A mailbox's calendar processing: what it set over the defaults of its kind. */
export async function calendarProcessingOf(reader: StoreReader, mailbox: Recipient): Promise<CalendarProcessing> {
  return { ...defaultCalendarProcessing(mailbox.typeDetails), ...(await reader.getCalendarProcessing(mailbox.guid)) };
}

/** True when an occurrence of the meeting before `until` overlaps another booking of the room that blocks time. */
export async function overlapsBooking(op: MailboxOperation, room: Recipient, entry: CalendarEntry, until: string): Promise<boolean> {
  const from = entry.event.start;
  const to = new Date(Math.max(Date.parse(entry.event.end), Date.parse(until))).toISOString();
  const wanted = expandOccurrences(entry.event, from, to);
  const { all } = await calendarFolders(op.tx, room.guid, op.now);
  const others = (await calendarEntries(op.tx, room.guid, all.map((f) => f.id))).filter((e) => e.event.uid !== entry.event.uid && e.event.status !== 'CANCELLED' && e.event.freeBusy !== 'Free');
  const taken = others.flatMap((e) => expandOccurrences(e.event, from, to));
  return wanted.some((w) => taken.some((t) => Date.parse(t.start) < Date.parse(w.end) && Date.parse(w.start) < Date.parse(t.end)));
}
