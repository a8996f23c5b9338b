// UpdateItem: Set/Append/DeleteItemField on messages. Flags, categories and extended properties
// change beside the MIME; subject, body, recipients and importance rewrite the MIME of drafts.
// Calendar items and occurrences are changed by calendar-update.ts and calendar.ts.
// The ItemId stays the same; the ChangeKey changes.
import { DeputyError } from '../../../core/errors.ts';
import type { EmailAddress, ExtendedProperty, Item } from '../../../core/mailbox/model.ts';
import { auditMailboxOperation } from '../../../services/mailbox/audit.ts';
import { itemFromMime, ownedItem, saveItem } from '../../../services/mailbox/items.ts';
import { buildMessage, parseMessage } from '../../../services/mail/mime.ts';
import { mailboxFolders } from '../../../services/mailbox/folders.ts';
import { sendMime } from '../../../services/mailbox/send.ts';
import { propertyTagNumber, readExtendedFieldUri, sameExtendedProperty } from '../shapes/field-uris.ts';
import { messageNode } from '../shapes/message.ts';
import { itemStateOf, readExtendedProperties, readMessageInput } from '../shapes/message-input.ts';
import { childIn, node, parent, typesNs, type XmlIn } from '../shapes/xml-node.ts';
import { decodeId } from '../ids.ts';
import { itemIdAttrs } from '../shapes/ids.ts';
import { bodyText } from '../shapes/body-text.ts';
import { updateOccurrence } from './calendar.ts';
import { updateCalendarItem } from './calendar-update.ts';
import { appointmentClass } from '../../../services/calendar/calendar-items.ts';
import { invitationModes, type InvitationsMode } from '../../../services/calendar/meetings.ts';
import { decodeOccurrenceId } from '../shapes/calendar-item.ts';
import { ewsOperation } from './define.ts';
import { actingMailbox, attempt, failure, mailboxWrite, messageChild, responseMessages, type ItemResult } from './support.ts';

const idOnly = { base: 'IdOnly' as const, fields: new Set<string>(), extended: [], includeMime: false, bodyType: 'Best' as const };
const mimeFields = new Set(['item:Subject', 'item:Body', 'message:ToRecipients', 'message:CcRecipients', 'message:BccRecipients', 'item:Importance', 'message:ReplyTo', 'message:From']);

/** AppendToItemField adds to these (Exchange appends to bodies and recipient lists only). */
const appendable = new Set(['item:Body', 'message:ToRecipients', 'message:CcRecipients', 'message:BccRecipients', 'message:ReplyTo', 'item:Categories']);

interface Pending {
  item: Item;
  mimeChanges: Map<string, XmlIn | null>;
  /** MIME fields changed by AppendToItemField rather than replaced. */
  appended: Set<string>;
}

