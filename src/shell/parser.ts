// Recursive-descent parser: statements, pipelines, command arguments and expressions into the ast.ts tree.
import { isDeputyError } from '../core/errors.ts';
import type {
  AssignmentOperator,
  CommandArgument,
  CommandElement,
  Expression,
  Extent,
  HashtableEntry,
  PipelineElement,
  ScriptAst,
  Statement,
  StringPart,
} from './ast.ts';
import { parseError } from './errors.ts';
import { Lexer, operatorWords, type LexMode, type RawStringPart, type Token, type TokenKind } from './lexer.ts';

/** Parses a whole script; throws a DeputyError with code ParseError on bad syntax. */
export function parseScript(source: string): ScriptAst {
  const parser = new Parser(source, 0, source.length);
  return { source, statements: parser.parseScriptBody() };
}

/** Deeper nesting than this is refused, so hostile input cannot exhaust the stack. */
const maxNesting = 200;

const logicalOperators = new Set(['-and', '-or', '-xor']);
const comparisonOperators = new Set(
  [...operatorWords]
    .filter((word) => !['and', 'or', 'xor', 'not', 'bnot', 'band', 'bor', 'bxor', 'shl', 'shr', 'f', 'as'].includes(word))
    .map((word) => `-${word}`),
);
const unaryOperatorWords = new Set(['-not', '-join', '-split', '-bnot']);

/** Tokens that end a command's argument list. */
const commandTerminators = new Set<TokenKind>(['NewLine', 'Semicolon', 'Pipe', 'RParen', 'RBrace', 'EndOfInput', 'Ampersand']);

class Parser {
  private readonly source: string;
  private readonly lexer: Lexer;
  private pos: number;
  /** Inside `.Method(a, b)` the comma separates arguments instead of building an array. */
  private commaSeparatesArguments = false;
  /** Current depth of brackets and unary operators. */
  private nesting = 0;

  constructor(source: string, start: number, end: number) {
    this.source = source;
    this.lexer = new Lexer(source, end);
    this.pos = start;
  }

  // ---- token helpers -------------------------------------------------------

  private peek(mode: LexMode): Token {
    return this.lexer.scan(this.pos, mode);
  }

  private take(mode: LexMode): Token {
    const token = this.peek(mode);
    this.pos = token.end;
    return token;
  }

  /** Newlines lex the same in both modes; expression mode avoids scanning `1+1+…` as one long bare word. */
  private skipNewlines(): void {
    while (this.peek('expression').kind === 'NewLine') this.take('expression');
  }

  private error(token: Token, message: string, errorId: string): never {
    const incomplete = token.kind === 'EndOfInput';
    throw parseError(this.source, { start: token.start, end: Math.max(token.end, token.start + 1) }, message, errorId, incomplete);
  }

  private unexpected(token: Token): never {
    if (token.kind === 'EndOfInput') this.error(token, 'Unexpected end of input.', 'UnexpectedEndOfInput');
    this.error(token, `Unexpected token '${token.text}' in expression or statement.`, 'UnexpectedToken');
  }

  private expect(kind: TokenKind, mode: LexMode, opener: Token, message: string, errorId: string): Token {
    const token = this.peek(mode);
    if (token.kind !== kind) {
      // Point at the opening bracket, as PowerShell does, but let the REPL know more input may close it.
      throw parseError(this.source, { start: opener.start, end: opener.end }, message, errorId, token.kind === 'EndOfInput');
    }
    return this.take(mode);
  }

  // ---- statements -----------------------------------------------------------

  parseScriptBody(): Statement[] {
    const statements = this.parseStatementList('EndOfInput');
    const token = this.peek('command');
    if (token.kind !== 'EndOfInput') this.unexpected(token);
    return statements;
  }

  /** Statements separated by newlines or `;`, up to (not including) `closer`. */
  private parseStatementList(closer: TokenKind): Statement[] {
    const statements: Statement[] = [];
    while (true) {
      let token = this.peek('command');
      while (token.kind === 'NewLine' || token.kind === 'Semicolon') {
        this.take('command');
        token = this.peek('command');
      }
      if (token.kind === closer || token.kind === 'EndOfInput') return statements;
      if (token.kind === 'RParen' || token.kind === 'RBrace') this.unexpected(token);
      statements.push(this.parseStatement());
      const after = this.peek('command');
      if (after.kind !== 'NewLine' && after.kind !== 'Semicolon' && after.kind !== closer && after.kind !== 'EndOfInput') {
        this.unexpected(after);
      }
    }
  }

