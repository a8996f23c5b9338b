// PowerShell operators: comparison (case-insensitive by default, filtering when the left side is an array), logic, arithmetic.
import { DeputyError } from '../core/errors.ts';
import { parseNumberLiteral } from './chars.ts';
import { enumerate, findPropertyName, isPlainObject, isTruthy, toPSString, type PlainObject } from './values.ts';

/** Called with the groups of a successful scalar `-match`, to fill `$Matches`. */
export type MatchListener = (matches: PlainObject) => void;

const comparisonBases = new Set([
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch',
  'contains', 'notcontains', 'in', 'notin', 'replace', 'split',
]);

/** Splits `-ceq` into `eq` + case-sensitive; `-ieq` and `-eq` are case-insensitive. */
export function parseComparisonOperator(operator: string): { base: string; caseSensitive: boolean } | undefined {
  const word = operator.replace(/^-/, '').toLowerCase();
  if (comparisonBases.has(word)) return { base: word, caseSensitive: false };
  const prefix = word[0];
  const rest = word.slice(1);
  if ((prefix === 'c' || prefix === 'i') && comparisonBases.has(rest)) return { base: rest, caseSensitive: prefix === 'c' };
  return undefined;
}

function conversionError(value: unknown, typeName: string): DeputyError {
  return new DeputyError(
    'InvalidArgument',
    `Cannot convert value "${toPSString(value)}" to type "${typeName}". Error: "Input string was not in a correct format."`,
    { errorId: 'InvalidCastFromStringToInteger' },
  );
}

/** Converts for arithmetic; undefined when PowerShell would not consider the value a number. */
export function tryToNumber(value: unknown): number | undefined {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    return parseNumberLiteral(trimmed);
  }
  if (value instanceof Date) return value.getTime();
  return undefined;
}

export function toNumber(value: unknown): number {
  const number = tryToNumber(value);
  if (number === undefined) throw conversionError(value, 'System.Int32');
  return number;
}

/** Converts a wildcard pattern (`*`, `?`, `[a-c]`, backtick escapes) to an anchored regular expression. */
export function wildcardToRegExp(pattern: string, caseSensitive = false): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '`' && i + 1 < pattern.length) {
      source += escapeRegExp(pattern[++i]);
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else if (c === '?') {
      source += '[\\s\\S]';
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        source += '\\[';
      } else {
        const body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\').replace(/^\^/, '\\^');
        source += `[${body}]`;
        i = close;
      }
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(`^${source}$`, caseSensitive ? 'u' : 'iu');
}

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function makeRegExp(pattern: unknown, caseSensitive: boolean, global = false): RegExp {
  const source = toPSString(pattern);
  try {
    return new RegExp(source, `${caseSensitive ? '' : 'i'}${global ? 'g' : ''}u`);
  } catch {
    try {
      return new RegExp(source, `${caseSensitive ? '' : 'i'}${global ? 'g' : ''}`);
    } catch (error) {
      throw new DeputyError('InvalidArgument', `The regular expression pattern ${source} is not valid.`, {
        errorId: 'InvalidRegularExpression',
        reason: (error as Error).message,
      });
    }
  }
}

/** PowerShell equality: the right side is converted to the type of the left side. */
export function psEquals(left: unknown, right: unknown, caseSensitive = false): boolean {
  if (left === null || left === undefined) return right === null || right === undefined;
  if (right === null || right === undefined) return false;
  if (typeof left === 'string') {
    const other = toPSString(right);
    return caseSensitive ? left === other : left.toLowerCase() === other.toLowerCase();
  }
  if (typeof left === 'number') {
    const other = tryToNumber(right);
    return other !== undefined && typeof right !== 'object' && left === other;
  }
  if (typeof left === 'boolean') return left === isTruthy(right);
  if (left instanceof Date) return right instanceof Date ? left.getTime() === right.getTime() : toPSString(left) === toPSString(right);
  return left === right;
}

