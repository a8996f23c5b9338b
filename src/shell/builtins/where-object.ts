// Where-Object (where, ?): filters input by a script block or by the simplified `Where-Object Property -op Value` syntax.
import type { BindableParameter } from '../binder.ts';
import { compare } from '../operators.ts';
import { collapse, getMember, isTruthy, ScriptBlock, toPSString } from '../values.ts';
import { invalidArgument, switchArgument, type BuiltinCommand } from './types.ts';

/** The operator switches of the simplified syntax, in PowerShell's spelling. */
const operatorSwitches = [
  'EQ', 'NE', 'GT', 'GE', 'LT', 'LE', 'Like', 'NotLike', 'Match', 'NotMatch',
  'Contains', 'NotContains', 'In', 'NotIn',
  'CEQ', 'CNE', 'CGT', 'CGE', 'CLT', 'CLE', 'CLike', 'CNotLike', 'CMatch', 'CNotMatch',
  'CContains', 'CNotContains', 'CIn', 'CNotIn',
];

const parameters: BindableParameter[] = [
  { name: 'FilterScript', type: 'ScriptBlock' },
  // Position 0 takes either the script block or the property name, as PowerShell's parameter sets do.
  { name: 'Property', type: 'Object', position: 0 },
  { name: 'Value', type: 'Object', position: 1 },
  { name: 'Not', type: 'SwitchParameter' },
  { name: 'InputObject', type: 'Object' },
  ...operatorSwitches.map((name): BindableParameter => ({ name, type: 'SwitchParameter' })),
];

export const whereObjectCommand: BuiltinCommand = {
  name: 'Where-Object',
  aliases: ['where', '?'],
  synopsis: 'Selects objects from a collection based on their property values.',
  parameters,
  async run(bound, input, context) {
    const items = input ?? (bound.InputObject !== undefined ? [bound.InputObject] : []);
    const filter = bound.FilterScript ?? (bound.Property instanceof ScriptBlock ? bound.Property : undefined);
    if (filter !== undefined) {
      if (!(filter instanceof ScriptBlock)) throw invalidArgument('Cannot bind parameter \'FilterScript\'. The argument is not a script block.', 'CannotConvertArgument');
      const kept: unknown[] = [];
      for (const item of items) {
        if (isTruthy(collapse(await context.invokeScriptBlock(filter, item)))) kept.push(item);
      }
      return kept;
    }
    if (bound.Property === undefined) throw invalidArgument('Where-Object needs a script block or a property name.', 'MissingFilter');
    const property = toPSString(bound.Property);
    const chosen = operatorSwitches.filter((name) => switchArgument(bound, name));
    if (chosen.length > 1) throw invalidArgument('Parameter set cannot be resolved using the specified named parameters.', 'AmbiguousParameterSet');
    const negate = switchArgument(bound, 'Not');
    return items.filter((item) => {
      const value = getMember(item, property);
      if (chosen.length === 0) return negate ? !isTruthy(value) : isTruthy(value);
      return isTruthy(compare(`-${chosen[0].toLowerCase()}`, value, bound.Value ?? null));
    });
  },
};
