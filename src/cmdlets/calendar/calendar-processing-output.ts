// Exchange's CalendarProcessing output object, limited to the resource booking settings Deputy keeps.
import type { Recipient } from '../../core/directory/recipient.ts';
import type { CalendarProcessing } from '../../core/calendar/calendar-processing.ts';
import { withDisplayColumns } from '../host.ts';

export function calendarProcessingOutput(mailbox: Recipient, settings: CalendarProcessing) {
  return withDisplayColumns(
    {
      Identity: mailbox.name,
      AutomateProcessing: settings.automateProcessing,
      AllowConflicts: settings.allowConflicts,
      BookingWindowInDays: settings.bookingWindowInDays,
      MaximumDurationInMinutes: settings.maximumDurationInMinutes,
      AllowRecurringMeetings: settings.allowRecurringMeetings,
      IsValid: true,
      ObjectState: 'Unchanged',
    },
    ['Identity', 'AutomateProcessing', 'AllowConflicts', 'BookingWindowInDays', 'MaximumDurationInMinutes', 'AllowRecurringMeetings'],
  );
}