  private parseStatement(): Statement {
    const start = this.peek('command').start;
    const assignment = this.tryParseAssignmentHead();
    if (assignment) {
      this.skipNewlines();
      const next = this.peek('command');
      if (commandTerminators.has(next.kind)) {
        this.error(next, `You must provide a value expression on the right-hand side of the '${assignment.operator}' operator.`, 'ExpectedValueExpression');
      }
      const value = this.parseStatement();
      return {
        kind: 'Assignment',
        extent: { start, end: value.extent.end },
        target: { kind: 'Variable', extent: assignment.extent, name: assignment.name },
        operator: assignment.operator,
        value,
      };
    }
    return this.parsePipeline();
  }

  /** Consumes `$name =` (or `+=` …) when the statement is an assignment; otherwise consumes nothing. */
  private tryParseAssignmentHead(): { name: string; extent: Extent; operator: AssignmentOperator } | undefined {
    const first = this.peek('command');
    if (this.source[first.start] !== '$') return undefined;
    const variable = this.peek('expression');
    if (variable.kind !== 'Variable') return undefined;
    const saved = this.pos;
    this.pos = variable.end;
    const operator = this.peek('expression');
    if (operator.kind === 'Assign') {
      this.take('expression');
      return { name: String(variable.value), extent: { start: variable.start, end: variable.end }, operator: operator.value as AssignmentOperator };
    }
    this.pos = saved;
    return undefined;
  }

  private parsePipeline(): Statement {
    const elements: PipelineElement[] = [this.parsePipelineElement(true)];
    while (this.peek('command').kind === 'Pipe') {
      const pipe = this.take('command');
      this.skipNewlines();
      const next = this.peek('command');
      if (commandTerminators.has(next.kind)) {
        throw parseError(this.source, { start: pipe.start, end: pipe.end }, 'An empty pipe element is not allowed.', 'EmptyPipeElement', next.kind === 'EndOfInput');
      }
      elements.push(this.parsePipelineElement(false));
    }
    const extent = { start: elements[0].extent.start, end: elements[elements.length - 1].extent.end };
    return { kind: 'Pipeline', extent, elements };
  }

  private startsExpression(token: Token): boolean {
    switch (token.kind) {
      case 'Variable':
      case 'Number':
      case 'VerbatimString':
      case 'ExpandableString':
      case 'LParen':
      case 'AtParen':
      case 'AtBrace':
      case 'DollarParen':
      case 'LBrace':
      case 'Comma':
        return true;
      case 'Parameter':
        return unaryOperatorWords.has(`-${String(token.value).toLowerCase()}`);
      case 'BareWord':
        return ['!', '$', '['].includes(this.source[token.start]) || this.startsWithNumberOperand(token);
      default:
        return false;
    }
  }

