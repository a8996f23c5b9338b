// GetUserAvailability (free/busy): for each requested mailbox, in request order, a FreeBusyResponse
// with its busy times as the caller may see them (services/calendar/free-busy.ts decides how much),
// or its own error (unknown address, no access) while the others succeed. Times without an offset,
// in the request and in the answer, are local to the request's time zone: the body's legacy
// t:TimeZone, else the TimeZoneContext header, else UTC. One audit event per request on behalf of
// someone else (and per request with a refusal), listing the mailboxes asked about and refused.
import { DeputyError, isDeputyError } from '../../../core/errors.ts';
import { isMailbox, type Recipient } from '../../../core/directory/recipient.ts';
import { freeBusyViews, viewHasDetails, type FreeBusyView } from '../../../core/calendar/free-busy.ts';
import { ianaClock, legacyClock, legacyZoneOfIana, utcOfLocal, type ZoneClock } from '../../../core/calendar/legacy-time-zone.ts';
import { windowsToIana } from '../../../core/calendar/time-zones.ts';
import { availabilityOf, type AvailabilityWindow } from '../../../services/calendar/free-busy.ts';
import { auditMailboxAccess } from '../audit.ts';
import type { EwsContext } from '../operation.ts';
import { freeBusyViewNode, readLegacyTimeZone, workingHoursNode } from '../shapes/availability.ts';
import { childIn, childrenIn, messagesNs, node, parent, typesNs, type XmlIn, type XmlNode } from '../shapes/xml-node.ts';
import { ewsOperation } from './define.ts';

/** Exchange's limits: 100 mailboxes per request, a window of 62 days, merged intervals of 5 minutes to a day. */
export const maxMailboxes = 100;
export const maxWindowDays = 62;
const minIntervalMinutes = 5;
const maxIntervalMinutes = 1440;
const day = 86_400_000;

const requestError = (ewsCode: string, message: string) => new DeputyError('InvalidArgument', message, { ewsCode });

export default ewsOperation('GetUserAvailabilityRequest', async (ctx, request) => {
  try {
    return await answer(ctx, request);
  } catch (error) {
    // Recorded under the operation's name (the endpoint's fallback would use the request element's).
    if (isDeputyError(error)) await auditMailboxAccess(ctx.runtime, ctx, { operation: 'GetUserAvailability', result: 'Failed', error: error.message });
    throw error;
  }
});

async function answer(ctx: EwsContext, request: XmlIn): Promise<XmlNode> {
  const clock = requestClock(ctx, childIn(request, 'TimeZone'));
  const mailboxes = readMailboxData(request);
  const options = childIn(request, 'FreeBusyViewOptions');
  const suggestions = childIn(request, 'SuggestionsViewOptions');
  if (!options && !suggestions) throw requestError('ErrorSchemaValidation', 'The request has neither FreeBusyViewOptions nor SuggestionsViewOptions; free/busy needs FreeBusyViewOptions with a TimeWindow.');
  const window = options ? readWindow(options, clock) : null;

  const children: XmlNode[] = [];
  if (window) {
    const { model } = ctx.runtime.state;
    const actor = model.get(ctx.principal.guid);
    if (!actor) throw new DeputyError('AuthenticationFailed', 'The account that signed in no longer exists.');
    const viewer = ctx.mailbox ?? actor;
    const refused: Array<{ mailbox: string; code: string; reason: string }> = [];
    const responses: XmlNode[] = [];
    for (const entry of mailboxes) {
      const answer = await mailboxResponse(ctx, actor, viewer, entry, window, clock);
      if (!answer.ok) refused.push({ mailbox: entry.address ?? '', code: answer.code, reason: answer.message });
      responses.push(answer.node);
    }
    children.push(parent('m:FreeBusyResponseArray', responses));
    const denied = refused.filter((r) => r.code === 'ErrorNoFreeBusyAccess');
    await auditMailboxAccess(ctx.runtime, ctx, {
      operation: 'GetUserAvailability',
      details: {
        mailboxes: mailboxes.map((m) => m.address ?? null),
        refused,
        requestedView: window.view,
        window: { start: new Date(window.from).toISOString(), end: new Date(window.to).toISOString() },
      },
      result: denied.length ? 'Denied' : 'Succeeded',
      error: refused.length ? `Refused: ${refused.map((r) => `${r.mailbox || '(no address)'} (${r.code})`).join(', ')}.` : null,
      evenForOwner: denied.length > 0,
    });
  }
  if (suggestions) {
    // Meeting suggestions are not built; say so in their own part rather than failing the free/busy answer.
    children.push(parent('m:SuggestionsResponse', [errorMessage('ErrorInvalidOperation', 'Meeting suggestions (SuggestionsViewOptions) are not implemented by this server; ask for free/busy only.')]));
  }
  return parent('m:GetUserAvailabilityResponse', children, { 'xmlns:m': messagesNs, 'xmlns:t': typesNs });
}

