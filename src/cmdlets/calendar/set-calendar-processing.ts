// Set-CalendarProcessing: changes how a mailbox processes meeting requests (rooms: automatic booking and its limits).
import { DeputyError } from '../../core/errors.ts';
import {
  automateProcessingValues,
  bookingWindowRange,
  checkAutomateProcessing,
  checkRange,
  maximumDurationRange,
  type AutomateProcessing,
  type CalendarProcessingSettings,
} from '../../core/calendar/calendar-processing.ts';
import { calendarProcessingOf } from '../../services/calendar/room-booking.ts';
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { requireWriteAccess } from '../recipients/common.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { calendarProcessingOutput } from './calendar-processing-output.ts';

const settings = ['AutomateProcessing', 'AllowConflicts', 'BookingWindowInDays', 'MaximumDurationInMinutes', 'AllowRecurringMeetings'];

export default defineCmdlet({
  name: 'Set-CalendarProcessing',
  synopsis: 'Changes how a mailbox processes meeting requests: automatic booking and its limits.',
  parameters: [
    identityParameter('MailboxIdParameter'),
    { name: 'AutomateProcessing', type: 'String', typeName: 'CalendarProcessingFlags', values: automateProcessingValues },
    { name: 'AllowConflicts', type: 'Boolean' },
    { name: 'BookingWindowInDays', type: 'Int32' },
    { name: 'MaximumDurationInMinutes', type: 'Int32' },
    { name: 'AllowRecurringMeetings', type: 'Boolean' },
  ],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    requireWriteAccess(op, 'Set-CalendarProcessing', mailbox, p);
    if (!settings.some((s) => p.has(s))) throw new DeputyError('InvalidArgument', `Name at least one setting to change: ${settings.map((s) => `-${s}`).join(', ')}.`);
    for (const s of settings) {
      if (p.has(s) && p.cleared(s)) throw new DeputyError('InvalidArgument', `Cannot bind argument to parameter '${s}' because it is null.`, { parameter: s, errorId: 'ParameterArgumentValidationErrorNullNotAllowed' });
    }
    const given: CalendarProcessingSettings = {
      ...(p.has('AutomateProcessing') && { automateProcessing: checkAutomateProcessing(mailbox.name, mailbox.typeDetails, p.string('AutomateProcessing') as AutomateProcessing) }),
      ...(p.has('AllowConflicts') && { allowConflicts: p.boolean('AllowConflicts') }),
      ...(p.has('BookingWindowInDays') && { bookingWindowInDays: checkRange('BookingWindowInDays', p.number('BookingWindowInDays') ?? 0, bookingWindowRange) }),
      ...(p.has('MaximumDurationInMinutes') && { maximumDurationInMinutes: checkRange('MaximumDurationInMinutes', p.number('MaximumDurationInMinutes') ?? 0, maximumDurationRange) }),
      ...(p.has('AllowRecurringMeetings') && { allowRecurringMeetings: p.boolean('AllowRecurringMeetings') }),
    };
    const stored = { ...(await op.tx.getCalendarProcessing(mailbox.guid)), ...given };
    await op.tx.putCalendarProcessing(mailbox.guid, stored, op.now);
    return [calendarProcessingOutput(mailbox, await calendarProcessingOf(op.tx, mailbox))];
  },
});
