// The syntax tree the parser produces and the evaluator walks; every node keeps its source extent for error positions.

/** A half-open range [start, end) of 0-based offsets into the script source. */
export interface Extent {
  start: number;
  end: number;
}

export interface ScriptAst {
  source: string;
  statements: Statement[];
}

export type Statement = AssignmentStatement | PipelineStatement;

export type AssignmentOperator = '=' | '+=' | '-=' | '*=' | '/=';

export interface AssignmentStatement {
  kind: 'Assignment';
  extent: Extent;
  target: VariableExpression;
  operator: AssignmentOperator;
  value: Statement;
}

export interface PipelineStatement {
  kind: 'Pipeline';
  extent: Extent;
  elements: PipelineElement[];
}

export type PipelineElement = CommandElement | ExpressionElement;

export interface CommandElement {
  kind: 'Command';
  extent: Extent;
  name: string;
  nameExtent: Extent;
  arguments: CommandArgument[];
}

export interface ExpressionElement {
  kind: 'ExpressionElement';
  extent: Extent;
  expression: Expression;
}

export type CommandArgument = ParameterArgument | ValueArgument;

/** `-Name`, or `-Name:value` when `value` is set (the colon form always carries its value). */
export interface ParameterArgument {
  kind: 'Parameter';
  extent: Extent;
  name: string;
  value?: Expression;
  /** The original token text, e.g. `-Members` or `–Force:`, for messages. */
  text: string;
}

export interface ValueArgument {
  kind: 'Value';
  extent: Extent;
  value: Expression;
}

/** A piece of an expandable string or bare word: literal text, `$var`, or `$( … )`. */
export type StringPart =
  | { kind: 'Text'; value: string }
  | { kind: 'Variable'; name: string; extent: Extent }
  | { kind: 'SubExpression'; statements: Statement[]; extent: Extent };

export type Expression =
  | ConstantExpression
  | ExpandableStringExpression
  | VariableExpression
  | ArrayLiteralExpression
  | ArrayExpression
  | SubExpression
  | ParenExpression
  | HashtableExpression
  | ScriptBlockExpression
  | MemberExpression
  | MethodCallExpression
  | IndexExpression
  | UnaryExpression
  | BinaryExpression;

/** Numbers, single-quoted strings and bare words without `$`: the value is known at parse time. */
export interface ConstantExpression {
  kind: 'Constant';
  extent: Extent;
  value: string | number;
  /** True for bare words in argument mode (`-Roles ApplicationImpersonation`). */
  bareWord?: boolean;
}

export interface ExpandableStringExpression {
  kind: 'ExpandableString';
  extent: Extent;
  parts: StringPart[];
}

export interface VariableExpression {
  kind: 'Variable';
  extent: Extent;
  name: string;
}

/** `a, b, c` */
export interface ArrayLiteralExpression {
  kind: 'ArrayLiteral';
  extent: Extent;
  elements: Expression[];
}

/** `@( … )`: always an array. */
export interface ArrayExpression {
  kind: 'ArrayExpression';
  extent: Extent;
  statements: Statement[];
}

/** `$( … )`: the statements' output, unwrapped when there is exactly one value. */
export interface SubExpression {
  kind: 'SubExpression';
  extent: Extent;
  statements: Statement[];
}

/** `( pipeline )` */
export interface ParenExpression {
  kind: 'Paren';
  extent: Extent;
  statement: Statement;
}

export interface HashtableEntry {
  key: Expression;
  value: Statement;
}

export interface HashtableExpression {
  kind: 'Hashtable';
  extent: Extent;
  entries: HashtableEntry[];
}

export interface ScriptBlockExpression {
  kind: 'ScriptBlock';
  extent: Extent;
  statements: Statement[];
}

export interface MemberExpression {
  kind: 'Member';
  extent: Extent;
  target: Expression;
  member: Expression;
}

export interface MethodCallExpression {
  kind: 'MethodCall';
  extent: Extent;
  target: Expression;
  member: Expression;
  arguments: Expression[];
}

export interface IndexExpression {
  kind: 'Index';
  extent: Extent;
  target: Expression;
  index: Expression;
}

export type UnaryOperator = '-not' | '!' | '-' | '+' | ',' | '-join' | '-split';

export interface UnaryExpression {
  kind: 'Unary';
  extent: Extent;
  operator: UnaryOperator;
  operand: Expression;
}

export interface BinaryExpression {
  kind: 'Binary';
  extent: Extent;
  /** Lower-case operator text: `+`, `..`, `-eq`, `-ceq`, `-and`, … */
  operator: string;
  operatorExtent: Extent;
  left: Expression;
  right: Expression;
}
