// A mailbox's busy time in a window, from the occurrences of the events in all its calendar
// folders: what GetUserAvailability shows. Cancelled and Free events take no time and are left
// out of the list too, as Exchange's availability service does.
import { expandOccurrences } from '../../core/calendar/icalendar.ts';
import { blocksTime } from '../../core/calendar/free-busy.ts';
import type { FreeBusyStatus } from '../../core/calendar/icalendar.ts';
import { foldersForRead } from '../mailbox/folders.ts';
import type { Runtime } from '../context.ts';
import { calendarEntries, isCalendarFolder } from './calendar-items.ts';

/** One occurrence that takes time, with the details a detailed view may show. */
export interface BusySlot {
  /** UTC ms. */
  start: number;
  end: number;
  busyType: FreeBusyStatus;
  /** The calendar item (the series' item for occurrences). */
  itemId: string;
  subject: string;
  location: string;
  isMeeting: boolean;
  isRecurring: boolean;
  isException: boolean;
  isReminderSet: boolean;
  isPrivate: boolean;
}

/** Busy slots overlapping [from, to) (UTC ms), in start order. */
export async function busySlots(runtime: Pick<Runtime, 'store' | 'now'>, mailboxGuid: string, from: number, to: number): Promise<BusySlot[]> {
  const folders = (await foldersForRead(runtime, mailboxGuid)).filter(isCalendarFolder);
  const entries = await calendarEntries(runtime.store, mailboxGuid, folders.map((f) => f.id));
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const slots: BusySlot[] = [];
  for (const { item, event } of entries) {
    if (!blocksTime(event)) continue;
    for (const o of expandOccurrences(event, fromIso, toIso)) {
      slots.push({
        start: Date.parse(o.start),
        end: Date.parse(o.end),
        busyType: event.freeBusy,
        itemId: item.id,
        subject: o.subject,
        location: o.location,
        isMeeting: event.organizer !== null || event.attendees.length > 0,
        isRecurring: o.kind !== 'Single',
        isException: o.kind === 'Exception',
        isReminderSet: event.reminderMinutes !== null,
        // Private and Confidential both keep the details from anyone but the owner and delegates.
        isPrivate: event.sensitivity === 'Private' || event.sensitivity === 'Confidential',
      });
    }
  }
  return slots.sort((a, b) => a.start - b.start || a.end - b.end || a.itemId.localeCompare(b.itemId));
}
