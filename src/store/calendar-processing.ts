// Resource booking settings (Set-CalendarProcessing) as functions over a Kysely connection that
// KyselyStore and its transactions delegate to. Mailbox settings, not directory state: no change log.
import type { Kysely } from 'kysely';
import { objectNotFound } from '../core/errors.ts';
import { automateProcessingValues, type AutomateProcessing, type CalendarProcessingSettings } from '../core/calendar/calendar-processing.ts';
import type { Database } from './schema.ts';

const flag = (value: number | null) => (value === null ? undefined : Number(value) !== 0);
const count = (value: number | null) => (value === null ? undefined : Number(value));
const automate = (value: string | null) => automateProcessingValues.find((v) => v === value) as AutomateProcessing | undefined;

/** What a mailbox set, or undefined when it never set anything. */
export async function getCalendarProcessing(db: Kysely<Database>, mailboxGuid: string): Promise<CalendarProcessingSettings | undefined> {
  const row = await db.selectFrom('mailbox_calendar_processing').selectAll().where('mailbox_guid', '=', mailboxGuid).executeTakeFirst();
  if (!row) return undefined;
  const settings: CalendarProcessingSettings = {
    automateProcessing: automate(row.automate_processing),
    allowConflicts: flag(row.allow_conflicts),
    bookingWindowInDays: count(row.booking_window_in_days),
    maximumDurationInMinutes: count(row.maximum_duration_in_minutes),
    allowRecurringMeetings: flag(row.allow_recurring_meetings),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

/** Replaces what a mailbox set (fields left out go back to the defaults); a missing mailbox is ObjectNotFound. */
export async function putCalendarProcessing(db: Kysely<Database>, mailboxGuid: string, settings: CalendarProcessingSettings, now: string): Promise<void> {
  const found = await db.selectFrom('recipients').select('guid').where('guid', '=', mailboxGuid).executeTakeFirst();
  if (!found) throw objectNotFound(mailboxGuid);
  const bit = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0);
  const values = {
    automate_processing: settings.automateProcessing ?? null,
    allow_conflicts: bit(settings.allowConflicts),
    booking_window_in_days: settings.bookingWindowInDays ?? null,
    maximum_duration_in_minutes: settings.maximumDurationInMinutes ?? null,
    allow_recurring_meetings: bit(settings.allowRecurringMeetings),
    modified_at: now,
  };
  await db
    .insertInto('mailbox_calendar_processing')
    .values({ mailbox_guid: mailboxGuid, ...values })
    .onConflict((oc) => oc.column('mailbox_guid').doUpdateSet(values))
    .execute();
}

/** Removes the settings of a recipient about to be deleted. */
export async function forgetCalendarProcessing(db: Kysely<Database>, guid: string): Promise<void> {
  await db.deleteFrom('mailbox_calendar_processing').where('mailbox_guid', '=', guid).execute();
}