// --- the request ---------------------------------------------------------------------------------

/** The zone times without offset are in: the body's t:TimeZone, else TimeZoneContext, else UTC. */
function requestClock(ctx: EwsContext, legacy: XmlIn | undefined): ZoneClock {
  if (legacy) return legacyClock(readLegacyTimeZone(legacy));
  const id = ctx.timeZoneId ?? 'UTC';
  const zone = windowsToIana(id);
  if (!zone) throw requestError('ErrorTimeZone', `The time zone '${id}' in TimeZoneContext is not known.`);
  return ianaClock(zone);
}

interface MailboxEntry {
  /** Null when the MailboxData has no Email/Address. */
  address: string | null;
}

function readMailboxData(request: XmlIn): MailboxEntry[] {
  const array = childIn(request, 'MailboxDataArray', messagesNs);
  const entries = childrenIn(array, 'MailboxData').map((m) => ({ address: childIn(childIn(m, 'Email'), 'Address')?.text.trim() || null }));
  if (!entries.length) throw requestError('ErrorMailboxDataArrayEmpty', 'MailboxDataArray names no mailbox; add a MailboxData with Email/Address for each mailbox to look at.');
  if (entries.length > maxMailboxes) throw requestError('ErrorMailboxDataArrayTooBig', `MailboxDataArray names ${entries.length} mailboxes; at most ${maxMailboxes} are allowed per request.`);
  return entries;
}

const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** xs:dateTime: with Z or an offset it is an instant; without, a wall time in the request's zone. */
function readDateTime(text: string | undefined, name: string, clock: ZoneClock): number {
  const m = dateTimePattern.exec(text?.trim() ?? '');
  if (!m) throw requestError('ErrorSchemaValidation', `TimeWindow/${name} must be an xs:dateTime such as 2027-03-01T00:00:00, not '${text ?? ''}'.`);
  if (m[8]) {
    const ms = Date.parse(text!.trim());
    if (Number.isNaN(ms)) throw requestError('ErrorSchemaValidation', `TimeWindow/${name} '${text}' is not a valid date and time.`);
    return ms;
  }
  const [year, month, dayOfMonth, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > 31 || hour > 23 || minute > 59 || second > 59) {
    throw requestError('ErrorSchemaValidation', `TimeWindow/${name} '${text}' is not a valid date and time.`);
  }
  return utcOfLocal(clock, { year, month, day: dayOfMonth, hour, minute, second });
}

function readWindow(options: XmlIn, clock: ZoneClock): AvailabilityWindow {
  const timeWindow = childIn(options, 'TimeWindow');
  if (!timeWindow) throw requestError('ErrorSchemaValidation', 'FreeBusyViewOptions needs a TimeWindow with StartTime and EndTime.');
  const from = readDateTime(childIn(timeWindow, 'StartTime')?.text, 'StartTime', clock);
  const to = readDateTime(childIn(timeWindow, 'EndTime')?.text, 'EndTime', clock);
  if (to <= from) throw requestError('ErrorInvalidTimeInterval', 'The TimeWindow EndTime must be later than its StartTime.');
  if (to - from > maxWindowDays * day) throw requestError('ErrorTimeIntervalTooBig', `The TimeWindow spans ${Math.ceil((to - from) / day)} days; free/busy covers at most ${maxWindowDays} days per request.`);
  const intervalText = childIn(options, 'MergedFreeBusyIntervalInMinutes')?.text.trim();
  const interval = intervalText === undefined ? 30 : Number(intervalText);
  if (!/^\d+$/.test(intervalText ?? '30') || interval < minIntervalMinutes || interval > maxIntervalMinutes) {
    throw requestError('ErrorInvalidMergedFreeBusyInterval', `MergedFreeBusyIntervalInMinutes must be a whole number of minutes from ${minIntervalMinutes} to ${maxIntervalMinutes}, not '${intervalText}'.`);
  }
  const viewText = childIn(options, 'RequestedView')?.text.trim() ?? 'FreeBusy';
  const view = freeBusyViews.find((v) => v.toLowerCase() === viewText.toLowerCase());
  if (!view) {
    throw requestError('ErrorInvalidFreeBusyViewType', `RequestedView '${viewText}' asks for nothing Deputy can answer; use one of ${freeBusyViews.join(', ')}.`);
  }
  return { from, to, intervalMs: interval * 60_000, view };
}

