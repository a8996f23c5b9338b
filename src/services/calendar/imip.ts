// Meeting messages as mail (iMIP, RFC 6047): a text body beside a text/calendar part carrying the
// iTIP method. The same MIME goes to internal attendees' Inboxes and, for external ones, to the
// outbound queue; a meeting message's text/calendar part is read back for EWS.
import { buildICalendar, parseITip, type CalendarEvent, type CalendarPerson, type ItipMethod } from '../../core/calendar/icalendar.ts';
import { buildMessage, parseMessage } from '../mail/mime.ts';

export interface ImipInput {
  from: CalendarPerson;
  to: CalendarPerson[];
  subject: string;
  text: string;
  method: ItipMethod;
  event: CalendarEvent;
  /** The occurrence the message is about, for an occurrence's cancellation. */
  instanceOf?: string;
  now: string;
}

export function imipMessage(input: ImipInput): Promise<Buffer> {
  const content = buildICalendar(input.event, input.now, input.method, input.instanceOf);
  return buildMessage({
    from: input.from,
    to: input.to,
    subject: input.subject,
    text: input.text || input.subject,
    html: input.event.bodyHtml,
    date: input.now,
    calendar: { method: input.method, content },
  });
}

/** The iTIP message a meeting message carries, or null when it has none (or it can't be read). */
export async function itipOf(mime: Buffer): Promise<ReturnType<typeof parseITip> | null> {
  const parsed = await parseMessage(mime);
  const part = parsed.attachments.find((a) => a.contentType.toLowerCase().startsWith('text/calendar')) ?? parsed.attachments.find((a) => /calendar|ics/i.test(a.contentType));
  if (!part) return null;
  try {
    return parseITip(part.content.toString('utf8'));
  } catch {
    return null;
  }
}
