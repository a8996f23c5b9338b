// Exchange's MailboxCalendarConfiguration output object, limited to the working hours Deputy keeps.
import type { Recipient } from '../../core/directory/recipient.ts';
import { formatTimeOfDay, type WorkingHours } from '../../core/calendar/working-hours.ts';
import { withDisplayColumns } from '../host.ts';

export function calendarConfigurationOutput(mailbox: Recipient, hours: WorkingHours) {
  return withDisplayColumns(
    {
      Identity: mailbox.name,
      WorkingHoursDaysOfWeek: hours.days.length ? hours.days.join(', ') : 'None',
      WorkingHoursStartTime: formatTimeOfDay(hours.startMinutes),
      WorkingHoursEndTime: formatTimeOfDay(hours.endMinutes),
      WorkingHoursTimeZone: hours.timeZone,
      IsValid: true,
      ObjectState: 'Unchanged',
    },
    ['Identity', 'WorkingHoursDaysOfWeek', 'WorkingHoursStartTime', 'WorkingHoursEndTime', 'WorkingHoursTimeZone'],
  );
}
