// Calendar items over EWS (first slice: no meetings). A calendar item is an IPM.Appointment item
// whose stored bytes are its iCalendar text (so MimeContent is iCalendar). CalendarView parses the
// folder's items and expands their recurrences on every request (no occurrence index yet).
// Occurrences have ids of their own (shapes/calendar-item.ts); deleting one adds an EXDATE, and
// changing one adds a RECURRENCE-ID override.
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../../core/errors.ts';
import type { Folder, Item } from '../../../core/mailbox/model.ts';
import { expandOccurrences, isOccurrenceOf, withDeletedOccurrence, withModifiedOccurrence, type CalendarEvent, type CalendarOverride, type Occurrence } from '../../../core/calendar/icalendar.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { ownedItem } from '../../../services/mailbox/items.ts';
import { appointmentClass, calendarEntries, eventOf, putNewEvent, saveEvent } from '../../../services/calendar/calendar-items.ts';
import { readItemShape, type ItemShape } from '../shapes/field-uris.ts';
import { calendarItemNode, decodeOccurrenceId, readCalendarItem, requestZone } from '../shapes/calendar-item.ts';
import { messageNode } from '../shapes/message.ts';
import { childIn, node, parent, typesNs, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';
import { decodeId } from '../ids.ts';
import type { EwsContext } from '../operation.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, failure, findFolder, mailboxWrite, malformedId, messageChild, readFolderIds, responseMessages, type ItemResult } from './support.ts';

const idOnly: ItemShape = { base: 'IdOnly', fields: new Set(), extended: [], includeMime: false, bodyType: 'Best' };
const maxViewDays = 2 * 366;

const invalid = (message: string, ewsCode = 'ErrorInvalidRequest') => new DeputyError('InvalidArgument', message, { ewsCode });

/** CreateItem of one t:CalendarItem (from its fields or from text/calendar MimeContent). */
export async function createCalendarItem(ctx: EwsContext, op: MailboxOperation, el: XmlIn, folders: Folder[], savedIn: Folder | null, sendInvitations: string | undefined): Promise<XmlNode[]> {
  const folder = savedIn ?? folders.find((f) => f.distinguishedName === 'calendar')!;
  if (folder.folderClass !== 'IPF.Appointment' && !folder.folderClass.startsWith('IPF.Appointment.')) {
    throw invalid('Calendar items can only be saved in calendar folders.', 'ErrorInvalidOperation');
  }
  const mimeEl = childIn(el, 'MimeContent');
  let event: CalendarEvent;
  if (mimeEl) {
    event = eventOf(Buffer.from(mimeEl.text.trim(), 'base64'));
    if (!event.uid) event = { ...event, uid: randomUUID() };
  } else {
    event = readCalendarItem(el, ctx.timeZoneId, randomUUID(), { address: op.mailbox.primarySmtpAddress, name: op.mailbox.displayName });
  }
  if (sendInvitations && sendInvitations !== 'SendToNone' && (childIn(el, 'RequiredAttendees') || childIn(el, 'OptionalAttendees'))) {
    throw new DeputyError('NotImplemented', 'Meetings (attendees, invitations and responses) are not implemented yet.', { ewsCode: 'ErrorInvalidOperation' });
  }
  if (Date.parse(event.end) < Date.parse(event.start)) throw invalid('The end of a calendar item is before its start.', 'ErrorCalendarEndDateIsEarlierThanStartDate');
  const { item } = await putNewEvent(op.tx, folder, event, op.now);
  await auditMailboxOperation(op, { operation: 'Create', itemIds: [item.id], folderIds: [folder.id] });
  return [parent('m:Items', [calendarItemNode({ item, event }, idOnly)])];
}

// --- FindItem with CalendarView ----------------------------------------------------------------

export async function findCalendarView(ctx: EwsContext, request: XmlIn, view: XmlIn): Promise<XmlNode> {
  const mailbox = actingMailbox(ctx);
  const startText = view.attrs.StartDate ?? '';
  const endText = view.attrs.EndDate ?? '';
  const from = Date.parse(startText);
  const to = Date.parse(endText);
  if (Number.isNaN(from) || Number.isNaN(to)) throw invalid('CalendarView needs StartDate and EndDate.');
  if (to < from) throw invalid('The CalendarView EndDate is before its StartDate.', 'ErrorCalendarEndDateIsEarlierThanStartDate');
  if (to - from > maxViewDays * 86_400_000) throw invalid(`A CalendarView spans at most ${maxViewDays} days.`, 'ErrorCalendarViewRangeTooBig');
  const max = view.attrs.MaxEntriesReturned ? Number(view.attrs.MaxEntriesReturned) : Infinity;
  if (!(max > 0)) throw invalid('MaxEntriesReturned must be a positive number.', 'ErrorInvalidPagingMaxRows');
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const folders = await foldersForRead(ctx.runtime, mailbox.guid);
  const seen: string[] = [];
  const results = await Promise.all(
    readFolderIds(messageChild(request, 'ParentFolderIds')).map((ref) =>
      attempt(async () => {
        const folder = findFolder(folders, mailbox, ref);
        if (!folder.folderClass.startsWith('IPF.Appointment')) throw invalid('CalendarView is only for calendar folders.', 'ErrorCalendarFolderIsInvalidForCalendarView');
        const found: Array<{ item: Item; event: CalendarEvent; occurrence: Occurrence }> = [];
        for (const { item, event } of await calendarEntries(ctx.runtime.store, mailbox.guid, [folder.id])) {
          for (const occurrence of expandOccurrences(event, new Date(from).toISOString(), new Date(to).toISOString())) found.push({ item, event, occurrence });
        }
        found.sort((a, b) => Date.parse(a.occurrence.start) - Date.parse(b.occurrence.start) || a.item.id.localeCompare(b.item.id));
        const shown = found.slice(0, max);
        for (const f of shown) seen.push(f.item.id);
        return [
          parent(
            'm:RootFolder',
            [parent('t:Items', shown.map((f) => calendarItemNode({ item: f.item, event: f.event, forFindItem: true, ...(f.occurrence.kind === 'Single' ? {} : { occurrence: f.occurrence }) }, shape)))],
            { TotalItemsInView: String(found.length), IncludesLastItemInRange: shown.length === found.length ? 'true' : 'false' },
          ),
        ];
      }),
    ),
  );
  recordRead(ctx, mailbox, 'FindItem', { itemIds: [...new Set(seen)] });
  return responseMessages('FindItem', results);
}

// --- GetItem -----------------------------------------------------------------------------------

type IdRef = { uuid: string; recurrenceId: string | null } | undefined;

function readIds(el: XmlIn | undefined): IdRef[] {
  return (el?.children ?? [])
    .filter((c) => c.ns === typesNs && (c.local === 'ItemId' || c.local === 'OccurrenceItemId' || c.local === 'RecurringMasterItemId'))
    .map((c) => {
      const occurrence = decodeOccurrenceId(c.attrs.Id ?? '');
      if (occurrence) return occurrence;
      const decoded = decodeId(c.attrs.Id ?? '');
      return decoded && decoded.kind === 'item' ? { uuid: decoded.uuid, recurrenceId: null } : undefined;
    });
}

export function hasOccurrenceIds(el: XmlIn | undefined): boolean {
  return (el?.children ?? []).some((c) => c.ns === typesNs && !!decodeOccurrenceId(c.attrs.Id ?? ''));
}

/** The occurrence (or exception) of `event` starting at `recurrenceId` as the rule places it. */
function occurrenceOf(event: CalendarEvent, recurrenceId: string): Occurrence {
  if (event.exdates.some((d) => Date.parse(d) === Date.parse(recurrenceId))) {
    throw new DeputyError('InvalidArgument', 'This occurrence was deleted from the series.', { ewsCode: 'ErrorCalendarOccurrenceIsDeletedFromRecurrence' });
  }
  if (!isOccurrenceOf(event, recurrenceId)) throw new DeputyError('ObjectNotFound', 'The series has no occurrence at that time.', { objectKind: 'Item' });
  const duration = Date.parse(event.end) - Date.parse(event.start);
  const override = event.overrides.find((o) => Date.parse(o.recurrenceId) === Date.parse(recurrenceId));
  const start = override?.start ?? recurrenceId;
  const end = override?.end ?? new Date(Date.parse(start) + duration).toISOString().replace(/\.000Z$/, 'Z');
  return { recurrenceId, start, end, subject: override?.subject ?? event.subject, location: override?.location ?? event.location, kind: override ? 'Exception' : 'Occurrence' };
}

/**
 * GetItem when the request names calendar items or occurrences (GetItem decides that from the
 * items it has read). Messages in the same request are shown without body or MIME.
 */
export async function getCalendarItems(ctx: EwsContext, request: XmlIn): Promise<XmlNode> {
  const mailbox = actingMailbox(ctx);
  const ids = readIds(messageChild(request, 'ItemIds'));
  const uuids = ids.filter((x) => !!x).map((x) => x.uuid);
  const store = ctx.runtime.store;
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const items = new Map((await store.getItems(uuids)).filter((i) => i.mailboxGuid === mailbox.guid).map((i) => [i.id, i]));
  const mimes = await store.getItemMime([...items.values()].filter((i) => i.itemClass === appointmentClass).map((i) => i.id));
  const results: ItemResult[] = [];
  for (const ref of ids) {
    if (!ref) {
      results.push(malformedId());
      continue;
    }
    const item = items.get(ref.uuid);
    if (!item) {
      results.push(failure('ErrorItemNotFound', 'The specified object was not found in the store.'));
      continue;
    }
    if (item.itemClass !== appointmentClass) {
      if (ref.recurrenceId) results.push(failure('ErrorItemNotFound', 'The specified object was not found in the store.'));
      else results.push({ ok: true, payload: [parent('m:Items', [messageNode(item, shape)])] });
      continue;
    }
    const mime = mimes.get(item.id)!;
    results.push(
      await attempt(async () => {
        const event = eventOf(mime);
        const occurrence = ref.recurrenceId ? occurrenceOf(event, ref.recurrenceId) : undefined;
        return [parent('m:Items', [calendarItemNode({ item, event, mime, ...(occurrence ? { occurrence } : {}) }, shape)])];
      }),
    );
  }
  recordRead(ctx, mailbox, 'MailItemsAccessed', { itemIds: [...items.keys()] });
  return responseMessages('GetItem', results);
}

// --- DeleteItem and UpdateItem of occurrences --------------------------------------------------

async function masterOf(op: MailboxOperation, uuid: string): Promise<{ item: Item; event: CalendarEvent }> {
  const item = await ownedItem(op, uuid);
  if (item.itemClass !== appointmentClass) throw new DeputyError('ObjectNotFound', 'The specified object was not found in the store.', { objectKind: 'Item' });
  return { item, event: eventOf((await op.tx.getItemMime([item.id])).get(item.id)!) };
}

const saveEntry = (op: MailboxOperation, item: Item, event: CalendarEvent) => saveEvent(op.tx, item, event, op.now);

/** Deletes one occurrence (an EXDATE on its master). */
export async function deleteOccurrence(ctx: EwsContext, id: string): Promise<ItemResult> {
  const ref = decodeOccurrenceId(id)!;
  return attempt(() =>
    mailboxWrite(ctx, actingMailbox(ctx), async (op) => {
      const { item, event } = await masterOf(op, ref.uuid);
      occurrenceOf(event, ref.recurrenceId);
      await saveEntry(op, item, withDeletedOccurrence(event, ref.recurrenceId));
      await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { deletedOccurrence: ref.recurrenceId } });
      return [];
    }),
  );
}