function applyChange(pending: Pending, change: XmlIn): void {
  const path = change.children.find((c) => c.ns === typesNs && (c.local === 'FieldURI' || c.local === 'ExtendedFieldURI' || c.local === 'IndexedFieldURI'));
  const value = change.children.find((c) => c.ns === typesNs && c !== path);
  const setting = change.local !== 'DeleteItemField';
  if (path?.local === 'ExtendedFieldURI') {
    const ref = readExtendedFieldUri(path);
    const others = pending.item.extendedProperties.filter((p) => !sameExtendedProperty(p, ref));
    const given: ExtendedProperty[] = setting && value ? readExtendedProperties(value) : [];
    // PR_MESSAGE_FLAGS and PR_FLAG_STATUS (DavMail's STORE) change the item's state; the unsent bit is read-only after create.
    const state = itemStateOf(given);
    const tag = ref.propertyTag === undefined ? NaN : propertyTagNumber(ref.propertyTag);
    pending.item = {
      ...pending.item,
      ...(state.messageFlags !== null ? { isRead: (state.messageFlags & 1) !== 0 } : {}),
      ...(state.flagStatus ? { flagStatus: state.flagStatus } : !setting && tag === 0x1090 ? { flagStatus: 'NotFlagged' as const } : {}),
      extendedProperties: [...others, ...state.rest],
    };
    return;
  }
  const uri = path?.attrs.FieldURI ?? '';
  const read = (local: string) => childIn(value, local);
  const appending = change.local === 'AppendToItemField';
  if (appending && !appendable.has(uri)) throw new DeputyError('InvalidArgument', `${uri || 'That property'} can't be appended to.`, { ewsCode: 'ErrorInvalidPropertyAppend' });
  switch (uri) {
    case 'message:IsRead': {
      const text = read('IsRead')?.text.trim().toLowerCase();
      pending.item = { ...pending.item, isRead: setting ? text === 'true' || text === '1' : false };
      return;
    }
    case 'item:Categories': {
      const given = setting ? (read('Categories')?.children.filter((c) => c.local === 'String').map((c) => c.text) ?? []) : [];
      pending.item = { ...pending.item, categories: appending ? [...pending.item.categories, ...given.filter((c) => !pending.item.categories.includes(c))] : given };
      return;
    }
    case 'item:Flag': {
      const status = childIn(read('Flag'), 'FlagStatus')?.text.trim();
      pending.item = { ...pending.item, flagStatus: setting && (status === 'Flagged' || status === 'Complete') ? status : 'NotFlagged' };
      return;
    }
    default:
      if (mimeFields.has(uri)) {
        if (!pending.item.isDraft) throw new DeputyError('InvalidArgument', `${uri} can only be changed on drafts; this message was sent or received.`, { ewsCode: 'ErrorInvalidPropertyUpdateSentMessage' });
        pending.mimeChanges.set(uri, setting ? (value ?? null) : null);
        if (appending) pending.appended.add(uri);
        return;
      }
      throw new DeputyError('InvalidArgument', `Updating ${uri || path?.local || 'that property'} is not supported.`, { ewsCode: 'ErrorInvalidPropertyRequest' });
  }
}

/** Rebuilds a draft's MIME with the changed fields (appended ones added to what is there), keeping the rest. */
async function rewriteDraft(mime: Buffer, changes: Map<string, XmlIn | null>, appended: Set<string>, item: Item): Promise<Buffer> {
  const parsed = await parseMessage(mime);
  const message = (el: XmlIn | null) => (el ? readMessageInput(el, bodyText, () => Buffer.alloc(0)) : null);
  const get = (uri: string) => message(changes.get(uri) ?? null);
  const has = (uri: string) => changes.has(uri);
  const list = (uri: string, current: EmailAddress[], given: EmailAddress[] | undefined) => (!has(uri) ? current : appended.has(uri) ? [...current, ...(given ?? [])] : (given ?? []));
  let body = has('item:Body') ? get('item:Body')?.body ?? null : null;
  if (body && appended.has('item:Body')) {
    // Appended text joins the body in its own format (HTML to HTML, text to text), after the final
    // line break MIME adds to a text part.
    body = body.type === 'Text' && parsed.htmlBody === null ? { type: 'Text', content: (parsed.textBody ?? '').replace(/\r?\n$/, '') + body.content } : { type: 'HTML', content: (parsed.htmlBody ?? parsed.textBody ?? '') + body.content };
  }
  return buildMessage({
    from: has('message:From') ? get('message:From')?.from ?? parsed.from : parsed.from,
    to: list('message:ToRecipients', parsed.to, get('message:ToRecipients')?.to),
    cc: list('message:CcRecipients', parsed.cc, get('message:CcRecipients')?.cc),
    bcc: list('message:BccRecipients', parsed.bcc, get('message:BccRecipients')?.bcc),
    replyTo: list('message:ReplyTo', parsed.replyTo, get('message:ReplyTo')?.replyTo),
    subject: has('item:Subject') ? get('item:Subject')?.subject ?? '' : parsed.subject,
    ...(has('item:Body') ? (body?.type === 'Text' ? { text: body.content } : { html: body?.content ?? '' }) : { text: parsed.textBody, html: parsed.htmlBody }),
    date: parsed.date ?? item.createdAt,
    messageId: parsed.messageId,
    importance: has('item:Importance') ? get('item:Importance')?.importance ?? 'Normal' : parsed.importance,
    attachments: parsed.attachments,
    keepBcc: true,
  });
}

