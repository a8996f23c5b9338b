// The evaluator: runs statements and pipelines, evaluates expressions, invokes built-ins and host commands with bound parameters.
import type { CommandHost, CommandInfo } from '../cmdlets/host.ts';
import { DeputyError, isDeputyError } from '../core/errors.ts';
import type { CommandElement, Expression, Extent, PipelineStatement, Statement } from './ast.ts';
import { bindArguments, commonParameterNames, missingMandatory, type BindableParameter } from './binder.ts';
import { findBuiltin, type BuiltinCommand, type BuiltinContext } from './builtins/index.ts';
import { CommandFailure, locatedError, toErrorRecord, type ShellErrorRecord } from './errors.ts';
import { invokeMethod } from './methods.ts';
import { evaluateBinary, evaluateUnary } from './operators.ts';
import {
  collapse,
  enumerate,
  findPropertyName,
  getMember,
  getProperty,
  indexValue,
  isPlainObject,
  isTruthy,
  ScriptBlock,
  toPSString,
  type PlainObject,
} from './values.ts';

/** What the evaluator needs from its session. */
export interface ExecutionEnvironment {
  host: CommandHost;
  variables: Map<string, unknown>;
  writeError(record: ShellErrorRecord): void;
  writeHost(text: string): void;
}

/** `-ErrorAction Stop`: the error ends the whole script, not just the statement. */
export class ScriptHalted extends Error {
  readonly record: ShellErrorRecord;

  constructor(record: ShellErrorRecord) {
    super(record.message);
    this.name = 'ScriptHalted';
    this.record = record;
  }
}

/** The `exit` keyword: stops the script quietly. */
export class ScriptExit extends Error {
  constructor() {
    super('exit');
    this.name = 'ScriptExit';
  }
}

/** Where code runs: its source text (for error positions) and the current `$_`. */
interface Scope {
  source: string;
  pipelineItem?: { value: unknown };
}

type PreparedStage =
  | { kind: 'expression'; expression: Expression }
  | {
      kind: 'command';
      element: CommandElement;
      /** The canonical name, shown in error records. */
      commandName: string;
      builtin?: BuiltinCommand;
      info?: CommandInfo;
      /** Values for the command itself (common parameters removed unless the host declares them). */
      values: Record<string, unknown>;
      common: Record<string, unknown>;
    };

const commandNotFoundMessage = (name: string) =>
  `The term '${name}' is not recognized as the name of a cmdlet, function, script file, or operable program. ` +
  'Check the spelling of the name, or if a path was included, verify that the path is correct and try again.';

const inputNotBoundMessage =
  'The input object cannot be bound to any parameters for the command either because the command does not take ' +
  'pipeline input or the input and its properties do not match any of the parameters that take pipeline input.';

/** PowerShell accepts typographic dashes in names copied from documents; command lookup uses plain ones. */
function normalizeCommandName(name: string): string {
  return name.replace(/[\u2013\u2014\u2015]/g, '-');
}

/** Exchange takes filter script blocks as text; everything else reaches the host as parsed. */
function toHostValue(value: unknown): unknown {
  if (value instanceof ScriptBlock) return value.text;
  if (Array.isArray(value)) return value.map(toHostValue);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toHostValue(item)]));
  return value;
}

/** What a pipeline-bound parameter receives from an input object: its Identity, else the input itself. */
function pipelineValueOf(item: unknown): unknown {
  if (isPlainObject(item)) {
    const identity = getProperty(item, 'Identity');
    if (identity !== undefined && identity !== null) return identity;
  }
  return item;
}

/** How deeply expressions may nest while evaluating (PowerShell's own limit is about 1000 calls). */
const maxEvaluationDepth = 1000;

export class Evaluator {
  private readonly environment: ExecutionEnvironment;
  private depth = 0;

  constructor(environment: ExecutionEnvironment) {
    this.environment = environment;
  }

  // ---- statements -----------------------------------------------------------

  /** Runs statements; a failing statement writes an error record and the next one runs (non-terminating errors). */
  async runStatements(statements: readonly Statement[], scope: Scope, emit: (value: unknown) => void): Promise<void> {
    for (const statement of statements) {
      try {
        await this.runStatement(statement, scope, emit);
      } catch (failure) {
        if (failure instanceof ScriptHalted || failure instanceof ScriptExit) throw failure;
        this.environment.writeError(toErrorRecord(failure, { source: scope.source, extent: statement.extent }));
      }
    }
  }