const occurrenceFields = new Set(['item:Subject', 'calendar:Start', 'calendar:End', 'calendar:Location', 'calendar:StartTimeZone', 'calendar:EndTimeZone']);

/** Changes one occurrence (Subject, Start, End, Location): a RECURRENCE-ID override on its master. */
export async function updateOccurrence(ctx: EwsContext, change: XmlIn, id: XmlIn): Promise<ItemResult> {
  const ref = decodeOccurrenceId(id.attrs.Id ?? '')!;
  return attempt(() =>
    mailboxWrite(ctx, actingMailbox(ctx), async (op) => {
      const { item, event } = await masterOf(op, ref.uuid);
      const current = occurrenceOf(event, ref.recurrenceId);
      const override: CalendarOverride = { recurrenceId: ref.recurrenceId, start: current.start, end: current.end };
      for (const u of childIn(change, 'Updates')?.children.filter((c) => c.ns === typesNs) ?? []) {
        const uri = childIn(u, 'FieldURI')?.attrs.FieldURI ?? '';
        if (!occurrenceFields.has(uri) || u.local === 'DeleteItemField' || u.local === 'AppendToItemField') {
          throw new DeputyError('NotImplemented', `Changing ${uri || 'that property'} of an occurrence is not implemented yet.`, { ewsCode: 'ErrorInvalidPropertyRequest' });
        }
        const value = childIn(u, 'CalendarItem');
        if (!value) throw invalid(`${uri} needs a t:CalendarItem value.`);
        const given = readCalendarItemValue(value, ctx.timeZoneId);
        if (uri === 'item:Subject') override.subject = given.subject;
        if (uri === 'calendar:Location') override.location = given.location;
        if (uri === 'calendar:Start') override.start = given.start!;
        if (uri === 'calendar:End') override.end = given.end!;
      }
      if (Date.parse(override.end!) < Date.parse(override.start!)) throw invalid('The end of a calendar item is before its start.', 'ErrorCalendarEndDateIsEarlierThanStartDate');
      const saved = await saveEntry(op, item, withModifiedOccurrence(event, override));
      await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { modifiedOccurrence: ref.recurrenceId } });
      const occurrence = occurrenceOf(withModifiedOccurrence(event, override), ref.recurrenceId);
      return [parent('m:Items', [calendarItemNode({ item: saved, event, occurrence }, idOnly)]), parent('m:ConflictResults', [node('t:Count', 0)])];
    }),
  );
}

function readCalendarItemValue(el: XmlIn, contextZone: string | null): { subject: string; location: string; start?: string; end?: string } {
  const text = (local: string) => childIn(el, local)?.text.trim() ?? '';
  requestZone(el, contextZone);
  const iso = (v: string) => (v ? new Date(Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(v) ? v : `${v}Z`)).toISOString().replace(/\.000Z$/, 'Z') : undefined);
  for (const v of [text('Start'), text('End')]) if (v && Number.isNaN(Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(v) ? v : `${v}Z`))) throw invalid(`'${v}' is not a valid date and time.`);
  const start = iso(text('Start'));
  const end = iso(text('End'));
  return { subject: text('Subject'), location: text('Location'), ...(start ? { start } : {}), ...(end ? { end } : {}) };
}
