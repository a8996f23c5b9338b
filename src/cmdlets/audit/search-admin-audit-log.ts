// Search-AdminAuditLog: finds recorded cmdlet runs by cmdlet, caller and time range.
import { DeputyError } from '../../core/errors.ts';
import { defineCmdlet, resultSize } from '../define.ts';
import { withDisplayColumns } from '../host.ts';

export default defineCmdlet({
  name: 'Search-AdminAuditLog',
  synopsis: 'Searches the administrator audit log: every cmdlet run, with its caller, parameters (secrets redacted) and result.',
  parameters: [
    { name: 'Cmdlets', type: 'String[]' },
    { name: 'UserIds', type: 'String[]', typeName: 'MultiValuedProperty' },
    { name: 'StartDate', type: 'DateTime' },
    { name: 'EndDate', type: 'DateTime' },
    { name: 'IsSuccess', type: 'Boolean' },
    resultSize,
  ],
  async run(op, p) {
    const start = p.string('StartDate');
    const end = p.string('EndDate');
    if (start && end && start > end) throw new DeputyError('InvalidArgument', 'The StartDate must be earlier than the EndDate.');
    const size = p.number('ResultSize') ?? 1000;
    const callers = p.strings('UserIds').map((id) => op.model.lookup(id).map((r) => r.guid)).flat();
    if (p.strings('UserIds').length && callers.length === 0) return [];
    const isSuccess = p.boolean('IsSuccess');
    const events = await op.tx.searchAudit({
      kind: 'Admin',
      operations: p.strings('Cmdlets').length ? p.strings('Cmdlets') : undefined,
      actorGuids: callers.length ? callers : undefined,
      result: isSuccess === true ? 'Succeeded' : undefined,
      startTime: start,
      endTime: end,
      limit: Number.isFinite(size) ? (isSuccess === false ? size * 4 : size) : 1_000_000,
    });
    return events
      .filter((e) => isSuccess !== false || e.result !== 'Succeeded')
      .slice(0, Number.isFinite(size) ? size : undefined)
      .map((e) =>
        withDisplayColumns(
          {
            RunDate: e.time,
            Caller: e.actor,
            CmdletName: e.operation,
            ObjectModified: (e.parameters.Identity ?? e.parameters.Name ?? null) as unknown,
            CmdletParameters: e.parameters,
            Succeeded: e.result === 'Succeeded',
            Result: e.result,
            Error: e.error,
            Protocol: e.protocol,
            ClientAddress: e.clientAddress,
            RequestId: e.requestId,
            Identity: e.id,
          },
          ['RunDate', 'Caller', 'CmdletName', 'ObjectModified', 'Succeeded'],
        ),
      );
  },
});
