// Get-CalendarProcessing: how a mailbox processes meeting requests (the defaults of its kind when it never set any).
import { calendarProcessingOf } from '../../services/calendar/room-booking.ts';
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { calendarProcessingOutput } from './calendar-processing-output.ts';

export default defineCmdlet({
  name: 'Get-CalendarProcessing',
  synopsis: 'Shows how a mailbox processes meeting requests: automatic booking and its limits.',
  parameters: [identityParameter('MailboxIdParameter')],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    return [calendarProcessingOutput(mailbox, await calendarProcessingOf(op.tx, mailbox))];
  },
});
