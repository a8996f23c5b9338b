// Tokenizer: turns source text into tokens on demand, in PowerShell's two modes (command arguments vs expressions).
import {
  endsBareWord,
  isBlank,
  isDash,
  isDigit,
  isDoubleQuote,
  isIdentifierChar,
  isIdentifierStart,
  isNewline,
  isSingleQuote,
  isVariableNameChar,
  parseNumberLiteral,
} from './chars.ts';
import { parseError } from './errors.ts';

/**
 * PowerShell tokenizes differently in argument position (`-Roles Sales*` is a parameter
 * and a bare word) and in expressions (`$a -eq 'x'` has an operator), so the parser
 * says which mode it wants for each token.
 */
export type LexMode = 'command' | 'expression';

export type TokenKind =
  | 'EndOfInput'
  | 'NewLine'
  | 'Semicolon'
  | 'Pipe'
  | 'Ampersand'
  | 'LParen'
  | 'RParen'
  | 'LBrace'
  | 'RBrace'
  | 'LBracket'
  | 'RBracket'
  | 'AtParen'
  | 'AtBrace'
  | 'DollarParen'
  | 'Comma'
  | 'Dot'
  | 'DotDot'
  /** `=`, `+=`, `-=`, `*=`, `/=` (value holds the operator). */
  | 'Assign'
  /** Command mode `-Name` or `-Name:` (value holds the name). */
  | 'Parameter'
  /** Expression mode operator, lower-case with a plain dash: `-eq`, `+`, `!` (value). */
  | 'Operator'
  | 'Variable'
  | 'Number'
  /** Single-quoted string (value holds the text). */
  | 'VerbatimString'
  /** Double-quoted string (parts). */
  | 'ExpandableString'
  /** Command-mode bare word: value when it is plain text, parts when it expands variables. */
  | 'BareWord'
  /** Expression-mode name: member names and hashtable keys. */
  | 'Identifier'
  | 'Unknown';

/** A piece of a double-quoted string or bare word before the parser turns sub-expressions into statements. */
export type RawStringPart =
  | { kind: 'Text'; value: string }
  | { kind: 'Variable'; name: string; start: number; end: number }
  | { kind: 'SubExpression'; start: number; end: number; innerStart: number; innerEnd: number };

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** The source text of the token. */
  text: string;
  /** Whether whitespace or a comment separates this token from the previous one. */
  spaceBefore: boolean;
  value?: string | number;
  parts?: RawStringPart[];
  /** Parameter tokens written `-Name:` take the value that follows the colon. */
  colon?: boolean;
}

const comparisonOperators = [
  'eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'notlike', 'match', 'notmatch',
  'contains', 'notcontains', 'in', 'notin', 'replace', 'split',
];

/** Every operator word PowerShell knows, so `-foo` can be reported as an unexpected token. */
export const operatorWords: ReadonlySet<string> = new Set([
  ...comparisonOperators,
  ...comparisonOperators.map((op) => `i${op}`),
  ...comparisonOperators.map((op) => `c${op}`),
  'and', 'or', 'xor', 'not', 'join', 'is', 'isnot', 'as', 'f',
  'band', 'bor', 'bxor', 'bnot', 'shl', 'shr',
]);