/** Ordering for -gt/-lt and Sort-Object: negative, zero or positive. */
export function psCompare(left: unknown, right: unknown, caseSensitive = false): number {
  if (left === null || left === undefined) return right === null || right === undefined ? 0 : -1;
  if (right === null || right === undefined) return 1;
  if (typeof left === 'number' || typeof left === 'boolean' || left instanceof Date) {
    const a = tryToNumber(left)!;
    const b = tryToNumber(right);
    if (b !== undefined) return a === b ? 0 : a < b ? -1 : 1;
  }
  const a = toPSString(left);
  const b = toPSString(right);
  if (caseSensitive) return a.localeCompare(b, 'en', { sensitivity: 'variant' });
  return a.localeCompare(b, 'en', { sensitivity: 'accent' });
}

function scalarComparison(base: string, left: unknown, right: unknown, caseSensitive: boolean, onMatch?: MatchListener): boolean {
  switch (base) {
    case 'eq':
      return psEquals(left, right, caseSensitive);
    case 'ne':
      return !psEquals(left, right, caseSensitive);
    case 'gt':
      return psCompare(left, right, caseSensitive) > 0;
    case 'ge':
      return psCompare(left, right, caseSensitive) >= 0;
    case 'lt':
      return psCompare(left, right, caseSensitive) < 0;
    case 'le':
      return psCompare(left, right, caseSensitive) <= 0;
    case 'like':
      return wildcardToRegExp(toPSString(right), caseSensitive).test(toPSString(left));
    case 'notlike':
      return !wildcardToRegExp(toPSString(right), caseSensitive).test(toPSString(left));
    case 'match':
    case 'notmatch': {
      const match = makeRegExp(right, caseSensitive).exec(toPSString(left));
      if (match && onMatch) {
        const groups: PlainObject = {};
        match.forEach((group, index) => {
          if (group !== undefined) groups[String(index)] = group;
        });
        for (const [name, group] of Object.entries(match.groups ?? {})) if (group !== undefined) groups[name] = group;
        onMatch(groups);
      }
      return base === 'match' ? match !== null : match === null;
    }
    default:
      throw new DeputyError('InvalidOperation', `The operator '-${base}' is not supported.`, { errorId: 'OperatorNotSupported' });
  }
}

/** Evaluates a comparison operator (`-eq`, `-clike`, `-contains`, `-replace` …). */
export function compare(operator: string, left: unknown, right: unknown, onMatch?: MatchListener): unknown {
  const parsed = parseComparisonOperator(operator);
  if (!parsed) throw new DeputyError('InvalidOperation', `The operator '${operator}' is not supported.`, { errorId: 'OperatorNotSupported' });
  const { base, caseSensitive } = parsed;
  switch (base) {
    case 'contains':
    case 'notcontains': {
      const found = enumerate(left).some((item) => psEquals(item, right, caseSensitive));
      return base === 'contains' ? found : !found;
    }
    case 'in':
    case 'notin': {
      const found = enumerate(right).some((item) => psEquals(item, left, caseSensitive));
      return base === 'in' ? found : !found;
    }
    case 'replace': {
      const [pattern, replacement] = Array.isArray(right) ? [right[0], right[1]] : [right, ''];
      const regex = makeRegExp(pattern, caseSensitive, true);
      // .NET names groups ${name}; JavaScript spells it $<name>.
      const jsReplacement = toPSString(replacement).replace(/\$\{(\w+)\}/g, '$<$1>');
      const replaceOne = (item: unknown) => toPSString(item).replace(regex, jsReplacement);
      return Array.isArray(left) ? left.map(replaceOne) : replaceOne(left);
    }
    case 'split': {
      const regex = makeRegExp(Array.isArray(right) ? right[0] : right, caseSensitive);
      return enumerate(left).flatMap((item) => toPSString(item).split(regex));
    }
    default:
      break;
  }
  // With an array on the left, comparison operators filter it.
  if (Array.isArray(left)) return left.filter((item) => scalarComparison(base, item, right, caseSensitive));
  return scalarComparison(base, left, right, caseSensitive, onMatch);
}

