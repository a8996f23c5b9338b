// The contract between cmdlets and whoever runs them (the shell, the admin API):
// command metadata for parsing and completion, and invocation with named parameters.

export type ParameterType =
  | 'String'
  | 'String[]'
  | 'Int32'
  | 'Boolean'
  | 'SwitchParameter'
  | 'Hashtable'
  | 'DateTime'
  /** A count or the word Unlimited (Exchange's -ResultSize). */
  | 'Unlimited'
  /** A string, or a `@{Add=…; Remove=…}` hashtable of string lists (multi-valued properties). */
  | 'MultiValued';

export interface ParameterSpec {
  /** Canonical name, PascalCase, without the dash. */
  name: string;
  type: ParameterType;
  mandatory?: boolean;
  /** 0-based position for positional binding. */
  position?: number;
  /** Bound from pipeline input when not given: the input object's Identity property, or the input itself. */
  fromPipeline?: boolean;
  aliases?: string[];
  /** Never written to the audit log or echoed back (passwords, secrets). */
  sensitive?: boolean;
  /** The .NET type Exchange names in binding errors, e.g. SecurityPrincipalIdParameter[]. */
  typeName?: string;
  /** Allowed values (case-insensitive), shown in errors and completion. */
  values?: readonly string[];
  description?: string;
}

export interface CommandInfo {
  name: string;
  synopsis?: string;
  parameters: readonly ParameterSpec[];
}

/**
 * Who runs commands: looks commands up (case-insensitively) and invokes them with
 * parameters keyed by canonical name. Values are plain JS values as the caller parsed
 * them (string, number, boolean, null, arrays, plain objects for hashtables); the host
 * checks and converts them against the ParameterSpec and throws a DeputyError on failure.
 * The result is the list of output objects (plain objects with PascalCase properties).
 */
export interface CommandHost {
  getCommand(name: string): CommandInfo | undefined;
  listCommands(): CommandInfo[];
  invoke(name: string, parameters: Record<string, unknown>): Promise<unknown[]>;
}

/**
 * Output objects may carry the columns a table shows by default (as Exchange's format
 * files do). It is a symbol so JSON output ignores it.
 */
export const displayColumns: unique symbol = Symbol.for('deputy.displayColumns');

export function withDisplayColumns<T extends object>(value: T, columns: readonly string[]): T {
  Object.defineProperty(value, displayColumns, { value: columns, enumerable: false });
  return value;
}

export function getDisplayColumns(value: unknown): readonly string[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as { [displayColumns]?: readonly string[] })[displayColumns];
}