/** A number in expression mode (sticky: matched exactly at lastIndex). */
const numberPattern = /(?:0x[0-9a-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?:kb|mb|gb|tb|pb)?/iy;

const escapes: Record<string, string> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** What a backtick followed by `c` stands for. */
function escapedChar(c: string): string {
  return escapes[c] ?? c;
}

export class Lexer {
  readonly source: string;
  /** Tokens never extend past this offset (sub-expressions inside strings are lexed within their range). */
  readonly limit: number;
  private readonly cache = new Map<string, Token>();
  private stringNesting = 0;

  constructor(source: string, limit: number = source.length) {
    this.source = source;
    this.limit = limit;
  }

  private char(offset: number): string | undefined {
    return offset < this.limit ? this.source[offset] : undefined;
  }

  /** Skips blanks, comments and backtick line continuations; newlines are tokens, not trivia. */
  skipTrivia(offset: number): number {
    let pos = offset;
    while (pos < this.limit) {
      const c = this.source[pos];
      if (isBlank(c)) {
        pos++;
      } else if (c === '`' && isNewline(this.char(pos + 1))) {
        pos += this.char(pos + 1) === '\r' && this.char(pos + 2) === '\n' ? 3 : 2;
      } else if (c === '`' && pos + 1 >= this.limit) {
        throw parseError(this.source, { start: pos, end: pos + 1 }, 'Incomplete line continuation: a backtick ends the input.', 'IncompleteLineContinuation', true);
      } else if (c === '#') {
        while (pos < this.limit && !isNewline(this.source[pos])) pos++;
      } else if (c === '<' && this.char(pos + 1) === '#') {
        const close = this.source.indexOf('#>', pos + 2);
        if (close < 0 || close + 2 > this.limit) {
          throw parseError(this.source, { start: pos, end: this.limit }, "Missing closing '#>' for block comment.", 'MissingEndOfBlockComment', true);
        }
        pos = close + 2;
      } else {
        break;
      }
    }
    return pos;
  }

  /** The token at `offset` in the given mode; deterministic, so it is cached for the parser's look-ahead. */
  scan(offset: number, mode: LexMode): Token {
    const key = `${offset}:${mode}`;
    let token = this.cache.get(key);
    if (!token) {
      token = this.scanUncached(offset, mode);
      this.cache.set(key, token);
    }
    return token;
  }

  private make(kind: TokenKind, start: number, end: number, spaceBefore: boolean, extra: Partial<Token> = {}): Token {
    return { kind, start, end, text: this.source.slice(start, end), spaceBefore, ...extra };
  }

  private scanUncached(offset: number, mode: LexMode): Token {
    const start = this.skipTrivia(offset);
    const space = start > offset;
    const c = this.char(start);
    const next = this.char(start + 1);
    if (c === undefined) return this.make('EndOfInput', start, start, space);
    if (c === '\r') return this.make('NewLine', start, next === '\n' ? start + 2 : start + 1, space);
    if (c === '\n') return this.make('NewLine', start, start + 1, space);
    const single: Record<string, TokenKind> = {
      ';': 'Semicolon', '|': 'Pipe', '&': 'Ampersand', '(': 'LParen', ')': 'RParen',
      '{': 'LBrace', '}': 'RBrace', ',': 'Comma',
    };
    if (single[c]) return this.make(single[c], start, start + 1, space);
    if (c === '@' && next === '(') return this.make('AtParen', start, start + 2, space);
    if (c === '@' && next === '{') return this.make('AtBrace', start, start + 2, space);
    if (c === '@' && (isSingleQuote(next) || isDoubleQuote(next)) && this.isHereStringHeader(start + 2)) {
      return this.scanHereString(start, space);
    }
    if (c === '$' && next === '(') return this.make('DollarParen', start, start + 2, space);
    if (c === '$') {
      const variable = this.scanVariableName(start);
      if (variable) {
        // In argument mode `$user@contoso.com` is one expandable word, but `$x.Name` and `$x[0]` are expressions.
        const after = this.char(variable.end);
        if (mode === 'command' && !endsBareWord(after) && after !== '.' && after !== '[') {
          return this.scanBareWord(start, space);
        }
        return this.make('Variable', start, variable.end, space, { value: variable.name });
      }
    }
    if (isSingleQuote(c)) {
      const literal = this.scanVerbatimString(start);
      return this.make('VerbatimString', start, literal.end, space, { value: literal.value });
    }
    if (isDoubleQuote(c)) {
      const expandable = this.scanExpandableString(start);
      return this.make('ExpandableString', start, expandable.end, space, { parts: expandable.parts });
    }
    return mode === 'command' ? this.scanCommandToken(start, space) : this.scanExpressionToken(start, space);
  }

  private scanCommandToken(start: number, space: boolean): Token {
    const c = this.char(start);
    const next = this.char(start + 1);
    if (isDash(c) && (isIdentifierStart(next) || next === '?')) {
      let pos = start + 1;
      while (!endsBareWord(this.char(pos)) && this.char(pos) !== ':') pos++;
      const name = this.source.slice(start + 1, pos);
      if (/^[\p{L}\p{N}_?-]+$/u.test(name)) {
        const colon = this.char(pos) === ':';
        return this.make('Parameter', start, colon ? pos + 1 : pos, space, { value: name, colon });
      }
    }
    return this.scanBareWord(start, space);
  }

  /** A bare word runs to the next blank or `{ } ( ) ; , | &`; quotes and `$var` inside it are honoured. */
  private scanBareWord(start: number, space: boolean): Token {
    const parts: RawStringPart[] = [];
    let text = '';
    let quoted = false;
    let pos = start;
    const flushText = () => {
      if (text) parts.push({ kind: 'Text', value: text });
      text = '';
    };
    while (!endsBareWord(this.char(pos))) {
      const c = this.source[pos];
      if (c === '`') {
        const escaped = this.char(pos + 1);
        if (escaped === undefined) {
          throw parseError(this.source, { start: pos, end: pos + 1 }, 'Incomplete line continuation: a backtick ends the input.', 'IncompleteLineContinuation', true);
        }
        if (isNewline(escaped)) break;
        text += escapedChar(escaped);
        pos += 2;
      } else if (isSingleQuote(c)) {
        const literal = this.scanVerbatimString(pos);
        text += literal.value;
        quoted = true;
        pos = literal.end;
      } else if (isDoubleQuote(c)) {
        const expandable = this.scanExpandableString(pos);
        for (const part of expandable.parts) {
          if (part.kind === 'Text') text += part.value;
          else {
            flushText();
            parts.push(part);
          }
        }
        quoted = true;
        pos = expandable.end;
      } else if (c === '$' && this.char(pos + 1) === '(') {
        flushText();
        const close = this.findClosingParen(pos + 1);
        parts.push({ kind: 'SubExpression', start: pos, end: close + 1, innerStart: pos + 2, innerEnd: close });
        pos = close + 1;
      } else if (c === '$' && this.scanVariableName(pos)) {
        const variable = this.scanVariableName(pos)!;
        flushText();
        parts.push({ kind: 'Variable', name: variable.name, start: pos, end: variable.end });
        pos = variable.end;
      } else {
        text += c;
        pos++;
      }
    }
    flushText();
    if (parts.every((part) => part.kind === 'Text')) {
      const value = parts.map((part) => (part.kind === 'Text' ? part.value : '')).join('');
      const number = quoted ? undefined : parseNumberLiteral(value);
      if (number !== undefined) return this.make('Number', start, pos, space, { value: number });
      return this.make('BareWord', start, pos, space, { value });
    }
    return this.make('BareWord', start, pos, space, { parts });
  }

  private scanExpressionToken(start: number, space: boolean): Token {
    const c = this.source[start];
    const next = this.char(start + 1);
    if (isDigit(c)) {
      numberPattern.lastIndex = start;
      let text = numberPattern.exec(this.source)![0];
      // A sub-range lexer must not read past its limit (rare: only inside string sub-expressions).
      if (start + text.length > this.limit) {
        numberPattern.lastIndex = 0;
        text = numberPattern.exec(this.source.slice(start, this.limit))![0];
      }
      return this.make('Number', start, start + text.length, space, { value: parseNumberLiteral(text) ?? Number.NaN });
    }
    if (isDash(c)) {
      if (next === '=') return this.make('Assign', start, start + 2, space, { value: '-=' });
      if (isIdentifierStart(next)) {
        let pos = start + 1;
        while (isIdentifierChar(this.char(pos))) pos++;
        const word = this.source.slice(start + 1, pos).toLowerCase();
        return this.make('Operator', start, pos, space, { value: `-${word}` });
      }
      return this.make('Operator', start, start + 1, space, { value: '-' });
    }
    if ('+*/%'.includes(c)) {
      if (next === '=') return this.make('Assign', start, start + 2, space, { value: `${c}=` });
      return this.make('Operator', start, start + 1, space, { value: c });
    }
    if (c === '!') return this.make('Operator', start, start + 1, space, { value: '!' });
    if (c === '=') return this.make('Assign', start, start + 1, space, { value: '=' });
    if (c === '.') {
      if (next === '.') return this.make('DotDot', start, start + 2, space);
      return this.make('Dot', start, start + 1, space);
    }
    if (c === '[') return this.make('LBracket', start, start + 1, space);
    if (c === ']') return this.make('RBracket', start, start + 1, space);
    if (isIdentifierStart(c)) {
      let pos = start + 1;
      while (isIdentifierChar(this.char(pos))) pos++;
      return this.make('Identifier', start, pos, space, { value: this.source.slice(start, pos) });
    }
    return this.make('Unknown', start, start + 1, space);
  }

  /** `$name`, `${any name}`, `$_`, `$global:x`; undefined when `$` does not start a variable. */
  scanVariableName(start: number): { name: string; end: number } | undefined {
    let pos = start + 1;
    const first = this.char(pos);
    if (first === '{') {
      let name = '';
      pos++;
      while (this.char(pos) !== '}') {
        const c = this.char(pos);
        if (c === undefined) {
          throw parseError(this.source, { start, end: this.limit }, "Missing closing '}' in variable reference.", 'IncompleteDollarVariableReference', true);
        }
        if (c === '`' && this.char(pos + 1) !== undefined) {
          name += this.source[pos + 1];
          pos += 2;
        } else {
          name += c;
          pos++;
        }
      }
      return { name, end: pos + 1 };
    }
    if (first === '$' || first === '^') return { name: first, end: pos + 1 };
    if (!isVariableNameChar(first)) return undefined;
    while (isVariableNameChar(this.char(pos))) pos++;
    // A scope or drive qualifier: `$global:name`, `$env:name`.
    if (this.char(pos) === ':' && isVariableNameChar(this.char(pos + 1))) {
      pos++;
      while (isVariableNameChar(this.char(pos))) pos++;
    }
    return { name: this.source.slice(start + 1, pos), end: pos };
  }

  /** '…' with '' as an escaped quote; any single quote class opens or closes (as in PowerShell). */
  private scanVerbatimString(start: number): { value: string; end: number } {
    let value = '';
    let pos = start + 1;
    while (true) {
      const c = this.char(pos);
      if (c === undefined) {
        throw parseError(this.source, { start, end: this.limit }, "The string is missing the terminator: '.", 'TerminatorExpectedAtEndOfString', true);
      }
      if (isSingleQuote(c)) {
        if (isSingleQuote(this.char(pos + 1))) {
          value += c;
          pos += 2;
          continue;
        }
        return { value, end: pos + 1 };
      }
      value += c;
      pos++;
    }
  }

  /** "…" with backtick escapes, "" as an escaped quote, `$var` and `$( … )`. */
  private scanExpandableString(start: number): { parts: RawStringPart[]; end: number } {
    const parts: RawStringPart[] = [];
    let text = '';
    let pos = start + 1;
    while (true) {
      const c = this.char(pos);
      if (c === undefined) {
        throw parseError(this.source, { start, end: this.limit }, 'The string is missing the terminator: ".', 'TerminatorExpectedAtEndOfString', true);
      }
      if (isDoubleQuote(c)) {
        if (isDoubleQuote(this.char(pos + 1))) {
          text += c;
          pos += 2;
          continue;
        }
        pos++;
        break;
      }
      const consumed = this.scanExpansion(pos, parts, text);
      if (consumed) {
        text = '';
        pos = consumed;
        continue;
      }
      if (c === '`') {
        const escaped = this.char(pos + 1);
        if (escaped === undefined) {
          throw parseError(this.source, { start, end: this.limit }, 'The string is missing the terminator: ".', 'TerminatorExpectedAtEndOfString', true);
        }
        text += escapedChar(escaped);
        pos += 2;
        continue;
      }
      text += c;
      pos++;
    }
    if (text) parts.push({ kind: 'Text', value: text });
    return { parts, end: pos };
  }

  /**
   * If a `$var` or `$( … )` starts at `pos`, pushes the pending text and the expansion
   * onto `parts` and returns the offset after it.
   */
  private scanExpansion(pos: number, parts: RawStringPart[], pendingText: string): number | undefined {
    if (this.char(pos) !== '$') return undefined;
    if (this.char(pos + 1) === '(') {
      const close = this.findClosingParen(pos + 1);
      if (pendingText) parts.push({ kind: 'Text', value: pendingText });
      parts.push({ kind: 'SubExpression', start: pos, end: close + 1, innerStart: pos + 2, innerEnd: close });
      return close + 1;
    }
    const variable = this.scanVariableName(pos);
    if (!variable) return undefined;
    if (pendingText) parts.push({ kind: 'Text', value: pendingText });
    parts.push({ kind: 'Variable', name: variable.name, start: pos, end: variable.end });
    return variable.end;
  }

  private isHereStringHeader(pos: number): boolean {
    let p = pos;
    while (isBlank(this.char(p))) p++;
    return isNewline(this.char(p));
  }

  /** @'…'@ and @"…"@: the text between the header line and a line starting with the closing quote and @. */
  private scanHereString(start: number, space: boolean): Token {
    const expandable = isDoubleQuote(this.char(start + 1));
    let pos = start + 2;
    while (isBlank(this.char(pos))) pos++;
    pos += this.char(pos) === '\r' && this.char(pos + 1) === '\n' ? 2 : 1;
    const parts: RawStringPart[] = [];
    let text = '';
    while (true) {
      const c = this.char(pos);
      if (c === undefined) {
        throw parseError(this.source, { start, end: this.limit }, 'The string is missing the terminator: "@.', 'TerminatorExpectedAtEndOfString', true);
      }
      if (isNewline(c)) {
        const lineStart = c === '\r' && this.char(pos + 1) === '\n' ? pos + 2 : pos + 1;
        const quote = this.char(lineStart);
        const closes = expandable ? isDoubleQuote(quote) : isSingleQuote(quote);
        if (closes && this.char(lineStart + 1) === '@') {
          pos = lineStart + 2;
          break;
        }
      }
      if (expandable) {
        const consumed = this.scanExpansion(pos, parts, text);
        if (consumed) {
          text = '';
          pos = consumed;
          continue;
        }
        if (c === '`' && this.char(pos + 1) !== undefined) {
          text += escapedChar(this.source[pos + 1]);
          pos += 2;
          continue;
        }
      }
      text += c;
      pos++;
    }
    if (!expandable) return this.make('VerbatimString', start, pos, space, { value: text });
    if (text) parts.push({ kind: 'Text', value: text });
    return this.make('ExpandableString', start, pos, space, { parts });
  }

  /** The offset of the `)` matching the `(` at `openOffset`, skipping strings and comments. */
  findClosingParen(openOffset: number): number {
    // Strings inside sub-expressions inside strings recurse; refuse absurd nesting rather than overflow the stack.
    if (++this.stringNesting > 100) {
      throw parseError(this.source, { start: openOffset, end: openOffset + 1 }, 'The script is nested too deeply to be parsed.', 'ScriptTooDeeplyNested');
    }
    try {
      return this.findClosingParenUnguarded(openOffset);
    } finally {
      this.stringNesting--;
    }
  }

  private findClosingParenUnguarded(openOffset: number): number {
    let depth = 1;
    let pos = openOffset + 1;
    while (true) {
      const token = this.scan(pos, 'command');
      switch (token.kind) {
        case 'EndOfInput':
          throw parseError(this.source, { start: openOffset, end: openOffset + 1 }, "Missing closing ')' in subexpression.", 'MissingEndParenthesisInSubexpression', true);
        case 'LParen':
        case 'AtParen':
        case 'DollarParen':
          depth++;
          break;
        case 'RParen':
          depth--;
          if (depth === 0) return token.start;
          break;
        default:
          break;
      }
      pos = token.end;
    }
  }
}