  private async runStatement(statement: Statement, scope: Scope, emit: (value: unknown) => void): Promise<void> {
    if (statement.kind === 'Assignment') {
      await this.runAssignment(statement, scope);
      return;
    }
    for (const value of await this.runPipeline(statement, scope)) emit(value);
  }

  private async runAssignment(statement: Extract<Statement, { kind: 'Assignment' }>, scope: Scope): Promise<unknown> {
    let value = await this.statementValue(statement.value, scope);
    const name = statement.target.name;
    if (statement.operator !== '=') {
      const operator = statement.operator[0];
      try {
        value = evaluateBinary(operator, this.lookupVariable(name, scope), value);
      } catch (error) {
        throw this.locate(error, scope.source, statement.extent);
      }
    }
    this.assignVariable(name, value, scope.source, statement.target.extent);
    return value;
  }

  /** The value of a statement used as a value (`$x = …`, `( … )`, hashtable values). */
  private async statementValue(statement: Statement, scope: Scope): Promise<unknown> {
    if (statement.kind === 'Assignment') return this.runAssignment(statement, scope);
    // A lone expression keeps its value as is (`$x = @()` is an empty array, not $null).
    if (statement.elements.length === 1 && statement.elements[0].kind === 'ExpressionElement') {
      return this.evaluate(statement.elements[0].expression, scope);
    }
    return collapse(await this.runPipeline(statement, scope));
  }

  /** Runs statements and returns everything they wrote to output. */
  private async collect(statements: readonly Statement[], scope: Scope): Promise<unknown[]> {
    const output: unknown[] = [];
    await this.runStatements(statements, scope, (value) => output.push(value));
    return output;
  }

  async invokeScriptBlock(block: ScriptBlock, item: unknown): Promise<unknown[]> {
    return this.collect(block.statements, { source: block.source, pipelineItem: { value: item } });
  }

  // ---- variables ------------------------------------------------------------

  private lookupVariable(rawName: string, scope: Scope): unknown {
    const name = rawName.replace(/^(global|script|local|private):/i, '');
    const lower = name.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if ((lower === '_' || lower === 'psitem') && scope.pipelineItem) return scope.pipelineItem.value;
    // Environment variables would expose the server's secrets to anyone allowed to run scripts.
    if (lower.startsWith('env:')) return null;
    const variables = this.environment.variables;
    if (variables.has(name)) return variables.get(name);
    for (const [key, value] of variables) if (key.toLowerCase() === lower) return value;
    return null;
  }

  private assignVariable(rawName: string, value: unknown, source: string, extent: Extent): void {
    const name = rawName.replace(/^(global|script|local|private):/i, '');
    const lower = name.toLowerCase();
    if (lower === 'null') return; // `$null = …` discards the value.
    if (lower === 'true' || lower === 'false' || lower.startsWith('env:')) {
      throw locatedError('InvalidOperation', `Cannot overwrite variable ${name} because it is read-only or constant.`, 'VariableNotWritable', source, extent);
    }
    const variables = this.environment.variables;
    const existing = [...variables.keys()].find((key) => key.toLowerCase() === lower);
    variables.set(existing ?? name, value);
  }

  // ---- pipelines ------------------------------------------------------------

  /**
   * Binds every command of the pipeline first (as PowerShell does, so a binding error
   * runs nothing), then runs the stages in order, each on all the previous stage's output.
   */
  private async runPipeline(pipeline: PipelineStatement, scope: Scope): Promise<unknown[]> {
    const first = pipeline.elements[0];
    if (pipeline.elements.length === 1 && first.kind === 'Command' && first.arguments.length === 0 && first.name.toLowerCase() === 'exit') {
      throw new ScriptExit();
    }
    const stages: PreparedStage[] = [];
    for (const [index, element] of pipeline.elements.entries()) {
      if (element.kind === 'ExpressionElement') stages.push({ kind: 'expression', expression: element.expression });
      else stages.push(await this.prepareCommand(element, scope, index > 0));
    }
    let items: unknown[] | undefined;
    for (const stage of stages) {
      if (stage.kind === 'expression') items = enumerate(await this.evaluate(stage.expression, scope));
      else items = await this.runCommand(stage, items, scope);
    }
    return items ?? [];
  }

