// Search-MailboxAuditLog: who did what in a mailbox — owners, impersonating accounts and
// applications — with the real actor and the mailbox acted for, denials included.
import { DeputyError } from '../../core/errors.ts';
import { mailboxes, resolveOne } from '../../services/identity.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { withDisplayColumns } from '../host.ts';

const logonTypes = ['Owner', 'Delegate', 'Impersonation', 'App', 'Admin'] as const;

export default defineCmdlet({
  name: 'Search-MailboxAuditLog',
  synopsis: 'Searches the mailbox audit log of one mailbox: every access by another account or application, and every denial.',
  parameters: [
    { name: 'Identity', type: 'String', mandatory: true, position: 0, fromPipeline: true, typeName: 'MailboxIdParameter' },
    { name: 'StartDate', type: 'DateTime' },
    { name: 'EndDate', type: 'DateTime' },
    { name: 'LogonTypes', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'Operations', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'ShowDetails', type: 'SwitchParameter' },
    resultSize,
  ],
  async run(op, p) {
    const mailbox = resolveOne(op.model, p.string('Identity'), mailboxes);
    const start = p.string('StartDate');
    const end = p.string('EndDate');
    if (start && end && start > end) throw new DeputyError('InvalidArgument', 'The StartDate must be earlier than the EndDate.');
    const wantedLogons = p.strings('LogonTypes').map((t) => {
      const match = logonTypes.find((l) => l.toLowerCase() === t.toLowerCase());
      if (!match) throw new DeputyError('InvalidArgument', `'${t}' isn't a logon type. Use ${logonTypes.join(', ')}.`);
      return match;
    });
    const size = p.number('ResultSize') ?? 1000;
    const events = await op.tx.searchAudit({
      kind: 'Mailbox',
      actedForGuids: [mailbox.guid],
      operations: p.strings('Operations').length ? p.strings('Operations') : undefined,
      startTime: start,
      endTime: end,
      limit: Number.isFinite(size) ? size * (wantedLogons.length ? 4 : 1) : 1_000_000,
    });
    const rows = events
      .filter((e) => wantedLogons.length === 0 || wantedLogons.includes(e.logonType as (typeof logonTypes)[number]))
      .slice(0, Number.isFinite(size) ? size : undefined);
    const details = p.switch('ShowDetails');
    return rows.map((e) =>
      withDisplayColumns(
        {
          LastAccessed: e.time,
          Operation: e.operation,
          OperationResult: e.result,
          LogonType: e.logonType,
          LogonUserDisplayName: e.actor,
          LogonUserGuid: e.actorGuid,
          MailboxResolvedOwnerName: e.actedFor,
          MailboxGuid: e.actedForGuid,
          ExternalAccess: false,
          ClientIPAddress: e.clientAddress,
          ClientInfoString: e.protocol,
          RequestId: e.requestId,
          Error: e.error,
          ...(details ? { Details: e.parameters } : {}),
          Identity: e.id,
        },
        ['LastAccessed', 'Operation', 'OperationResult', 'LogonType', 'LogonUserDisplayName'],
      ),
    );
  },
});