function addValues(left: unknown, right: unknown): unknown {
  if (left === null || left === undefined) return Array.isArray(right) ? [...right] : right;
  if (Array.isArray(left)) return [...left, ...enumerate(right)];
  if (isPlainObject(left)) {
    if (!isPlainObject(right)) throw new DeputyError('InvalidOperation', 'A hash table can only be added to another hash table.', { errorId: 'AddHashTableToNonHashTable' });
    const merged: PlainObject = { ...left };
    for (const [key, value] of Object.entries(right)) {
      if (findPropertyName(merged, key) !== undefined) {
        throw new DeputyError('InvalidOperation', `Item has already been added. Key in dictionary: '${key}'  Key being added: '${key}'`, { errorId: 'DuplicateKeyInHashLiteral' });
      }
      merged[key] = value;
    }
    return merged;
  }
  if (typeof left === 'string') return left + toPSString(right);
  return toNumber(left) + toNumber(right);
}

function multiplyValues(left: unknown, right: unknown): unknown {
  if (typeof left === 'string') return left.repeat(Math.max(0, Math.trunc(toNumber(right))));
  if (Array.isArray(left)) {
    const times = Math.max(0, Math.trunc(toNumber(right)));
    return Array.from({ length: times }, () => left).flat();
  }
  return toNumber(left) * toNumber(right);
}

function divideValues(left: unknown, right: unknown, remainder: boolean): number {
  const divisor = toNumber(right);
  if (divisor === 0) throw new DeputyError('InvalidOperation', 'Attempted to divide by zero.', { errorId: 'RuntimeException' });
  const dividend = toNumber(left);
  return remainder ? dividend % divisor : dividend / divisor;
}

function range(left: unknown, right: unknown): number[] {
  const from = Math.trunc(toNumber(left));
  const to = Math.trunc(toNumber(right));
  if (Math.abs(to - from) > 1_000_000) {
    throw new DeputyError('InvalidOperation', 'The range is too large.', { errorId: 'RangeTooBig' });
  }
  const step = from <= to ? 1 : -1;
  const values: number[] = [];
  for (let i = from; step > 0 ? i <= to : i >= to; i += step) values.push(i);
  return values;
}

/** Arithmetic, range, -join and comparisons; -and/-or are short-circuited by the evaluator. */
export function evaluateBinary(operator: string, left: unknown, right: unknown, onMatch?: MatchListener): unknown {
  switch (operator) {
    case '+':
      return addValues(left, right);
    case '-':
      return toNumber(left) - toNumber(right);
    case '*':
      return multiplyValues(left, right);
    case '/':
      return divideValues(left, right, false);
    case '%':
      return divideValues(left, right, true);
    case '..':
      return range(left, right);
    case '-join':
      return enumerate(left).map(toPSString).join(toPSString(right));
    case '-xor':
      return isTruthy(left) !== isTruthy(right);
    case '-and':
      return isTruthy(left) && isTruthy(right);
    case '-or':
      return isTruthy(left) || isTruthy(right);
    default:
      return compare(operator, left, right, onMatch);
  }
}

export function evaluateUnary(operator: string, operand: unknown): unknown {
  switch (operator) {
    case '!':
    case '-not':
      return !isTruthy(operand);
    case '-':
      return -toNumber(operand);
    case '+':
      return toNumber(operand);
    case ',':
      return [operand];
    case '-join':
      return enumerate(operand).map(toPSString).join('');
    case '-split':
      return enumerate(operand).flatMap((item) => toPSString(item).trim().split(/\s+/).filter(Boolean));
    default:
      throw new DeputyError('InvalidOperation', `The operator '${operator}' is not supported.`, { errorId: 'OperatorNotSupported' });
  }
}
