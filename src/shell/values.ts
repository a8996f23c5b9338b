// PowerShell value semantics on plain JS values: script blocks, truthiness, string conversion, member access, indexing.
import { DeputyError } from '../core/errors.ts';
import type { Statement } from './ast.ts';

/** A `{ … }` value. Host commands receive `text` (Exchange takes filter script blocks as text). */
export class ScriptBlock {
  /** The source text including the braces. */
  readonly text: string;
  readonly statements: Statement[];
  /** The script the block was written in, for error positions when it runs later. */
  readonly source: string;

  constructor(text: string, statements: Statement[], source: string) {
    this.text = text;
    this.statements = statements;
    this.source = source;
  }

  /** PowerShell prints a script block as its body, without the braces. */
  toString(): string {
    return this.text.slice(1, -1);
  }
}

export type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof ScriptBlock);
}

/** A pipeline writes arrays element by element (one level), everything else as itself. */
export function enumerate(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** What `$x = <pipeline>` stores: nothing → $null, one value → the value, more → an array. */
export function collapse(values: unknown[]): unknown {
  if (values.length === 0) return null;
  if (values.length === 1) return values[0];
  return values;
}

export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    if (value.length === 1) return isTruthy(value[0]);
    return true;
  }
  return true;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(value).replace('e+', 'E+').replace('e-', 'E-');
}

/** `@{Name=x; Members=a b}`, the way PowerShell prints a custom object inside a string. */
export function formatObjectInline(value: PlainObject): string {
  const entries = Object.entries(value).map(([key, item]) => `${key}=${toPSString(item)}`);
  return `@{${entries.join('; ')}}`;
}

/** PowerShell's conversion to string, as used by string expansion, `+` on strings and -like. */
export function toPSString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return value.map(toPSString).join(' ');
  if (value instanceof Date) return value.toISOString();
  if (value instanceof ScriptBlock) return value.toString();
  if (isPlainObject(value)) {
    // Exchange objects print as their identity ("$mailbox" is the mailbox's identity).
    const identity = getProperty(value, 'Identity');
    if (typeof identity === 'string') return identity;
    const name = getProperty(value, 'Name');
    if (typeof name === 'string') return name;
    return formatObjectInline(value);
  }
  return String(value);
}

/** The .NET-ish type name PowerShell shows in messages such as "Cannot index into …". */
export function typeNameOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'System.String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'System.Int32' : 'System.Double';
  if (typeof value === 'boolean') return 'System.Boolean';
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof Date) return 'System.DateTime';
  if (value instanceof ScriptBlock) return 'System.Management.Automation.ScriptBlock';
  return 'System.Management.Automation.PSCustomObject';
}

/** Finds an object's own property name case-insensitively (PowerShell member names ignore case). */
export function findPropertyName(value: PlainObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(value, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(value).find((key) => key.toLowerCase() === lower);
}

export function getProperty(value: PlainObject, name: string): unknown {
  const key = findPropertyName(value, name);
  return key === undefined ? undefined : value[key];
}

export function hasProperty(value: unknown, name: string): boolean {
  return isPlainObject(value) && findPropertyName(value, name) !== undefined;
}

/**
 * `$x.Name`: properties of objects, `.Count`/`.Length` of arrays and strings, and member
 * enumeration (`$list.Name` collects the Name of every element), as PowerShell 3+ does.
 * A missing member is $null, not an error (PowerShell without strict mode).
 */
export function getMember(value: unknown, name: string): unknown {
  const lower = name.toLowerCase();
  if (value === null || value === undefined) return lower === 'count' || lower === 'length' ? 0 : null;
  if (Array.isArray(value)) {
    if (lower === 'count' || lower === 'length') return value.length;
    const collected: unknown[] = [];
    for (const item of value) {
      const member = getMember(item, name);
      if (member === null || member === undefined) continue;
      if (Array.isArray(member)) collected.push(...member);
      else collected.push(member);
    }
    return collapse(collected);
  }
  if (typeof value === 'string') {
    if (lower === 'length') return value.length;
    if (lower === 'count') return 1;
    return null;
  }
  if (isPlainObject(value)) {
    const key = findPropertyName(value, name);
    if (key !== undefined) return value[key] ?? null;
  }
  // Every scalar has Count and Length 1 since PowerShell 3, so `$x.Count` works whatever $x is.
  if (lower === 'count' || lower === 'length') return 1;
  return null;
}

/** `$x[0]`, `$x[-1]`, `$x[0,2]`, `$hash['key']`, `$string[0]`. */
export function indexValue(value: unknown, index: unknown): unknown {
  if (value === null || value === undefined) {
    throw new DeputyError('InvalidOperation', 'Cannot index into a null array.', { errorId: 'NullArray' });
  }
  if (Array.isArray(index)) return index.map((item) => indexValue(value, item));
  if (isPlainObject(value)) {
    const key = findPropertyName(value, toPSString(index));
    return key === undefined ? null : value[key];
  }
  const items: unknown[] | string | undefined = Array.isArray(value) ? value : typeof value === 'string' ? value : undefined;
  const position = typeof index === 'number' ? index : Number(toPSString(index));
  if (!Number.isInteger(position)) {
    throw new DeputyError('InvalidArgument', `Cannot convert value "${toPSString(index)}" to type "System.Int32".`, { errorId: 'InvalidCastFromStringToInteger' });
  }
  if (items === undefined) {
    // A scalar behaves like a one-element array.
    return position === 0 || position === -1 ? value : null;
  }
  const actual = position < 0 ? items.length + position : position;
  if (actual < 0 || actual >= items.length) return null;
  return items[actual];
}
