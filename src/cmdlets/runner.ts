// Runs cmdlets for one caller: binds parameters, asks the authorizer for the cmdlet's role
// entry, runs it in a transaction together with its audit record, and audits failures too.
import { randomUUID } from 'node:crypto';
import { DeputyError, isDeputyError } from '../core/errors.ts';
import type { AuditEventInput } from '../core/audit/event.ts';
import type { Caller, Operation, Runtime } from '../services/context.ts';
import type { CommandHost, CommandInfo } from './host.ts';
import { bindParameters, type BoundParameters } from './binding.ts';
import type { Cmdlet } from './define.ts';
import { cmdletRegistry } from './registry.ts';

export class CmdletHost implements CommandHost {
  constructor(
    private readonly runtime: Runtime,
    private readonly caller: Caller,
    private readonly onInternalError: (error: unknown, requestId: string) => void = () => {},
  ) {}

  getCommand(name: string): CommandInfo | undefined {
    return cmdletRegistry.get(name.toLowerCase());
  }

  listCommands(): CommandInfo[] {
    return [...cmdletRegistry.values()];
  }

  async invoke(name: string, raw: Record<string, unknown>): Promise<unknown[]> {
    const cmdlet = cmdletRegistry.get(name.toLowerCase());
    if (!cmdlet) {
      throw new DeputyError('CommandNotFound', `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`, { errorId: 'CommandNotFoundException' });
    }
    const requestId = this.caller.requestId ?? randomUUID();
    let params: BoundParameters | undefined;
    try {
      params = bindParameters(cmdlet, raw);
      return await this.run(cmdlet, params, requestId);
    } catch (error) {
      const reported = isDeputyError(error) ? error : this.internal(error, requestId);
      await this.audit(cmdlet, params?.forAudit(cmdlet.parameters) ?? redactRaw(cmdlet, raw), reported, requestId);
      throw reported;
    }
  }

  private async run(cmdlet: Cmdlet, params: BoundParameters, requestId: string): Promise<unknown[]> {
    const { state, store } = this.runtime;
    await state.sync();
    const decision = state.authorizer.decide(this.caller.guid, cmdlet.entry ?? cmdlet.name, undefined, { parameters: params.names() });
    if (!decision.allowed) {
      throw new DeputyError('AccessDenied', `The user "${this.caller.name}" isn't allowed to run '${cmdlet.name}'. ${decision.reason}`, { errorId: 'AccessDenied', reason: decision.reason });
    }
    const now = this.runtime.now().toISOString();
    const output = await store.transaction(async (tx) => {
      const op: Operation = { runtime: this.runtime, tx, caller: this.caller, model: state.model, authorizer: state.authorizer, now };
      const result = await cmdlet.run(op, params);
      await tx.appendAudit(this.event(cmdlet.name, params.forAudit(cmdlet.parameters), null, requestId, now));
      return result;
    });
    // Committed: bring the directory up to date before describing what changed.
    await state.sync();
    return typeof output === 'function' ? output() : output;
  }

  private event(cmdletName: string, parameters: Record<string, unknown>, error: DeputyError | null, requestId: string, time: string): AuditEventInput {
    return {
      time,
      kind: 'Admin',
      actorGuid: this.caller.guid,
      actor: this.caller.name,
      actedForGuid: null,
      actedFor: null,
      logonType: 'Admin',
      protocol: this.caller.protocol,
      operation: cmdletName,
      parameters,
      result: error === null ? 'Succeeded' : error.code === 'AccessDenied' ? 'Denied' : 'Failed',
      error: error?.message ?? null,
      clientAddress: this.caller.clientAddress,
      requestId,
    };
  }

  private async audit(cmdlet: Cmdlet, parameters: Record<string, unknown>, error: DeputyError, requestId: string): Promise<void> {
    const time = this.runtime.now().toISOString();
    await this.runtime.store.transaction((tx) => tx.appendAudit(this.event(cmdlet.name, parameters, error, requestId, time)));
  }

  private internal(error: unknown, requestId: string): DeputyError {
    this.onInternalError(error, requestId);
    return new DeputyError('Internal', `An internal error occurred. Request id: ${requestId}.`, { requestId });
  }
}

/** When binding failed, audit what was sent, still without secrets. */
function redactRaw(cmdlet: Cmdlet, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const spec = cmdlet.parameters.find((s) => s.name.toLowerCase() === k.replace(/^-/, '').toLowerCase());
    out[k] = spec?.sensitive ? '********' : v;
  }
  return out;
}
