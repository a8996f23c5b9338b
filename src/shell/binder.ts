// Parameter binding: resolves `-Name` (case-insensitive, unique prefix, aliases), pairs values, binds positionals, reports PowerShell's binding errors.
import type { CommandArgument, CommandElement, Expression, Extent } from './ast.ts';
import { CommandFailure, locatedError } from './errors.ts';
import { isTruthy, ScriptBlock, toPSString } from './values.ts';

/** What binding needs to know about a parameter; host ParameterSpecs and built-in parameters both fit. */
export interface BindableParameter {
  name: string;
  /** ParameterType names, plus 'ScriptBlock' and 'Object' for built-ins. */
  type: string;
  mandatory?: boolean;
  position?: number;
  fromPipeline?: boolean;
  aliases?: readonly string[];
  typeName?: string;
  values?: readonly string[];
  /** Collects every positional argument left over (Write-Output a b c). */
  remainingArguments?: boolean;
}

/**
 * PowerShell's common parameters, accepted by every command. They are handled by the
 * shell (ErrorAction, ErrorVariable, OutVariable) or ignored (Verbose, WarningAction …)
 * and never passed to the host unless the host declares a parameter of the same name.
 */
export const commonParameters: readonly BindableParameter[] = [
  { name: 'Verbose', type: 'SwitchParameter', aliases: ['vb'] },
  { name: 'Debug', type: 'SwitchParameter', aliases: ['db'] },
  { name: 'ErrorAction', type: 'String', typeName: 'ActionPreference', aliases: ['ea'], values: ['Continue', 'Ignore', 'Inquire', 'SilentlyContinue', 'Stop', 'Suspend'] },
  { name: 'WarningAction', type: 'String', typeName: 'ActionPreference', aliases: ['wa'], values: ['Continue', 'Ignore', 'Inquire', 'SilentlyContinue', 'Stop', 'Suspend'] },
  { name: 'InformationAction', type: 'String', typeName: 'ActionPreference', aliases: ['infa'], values: ['Continue', 'Ignore', 'Inquire', 'SilentlyContinue', 'Stop', 'Suspend'] },
  { name: 'ErrorVariable', type: 'String', aliases: ['ev'] },
  { name: 'WarningVariable', type: 'String', aliases: ['wv'] },
  { name: 'InformationVariable', type: 'String', aliases: ['iv'] },
  { name: 'OutVariable', type: 'String', aliases: ['ov'] },
  { name: 'OutBuffer', type: 'Int32', aliases: ['ob'] },
  { name: 'PipelineVariable', type: 'String', aliases: ['pv'] },
  // No confirmation prompts exist here; -Confirm is accepted so copied `-Confirm:$false` works.
  { name: 'Confirm', type: 'SwitchParameter', aliases: ['cf'] },
];

export const commonParameterNames: ReadonlySet<string> = new Set(commonParameters.map((parameter) => parameter.name));

export interface BindingRequest {
  /** The command's canonical name, shown before binding error messages. */
  commandName: string;
  parameters: readonly BindableParameter[];
  element: CommandElement;
  source: string;
  evaluate: (expression: Expression) => Promise<unknown>;
}

export interface BoundArguments {
  /** Values keyed by canonical parameter name, common parameters included. */
  values: Record<string, unknown>;
}

export function isSwitch(parameter: BindableParameter): boolean {
  return parameter.type === 'SwitchParameter';
}

function namesOf(parameter: BindableParameter): string[] {
  return [parameter.name, ...(parameter.aliases ?? [])];
}

/** Parameters the command declares come first, so they win over common parameters of the same name. */
export function allParameters(parameters: readonly BindableParameter[]): BindableParameter[] {
  const declared = new Set(parameters.map((parameter) => parameter.name.toLowerCase()));
  return [...parameters, ...commonParameters.filter((common) => !declared.has(common.name.toLowerCase()))];
}

export type ParameterResolution =
  | { kind: 'found'; parameter: BindableParameter }
  | { kind: 'ambiguous'; candidates: BindableParameter[] }
  | { kind: 'notFound' };

/**
 * Exact name or alias first, then a unique prefix among the command's own parameters,
 * then among the common parameters (so `-De` finds a declared `-Description` rather
 * than clashing with `-Debug`).
 */
