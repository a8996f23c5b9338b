// Parses OPATH recipient-filter text into a FilterNode, with precise, positioned errors.

// Grammar:
//   filter     := '{' expr '}' | expr
//   expr       := unary { ('-and' | '-or') unary }      -- one of them per level, never mixed
//   unary      := '-not' unary | '(' expr ')' | comparison
//   comparison := Property op value

import type { ComparisonOperator, FilterNode, FilterValue } from './ast.ts';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './ast.ts';
import { COMPARISON_OPERATOR_NAMES, Lexer, isWhitespace, type Token } from './lexer.ts';
import { checkComparison, lookupProperty, unknownPropertyReason } from './properties.ts';
import { filterSyntaxError, quoteFragment, shorten } from './syntax-error.ts';

/** A parsed piece with its tree depth (a comparison is 1) and where it starts. */
interface Parsed {
  readonly node: FilterNode;
  readonly depth: number;
  readonly start: number;
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<string>(COMPARISON_OPERATOR_NAMES);

/** Operators from other languages, mapped to the OPATH operator to suggest. */
const FOREIGN_OPERATORS: ReadonlyMap<string, string> = new Map([
  ['=', '-eq'], ['==', '-eq'], ['!=', '-ne'], ['<>', '-ne'], ['<', '-lt'], ['>', '-gt'], ['<=', '-le'], ['>=', '-ge'],
]);

/** Parses a recipient filter, given with or without its enclosing braces. Throws DeputyError('InvalidFilter'). */
export function parseRecipientFilter(text: string): FilterNode {
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterSyntaxError(text, MAX_FILTER_LENGTH, `the filter is longer than the maximum of ${MAX_FILTER_LENGTH} characters`);
  }
  let from = 0;
  let to = text.length;
  while (from < to && isWhitespace(text[from])) from++;
  while (to > from && isWhitespace(text[to - 1])) to--;
  if (from === to) throw filterSyntaxError(text, 0, 'the filter is empty');
  if (text[from] === '{') {
    if (to - from < 2 || text[to - 1] !== '}') {
      throw filterSyntaxError(text, text.length, `missing closing '}' for the '{' at position ${from + 1}`);
    }
    const open = from;
    from++;
    to--;
    while (from < to && isWhitespace(text[from])) from++;
    if (from === to) throw filterSyntaxError(text, open, 'the filter is empty');
  }
  return new Parser(text, from, to).parseFilter();
}

class Parser {
  private readonly lexer: Lexer;
  private current: Token;

  constructor(
    private readonly text: string,
    private readonly from: number,
    private readonly to: number,
  ) {
    this.lexer = new Lexer(text, from, to);
    this.current = this.lexer.next();
  }

  parseFilter(): FilterNode {
    const { node } = this.parseExpr(0);
    const t = this.current;
    if (t.kind === 'rparen') throw this.error(t.start, "unexpected ')' (there is no '(' to close)");
    if (t.kind !== 'eof') throw this.error(t.start, `expected -and, -or or the end of the filter but found ${this.describe(t)}`);
    return node;
  }

  private advance(): Token {
    const t = this.current;
    this.current = this.lexer.next();
    return t;
  }

  private error(offset: number, reason: string) {
    return filterSyntaxError(this.text, offset, reason);
  }

  private tooDeep(offset: number) {
    return this.error(offset, `the filter is nested too deeply (more than ${MAX_FILTER_DEPTH} levels)`);
  }

  private describe(t: Token): string {
    switch (t.kind) {
      case 'eof':
        return 'the end of the filter';
      case 'string':
        return `the string ${shorten(this.text.slice(t.start, t.end))}`;
      default:
        return quoteFragment(this.text.slice(t.start, t.end));
    }
  }

  /** " but found X" or " but reached the end of the filter". */
  private found(t: Token): string {
    return t.kind === 'eof' ? ' but reached the end of the filter' : ` but found ${this.describe(t)}`;
  }

  private parseExpr(parenDepth: number): Parsed {
    const first = this.parseUnary(parenDepth);
    const opToken = this.current;
    if (opToken.kind !== 'operator' || (opToken.name !== 'and' && opToken.name !== 'or')) return first;
    const type = opToken.name;
    const operands: FilterNode[] = [first.node];
    let depth = first.depth;
    for (;;) {
      const t = this.current;
      if (t.kind !== 'operator' || (t.name !== 'and' && t.name !== 'or')) break;
      if (t.name !== type) {
        throw this.error(
          t.start,
          `-${t.name} cannot follow -${type} at the same level without parentheses; add parentheses to show which goes first, ` +
            `as in '(A -${type} B) -${t.name} C' or 'A -${type} (B -${t.name} C)'`,
        );
      }
      this.advance();
      const next = this.parseUnary(parenDepth);
      operands.push(next.node);
      depth = Math.max(depth, next.depth);
    }
    if (depth + 1 > MAX_FILTER_DEPTH) throw this.tooDeep(first.start);
    return { node: { type, operands }, depth: depth + 1, start: first.start };
  }

