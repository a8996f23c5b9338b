// Write-Output (echo, write), Write-Host and Out-Null.
import { enumerate, toPSString } from '../values.ts';
import { switchArgument, type BuiltinCommand } from './types.ts';

export const writeOutputCommand: BuiltinCommand = {
  name: 'Write-Output',
  aliases: ['echo', 'write'],
  synopsis: 'Writes objects to the pipeline.',
  parameters: [
    { name: 'InputObject', type: 'Object', position: 0, remainingArguments: true },
    { name: 'NoEnumerate', type: 'SwitchParameter' },
  ],
  async run(bound, input) {
    if (input !== undefined) return input;
    if (bound.InputObject === undefined) return [];
    return switchArgument(bound, 'NoEnumerate') ? [bound.InputObject] : enumerate(bound.InputObject);
  },
};

export const writeHostCommand: BuiltinCommand = {
  name: 'Write-Host',
  aliases: [],
  synopsis: 'Writes text to the host (never to the pipeline).',
  parameters: [
    { name: 'Object', type: 'Object', position: 0, remainingArguments: true },
    { name: 'NoNewline', type: 'SwitchParameter' },
    { name: 'Separator', type: 'Object' },
    { name: 'ForegroundColor', type: 'String' },
    { name: 'BackgroundColor', type: 'String' },
  ],
  async run(bound, input, context) {
    const separator = bound.Separator === undefined ? ' ' : toPSString(bound.Separator);
    const join = (value: unknown) => enumerate(value).map(toPSString).join(separator);
    if (input !== undefined) {
      for (const item of input) context.writeHost(join(item));
    } else {
      context.writeHost(bound.Object === undefined ? '' : join(bound.Object));
    }
    return [];
  },
};

export const outNullCommand: BuiltinCommand = {
  name: 'Out-Null',
  aliases: [],
  synopsis: 'Discards its input.',
  parameters: [{ name: 'InputObject', type: 'Object' }],
  async run() {
    return [];
  },
};
