// How a mailbox processes meeting requests (Set-CalendarProcessing): whether it answers on its own
// and which requests a room refuses. Settings a mailbox never set take Exchange's defaults, which
// depend on the kind of mailbox (rooms AutoAccept, everyone else AutoUpdate).
import { DeputyError } from '../errors.ts';
import type { RecipientTypeDetails } from '../directory/recipient.ts';

export const automateProcessingValues = ['None', 'AutoUpdate', 'AutoAccept'] as const;
export type AutomateProcessing = (typeof automateProcessingValues)[number];

export interface CalendarProcessing {
  automateProcessing: AutomateProcessing;
  allowConflicts: boolean;
  bookingWindowInDays: number;
  /** 0 means no limit. */
  maximumDurationInMinutes: number;
  allowRecurringMeetings: boolean;
}

/** Only what a mailbox set; the rest comes from the defaults of its kind. */
export type CalendarProcessingSettings = Partial<CalendarProcessing>;

/** Deputy's only resource mailboxes; Exchange's equipment mailboxes don't exist here. */
export const isResourceMailbox = (typeDetails: RecipientTypeDetails) => typeDetails === 'RoomMailbox';

export function defaultCalendarProcessing(typeDetails: RecipientTypeDetails): CalendarProcessing {
  return {
    automateProcessing: isResourceMailbox(typeDetails) ? 'AutoAccept' : 'AutoUpdate',
    allowConflicts: false,
    bookingWindowInDays: 180,
    maximumDurationInMinutes: 1440,
    allowRecurringMeetings: true,
  };
}

export const bookingWindowRange = [1, 1080] as const;
export const maximumDurationRange = [0, 2 ** 31 - 1] as const;

/** PowerShell's ValidateRange wording. */
export function checkRange(parameter: string, value: number, [min, max]: readonly [number, number]): number {
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  const detail = value < min
    ? `The ${value} argument is less than the minimum allowed range of ${min}. Supply an argument that is greater than or equal to ${min} and then try the command again.`
    : `The ${value} argument is greater than the maximum allowed range of ${max}. Supply an argument that is less than or equal to ${max} and then try the command again.`;
  throw new DeputyError('InvalidArgument', `Cannot validate argument on parameter '${parameter}'. ${detail}`, { parameter, errorId: 'ParameterArgumentValidationError' });
}

/**
 * Exchange lets any mailbox AutoAccept, but Deputy's Calendar Attendant books only rooms, so
 * AutoAccept elsewhere would promise what never happens: refused, naming the mailbox's kind.
 */
export function checkAutomateProcessing(name: string, typeDetails: RecipientTypeDetails, value: AutomateProcessing): AutomateProcessing {
  if (value === 'AutoAccept' && !isResourceMailbox(typeDetails)) {
    throw new DeputyError(
      'InvalidOperation',
      `AutomateProcessing AutoAccept is supported for room mailboxes only; '${name}' is a ${typeDetails}. Deputy books rooms automatically but doesn't answer meeting requests for other mailboxes. Use None or AutoUpdate.`,
      { parameter: 'AutomateProcessing', errorId: 'AutoAcceptRequiresResourceMailbox' },
    );
  }
  return value;
}

export interface MeetingRequestFacts {
  /** UTC ISO of the first occurrence. */
  start: string;
  end: string;
  recurring: boolean;
}

/**
 * Why an AutoAccept room turns this request down before looking at its calendar, or null when the
 * request is within its policy. The reason goes into the decline's body.
 */
export function policyRefusal(settings: CalendarProcessing, meeting: MeetingRequestFacts, now: string, roomName: string): string | null {
  const minutes = (Date.parse(meeting.end) - Date.parse(meeting.start)) / 60_000;
  if (settings.maximumDurationInMinutes > 0 && minutes > settings.maximumDurationInMinutes) {
    return `${roomName} can be booked for at most ${settings.maximumDurationInMinutes} minutes; this meeting lasts ${Math.ceil(minutes)} minutes.`;
  }
  if (meeting.recurring && !settings.allowRecurringMeetings) return `${roomName} doesn't accept recurring meetings.`;
  if (Date.parse(meeting.start) > Date.parse(bookingWindowEnd(settings, now))) {
    return `${roomName} can be booked at most ${settings.bookingWindowInDays} days ahead; this meeting starts later.`;
  }
  return null;
}

/** The end of the booking window: BookingWindowInDays from now. */
export function bookingWindowEnd(settings: CalendarProcessing, now: string): string {
  return new Date(Date.parse(now) + settings.bookingWindowInDays * 86_400_000).toISOString();
}
