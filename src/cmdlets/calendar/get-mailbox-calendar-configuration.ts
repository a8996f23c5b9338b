// Get-MailboxCalendarConfiguration: a mailbox's working hours (the defaults when it never set any).
import { workingHoursOf } from '../../services/calendar/sharing.ts';
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { defineCmdlet, identityParameter } from '../define.ts';
import { calendarConfigurationOutput } from './calendar-configuration-output.ts';

export default defineCmdlet({
  name: 'Get-MailboxCalendarConfiguration',
  synopsis: "Shows a mailbox's calendar settings: its working hours.",
  parameters: [identityParameter('MailboxIdParameter')],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    return [calendarConfigurationOutput(mailbox, await workingHoursOf(op.tx, mailbox.guid))];
  },
});
