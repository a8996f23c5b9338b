// Calendar items in the store: an IPM.Appointment item whose bytes are its iCalendar text, found
// again by iCalendar UID (the item's conversation id is a hash of it, an indexed column). Used by
// the EWS calendar operations, meetings (in any attendee's mailbox) and free/busy. Reads through the
// committed store can use a bounded cache of parsed events (CalendarEventCache below).
import { createHash, randomUUID } from 'node:crypto';
import { DeputyError } from '../../core/errors.ts';
import type { Folder, Item } from '../../core/mailbox/model.ts';
import type { Recipient } from '../../core/directory/recipient.ts';
import { buildICalendar, ICalendarError, parseICalendar, unexpandableRule, type CalendarEvent } from '../../core/calendar/icalendar.ts';
import type { MailboxStoreReader } from '../../store/mailbox-store.ts';
import type { StoreTx } from '../../store/store.ts';
import { mailboxFolders } from '../mailbox/folders.ts';

export const appointmentClass = 'IPM.Appointment';

export interface CalendarEntry {
  item: Item;
  event: CalendarEvent;
}

export const isCalendarFolder = (folder: Folder) => folder.folderClass === 'IPF.Appointment' || folder.folderClass.startsWith('IPF.Appointment.');

/** The conversation id of everything about one meeting: its calendar items and meeting messages. */
export function conversationIdOfUid(uid: string): string {
  return createHash('sha256').update(uid).digest('base64url').slice(0, 22);
}

/** The event stored as an item's bytes; unreadable iCalendar is a clear error, never a crash. */
export function eventOf(mime: Buffer): CalendarEvent {
  try {
    return parseICalendar(mime.toString('utf8'));
  } catch (error) {
    if (error instanceof ICalendarError) throw new DeputyError('InvalidArgument', error.message, { errorId: 'CalendarInvalidPropertyValue' });
    throw error;
  }
}

const eventFields = (event: CalendarEvent, mime: Buffer) => ({
  subject: event.subject,
  conversationTopic: event.subject,
  preview: event.body.slice(0, 255),
  size: mime.length,
  categories: event.categories,
  conversationId: conversationIdOfUid(event.uid),
});

/** Nothing is stored that could not be read back and expanded. */
function checkRecurrence(event: CalendarEvent): void {
  const refusal = event.rrule ? unexpandableRule(event.rrule, event.start, event.isAllDay ? 'UTC' : event.timeZone) : null;
  if (refusal) throw new DeputyError('InvalidArgument', refusal, { errorId: 'CalendarInvalidRecurrence' });
}

/** Stores a new calendar item for `event` in `folder` (of any mailbox). */
export async function putNewEvent(tx: StoreTx, folder: Folder, event: CalendarEvent, now: string): Promise<CalendarEntry> {
  checkRecurrence(event);
  const mime = Buffer.from(buildICalendar(event, now), 'utf8');
  const item: Item = {
    id: randomUUID(),
    mailboxGuid: folder.mailboxGuid,
    folderId: folder.id,
    itemClass: appointmentClass,
    ...eventFields(event, mime),
    from: null,
    sender: null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    receivedAt: now,
    sentAt: null,
    createdAt: now,
    modifiedAt: now,
    isRead: true,
    isDraft: false,
    importance: 'Normal',
    flagStatus: 'NotFlagged',
    hasAttachments: false,
    attachments: [],
    internetMessageId: null,
    inReplyTo: null,
    extendedProperties: [],
    version: 1,
    modseq: await tx.nextModseq(folder.mailboxGuid),
    articleNumber: await tx.nextArticleNumber(folder.id),
  };
  await tx.putItem(item, mime);
  return { item, event };
}

/** Stores a changed event over its item, with a new version (ChangeKey) and change sequence. */
export async function saveEvent(tx: StoreTx, item: Item, event: CalendarEvent, now: string): Promise<Item> {
  checkRecurrence(event);
  const mime = Buffer.from(buildICalendar(event, now), 'utf8');
  const next: Item = { ...item, ...eventFields(event, mime), version: item.version + 1, modseq: await tx.nextModseq(item.mailboxGuid), modifiedAt: now };
  await tx.putItem(next, mime);
  return next;
}

/** The calendar items of these items (others are left out), with their events. */
export async function entriesOf(reader: MailboxStoreReader, items: Item[]): Promise<CalendarEntry[]> {
  const appointments = items.filter((i) => i.itemClass === appointmentClass);
  const mimes = appointments.length ? await reader.getItemMime(appointments.map((i) => i.id)) : new Map<string, Buffer>();
  return appointments.flatMap((item) => {
    const mime = mimes.get(item.id);
    return mime ? [{ item, event: eventOf(mime) }] : [];
  });
}

/** The appointments of these folders (without their events). */
export async function appointmentsIn(reader: MailboxStoreReader, mailboxGuid: string, folderIds: string[]): Promise<Item[]> {
  if (!folderIds.length) return [];
  const page = await reader.queryItems({ mailboxGuid, folderIds, where: { field: 'itemClass', op: 'eq', value: appointmentClass }, orderBy: [{ field: 'receivedAt', direction: 'asc' }], offset: 0, limit: 100_000 });
  return page.items;
}

/** Every calendar item of these folders. */
export async function calendarEntries(reader: MailboxStoreReader, mailboxGuid: string, folderIds: string[]): Promise<CalendarEntry[]> {
  return entriesOf(reader, await appointmentsIn(reader, mailboxGuid, folderIds));
}

/** The mailbox's calendar folders, created on first use like every mailbox's default folders. */
export async function calendarFolders(tx: StoreTx, mailboxGuid: string, now: string): Promise<{ all: Folder[]; calendar: Folder; inbox: Folder; sent: Folder; deleted: Folder }> {
  const folders = await mailboxFolders(tx, mailboxGuid, now);
  const named = (name: string) => folders.find((f) => f.distinguishedName === name)!;
  return { all: folders.filter(isCalendarFolder), calendar: named('calendar'), inbox: named('inbox'), sent: named('sentitems'), deleted: named('deleteditems') };
}

/** The calendar item of the meeting `uid` in a mailbox's calendar folders, if it has one. */
export async function entryByUid(tx: StoreTx, mailboxGuid: string, uid: string, now: string): Promise<CalendarEntry | null> {
  const { all } = await calendarFolders(tx, mailboxGuid, now);
  return entryInFolders(tx, mailboxGuid, all, uid);
}

/** The calendar item of the meeting `uid` among these folders (for reads, which create no folders). */
export async function entryInFolders(reader: MailboxStoreReader, mailboxGuid: string, folders: Folder[], uid: string): Promise<CalendarEntry | null> {
  const calendars = folders.filter(isCalendarFolder);
  if (!calendars.length) return null;
  const page = await reader.queryItems({
    mailboxGuid,
    folderIds: calendars.map((f) => f.id),
    where: { op: 'and', conditions: [{ field: 'conversationId', op: 'eq', value: conversationIdOfUid(uid) }, { field: 'itemClass', op: 'eq', value: appointmentClass }] },
    orderBy: [{ field: 'receivedAt', direction: 'asc' }],
    offset: 0,
    limit: 10,
  });
  return (await entriesOf(reader, page.items)).find((e) => e.event.uid === uid) ?? null;
}

/** A mailbox's own addresses in lower case, to tell its organizer and attendee entries apart. */
export function ownerAddresses(mailbox: Recipient): Set<string> {
  return new Set([mailbox.primarySmtpAddress, ...mailbox.emailAddresses.map((p) => p.replace(/^smtp:/i, ''))].map((a) => a.toLowerCase()));
}
