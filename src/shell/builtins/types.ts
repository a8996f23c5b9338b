// The contract of shell built-in commands (Select-Object, Where-Object …) and helpers they share for argument values.
import { DeputyError } from '../../core/errors.ts';
import type { BindableParameter } from '../binder.ts';
import { toNumber } from '../operators.ts';
import { enumerate, isPlainObject, ScriptBlock, toPSString, type PlainObject } from '../values.ts';

/** What a built-in can ask of the shell while it runs. */
export interface BuiltinContext {
  /** Runs a script block with `$_` set to `item`, returning what it wrote to output. */
  invokeScriptBlock(block: ScriptBlock, item: unknown): Promise<unknown[]>;
  /** Write-Host text: straight to the caller, never down the pipeline. */
  writeHost(text: string): void;
}

export interface BuiltinCommand {
  name: string;
  aliases: readonly string[];
  synopsis: string;
  parameters: readonly BindableParameter[];
  /**
   * Processes the whole input at once. `input` is undefined when the command is first in
   * its pipeline (no upstream), which some commands treat differently from empty input.
   */
  run(parameters: Record<string, unknown>, input: unknown[] | undefined, context: BuiltinContext): Promise<unknown[]>;
}

export function invalidArgument(message: string, errorId = 'InvalidArgument'): DeputyError {
  return new DeputyError('InvalidArgument', message, { errorId });
}

export function integerArgument(parameters: Record<string, unknown>, name: string): number | undefined {
  const value = parameters[name];
  if (value === undefined) return undefined;
  const number = toNumber(value);
  if (!Number.isInteger(number)) throw invalidArgument(`Cannot bind parameter '${name}'. Cannot convert value "${toPSString(value)}" to type "System.Int32".`, 'CannotConvertArgument');
  return number;
}

export function switchArgument(parameters: Record<string, unknown>, name: string): boolean {
  return parameters[name] === true;
}

/**
 * A property selector: a name or wildcard, a script block, or a calculated property
 * `@{Name='Label'; Expression={ … }}` (keys Name/N/Label/L and Expression/E).
 */
export type PropertySelector =
  | { kind: 'name'; pattern: string }
  | { kind: 'script'; label: string; block: ScriptBlock }
  | { kind: 'calculated'; label: string; expression: string | ScriptBlock };

function hashValue(table: PlainObject, keys: string[]): unknown {
  const key = Object.keys(table).find((candidate) => keys.includes(candidate.toLowerCase()));
  return key === undefined ? undefined : table[key];
}

export function propertySelectors(value: unknown): PropertySelector[] {
  if (value === undefined || value === null) return [];
  return enumerate(value).map((item): PropertySelector => {
    if (item instanceof ScriptBlock) return { kind: 'script', label: item.toString().trim(), block: item };
    if (isPlainObject(item)) {
      const expression = hashValue(item, ['expression', 'e']);
      if (expression === undefined) throw invalidArgument('The "Expression" key is missing from the calculated property.', 'DictionaryKeyMissing');
      const labelValue = hashValue(item, ['name', 'n', 'label', 'l']);
      const label = labelValue !== undefined ? toPSString(labelValue) : expression instanceof ScriptBlock ? expression.toString().trim() : toPSString(expression);
      return { kind: 'calculated', label, expression: expression instanceof ScriptBlock ? expression : toPSString(expression) };
    }
    return { kind: 'name', pattern: toPSString(item) };
  });
}