  /**
   * `1/0` or `2*3` at the start of a statement is arithmetic, while `7zip` is a command:
   * like PowerShell, a leading number counts only when an operator or separator follows it.
   */
  private startsWithNumberOperand(token: Token): boolean {
    if (!/[0-9]/.test(this.source[token.start])) return false;
    const number = this.peek('expression');
    if (number.kind !== 'Number') return false;
    const after = this.source[number.end];
    return after === undefined || /[\s+\-*/%.=,;)}|&\]!<>–—―]/u.test(after);
  }

  private parsePipelineElement(first: boolean): PipelineElement {
    const token = this.peek('command');
    if (this.startsExpression(token)) {
      if (!first) this.error(token, 'Expressions are only allowed as the first element of a pipeline.', 'ExpressionsMustBeFirstInPipeline');
      const expression = this.parseExpression();
      return { kind: 'ExpressionElement', extent: expression.extent, expression };
    }
    if (token.kind === 'Ampersand') {
      // The call operator: `& 'Get-Mailbox' …` runs the command the string names.
      this.take('command');
      const name = this.peek('command');
      if (name.kind !== 'VerbatimString' && name.kind !== 'BareWord') this.unexpected(name);
      return this.parseCommand(name);
    }
    if (token.kind === 'BareWord') return this.parseCommand(token);
    if (commandTerminators.has(token.kind) && token.kind !== 'EndOfInput' && token.kind !== 'RParen' && token.kind !== 'RBrace') {
      this.error(token, 'An empty pipe element is not allowed.', 'EmptyPipeElement');
    }
    this.unexpected(token);
  }

  private parseCommand(nameToken: Token): CommandElement {
    this.take('command');
    const name = nameToken.kind === 'BareWord' && nameToken.parts ? nameToken.text : String(nameToken.value ?? nameToken.text);
    const args: CommandArgument[] = [];
    let end = nameToken.end;
    while (true) {
      const token = this.peek('command');
      if (commandTerminators.has(token.kind)) break;
      if (token.kind === 'Parameter') {
        this.take('command');
        const extent = { start: token.start, end: token.end };
        if (token.colon) {
          const next = this.peek('command');
          // `-Force:` with nothing after it is left to the binder, which reports the missing argument.
          const value = commandTerminators.has(next.kind) || next.kind === 'Parameter' ? undefined : this.parseArgumentValue();
          args.push({ kind: 'Parameter', extent, name: String(token.value), text: token.text.slice(0, -1), value });
          end = value ? value.extent.end : token.end;
        } else {
          args.push({ kind: 'Parameter', extent, name: String(token.value), text: token.text });
          end = token.end;
        }
        continue;
      }
      const value = this.parseArgumentValue();
      args.push({ kind: 'Value', extent: value.extent, value });
      end = value.extent.end;
    }
    return { kind: 'Command', extent: { start: nameToken.start, end }, name, nameExtent: { start: nameToken.start, end: nameToken.end }, arguments: args };
  }

  /** One argument: a value or a comma-separated list (`-Members a,b,c` is one array argument). */
  private parseArgumentValue(): Expression {
    const first = this.parseArgumentPrimary();
    if (this.peek('command').kind !== 'Comma') return first;
    const elements = [first];
    while (this.peek('command').kind === 'Comma') {
      this.take('command');
      this.skipNewlines();
      const next = this.peek('command');
      if (commandTerminators.has(next.kind) || next.kind === 'Comma' || next.kind === 'Parameter') {
        this.error(next, 'Missing argument in parameter list.', 'MissingArgument');
      }
      elements.push(this.parseArgumentPrimary());
    }
    return { kind: 'ArrayLiteral', extent: { start: first.extent.start, end: elements[elements.length - 1].extent.end }, elements };
  }

  private parseArgumentPrimary(): Expression {
    const token = this.peek('command');
    switch (token.kind) {
      case 'Number':
        this.take('command');
        return { kind: 'Constant', extent: extentOf(token), value: Number(token.value) };
      case 'VerbatimString':
        this.take('command');
        return { kind: 'Constant', extent: extentOf(token), value: String(token.value) };
      case 'ExpandableString':
        this.take('command');
        return { kind: 'ExpandableString', extent: extentOf(token), parts: this.convertParts(token.parts ?? []) };
      case 'BareWord':
        this.take('command');
        if (token.parts) return { kind: 'ExpandableString', extent: extentOf(token), parts: this.convertParts(token.parts) };
        return { kind: 'Constant', extent: extentOf(token), value: String(token.value), bareWord: true };
      case 'Variable':
      case 'LParen':
      case 'DollarParen':
      case 'AtParen':
      case 'AtBrace':
      case 'LBrace':
        return this.parsePostfix(this.parsePrimary());
      case 'Comma':
        this.error(token, 'Missing argument in parameter list.', 'MissingArgument');
        break;
      default:
        this.unexpected(token);
    }
    this.unexpected(token);
  }

  // ---- expressions ----------------------------------------------------------

  parseExpression(): Expression {
    return this.parseBinaryLevel(0);
  }

  /** Operator levels from loosest to tightest; each level's operands are the next level. */
  private static readonly levels: ReadonlyArray<(op: string) => boolean> = [
    (op) => logicalOperators.has(op),
    (op) => comparisonOperators.has(op) || op === '-join',
    (op) => op === '+' || op === '-',
    (op) => op === '*' || op === '/' || op === '%',
  ];

  private parseBinaryLevel(level: number): Expression {
    if (level >= Parser.levels.length) return this.parseRange();
    const matches = Parser.levels[level];
    let left = this.parseBinaryLevel(level + 1);
    while (true) {
      const token = this.peek('expression');
      if (token.kind !== 'Operator' || !matches(String(token.value))) return left;
      this.take('expression');
      const right = this.parseOperand(token, () => this.parseBinaryLevel(level + 1));
      left = {
        kind: 'Binary',
        extent: { start: left.extent.start, end: right.extent.end },
        operator: String(token.value),
        operatorExtent: extentOf(token),
        left,
        right,
      };
    }
  }

  /** After an operator PowerShell allows a line break; a missing operand is an error at the operator. */
  private parseOperand(operator: Token, parse: () => Expression): Expression {
    this.skipNewlines();
    const next = this.peek('expression');
    if (next.kind === 'EndOfInput' || commandTerminators.has(next.kind) || next.kind === 'RBracket') {
      throw parseError(
        this.source,
        extentOf(operator),
        `You must provide a value expression following the '${operator.text}' operator.`,
        'ExpectedValueExpression',
        next.kind === 'EndOfInput',
      );
    }
    return parse();
  }

  private parseRange(): Expression {
    const left = this.parseArrayLiteral();
    const token = this.peek('expression');
    if (token.kind !== 'DotDot') return left;
    this.take('expression');
    const right = this.parseOperand(token, () => this.parseArrayLiteral());
    return { kind: 'Binary', extent: { start: left.extent.start, end: right.extent.end }, operator: '..', operatorExtent: extentOf(token), left, right };
  }

  /** In expressions the comma binds tighter than arithmetic: `1,2 + 3` is `(1,2) + 3`. */
  private parseArrayLiteral(): Expression {
    const first = this.parseUnary();
    if (this.commaSeparatesArguments || this.peek('expression').kind !== 'Comma') return first;
    const elements = [first];
    while (this.peek('expression').kind === 'Comma') {
      const comma = this.take('expression');
      elements.push(this.parseOperand(comma, () => this.parseUnary()));
    }
    return { kind: 'ArrayLiteral', extent: { start: first.extent.start, end: elements[elements.length - 1].extent.end }, elements };
  }

  private parseUnary(): Expression {
    const token = this.peek('expression');
    const op = token.kind === 'Operator' ? String(token.value) : token.kind === 'Comma' ? ',' : undefined;
    if (op === '!' || op === '-' || op === '+' || op === ',' || (op !== undefined && unaryOperatorWords.has(op))) {
      this.take('expression');
      this.enterNesting();
      let operand: Expression;
      try {
        operand = this.parseOperand(token, () => this.parseUnary());
      } finally {
        this.nesting--;
      }
      if (op === '-' && operand.kind === 'Constant' && typeof operand.value === 'number') {
        return { kind: 'Constant', extent: { start: token.start, end: operand.extent.end }, value: -operand.value };
      }
      const operator = op === '-bnot' ? '-not' : op;
      return { kind: 'Unary', extent: { start: token.start, end: operand.extent.end }, operator: operator as '-not', operand };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  /** `.Member`, `.Method(args)` and `[index]`, which must touch what they follow (no blank before them). */
  private parsePostfix(target: Expression): Expression {
    let current = target;
    while (true) {
      const token = this.peek('expression');
      if (token.spaceBefore) return current;
      if (token.kind === 'Dot') {
        this.take('expression');
        const memberToken = this.peek('expression');
        let member: Expression;
        if (memberToken.kind === 'Identifier' && !memberToken.spaceBefore) {
          this.take('expression');
          member = { kind: 'Constant', extent: extentOf(memberToken), value: String(memberToken.value) };
        } else if (!memberToken.spaceBefore && ['VerbatimString', 'ExpandableString', 'Variable', 'LParen', 'DollarParen'].includes(memberToken.kind)) {
          member = this.parsePrimary();
        } else {
          this.error(memberToken, 'Missing property name after reference operator.', 'MissingPropertyName');
        }
        const open = this.peek('expression');
        if (open.kind === 'LParen' && !open.spaceBefore) {
          this.take('expression');
          const args = this.parseMethodArguments(open);
          const close = this.take('expression');
          current = { kind: 'MethodCall', extent: { start: current.extent.start, end: close.end }, target: current, member, arguments: args };
        } else {
          current = { kind: 'Member', extent: { start: current.extent.start, end: member.extent.end }, target: current, member };
        }
        continue;
      }
      if (token.kind === 'LBracket') {
        this.take('expression');
        this.skipNewlines();
        const saved = this.commaSeparatesArguments;
        this.commaSeparatesArguments = false;
        const index = this.parseOperand(token, () => this.parseExpression());
        this.commaSeparatesArguments = saved;
        this.skipNewlines();
        const close = this.expect('RBracket', 'expression', token, "Missing ']' after array index expression.", 'MissingEndSquareBracket');
        current = { kind: 'Index', extent: { start: current.extent.start, end: close.end }, target: current, index };
        continue;
      }
      return current;
    }
  }

  private parseMethodArguments(open: Token): Expression[] {
    const args: Expression[] = [];
    this.skipNewlines();
    if (this.peek('expression').kind === 'RParen') return args;
    while (true) {
      this.skipNewlines();
      // Method arguments are separate expressions, so the comma must not build an array.
      const saved = this.commaSeparatesArguments;
      this.commaSeparatesArguments = true;
      try {
        args.push(this.parseOperand(open, () => this.parseExpression()));
      } finally {
        this.commaSeparatesArguments = saved;
      }
      this.skipNewlines();
      const token = this.peek('expression');
      if (token.kind === 'Comma') {
        this.take('expression');
        continue;
      }
      if (token.kind === 'RParen') return args;
      throw parseError(this.source, extentOf(open), "Missing closing ')' in method call.", 'MissingEndParenthesisInMethodCall', token.kind === 'EndOfInput');
    }
  }

  private parsePrimary(): Expression {
    // Brackets start a fresh context: `.Method((1, 2))` passes one array.
    const saved = this.commaSeparatesArguments;
    this.commaSeparatesArguments = false;
    this.enterNesting();
    try {
      return this.parsePrimaryInner();
    } finally {
      this.nesting--;
      this.commaSeparatesArguments = saved;
    }
  }

  private enterNesting(): void {
    this.nesting++;
    if (this.nesting > maxNesting) {
      const token = this.peek('expression');
      throw parseError(this.source, extentOf(token), 'The script is nested too deeply to be parsed.', 'ScriptTooDeeplyNested');
    }
  }

  private parsePrimaryInner(): Expression {
    const token = this.peek('expression');
    switch (token.kind) {
      case 'Variable':
        this.take('expression');
        return { kind: 'Variable', extent: extentOf(token), name: String(token.value) };
      case 'Number':
        this.take('expression');
        return { kind: 'Constant', extent: extentOf(token), value: Number(token.value) };
      case 'VerbatimString':
        this.take('expression');
        return { kind: 'Constant', extent: extentOf(token), value: String(token.value) };
      case 'ExpandableString':
        this.take('expression');
        return { kind: 'ExpandableString', extent: extentOf(token), parts: this.convertParts(token.parts ?? []) };
      case 'LParen': {
        this.take('expression');
        this.skipNewlines();
        const inner = this.peek('command');
        if (inner.kind === 'RParen' || inner.kind === 'EndOfInput') {
          if (inner.kind === 'EndOfInput') this.expect('RParen', 'command', token, "Missing closing ')' in expression.", 'MissingEndParenthesisInExpression');
          this.error(inner, "An expression was expected after '('.", 'ExpectedExpression');
        }
        const statement = this.parseStatement();
        this.skipNewlines();
        const close = this.expect('RParen', 'command', token, "Missing closing ')' in expression.", 'MissingEndParenthesisInExpression');
        return { kind: 'Paren', extent: { start: token.start, end: close.end }, statement };
      }
      case 'DollarParen':
      case 'AtParen': {
        this.take('expression');
        const statements = this.parseStatementList('RParen');
        const close = this.expect('RParen', 'command', token, "Missing closing ')' in subexpression.", 'MissingEndParenthesisInSubexpression');
        const extent = { start: token.start, end: close.end };
        return token.kind === 'AtParen' ? { kind: 'ArrayExpression', extent, statements } : { kind: 'SubExpression', extent, statements };
      }
      case 'AtBrace':
        return this.parseHashtable();
      case 'LBrace': {
        this.take('expression');
        const statements = this.parseStatementList('RBrace');
        const close = this.expect('RBrace', 'command', token, "Missing closing '}' in statement block or type definition.", 'MissingEndCurlyBrace');
        return { kind: 'ScriptBlock', extent: { start: token.start, end: close.end }, statements };
      }
      case 'Operator':
        this.error(token, `You must provide a value expression following the '${token.text}' operator.`, 'ExpectedValueExpression');
        break;
      case 'LBracket':
        this.error(token, 'Type literals such as [int] are not supported by the Deputy shell.', 'TypeLiteralNotSupported');
        break;
      default:
        this.unexpected(token);
    }
    this.unexpected(token);
  }

  private parseHashtable(): Expression {
    const open = this.take('expression');
    const entries: HashtableEntry[] = [];
    const incomplete = (at: Token): never => {
      throw parseError(this.source, extentOf(open), 'The hash literal was incomplete.', 'IncompleteHashLiteral', at.kind === 'EndOfInput');
    };
    while (true) {
      let token = this.peek('command');
      while (token.kind === 'NewLine' || token.kind === 'Semicolon') {
        this.take('command');
        token = this.peek('command');
      }
      if (token.kind === 'RBrace') {
        const close = this.take('command');
        return { kind: 'Hashtable', extent: { start: open.start, end: close.end }, entries };
      }
      if (token.kind === 'EndOfInput') incomplete(token);
      const key = this.parseHashtableKey();
      const equals = this.peek('expression');
      if (equals.kind !== 'Assign' || equals.value !== '=') {
        if (equals.kind === 'EndOfInput') incomplete(equals);
        this.error(equals, "Missing '=' operator after key in hash literal.", 'MissingEqualsInHashLiteral');
      }
      this.take('expression');
      this.skipNewlines();
      const valueStart = this.peek('command');
      if (valueStart.kind === 'EndOfInput') incomplete(valueStart);
      if (commandTerminators.has(valueStart.kind)) this.error(valueStart, "Missing statement after '=' in hash literal.", 'MissingStatementInHashLiteral');
      const value = this.parseStatement();
      entries.push({ key, value });
      const after = this.peek('command');
      if (after.kind === 'EndOfInput') incomplete(after);
      if (after.kind !== 'NewLine' && after.kind !== 'Semicolon' && after.kind !== 'RBrace') {
        this.error(after, "Missing '=' operator after key in hash literal.", 'MissingEqualsInHashLiteral');
      }
    }
  }

  private parseHashtableKey(): Expression {
    const token = this.peek('expression');
    if (token.kind === 'Identifier') {
      // Keys may be bare words such as `Add` or `Display-Name`.
      this.take('expression');
      let end = token.end;
      while (this.source[end] === '-' && /[\p{L}\p{N}_]/u.test(this.source[end + 1] ?? '')) {
        end++;
        while (end < this.source.length && /[\p{L}\p{N}_]/u.test(this.source[end])) end++;
      }
      this.pos = end;
      return { kind: 'Constant', extent: { start: token.start, end }, value: this.source.slice(token.start, end) };
    }
    if (['VerbatimString', 'ExpandableString', 'Number', 'Variable', 'LParen', 'DollarParen'].includes(token.kind)) {
      return this.parseUnary();
    }
    this.unexpected(token);
  }

  /** Turns lexer string parts into AST parts, parsing each `$( … )` as statements. */
  private convertParts(parts: RawStringPart[]): StringPart[] {
    return parts.map((part): StringPart => {
      if (part.kind === 'Text') return part;
      if (part.kind === 'Variable') return { kind: 'Variable', name: part.name, extent: { start: part.start, end: part.end } };
      const inner = new Parser(this.source, part.innerStart, part.innerEnd);
      let statements: Statement[];
      try {
        statements = inner.parseScriptBody();
      } catch (error) {
        // Inside a closed string the end of the sub-expression is not the end of the input.
        if (isDeputyError(error) && error.details.incomplete) {
          throw parseError(this.source, { start: part.start, end: part.end }, error.message, String(error.details.errorId), false);
        }
        throw error;
      }
      return { kind: 'SubExpression', statements, extent: { start: part.start, end: part.end } };
    });
  }
}

function extentOf(token: Token): Extent {
  return { start: token.start, end: token.end };
}
