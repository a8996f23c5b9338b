// A mailbox's busy time in a window, from the occurrences of the events in all its calendar
// folders: what GetUserAvailability shows. Cancelled and Free events take no time and are left
// out of the list too, as Exchange's availability service does.
import { expandOccurrences } from '../../core/calendar/icalendar.ts';
import { blocksTime, grantedView, mergedFreeBusy, viewHasEvents, viewHasMerged, type FreeBusyView } from '../../core/calendar/free-busy.ts';
import type { FreeBusyStatus } from '../../core/calendar/icalendar.ts';
import type { FreeBusyAccess } from '../../core/calendar/sharing.ts';
import type { WorkingHours } from '../../core/calendar/working-hours.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import { foldersForRead } from '../mailbox/folders.ts';
import type { Runtime } from '../context.ts';
import { isCalendarFolder } from './calendar-items.ts';
import { cachedCalendarEntries } from './event-cache.ts';
import { decideFreeBusyAccess, workingHoursOf } from './sharing.ts';

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
  const entries = await cachedCalendarEntries(runtime.store, mailboxGuid, folders.map((f) => f.id), { from, to });
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

export interface AvailabilityWindow {
  /** UTC ms. */
  from: number;
  to: number;
  /** Length of one merged free/busy interval, ms. */
  intervalMs: number;
  view: FreeBusyView;
}

export type MailboxAvailability =
  | {
      ok: true;
      /** What the caller may see, and the view that gives it (Detailed drops to FreeBusy for times-only access). */
      access: Exclude<FreeBusyAccess, 'None'>;
      view: FreeBusyView;
      seesPrivate: boolean;
      slots?: BusySlot[];
      merged?: string;
      workingHours: WorkingHours;
      reason: string;
    }
  | { ok: false; reason: string };

/**
 * One mailbox's availability as `actor` acting as `viewer` may see it: refused (nothing read) when
 * the target's calendar shares nothing with them, else its busy slots and working hours.
 */
export async function availabilityOf(runtime: Runtime, actor: Recipient, viewer: Recipient, target: Recipient, window: AvailabilityWindow): Promise<MailboxAvailability> {
  const decision = await decideFreeBusyAccess(runtime, actor, viewer, target);
  if (decision.access === 'None') return { ok: false, reason: decision.reason };
  const view = grantedView(window.view, decision.access);
  const slots = await busySlots(runtime, target.guid, window.from, window.to);
  return {
    ok: true,
    access: decision.access,
    view,
    seesPrivate: decision.seesPrivate,
    ...(viewHasEvents(view) ? { slots } : {}),
    ...(viewHasMerged(view) ? { merged: mergedFreeBusy(slots, window.from, window.to, window.intervalMs) } : {}),
    workingHours: await workingHoursOf(runtime.store, target.guid),
    reason: decision.reason,
  };
}