// --- one mailbox ---------------------------------------------------------------------------------

type MailboxAnswer = { ok: true; node: XmlNode } | { ok: false; code: string; message: string; node: XmlNode };

const isSmtpAddress = (value: string) => /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+$/.test(value);

function errorMessage(code: string, message: string): XmlNode {
  return parent('m:ResponseMessage', [node('m:MessageText', message), node('m:ResponseCode', code), node('m:DescriptiveLinkKey', 0)], { ResponseClass: 'Error' });
}

function refusal(code: string, message: string): MailboxAnswer {
  // Exchange answers errors with an empty view of type None; clients skip the view on error.
  return { ok: false, code, message, node: parent('m:FreeBusyResponse', [errorMessage(code, message), parent('m:FreeBusyView', [node('t:FreeBusyViewType', 'None')])]) };
}

function findMailbox(ctx: EwsContext, address: string): Recipient | MailboxAnswer {
  const key = address.replace(/^smtp:/i, '').toLowerCase();
  const found = ctx.runtime.state.model
    .lookup(key)
    .find((r) => r.primarySmtpAddress.toLowerCase() === key || r.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === key));
  if (!found) return refusal('ErrorMailRecipientNotFound', `No mailbox has the address '${address}'.`);
  if (!isMailbox(found)) {
    // Exchange expands small distribution lists into merged free/busy; Deputy does not (yet), and says so.
    return refusal('ErrorMailRecipientNotFound', `'${address}' is a ${found.typeDetails}, not a mailbox; free/busy is answered for mailboxes only (groups are not expanded).`);
  }
  return found;
}

async function mailboxResponse(ctx: EwsContext, actor: Recipient, viewer: Recipient, entry: MailboxEntry, window: AvailabilityWindow, clock: ZoneClock): Promise<MailboxAnswer> {
  if (!entry.address) return refusal('ErrorMissingEmailAddress', 'This MailboxData has no Email/Address.');
  if (!isSmtpAddress(entry.address.replace(/^smtp:/i, ''))) return refusal('ErrorInvalidSmtpAddress', `'${entry.address}' isn't a valid SMTP address.`);
  const target = findMailbox(ctx, entry.address);
  if (!('guid' in target)) return target;
  const availability = await availabilityOf(ctx.runtime, actor, viewer, target, window);
  if (!availability.ok) {
    return refusal('ErrorNoFreeBusyAccess', `${viewer.primarySmtpAddress || viewer.name} has no access to the free/busy of ${target.primarySmtpAddress}. ${availability.reason}`);
  }
  const view: FreeBusyView = availability.view;
  const zone = legacyZoneOfIana(windowsToIana(availability.workingHours.timeZone) ?? 'UTC', new Date(window.from).getUTCFullYear());
  const details = viewHasDetails(view) ? (availability.access === 'FullDetails' ? 'full' : 'limited') : 'none';
  return {
    ok: true,
    node: parent('m:FreeBusyResponse', [
      parent('m:ResponseMessage', [node('m:ResponseCode', 'NoError')], { ResponseClass: 'Success' }),
      freeBusyViewNode({
        view,
        ...(availability.merged !== undefined ? { merged: { spans: availability.merged } } : {}),
        ...(availability.slots ? { slots: availability.slots } : {}),
        details,
        seesPrivate: availability.seesPrivate,
        clock,
        workingHours: workingHoursNode(availability.workingHours, zone),
      }),
    ]),
  };
}
