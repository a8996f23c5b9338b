// ConvertTo-Json: serializes input to JSON with PowerShell's -Depth truncation (default 2) and -Compress.
import { isPlainObject, ScriptBlock, toPSString } from '../values.ts';
import { integerArgument, invalidArgument, switchArgument, type BuiltinCommand } from './types.ts';

/**
 * Objects nested deeper than `depth` become their string form, as PowerShell does
 * (it serializes levels 0..depth and calls ToString() beyond).
 */
export function toJsonValue(value: unknown, level: number, depth: number): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : toPSString(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof ScriptBlock) return value.toString();
  if (Array.isArray(value)) {
    if (level > depth) return value.map(toPSString).join(' ');
    return value.map((item) => toJsonValue(item, level + 1, depth));
  }
  if (isPlainObject(value)) {
    if (level > depth) return toPSString(value);
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonValue(item, level + 1, depth)]));
  }
  return toPSString(value);
}

export const convertToJsonCommand: BuiltinCommand = {
  name: 'ConvertTo-Json',
  aliases: [],
  synopsis: 'Converts objects to JSON.',
  parameters: [
    { name: 'InputObject', type: 'Object', position: 0 },
    { name: 'Depth', type: 'Int32' },
    { name: 'Compress', type: 'SwitchParameter' },
  ],
  async run(bound, input) {
    const depth = integerArgument(bound, 'Depth') ?? 2;
    if (depth < 0 || depth > 100) throw invalidArgument(`Cannot validate argument on parameter 'Depth'. The ${depth} argument is not in the range 0 to 100.`, 'ParameterArgumentValidationError');
    // Pipeline input: one object stays an object, several become an array (as PowerShell does).
    const subject = input !== undefined ? (input.length === 1 ? input[0] : input) : bound.InputObject ?? null;
    const json = toJsonValue(subject, 0, depth);
    return [switchArgument(bound, 'Compress') ? JSON.stringify(json) : JSON.stringify(json, null, 2)];
  },
};
