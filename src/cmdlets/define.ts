// How a cmdlet is declared: its parameters, the role entry it needs (its own name), and run().
import type { Operation } from '../services/context.ts';
import type { ParameterSpec } from './host.ts';
import type { BoundParameters } from './binding.ts';

/**
 * Output is either ready objects, or a function producing them after the transaction committed
 * and the directory caught up (so new objects show their assignments, members, …).
 */
export type CmdletOutput = unknown[] | (() => unknown[]);

export interface Cmdlet {
  name: string;
  synopsis: string;
  parameters: readonly ParameterSpec[];
  /** Role entry checked before running; defaults to the cmdlet name. */
  entry?: string;
  run(op: Operation, params: BoundParameters): Promise<CmdletOutput>;
}

export function defineCmdlet(cmdlet: Cmdlet): Cmdlet {
  return cmdlet;
}

// Parameter shorthands used by many cmdlets.
export const identityParameter = (typeName: string, mandatory = true): ParameterSpec => ({
  name: 'Identity',
  type: 'String',
  mandatory,
  position: 0,
  fromPipeline: true,
  typeName,
});
export const bypassManagerCheck: ParameterSpec = { name: 'BypassSecurityGroupManagerCheck', type: 'SwitchParameter' };
export const resultSize: ParameterSpec = { name: 'ResultSize', type: 'Unlimited', typeName: 'Unlimited`1[System.UInt32]' };