export function resolveParameterName(name: string, declared: readonly BindableParameter[]): ParameterResolution {
  const lower = name.toLowerCase();
  const candidates = allParameters(declared);
  const exact = candidates.find((parameter) => namesOf(parameter).some((candidate) => candidate.toLowerCase() === lower));
  if (exact) return { kind: 'found', parameter: exact };
  const common = candidates.filter((parameter) => !declared.includes(parameter));
  for (const group of [declared, common]) {
    const matches = group.filter((parameter) => namesOf(parameter).some((candidate) => candidate.toLowerCase().startsWith(lower)));
    if (matches.length === 1) return { kind: 'found', parameter: matches[0] };
    if (matches.length > 1) return { kind: 'ambiguous', candidates: matches };
  }
  return { kind: 'notFound' };
}

/** How an argument looks in "cannot be found that accepts argument 'x'". */
function argumentText(value: unknown): string {
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof ScriptBlock) return value.toString();
  if (typeof value === 'object' && value !== null) return 'System.Collections.Hashtable';
  return toPSString(value);
}

export async function bindArguments(request: BindingRequest): Promise<BoundArguments> {
  const { commandName, parameters, element, source } = request;
  const fail = (code: 'ParameterNotFound' | 'ParameterBinding' | 'MissingArgument', message: string, errorId: string, extent: Extent): never => {
    throw new CommandFailure(locatedError(code, message, errorId, source, extent), { source, extent, command: commandName });
  };

  const values: Record<string, unknown> = {};
  const positional: CommandArgument[] = [];
  const args = element.arguments;

  for (let i = 0; i < args.length; i++) {
    const argument = args[i];
    if (argument.kind === 'Value') {
      positional.push(argument);
      continue;
    }
    const resolution = resolveParameterName(argument.name, parameters);
    if (resolution.kind === 'notFound') {
      fail('ParameterNotFound', `A parameter cannot be found that matches parameter name '${argument.name}'.`, 'NamedParameterNotFound', argument.extent);
    }
    if (resolution.kind === 'ambiguous') {
      const names = resolution.candidates.map((candidate) => `-${candidate.name}`).join(' ');
      fail(
        'ParameterBinding',
        `Parameter cannot be processed because the parameter name '${argument.name}' is ambiguous. Possible matches include: ${names}.`,
        'AmbiguousParameter',
        argument.extent,
      );
    }
    const parameter = (resolution as { parameter: BindableParameter }).parameter;
    if (Object.prototype.hasOwnProperty.call(values, parameter.name)) {
      fail('ParameterBinding', `Cannot bind parameter because parameter '${parameter.name}' is specified more than once.`, 'ParameterAlreadyBound', argument.extent);
    }
    const missingArgument = (): never =>
      fail(
        'MissingArgument',
        `Missing an argument for parameter '${parameter.name}'. Specify a parameter of type '${parameter.typeName ?? parameter.type}' and try again.`,
        'MissingArgument',
        argument.extent,
      );
    if (argument.value) {
      const value = await request.evaluate(argument.value);
      values[parameter.name] = isSwitch(parameter) ? isTruthy(value) : value;
    } else if (argument.text.endsWith(':')) {
      missingArgument();
    } else if (isSwitch(parameter)) {
      // `-Force $true` leaves $true as a positional argument, exactly as PowerShell does.
      values[parameter.name] = true;
    } else {
      const next = args[i + 1];
      if (next === undefined || next.kind !== 'Value') missingArgument();
      values[parameter.name] = await request.evaluate((next as { value: Expression }).value);
      i++;
    }
  }

  const slots = parameters
    .filter((parameter) => parameter.position !== undefined && !Object.prototype.hasOwnProperty.call(values, parameter.name))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const remaining = parameters.find((parameter) => parameter.remainingArguments && !Object.prototype.hasOwnProperty.call(values, parameter.name));
  const leftovers: unknown[] = [];
  for (const argument of positional) {
    const value = await request.evaluate((argument as { value: Expression }).value);
    const slot = slots.shift();
    if (slot && !slot.remainingArguments) {
      values[slot.name] = value;
    } else if (remaining) {
      leftovers.push(value);
    } else {
      fail('ParameterBinding', `A positional parameter cannot be found that accepts argument '${argumentText(value)}'.`, 'PositionalParameterNotFound', argument.extent);
    }
  }
  if (remaining && leftovers.length > 0) values[remaining.name] = leftovers.length === 1 ? leftovers[0] : leftovers;
  return { values };
}

/** Mandatory parameters nobody supplied; a pipeline-bound one is fine when input will arrive. */
export function missingMandatory(parameters: readonly BindableParameter[], values: Record<string, unknown>, receivesPipelineInput: boolean): string[] {
  return parameters
    .filter((parameter) => parameter.mandatory && !Object.prototype.hasOwnProperty.call(values, parameter.name))
    .filter((parameter) => !(receivesPipelineInput && parameter.fromPipeline))
    .map((parameter) => parameter.name);
}