export default ewsOperation('UpdateItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const conflict = request.attrs.ConflictResolution ?? 'AutoResolve';
  const disposition = request.attrs.MessageDisposition ?? 'SaveOnly';
  const meetingMode = (request.attrs.SendMeetingInvitationsOrCancellations ?? 'SendToNone') as InvitationsMode;
  if (!invitationModes.includes(meetingMode)) throw new DeputyError('InvalidArgument', `SendMeetingInvitationsOrCancellations '${meetingMode}' is not valid.`, { ewsCode: 'ErrorInvalidRequest' });
  const results: ItemResult[] = [];
  for (const change of messageChild(request, 'ItemChanges')?.children.filter((c) => c.ns === typesNs && c.local === 'ItemChange') ?? []) {
    const idEl = childIn(change, 'ItemId') ?? childIn(change, 'OccurrenceItemId');
    if (idEl && decodeOccurrenceId(idEl.attrs.Id ?? '')) {
      results.push(await updateOccurrence(ctx, change, idEl, meetingMode));
      continue;
    }
    const decoded = decodeId(idEl?.attrs.Id ?? '');
    if (!decoded || decoded.kind !== 'item') {
      results.push(failure('ErrorInvalidIdMalformed', 'Id is malformed.'));
      continue;
    }
    results.push(
      await attempt(() =>
        mailboxWrite(ctx, mailbox, async (op) => {
          const item = await ownedItem(op, decoded.uuid);
          const given = idEl?.attrs.ChangeKey;
          if (conflict === 'NeverOverwrite' && given && given !== itemIdAttrs(item).ChangeKey) {
            throw new DeputyError('InvalidOperation', 'The item was changed since this ChangeKey was read.', { ewsCode: 'ErrorIrresolvableConflict' });
          }
          if (item.itemClass === appointmentClass) return updateCalendarItem(op, item, change, meetingMode);
          const pending: Pending = { item, mimeChanges: new Map(), appended: new Set() };
          for (const u of childIn(change, 'Updates')?.children.filter((c) => c.ns === typesNs) ?? []) applyChange(pending, u);
          let mime: Buffer | null = null;
          let updated = pending.item;
          if (pending.mimeChanges.size) {
            mime = await rewriteDraft((await op.tx.getItemMime([item.id])).get(item.id)!, pending.mimeChanges, pending.appended, item);
            const folder = (await mailboxFolders(op.tx, mailbox.guid, op.now)).find((f) => f.id === item.folderId)!;
            const fresh = await itemFromMime(op.tx, folder, mime, op.now);
            const { id: _id, version: _v, modseq: _m, articleNumber: _a, createdAt: _c, receivedAt: _r, isRead: _i, isDraft: _d, categories: _cat, extendedProperties: _e, flagStatus: _f, ...fromMime } = fresh;
            updated = { ...updated, ...fromMime };
          }
          const saved = await saveItem(op, updated, mime);
          await auditMailboxOperation(op, { operation: 'Update', itemIds: [item.id], details: { fields: childIn(change, 'Updates')?.children.length ?? 0 } });
          if (disposition !== 'SaveOnly' && saved.isDraft) {
            const folders = await mailboxFolders(op.tx, mailbox.guid, op.now);
            const currentMime = mime ?? (await op.tx.getItemMime([item.id])).get(item.id)!;
            const sent = await sendMime(op, currentMime, disposition === 'SendAndSaveCopy' ? folders.find((f) => f.distinguishedName === 'sentitems')! : null);
            await op.tx.deleteItems([saved.id], await op.tx.nextModseq(mailbox.guid));
            await auditMailboxOperation(op, { operation: sent.sentAs ? 'SendAs' : 'Send', itemIds: [saved.id], ...(sent.sentAs ? { details: { sentAs: sent.sentAs } } : {}) });
            return [parent('m:Items', []), parent('m:ConflictResults', [node('t:Count', 0)])];
          }
          return [parent('m:Items', [messageNode(saved, idOnly)]), parent('m:ConflictResults', [node('t:Count', 0)])];
        }),
      ),
    );
  }
  return responseMessages('UpdateItem', results);
});