  private async prepareCommand(element: CommandElement, scope: Scope, receivesInput: boolean): Promise<PreparedStage> {
    const name = normalizeCommandName(element.name);
    const builtin = findBuiltin(name);
    const info = builtin ? undefined : this.environment.host.getCommand(name);
    if (!builtin && !info) {
      throw new CommandFailure(
        locatedError('CommandNotFound', commandNotFoundMessage(element.name), 'CommandNotFoundException', scope.source, element.nameExtent),
        { source: scope.source, extent: element.nameExtent, command: element.name },
      );
    }
    const commandName = builtin ? builtin.name : info!.name;
    const declared: readonly BindableParameter[] = builtin ? builtin.parameters : info!.parameters;
    const { values: bound } = await bindArguments({
      commandName,
      parameters: declared,
      element,
      source: scope.source,
      evaluate: (expression) => this.evaluate(expression, scope),
    });
    const fail = (code: 'MissingArgument' | 'InvalidOperation', message: string, errorId: string): never => {
      throw new CommandFailure(locatedError(code, message, errorId, scope.source, element.extent), { source: scope.source, extent: element.extent, command: commandName });
    };

    const declaredNames = new Set(declared.map((parameter) => parameter.name));
    const values: Record<string, unknown> = {};
    const common: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(bound)) {
      if (!declaredNames.has(key) && commonParameterNames.has(key)) common[key] = value;
      else values[key] = value;
    }
    if (common.Confirm === true) {
      fail('InvalidOperation', 'The Deputy shell cannot prompt for confirmation. Run the command with -Confirm:$false to proceed.', 'ConfirmationNotSupported');
    }
    const missing = missingMandatory(declared, values, receivesInput);
    if (missing.length > 0) {
      fail('MissingArgument', `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`, 'MissingMandatoryParameter');
    }
    return { kind: 'command', element, commandName, builtin, info, values, common };
  }

  private builtinContext(): BuiltinContext {
    return {
      invokeScriptBlock: (block, item) => this.invokeScriptBlock(block, item),
      writeHost: (text) => this.environment.writeHost(text),
    };
  }

  private async runCommand(stage: Extract<PreparedStage, { kind: 'command' }>, input: unknown[] | undefined, scope: Scope): Promise<unknown[]> {
    const errorAction = String(stage.common.ErrorAction ?? 'Continue').toLowerCase();
    const silent = errorAction === 'silentlycontinue' || errorAction === 'ignore';
    const location = { source: scope.source, extent: stage.element.nameExtent, command: stage.commandName };
    const errors: ShellErrorRecord[] = [];
    const output: unknown[] = [];
    const handle = (failure: unknown): void => {
      if (failure instanceof ScriptHalted || failure instanceof ScriptExit) throw failure;
      const record = toErrorRecord(failure, location);
      errors.push(record);
      this.setCommonVariable(stage.common.ErrorVariable, errors, scope);
      if (silent) return;
      if (errorAction === 'stop') throw new ScriptHalted(record);
      throw failure instanceof CommandFailure ? failure : new CommandFailure(isDeputyError(failure) ? failure : new DeputyError('Internal', String((failure as Error)?.message ?? failure)), location);
    };

    if (stage.builtin) {
      try {
        output.push(...(await stage.builtin.run(stage.values, input, this.builtinContext())));
      } catch (failure) {
        handle(failure);
      }
    } else {
      const info = stage.info!;
      const invocations = input === undefined ? [undefined] : input.map((item) => ({ item }));
      const pipelineParameter = info.parameters.find((parameter) => parameter.fromPipeline);
      for (const invocation of invocations) {
        try {
          const parameters = { ...stage.values };
          if (invocation) {
            if (!pipelineParameter || Object.prototype.hasOwnProperty.call(parameters, pipelineParameter.name)) {
              throw locatedError('ParameterBinding', inputNotBoundMessage, 'InputObjectNotBound', scope.source, stage.element.extent);
            }
            parameters[pipelineParameter.name] = pipelineValueOf(invocation.item);
          }
          const hostParameters = Object.fromEntries(Object.entries(parameters).map(([key, value]) => [key, toHostValue(value)]));
          output.push(...(await this.environment.host.invoke(info.name, hostParameters)));
        } catch (failure) {
          handle(failure); // With -ErrorAction SilentlyContinue the other input objects still run.
        }
      }
    }
    if (errors.length === 0) this.setCommonVariable(stage.common.ErrorVariable, [], scope);
    this.setCommonVariable(stage.common.OutVariable, output, scope);
    return output;
  }

  /** -ErrorVariable / -OutVariable name a variable (without `$`; `+name` appends). */
  private setCommonVariable(nameValue: unknown, values: unknown[], scope: Scope): void {
    if (nameValue === undefined || nameValue === null) return;
    const raw = toPSString(nameValue);
    const append = raw.startsWith('+');
    const name = append ? raw.slice(1) : raw;
    const previous = append ? enumerate(this.lookupVariable(name, scope) ?? []) : [];
    this.environment.variables.set(name, [...previous, ...values]);
  }

  // ---- expressions ----------------------------------------------------------

  async evaluate(expression: Expression, scope: Scope): Promise<unknown> {
    // Long operator chains (`1+1+…`) nest deeply; stop cleanly before the JS stack overflows.
    if (++this.depth > maxEvaluationDepth) {
      this.depth--;
      throw locatedError('InvalidOperation', 'The script failed due to call depth overflow.', 'CallDepthOverflow', scope.source, expression.extent);
    }
    try {
      return await this.evaluateUnlocated(expression, scope);
    } catch (error) {
      throw this.locate(error, scope.source, expression.extent);
    } finally {
      this.depth--;
    }
  }

  /** Gives a position to an error raised by an operator or member access, at the innermost expression. */
  private locate(error: unknown, source: string, extent: Extent): unknown {
    if (error instanceof CommandFailure || error instanceof ScriptHalted || error instanceof ScriptExit) return error;
    if (isDeputyError(error)) {
      if (error.position) return error;
      const errorId = typeof error.details.errorId === 'string' ? error.details.errorId : error.code;
      return locatedError(error.code, error.message, errorId, source, extent, { ...error.details });
    }
    const message = error instanceof Error ? error.message : String(error);
    return locatedError('Internal', message, 'RuntimeException', source, extent);
  }

  private async evaluateUnlocated(expression: Expression, scope: Scope): Promise<unknown> {
    switch (expression.kind) {
      case 'Constant':
        return expression.value;
      case 'Variable':
        return this.lookupVariable(expression.name, scope);
      case 'ExpandableString': {
        let text = '';
        for (const part of expression.parts) {
          if (part.kind === 'Text') text += part.value;
          else if (part.kind === 'Variable') text += toPSString(this.lookupVariable(part.name, scope));
          else text += (await this.collect(part.statements, scope)).map(toPSString).join(' ');
        }
        return text;
      }
      case 'ArrayLiteral': {
        const values: unknown[] = [];
        for (const element of expression.elements) values.push(await this.evaluate(element, scope));
        return values;
      }
      case 'ArrayExpression':
        return this.collect(expression.statements, scope);
      case 'SubExpression':
        return collapse(await this.collect(expression.statements, scope));
      case 'Paren':
        return this.statementValue(expression.statement, scope);
      case 'Hashtable': {
        const table: PlainObject = {};
        for (const entry of expression.entries) {
          const key = toPSString(await this.evaluate(entry.key, scope));
          if (findPropertyName(table, key) !== undefined) {
            throw locatedError('InvalidArgument', `Duplicate keys '${key}' are not allowed in hash literals.`, 'DuplicateKeyInHashLiteral', scope.source, entry.key.extent);
          }
          table[key] = await this.statementValue(entry.value, scope);
        }
        return table;
      }
      case 'ScriptBlock':
        return new ScriptBlock(scope.source.slice(expression.extent.start, expression.extent.end), expression.statements, scope.source);
      case 'Member': {
        const target = await this.evaluate(expression.target, scope);
        return getMember(target, await this.memberName(expression.member, scope));
      }
      case 'MethodCall': {
        const target = await this.evaluate(expression.target, scope);
        const name = await this.memberName(expression.member, scope);
        const args: unknown[] = [];
        for (const argument of expression.arguments) args.push(await this.evaluate(argument, scope));
        return invokeMethod(target, name, args);
      }
      case 'Index': {
        const target = await this.evaluate(expression.target, scope);
        return indexValue(target, await this.evaluate(expression.index, scope));
      }
      case 'Unary':
        return evaluateUnary(expression.operator, await this.evaluate(expression.operand, scope));
      case 'Binary': {
        const left = await this.evaluate(expression.left, scope);
        // -and and -or short-circuit, as in PowerShell.
        if (expression.operator === '-and' && !isTruthy(left)) return false;
        if (expression.operator === '-or' && isTruthy(left)) return true;
        const right = await this.evaluate(expression.right, scope);
        return evaluateBinary(expression.operator, left, right, (matches) => this.environment.variables.set('Matches', matches));
      }
      default: {
        const unknown: never = expression;
        throw new DeputyError('Internal', `Unknown expression ${JSON.stringify(unknown)}`);
      }
    }
  }

  private async memberName(member: Expression, scope: Scope): Promise<string> {
    if (member.kind === 'Constant') return String(member.value);
    return toPSString(await this.evaluate(member, scope));
  }
}
