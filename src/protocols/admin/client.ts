// A CommandHost that runs cmdlets on a remote Deputy through its admin API (used by
// `deputy exec --url` and `deputy shell --url`); command metadata comes from the local registry.
import { DeputyError, type ErrorCode } from '../../core/errors.ts';
import { withDisplayColumns, type CommandHost, type CommandInfo } from '../../cmdlets/host.ts';
import { displayColumnsAnnotation } from './invoke-command.ts';
import { cmdletRegistry } from '../../cmdlets/registry.ts';
import type { AdminErrorBody } from './errors.ts';

export class RemoteCommandHost implements CommandHost {
  private readonly endpoint: string;
  private readonly authorization: string;

  constructor(baseUrl: string, user: string, password: string) {
    this.endpoint = new URL('/adminapi/v1.0/InvokeCommand', baseUrl).toString();
    this.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }

  getCommand(name: string): CommandInfo | undefined {
    return cmdletRegistry.get(name.toLowerCase());
  }

  listCommands(): CommandInfo[] {
    return [...cmdletRegistry.values()];
  }

  async invoke(name: string, parameters: Record<string, unknown>): Promise<unknown[]> {
    let response: Response;
    try {
      response = await fetch(this.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: this.authorization },
        body: JSON.stringify({ CmdletInput: { CmdletName: name, Parameters: parameters } }),
      });
    } catch (error) {
      throw new DeputyError('Internal', `Could not reach Deputy at ${this.endpoint}: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => undefined)) as ({ value?: unknown[] } & Record<string, unknown>) | AdminErrorBody | undefined;
    if (response.ok && body && 'value' in body && Array.isArray(body.value)) {
      const columns = body[displayColumnsAnnotation];
      if (!Array.isArray(columns)) return body.value;
      return body.value.map((v) => (v && typeof v === 'object' ? withDisplayColumns(v, columns as string[]) : v));
    }
    const error = (body as AdminErrorBody | undefined)?.error;
    if (error?.code) {
      const detail = error.details?.[0];
      throw new DeputyError(error.code as ErrorCode, error.message, { errorId: detail?.code, parameter: detail?.target });
    }
    throw new DeputyError('Internal', `Deputy answered HTTP ${response.status} without a readable body.`);
  }
}
