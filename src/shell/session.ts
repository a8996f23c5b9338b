// ShellSession: parses and runs scripts against a CommandHost, keeping variables between runs.
import type { CommandHost } from '../cmdlets/host.ts';
import type { ShellErrorRecord } from './errors.ts';
import { toErrorRecord } from './errors.ts';
import { Evaluator, ScriptExit, ScriptHalted } from './evaluate.ts';
import { parseScript } from './parser.ts';

export interface ScriptResult {
  /** Every value written to the output stream, in order; formatter output is strings. */
  output: unknown[];
  errors: ShellErrorRecord[];
}

export class ShellSession {
  readonly host: CommandHost;
  /** Script variables (`$name`), kept between runs; names match case-insensitively. */
  variables: Map<string, unknown> = new Map();
  /** Set once a script ran `exit`. */
  exited = false;

  constructor(host: CommandHost) {
    this.host = host;
  }

  async run(source: string): Promise<ScriptResult> {
    const result: ScriptResult = { output: [], errors: [] };
    let ast;
    try {
      ast = parseScript(source);
    } catch (error) {
      // A parse error stops the whole script before anything runs, as in PowerShell.
      result.errors.push(toErrorRecord(error, { source }));
      return result;
    }
    const evaluator = new Evaluator({
      host: this.host,
      variables: this.variables,
      writeError: (record) => result.errors.push(record),
      // The shell has no separate host stream: Write-Host text goes to output, where the caller prints it.
      writeHost: (text) => result.output.push(text),
    });
    try {
      await evaluator.runStatements(ast.statements, { source }, (value) => result.output.push(value));
    } catch (failure) {
      if (failure instanceof ScriptHalted) result.errors.push(failure.record);
      else if (failure instanceof ScriptExit) this.exited = true;
      else result.errors.push(toErrorRecord(failure, { source }));
    }
    return result;
  }
}

/** Runs one script in a fresh session. */
export function runScript(source: string, host: CommandHost): Promise<ScriptResult> {
  return new ShellSession(host).run(source);
}
