// Get-Message: messages waiting in the outbound queue for external recipients (sent by the SMTP
// relay once it exists; until then they stay queued and visible here).
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { withDisplayColumns } from '../host.ts';
import { limit } from '../limits.ts';

export default defineCmdlet({
  name: 'Get-Message',
  synopsis: 'Lists messages in the outbound queue, optionally those sent from one mailbox.',
  parameters: [{ name: 'Sender', type: 'String', typeName: 'MailboxIdParameter' }, resultSize],
  async run(op, p) {
    const sender = p.string('Sender');
    const mailbox = sender === undefined ? undefined : resolveOne(op.model, sender, mailboxes);
    const queued = await op.tx.listOutbound(mailbox?.guid);
    return limit(queued, p).map((m) =>
      withDisplayColumns(
        {
          Identity: m.id,
          FromAddress: m.mailFrom,
          Recipients: m.recipients,
          Status: m.state === 'Queued' ? 'Ready' : m.state,
          Queue: 'Outbound',
          RetryCount: m.attempts,
          LastError: m.lastError,
          DateReceived: m.createdAt,
        },
        ['Identity', 'FromAddress', 'Status', 'Queue', 'Recipients'],
      ),
    );
  },
});
