// Splits filter text into tokens on demand, following PowerShell's quoting rules.

import { filterSyntaxError, quoteFragment } from './syntax-error.ts';

export type Token =
  | { readonly kind: 'lparen' | 'rparen' | 'eof'; readonly start: number; readonly end: number }
  /** `name` is lower-case, without the dash: 'eq', 'and', 'not', … */
  | { readonly kind: 'operator'; readonly name: string; readonly start: number; readonly end: number }
  /** A bare word: a property name, or an unquoted value (which the parser rejects). */
  | { readonly kind: 'word'; readonly text: string; readonly start: number; readonly end: number }
  /** A quoted string, unescaped. */
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'integer'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'variable'; readonly name: 'true' | 'false' | 'null'; readonly start: number; readonly end: number };

export const COMPARISON_OPERATOR_NAMES = ['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'like', 'notlike'] as const;
const OPERATOR_NAMES: ReadonlySet<string> = new Set<string>([...COMPARISON_OPERATOR_NAMES, 'and', 'or', 'not']);
const OPERATOR_LIST = '-eq, -ne, -lt, -gt, -le, -ge, -like, -notlike, -and, -or and -not';

// PowerShell accepts typographic quotes and dashes as their ASCII counterparts.
const isSingleQuote = (c: string): boolean => c === "'" || c === '\u2018' || c === '\u2019' || c === '\u201a' || c === '\u201b';
const isDoubleQuote = (c: string): boolean => c === '"' || c === '\u201c' || c === '\u201d' || c === '\u201e';
const isDash = (c: string): boolean => c === '-' || c === '\u2013' || c === '\u2014' || c === '\u2015';
const isAsciiLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
export const isWhitespace = (c: string): boolean => /\s/.test(c);
const isDelimiter = (c: string): boolean =>
  isWhitespace(c) || c === '(' || c === ')' || c === '{' || c === '}' || isSingleQuote(c) || isDoubleQuote(c);

const BACKTICK_ESCAPES: ReadonlyMap<string, string> = new Map([
  ['0', '\0'], ['a', '\x07'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t'], ['v', '\v'],
]);

/** Reads tokens from text[from, to); offsets in tokens and errors are offsets into the whole text. */
export class Lexer {
  private pos: number;

  constructor(
    private readonly text: string,
    from: number,
    private readonly to: number,
  ) {
    this.pos = from;
  }

  next(): Token {
    const { text, to } = this;
    while (this.pos < to && isWhitespace(text[this.pos])) this.pos++;
    const start = this.pos;
    if (start >= to) return { kind: 'eof', start: to, end: to };
    const c = text[start];
    if (c === '(') return this.simple('lparen', start);
    if (c === ')') return this.simple('rparen', start);
    if (c === '{' || c === '}') {
      throw filterSyntaxError(text, start, `unexpected '${c}' (braces may only enclose the whole filter)`);
    }
    if (isSingleQuote(c) || isDoubleQuote(c)) return this.quoted(start, isDoubleQuote(c));
    if (isDash(c)) {
      const d = start + 1 < to ? text[start + 1] : '';
      if (isAsciiLetter(d)) return this.operator(start);
      if (isDigit(d)) return this.number(start, start + 1);
      throw filterSyntaxError(text, start, `'${c}' must be followed by an operator name such as -eq`);
    }
    if (isDigit(c)) return this.number(start, start);
    if (c === '$') return this.variable(start);
    return this.word(start);
  }

  private simple(kind: 'lparen' | 'rparen', start: number): Token {
    this.pos = start + 1;
    return { kind, start, end: start + 1 };
  }

  private runEnd(from: number): number {
    let i = from;
    while (i < this.to && !isDelimiter(this.text[i])) i++;
    return i;
  }

  private word(start: number): Token {
    const end = this.runEnd(start);
    this.pos = end;
    return { kind: 'word', text: this.text.slice(start, end), start, end };
  }

  private operator(start: number): Token {
    let i = start + 1;
    while (i < this.to && isAsciiLetter(this.text[i])) i++;
    const name = this.text.slice(start + 1, i).toLowerCase();
    if (!OPERATOR_NAMES.has(name)) {
      throw filterSyntaxError(
        this.text,
        start,
        `unknown operator ${quoteFragment(`-${this.text.slice(start + 1, i)}`)}; the valid operators are ${OPERATOR_LIST}`,
      );
    }
    this.pos = i;
    return { kind: 'operator', name, start, end: i };
  }

  private number(start: number, digitsFrom: number): Token {
    let i = digitsFrom;
    while (i < this.to && isDigit(this.text[i])) i++;
    if (i < this.to && !isDelimiter(this.text[i])) return this.word(start);
    this.pos = i;
    const sign = digitsFrom > start ? '-' : '';
    return { kind: 'integer', text: sign + this.text.slice(digitsFrom, i), start, end: i };
  }

  private variable(start: number): Token {
    let end = start + 1;
    while (end < this.to && /[A-Za-z0-9_]/.test(this.text[end])) end++;
    const name = this.text.slice(start + 1, end).toLowerCase();
    if (name !== 'true' && name !== 'false' && name !== 'null') {
      throw filterSyntaxError(
        this.text,
        start,
        `variables such as ${quoteFragment(this.text.slice(start, end))} cannot be used in a filter; only $true, $false and $null are allowed`,
      );
    }
    this.pos = end;
    return { kind: 'variable', name, start, end };
  }

  /** 'text' ('' is a quote) or "text" ("" and `" are quotes; ` escapes the next character). */
  private quoted(start: number, double: boolean): Token {
    const { text, to } = this;
    const isQuote = double ? isDoubleQuote : isSingleQuote;
    let value = '';
    let i = start + 1;
    for (;;) {
      if (i >= to) {
        throw filterSyntaxError(text, to, `unterminated string starting at position ${start + 1}: the closing quote is missing`);
      }
      const c = text[i];
      if (isQuote(c)) {
        if (i + 1 < to && isQuote(text[i + 1])) {
          value += c;
          i += 2;
          continue;
        }
        this.pos = i + 1;
        return { kind: 'string', value, start, end: i + 1 };
      }
      if (double && c === '`') {
        if (i + 1 >= to) {
          throw filterSyntaxError(text, to, `unterminated string starting at position ${start + 1}: the closing quote is missing`);
        }
        const escaped = text[i + 1];
        value += BACKTICK_ESCAPES.get(escaped) ?? escaped;
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
  }
}