  private parseUnary(parenDepth: number): Parsed {
    const t = this.current;
    if (t.kind === 'operator' && t.name === 'not') {
      this.advance();
      const next = this.current;
      if (next.kind === 'eof' || next.kind === 'rparen' || next.kind === 'operator' && next.name !== 'not') {
        throw this.error(next.start, `expected a comparison or '(' after '-not'${this.found(next)}`);
      }
      const inner = this.parseUnary(parenDepth);
      if (inner.depth + 1 > MAX_FILTER_DEPTH) throw this.tooDeep(t.start);
      return { node: { type: 'not', operand: inner.node }, depth: inner.depth + 1, start: t.start };
    }
    if (t.kind === 'lparen') {
      if (parenDepth + 1 > MAX_FILTER_DEPTH) throw this.tooDeep(t.start);
      this.advance();
      if (this.current.kind === 'rparen') throw this.error(this.current.start, "empty parentheses '()': expected a comparison inside");
      const inner = this.parseExpr(parenDepth + 1);
      const close = this.current;
      if (close.kind === 'eof') throw this.error(close.start, `missing ')' to close the '(' at position ${t.start + 1}`);
      if (close.kind !== 'rparen') throw this.error(close.start, `expected -and, -or or ')'${this.found(close)}`);
      this.advance();
      return { node: inner.node, depth: inner.depth, start: t.start };
    }
    return this.parseComparison();
  }

  private parseComparison(): Parsed {
    const p = this.current;
    if (p.kind !== 'word') {
      if (p.kind === 'string' && this.text.slice(this.from, this.to) === this.text.slice(p.start, p.end)) {
        throw this.error(p.start, 'expected a property name but found a quoted string; the whole filter seems to be quoted twice, remove one pair of quotes');
      }
      throw this.error(p.start, `expected a property name such as Department${this.found(p)}`);
    }
    const def = lookupProperty(p.text);
    if (def === undefined) throw this.error(p.start, unknownPropertyReason(p.text));
    this.advance();

    const o = this.current;
    if (o.kind !== 'operator' || !COMPARISON_OPERATORS.has(o.name)) {
      const foreign = o.kind === 'word' ? FOREIGN_OPERATORS.get(o.text) : undefined;
      const hint = foreign === undefined ? '' : ` (OPATH writes ${foreign}, not '${o.kind === 'word' ? o.text : ''}')`;
      throw this.error(o.start, `expected a comparison operator such as -eq after ${quoteFragment(p.text)}${this.found(o)}${hint}`);
    }
    const operator = o.name as ComparisonOperator;
    this.advance();

    const v = this.current;
    let value: FilterValue;
    switch (v.kind) {
      case 'string':
        value = { kind: 'string', value: v.value };
        break;
      case 'integer':
        value = { kind: 'integer', text: v.text };
        break;
      case 'variable':
        value = v.name === 'null' ? { kind: 'null' } : { kind: 'boolean', value: v.name === 'true' };
        break;
      case 'word':
        throw this.error(v.start, `the value ${shorten(v.text)} must be enclosed in quotes, as in '${shorten(v.text)}'`);
      default:
        throw this.error(v.start, `expected a value after '-${operator}'${this.found(v)}`);
    }
    this.advance();

    const problem = checkComparison(def, operator, value);
    if (problem !== undefined) {
      let offset = problem.at === 'operator' ? o.start : v.start;
      if (problem.wildcardIndex !== undefined && value.kind === 'string') offset = this.wildcardOffset(v, value.value, problem.wildcardIndex);
      throw this.error(offset, problem.reason);
    }
    return { node: { type: 'comparison', property: def.name, operator, value }, depth: 1, start: p.start };
  }

  /** Maps the index of a '*' in an unescaped string to its offset in the source (escapes never produce or consume a '*'). */
  private wildcardOffset(t: Token, value: string, index: number): number {
    let nth = 0;
    for (let i = 0; i < index; i++) if (value[i] === '*') nth++;
    for (let i = t.start; i < t.end; i++) {
      if (this.text[i] === '*' && nth-- === 0) return i;
    }
    return t.start;
  }
}
