// The few .NET methods scripts commonly call on strings and arrays (`.ToUpper()`, `.Split(',')`, `.Contains(x)`).
import { DeputyError } from '../core/errors.ts';
import { psEquals, toNumber } from './operators.ts';
import { getMember, isPlainObject, toPSString, typeNameOf } from './values.ts';

type Method = (target: never, args: unknown[]) => unknown;

const stringMethods: Record<string, (text: string, args: unknown[]) => unknown> = {
  toupper: (text) => text.toUpperCase(),
  toupperinvariant: (text) => text.toUpperCase(),
  tolower: (text) => text.toLowerCase(),
  tolowerinvariant: (text) => text.toLowerCase(),
  trim: (text, args) => (args.length ? trimChars(text, toPSString(args[0]), true, true) : text.trim()),
  trimstart: (text, args) => (args.length ? trimChars(text, toPSString(args[0]), true, false) : text.trimStart()),
  trimend: (text, args) => (args.length ? trimChars(text, toPSString(args[0]), false, true) : text.trimEnd()),
  // .NET string methods are case-sensitive, unlike PowerShell operators.
  contains: (text, args) => text.includes(toPSString(args[0])),
  startswith: (text, args) => text.startsWith(toPSString(args[0])),
  endswith: (text, args) => text.endsWith(toPSString(args[0])),
  indexof: (text, args) => text.indexOf(toPSString(args[0])),
  replace: (text, args) => text.split(toPSString(args[0])).join(toPSString(args[1])),
  split: (text, args) => {
    const separators = args.flatMap((arg) => (Array.isArray(arg) ? arg : [arg])).map(toPSString).flatMap((s) => (s.length > 1 && args.length === 1 ? [...s] : [s]));
    if (separators.length === 0) return text.split(/\s/);
    const pattern = new RegExp(separators.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    return text.split(pattern);
  },
  substring: (text, args) => (args.length > 1 ? text.substr(toNumber(args[0]), toNumber(args[1])) : text.slice(toNumber(args[0]))),
  padleft: (text, args) => text.padStart(toNumber(args[0]), args.length > 1 ? toPSString(args[1]) : ' '),
  padright: (text, args) => text.padEnd(toNumber(args[0]), args.length > 1 ? toPSString(args[1]) : ' '),
  equals: (text, args) => text === toPSString(args[0]),
  tostring: (text) => text,
  gettype: () => 'System.String',
};

function trimChars(text: string, chars: string, start: boolean, end: boolean): string {
  let from = 0;
  let to = text.length;
  while (start && from < to && chars.includes(text[from])) from++;
  while (end && to > from && chars.includes(text[to - 1])) to--;
  return text.slice(from, to);
}

const arrayMethods: Record<string, (items: unknown[], args: unknown[]) => unknown> = {
  contains: (items, args) => items.some((item) => psEquals(item, args[0], true)),
  indexof: (items, args) => items.findIndex((item) => psEquals(item, args[0], true)),
  tostring: () => 'System.Object[]',
  gettype: () => 'System.Object[]',
};

/** `$target.Name(args)`; unknown methods fail as PowerShell's MethodNotFound does. */
export function invokeMethod(target: unknown, name: string, args: unknown[]): unknown {
  const lower = name.toLowerCase();
  let method: Method | undefined;
  if (typeof target === 'string') method = stringMethods[lower] as Method | undefined;
  else if (Array.isArray(target)) method = arrayMethods[lower] as Method | undefined;
  if (method) return method(target as never, args);
  if (lower === 'tostring' && target !== null && target !== undefined) return toPSString(target);
  if (lower === 'gettype' && target !== null && target !== undefined) return typeNameOf(target);
  if (isPlainObject(target) && lower === 'containskey') {
    return getMember(target, toPSString(args[0])) !== null;
  }
  if (target === null || target === undefined) {
    throw new DeputyError('InvalidOperation', 'You cannot call a method on a null-valued expression.', { errorId: 'InvokeMethodOnNull' });
  }
  throw new DeputyError('InvalidOperation', `Method invocation failed because [${typeNameOf(target)}] does not contain a method named '${name}'.`, {
    errorId: 'MethodNotFound',
  });
}
