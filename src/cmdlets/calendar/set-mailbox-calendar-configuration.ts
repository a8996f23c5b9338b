// Set-MailboxCalendarConfiguration: changes a mailbox's working hours (days, start and end time, Windows time zone).
import { DeputyError } from '../../core/errors.ts';
import { checkWindowsTimeZone, checkWorkingHours, parseDaysOfWeek, parseTimeOfDay, type WorkingHours } from '../../core/calendar/working-hours.ts';
import { workingHoursOf } from '../../services/calendar/sharing.ts';
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { requireWriteAccess } from '../recipients/common.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { calendarConfigurationOutput } from './calendar-configuration-output.ts';

const settings = ['WorkingHoursStartTime', 'WorkingHoursEndTime', 'WorkingHoursDaysOfWeek', 'WorkingHoursTimeZone'];

export default defineCmdlet({
  name: 'Set-MailboxCalendarConfiguration',
  synopsis: "Changes a mailbox's working hours.",
  parameters: [
    identityParameter('MailboxIdParameter'),
    { name: 'WorkingHoursStartTime', type: 'String', typeName: 'TimeSpan' },
    { name: 'WorkingHoursEndTime', type: 'String', typeName: 'TimeSpan' },
    { name: 'WorkingHoursDaysOfWeek', type: 'String[]', typeName: 'DaysOfWeek' },
    { name: 'WorkingHoursTimeZone', type: 'String', typeName: 'ExTimeZoneValue' },
  ],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    requireWriteAccess(op, 'Set-MailboxCalendarConfiguration', mailbox, p);
    if (!settings.some((s) => p.has(s))) throw new DeputyError('InvalidArgument', `Name at least one setting to change: ${settings.map((s) => `-${s}`).join(', ')}.`);
    const current = await workingHoursOf(op.tx, mailbox.guid);
    const next: WorkingHours = checkWorkingHours({
      startMinutes: p.has('WorkingHoursStartTime') ? parseTimeOfDay(p.string('WorkingHoursStartTime') ?? '', 'WorkingHoursStartTime') : current.startMinutes,
      endMinutes: p.has('WorkingHoursEndTime') ? parseTimeOfDay(p.string('WorkingHoursEndTime') ?? '', 'WorkingHoursEndTime') : current.endMinutes,
      days: p.has('WorkingHoursDaysOfWeek') ? parseDaysOfWeek(p.strings('WorkingHoursDaysOfWeek')) : current.days,
      timeZone: p.has('WorkingHoursTimeZone') ? checkWindowsTimeZone(p.string('WorkingHoursTimeZone') ?? '') : current.timeZone,
    });
    await op.tx.putWorkingHours(mailbox.guid, next, op.now);
    return [calendarConfigurationOutput(mailbox, next)];
  },
});
