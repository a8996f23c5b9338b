// Calendar items over EWS. A calendar item is an IPM.Appointment item whose stored bytes are its
// iCalendar text (so MimeContent is iCalendar). CalendarView parses the folder's items and expands
// their recurrences on every request (no occurrence index yet). Occurrences have ids of their own
// (shapes/calendar-item.ts); deleting one adds an EXDATE, and changing one adds a RECURRENCE-ID
// override; for a meeting's organizer both are sent to the attendees (services/calendar/meetings.ts).
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../../../core/errors.ts';
import type { Folder, Item } from '../../../core/mailbox/model.ts';
import type { Recipient } from '../../../core/directory/recipient.ts';
import { expandOccurrences, isOccurrenceOf, withDeletedOccurrence, withModifiedOccurrence, type CalendarEvent, type CalendarOverride, type Occurrence } from '../../../core/calendar/icalendar.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import type { MailboxOperation } from '../../../services/mailbox/context.ts';
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { ownedItem } from '../../../services/mailbox/items.ts';
import { cachedCalendarEntries, cachedEntriesOf } from '../../../services/calendar/event-cache.ts';
import { appointmentClass, entryInFolders, eventOf, isCalendarFolder, ownerAddresses, putNewEvent, saveEvent } from '../../../services/calendar/calendar-items.ts';
import { itipOf } from '../../../services/calendar/imip.ts';
import { parseMessage } from '../../../services/mail/mime.ts';
import { meetingMessageNodes, type MeetingMessageView } from '../shapes/meeting-message.ts';
import { isMeetingMessageClass, organizes, sendCancellations, sendRequests, sendUpdate, type InvitationsMode } from '../../../services/calendar/meetings.ts';
import { readItemShape, type ItemShape } from '../shapes/field-uris.ts';
import { calendarItemNode, decodeOccurrenceId } from '../shapes/calendar-item.ts';
import { readCalendarItem, requestZone } from '../shapes/calendar-item-input.ts';
import { messageNode } from '../shapes/message.ts';
import { childIn, node, parent, typesNs, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';
import { decodeId } from '../ids.ts';
import type { EwsContext } from '../operation.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, failure, findFolder, mailboxWrite, malformedId, messageChild, readFolderIds, responseMessages, type ItemResult } from './support.ts';

const idOnly: ItemShape = { base: 'IdOnly', fields: new Set(), extended: [], includeMime: false, bodyType: 'Best' };
const maxViewDays = 2 * 366;

const invalid = (message: string, ewsCode = 'ErrorInvalidRequest') => new DeputyError('InvalidArgument', message, { ewsCode });

const createModes = new Set(['SendToNone', 'SendOnlyToAll', 'SendToAllAndSaveCopy']);

/**
 * CreateItem of one t:CalendarItem (from its fields or from text/calendar MimeContent). With
 * attendees it is a meeting the acting mailbox organizes; SendMeetingInvitations decides whether
 * they are invited now (absent means SendToNone).
 */
export async function createCalendarItem(ctx: EwsContext, op: MailboxOperation, el: XmlIn, folders: Folder[], savedIn: Folder | null, sendInvitations = 'SendToNone'): Promise<XmlNode[]> {
  if (!createModes.has(sendInvitations)) throw invalid(`SendMeetingInvitations '${sendInvitations}' is not valid for CreateItem.`);
  const folder = savedIn ?? folders.find((f) => f.distinguishedName === 'calendar')!;
  if (!isCalendarFolder(folder)) throw invalid('Calendar items can only be saved in calendar folders.', 'ErrorInvalidOperation');
  const mimeEl = childIn(el, 'MimeContent');
  const organizer = { address: op.mailbox.primarySmtpAddress, name: op.mailbox.displayName };
  const event = mimeEl ? eventOf(Buffer.from(mimeEl.text.trim(), 'base64')) : readCalendarItem(el, ctx.timeZoneId, randomUUID(), organizer);
  if (Date.parse(event.end) < Date.parse(event.start)) throw invalid('The end of a calendar item is before its start.', 'ErrorCalendarEndDateIsEarlierThanStartDate');
  const { item } = await putNewEvent(op.tx, folder, event, op.now);
  const invite = sendInvitations !== 'SendToNone' && event.attendees.length > 0 && organizes(op.mailbox, event);
  const delivery = invite ? await sendRequests(op, event, event.attendees, sendInvitations === 'SendToAllAndSaveCopy') : null;
  await auditMailboxOperation(op, {
    operation: 'Create',
    itemIds: [item.id, ...(delivery?.sentCopyId ? [delivery.sentCopyId] : [])],
    folderIds: [folder.id],
    ...(delivery ? { details: { meetingRequest: sendInvitations, deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } } : {}),
  });
  // A room may have answered already, changing the item: return its current ChangeKey.
  return [parent('m:Items', [calendarItemNode({ item: (await op.tx.getItems([item.id]))[0] ?? item, event }, idOnly)])];
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
  const owner = ownerAddresses(mailbox);
  const seen: string[] = [];
  const results = await Promise.all(
    readFolderIds(messageChild(request, 'ParentFolderIds')).map((ref) =>
      attempt(async () => {
        const folder = findFolder(folders, mailbox, ref);
        if (!folder.folderClass.startsWith('IPF.Appointment')) throw invalid('CalendarView is only for calendar folders.', 'ErrorCalendarFolderIsInvalidForCalendarView');
        const found: Array<{ item: Item; event: CalendarEvent; occurrence: Occurrence }> = [];
        for (const { item, event } of await cachedCalendarEntries(ctx.runtime.store, mailbox.guid, [folder.id], { from, to })) {
          for (const occurrence of expandOccurrences(event, new Date(from).toISOString(), new Date(to).toISOString())) found.push({ item, event, occurrence });
        }
        found.sort((a, b) => Date.parse(a.occurrence.start) - Date.parse(b.occurrence.start) || a.item.id.localeCompare(b.item.id));
        const shown = found.slice(0, max);
        for (const f of shown) seen.push(f.item.id);
        return [
          parent(
            'm:RootFolder',
            [parent('t:Items', shown.map((f) => calendarItemNode({ item: f.item, event: f.event, forFindItem: true, owner, ...(f.occurrence.kind === 'Single' ? {} : { occurrence: f.occurrence }) }, shape)))],
            { TotalItemsInView: String(found.length), IncludesLastItemInRange: shown.length === found.length ? 'true' : 'false' },
          ),
        ];
      }),
    ),
  );
  recordRead(ctx, mailbox, 'FindItem', { itemIds: [...new Set(seen)] });
  return responseMessages('FindItem', results);
}

// --- listing items (FindItem without CalendarView, SyncFolderItems) -----------------------------

/** Items as FindItem lists them: calendar items as t:CalendarItem (their MIME read in one go), others by messageNode. */
export async function listedItemNodes(ctx: EwsContext, mailbox: Recipient, items: Item[], shape: ItemShape): Promise<XmlNode[]> {
  if (!items.some((i) => i.itemClass === appointmentClass)) return items.map((item) => messageNode(item, shape, { forFindItem: true }));
  const events = new Map((await cachedEntriesOf(ctx.runtime.store, items)).map((e) => [e.item.id, e.event]));
  const owner = ownerAddresses(mailbox);
  return items.map((item) => {
    const event = events.get(item.id);
    return event ? calendarItemNode({ item, event, owner, forFindItem: true }, shape) : messageNode(item, shape, { forFindItem: true });
  });
}

// --- GetItem -----------------------------------------------------------------------------------

type IdRef = { uuid: string; recurrenceId: string | null; instanceIndex?: number } | undefined;

/**
 * ItemId, OccurrenceItemId (an occurrence id, or RecurringMasterId + 1-based InstanceIndex) and
 * RecurringMasterItemId (the series of an occurrence id).
 */
function readIds(el: XmlIn | undefined): IdRef[] {
  return (el?.children ?? [])
    .filter((c) => c.ns === typesNs && (c.local === 'ItemId' || c.local === 'OccurrenceItemId' || c.local === 'RecurringMasterItemId'))
    .map((c): IdRef => {
      if (c.local === 'OccurrenceItemId' && c.attrs.RecurringMasterId) {
        const master = decodeId(c.attrs.RecurringMasterId);
        const index = Number(c.attrs.InstanceIndex);
        return master && master.kind === 'item' && Number.isInteger(index) && index > 0 ? { uuid: master.uuid, recurrenceId: null, instanceIndex: index } : undefined;
      }
      if (c.local === 'RecurringMasterItemId') {
        const occurrence = decodeOccurrenceId(c.attrs.OccurrenceId ?? '');
        return occurrence ? { uuid: occurrence.uuid, recurrenceId: null } : undefined;
      }
      const occurrence = decodeOccurrenceId(c.attrs.Id ?? '');
      if (occurrence) return occurrence;
      const decoded = decodeId(c.attrs.Id ?? '');
      return decoded && decoded.kind === 'item' ? { uuid: decoded.uuid, recurrenceId: null } : undefined;
    });
}

/** The recurrence id of a series' n-th occurrence (1-based, deleted ones counted as Exchange does not: skipped). */
function nthOccurrence(event: CalendarEvent, index: number): string {
  if (!event.rrule) throw new DeputyError('InvalidArgument', 'The item is not a recurring series.', { ewsCode: 'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange' });
  const occurrences = expandOccurrences(event, event.start, '9999-12-31T00:00:00Z', index);
  const found = occurrences[index - 1];
  if (!found) throw new DeputyError('InvalidArgument', `The series has fewer than ${index} occurrences.`, { ewsCode: 'ErrorCalendarOccurrenceIndexIsOutOfRecurrenceRange' });
  return found.recurrenceId;
}

export function hasOccurrenceIds(el: XmlIn | undefined): boolean {
  return (el?.children ?? []).some((c) => c.ns === typesNs && (c.local === 'OccurrenceItemId' || c.local === 'RecurringMasterItemId' || !!decodeOccurrenceId(c.attrs.Id ?? '')));
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

/** A meeting message's view: the event it carries and the recipient's own copy of the meeting. */
async function meetingView(ctx: EwsContext, item: Item, mime: Buffer, owner: ReadonlySet<string>, folders: Folder[]): Promise<MeetingMessageView | null> {
  const itip = await itipOf(mime);
  if (!itip) return null;
  const associated = await entryInFolders(ctx.runtime.store, item.mailboxGuid, folders, itip.event.uid);
  return { item, event: itip.event, instanceOf: itip.instanceOf, associated, owner };
}

/**
 * GetItem when the request names calendar items, occurrences or meeting messages (GetItem decides
 * that from the items it has read). Messages in the same request are shown in full too.
 */
export async function getCalendarItems(ctx: EwsContext, request: XmlIn): Promise<XmlNode> {
  const mailbox = actingMailbox(ctx);
  const ids = readIds(messageChild(request, 'ItemIds'));
  const uuids = ids.filter((x) => !!x).map((x) => x.uuid);
  const store = ctx.runtime.store;
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const items = new Map((await store.getItems(uuids)).filter((i) => i.mailboxGuid === mailbox.guid).map((i) => [i.id, i]));
  const mimes = await store.getItemMime([...items.keys()]);
  const owner = ownerAddresses(mailbox);
  const folders = await foldersForRead(ctx.runtime, mailbox.guid);
  const wantsMime = shape.includeMime || shape.fields.has('item:MimeContent');
  const results: ItemResult[] = [];
  for (const ref of ids) {
    if (!ref) {
      results.push(malformedId());
      continue;
    }
    const item = items.get(ref.uuid);
    const mime = item && mimes.get(item.id);
    if (!item || !mime || (item.itemClass !== appointmentClass && (ref.recurrenceId || ref.instanceIndex))) {
      results.push(failure('ErrorItemNotFound', 'The specified object was not found in the store.'));
      continue;
    }
    results.push(
      await attempt(async () => {
        if (item.itemClass !== appointmentClass) {
          const parsed = await parseMessage(mime);
          const meeting = isMeetingMessageClass(item.itemClass) ? await meetingView(ctx, item, mime, owner, folders) : null;
          const extras = { body: { text: parsed.textBody, html: parsed.htmlBody }, ...(wantsMime ? { mime } : {}), ...(meeting ? { meeting: meetingMessageNodes(meeting, shape) } : {}) };
          return [parent('m:Items', [messageNode(item, shape, extras)])];
        }
        const event = eventOf(mime);
        const recurrenceId = ref.instanceIndex ? nthOccurrence(event, ref.instanceIndex) : ref.recurrenceId;
        const occurrence = recurrenceId ? occurrenceOf(event, recurrenceId) : undefined;
        return [parent('m:Items', [calendarItemNode({ item, event, mime, owner, ...(occurrence ? { occurrence } : {}) }, shape)])];
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
export async function deleteOccurrence(ctx: EwsContext, id: string, cancellations: string): Promise<ItemResult> {
  const ref = decodeOccurrenceId(id)!;
  return attempt(() =>
    mailboxWrite(ctx, actingMailbox(ctx), async (op) => {
      const { item, event } = await masterOf(op, ref.uuid);
      occurrenceOf(event, ref.recurrenceId);
      const cancel = cancellations !== 'SendToNone' && !!event.organizer && organizes(op.mailbox, event);
      const after = { ...withDeletedOccurrence(event, ref.recurrenceId), sequence: event.sequence + (cancel ? 1 : 0) };
      await saveEntry(op, item, after);
      const delivery = cancel ? await sendCancellations(op, after, after.attendees, cancellations === 'SendToAllAndSaveCopy', ref.recurrenceId) : null;
      await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { deletedOccurrence: ref.recurrenceId, ...(delivery ? { meetingCancellation: cancellations, deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } : {}) } });
      return [];
    }),
  );
}

const occurrenceFields = new Set(['item:Subject', 'calendar:Start', 'calendar:End', 'calendar:Location', 'calendar:StartTimeZone', 'calendar:EndTimeZone']);

/** Changes one occurrence (Subject, Start, End, Location): a RECURRENCE-ID override on its master. */
export async function updateOccurrence(ctx: EwsContext, change: XmlIn, id: XmlIn, mode: InvitationsMode): Promise<ItemResult> {
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
      const changed = withModifiedOccurrence(event, override);
      // The organizer sends the whole series again (RFC 5546 allows it): attendees' copies take the exception.
      const sending = !!event.organizer && organizes(op.mailbox, event) && mode !== 'SendToNone';
      const after = sending ? { ...changed, sequence: event.sequence + 1 } : changed;
      const saved = await saveEntry(op, item, after);
      const delivery = sending ? await sendUpdate(op, event, after, mode) : null;
      await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { modifiedOccurrence: ref.recurrenceId, ...(delivery ? { meetingUpdate: mode, deliveredTo: delivery.deliveredTo, queuedFor: delivery.queuedFor.length } : {}) } });
      const occurrence = occurrenceOf(withModifiedOccurrence(event, override), ref.recurrenceId);
      const stored = (await op.tx.getItems([item.id]))[0] ?? saved;
      return [parent('m:Items', [calendarItemNode({ item: stored, event, occurrence }, idOnly)]), parent('m:ConflictResults', [node('t:Count', 0)])];
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
