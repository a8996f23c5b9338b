// Sort-Object (sort): stable sort by properties or script blocks, -Descending, -Unique, case-insensitive by default.
import { psCompare, psEquals } from '../operators.ts';
import { collapse, getMember, ScriptBlock } from '../values.ts';
import { propertySelectors, switchArgument, type BuiltinCommand } from './types.ts';

export const sortObjectCommand: BuiltinCommand = {
  name: 'Sort-Object',
  aliases: ['sort'],
  synopsis: 'Sorts objects by property values.',
  parameters: [
    { name: 'Property', type: 'Object[]', position: 0 },
    { name: 'Descending', type: 'SwitchParameter' },
    { name: 'Unique', type: 'SwitchParameter' },
    { name: 'CaseSensitive', type: 'SwitchParameter' },
    { name: 'InputObject', type: 'Object' },
  ],
  async run(bound, input, context) {
    const items = input ?? (bound.InputObject !== undefined ? [bound.InputObject] : []);
    const selectors = propertySelectors(bound.Property);
    const caseSensitive = switchArgument(bound, 'CaseSensitive');
    const keyed: { item: unknown; keys: unknown[] }[] = [];
    for (const item of items) {
      const keys: unknown[] = [];
      if (selectors.length === 0) keys.push(item);
      for (const selector of selectors) {
        if (selector.kind === 'name') keys.push(getMember(item, selector.pattern));
        else if (selector.kind === 'script') keys.push(collapse(await context.invokeScriptBlock(selector.block, item)));
        else if (selector.expression instanceof ScriptBlock) keys.push(collapse(await context.invokeScriptBlock(selector.expression, item)));
        else keys.push(getMember(item, selector.expression));
      }
      keyed.push({ item, keys });
    }
    const direction = switchArgument(bound, 'Descending') ? -1 : 1;
    const compareKeys = (a: unknown[], b: unknown[]) => {
      for (let i = 0; i < a.length; i++) {
        const order = psCompare(a[i], b[i], caseSensitive);
        if (order !== 0) return order;
      }
      return 0;
    };
    // Array.prototype.sort is stable, so equal keys keep their input order.
    keyed.sort((a, b) => direction * compareKeys(a.keys, b.keys));
    let sorted = keyed;
    if (switchArgument(bound, 'Unique')) {
      sorted = keyed.filter((entry, index) => index === 0 || !entry.keys.every((key, k) => psEquals(key, keyed[index - 1].keys[k], caseSensitive)));
    }
    return sorted.map((entry) => entry.item);
  },
};
