// ForEach-Object (foreach, %): runs a script block for each input object, or takes one member of each (`% Name`).
import { getMember, ScriptBlock, toPSString } from '../values.ts';
import type { BuiltinCommand } from './types.ts';

export const forEachObjectCommand: BuiltinCommand = {
  name: 'ForEach-Object',
  aliases: ['foreach', '%'],
  synopsis: 'Performs an operation against each item in a collection of input objects.',
  parameters: [
    { name: 'Process', type: 'Object', position: 0 },
    { name: 'Begin', type: 'ScriptBlock' },
    { name: 'End', type: 'ScriptBlock' },
    { name: 'MemberName', type: 'String' },
    { name: 'InputObject', type: 'Object' },
  ],
  async run(bound, input, context) {
    // First in a pipeline with no input, the process block still runs once (with $_ = $null).
    const items = input ?? [bound.InputObject ?? null];
    const output: unknown[] = [];
    if (bound.Begin instanceof ScriptBlock) output.push(...(await context.invokeScriptBlock(bound.Begin, null)));
    const process = bound.Process ?? bound.MemberName;
    for (const item of items) {
      if (process instanceof ScriptBlock) {
        output.push(...(await context.invokeScriptBlock(process, item)));
      } else if (process !== undefined && process !== null) {
        const value = getMember(item, toPSString(process));
        if (Array.isArray(value)) output.push(...value);
        else if (value !== null && value !== undefined) output.push(value);
      }
    }
    if (bound.End instanceof ScriptBlock) output.push(...(await context.invokeScriptBlock(bound.End, null)));
    return output;
  },
};
