// Checks and converts named parameter values against a cmdlet's declared parameters, with
// PowerShell's wording for unknown, missing and malformed parameters.
import { DeputyError } from '../core/errors.ts';
import type { CommandInfo, ParameterSpec } from './host.ts';

/** Common parameters every cmdlet accepts; they change nothing here. */
export const commonParameters: readonly ParameterSpec[] = [
  { name: 'Confirm', type: 'SwitchParameter' },
  { name: 'Verbose', type: 'SwitchParameter' },
  { name: 'ErrorAction', type: 'String' },
  { name: 'WarningAction', type: 'String' },
  { name: 'DomainController', type: 'String' },
];

export interface MultiValuedChange {
  replace?: string[];
  add?: string[];
  remove?: string[];
}

export class BoundParameters {
  constructor(
    readonly command: string,
    private readonly values: Map<string, unknown>,
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    return v === null || v === undefined ? undefined : (v as string);
  }

  /** True when the parameter was given as $null or '' (Exchange's way of clearing a value). */
  cleared(name: string): boolean {
    return this.values.has(name) && (this.values.get(name) === null || this.values.get(name) === '');
  }

  strings(name: string): string[] {
    return (this.values.get(name) as string[] | undefined) ?? [];
  }

  switch(name: string): boolean {
    return this.values.get(name) === true;
  }

  boolean(name: string): boolean | undefined {
    return this.values.get(name) as boolean | undefined;
  }

  number(name: string): number | undefined {
    return this.values.get(name) as number | undefined;
  }

  multiValued(name: string): MultiValuedChange | undefined {
    return this.values.get(name) as MultiValuedChange | undefined;
  }

  /** The parameters as they go to the audit log: secrets replaced by asterisks. */
  forAudit(specs: readonly ParameterSpec[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of this.values) out[k] = specs.find((s) => s.name === k)?.sensitive ? '********' : v;
    return out;
  }
}

function bindingError(command: string, parameter: string, message: string): DeputyError {
  return new DeputyError('ParameterBinding', `Cannot bind parameter '${parameter}'. ${message}`, { command, parameter, errorId: 'CannotConvertArgument' });
}

function asText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return undefined;
}

function toStringList(command: string, spec: ParameterSpec, value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    const text = asText(item);
    if (text === undefined) throw bindingError(command, spec.name, `Cannot convert the value of type '${typeof item}' to type 'System.String'.`);
    return text;
  });
}

function convert(command: string, spec: ParameterSpec, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (spec.type === 'SwitchParameter') return true;
    return null;
  }
  switch (spec.type) {
    case 'String': {
      const v = Array.isArray(value) && value.length === 1 ? value[0] : value;
      const text = asText(v);
      if (text === undefined) throw bindingError(command, spec.name, `Cannot convert '${Array.isArray(v) ? v.join(' ') : typeof v}' to the type 'System.String' required by parameter '${spec.name}'. Specify only one value.`);
      if (spec.values && !spec.values.some((x) => x.toLowerCase() === text.toLowerCase())) {
        throw new DeputyError('InvalidArgument', `Cannot validate argument on parameter '${spec.name}'. The argument "${text}" does not belong to the set "${spec.values.join(',')}" specified by the ValidateSet attribute. Supply an argument that is in the set and then try the command again.`, { command, parameter: spec.name, errorId: 'ParameterArgumentValidationError' });
      }
      return spec.values ? spec.values.find((x) => x.toLowerCase() === text.toLowerCase()) : text;
    }
    case 'String[]':
      return toStringList(command, spec, value);
    case 'Int32':
    case 'Unlimited': {
      if (spec.type === 'Unlimited' && typeof value === 'string' && value.toLowerCase() === 'unlimited') return Number.POSITIVE_INFINITY;
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > 2 ** 31 - 1) throw bindingError(command, spec.name, `Cannot convert value "${String(value)}" to type "System.Int32". Error: "Input string was not in a correct format."`);
      return n;
    }
    case 'Boolean':
    case 'SwitchParameter': {
      if (typeof value === 'boolean') return value;
      if (value === 1 || value === 0) return value === 1;
      if (typeof value === 'string' && /^\$?(true|false)$/i.test(value)) return /true/i.test(value);
      throw bindingError(command, spec.name, `Cannot convert value "${String(value)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
    }
    case 'DateTime': {
      const text = asText(value);
      const t = text === undefined ? NaN : Date.parse(text);
      if (Number.isNaN(t)) throw bindingError(command, spec.name, `Cannot convert value "${String(value)}" to type "System.DateTime".`);
      return new Date(t).toISOString();
    }
    case 'Hashtable':
      if (typeof value !== 'object' || Array.isArray(value)) throw bindingError(command, spec.name, `Cannot convert the value to type "System.Collections.Hashtable".`);
      return value;
    case 'MultiValued': {
      if (typeof value === 'object' && !Array.isArray(value)) {
        const change: MultiValuedChange = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          const key = k.toLowerCase();
          if (key !== 'add' && key !== 'remove') throw bindingError(command, spec.name, `The hashtable key '${k}' is not valid; use Add and Remove.`);
          change[key] = toStringList(command, spec, v);
        }
        return change;
      }
      return { replace: toStringList(command, spec, value) };
    }
  }
}

/** Binds raw named values (keys in any case) to the command's parameters, or throws. */
export function bindParameters(command: CommandInfo, raw: Record<string, unknown>): BoundParameters {
  const specs = [...command.parameters, ...commonParameters];
  const bound = new Map<string, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const wanted = key.replace(/^-/, '').toLowerCase();
    const spec = specs.find((s) => s.name.toLowerCase() === wanted || s.aliases?.some((a) => a.toLowerCase() === wanted));
    if (!spec) {
      throw new DeputyError('ParameterNotFound', `A parameter cannot be found that matches parameter name '${key}'.`, { command: command.name, parameter: key, errorId: 'NamedParameterNotFound' });
    }
    if (bound.has(spec.name)) {
      throw new DeputyError('ParameterBinding', `Cannot bind parameter because parameter '${spec.name}' is specified more than once.`, { command: command.name, parameter: spec.name, errorId: 'ParameterAlreadyBound' });
    }
    if (spec.type === 'SwitchParameter' && value === false) continue;
    const converted = convert(command.name, spec, value);
    if (commonParameters.includes(spec)) continue;
    bound.set(spec.name, converted);
  }
  const missing = command.parameters.filter((s) => s.mandatory && (!bound.has(s.name) || bound.get(s.name) === null)).map((s) => s.name);
  if (missing.length) {
    throw new DeputyError('MissingArgument', `Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`, { command: command.name, parameters: missing, errorId: 'MissingMandatoryParameter' });
  }
  return new BoundParameters(command.name, bound);
}
