// Select-Object: picks properties (names, wildcards, calculated), expands one property, or takes -First/-Last/-Skip/-Unique items.
import { getMember, isPlainObject, toPSString } from '../values.ts';
import { selectProperties } from './properties.ts';
import { integerArgument, invalidArgument, propertySelectors, switchArgument, type BuiltinCommand } from './types.ts';

/** A comparable key for -Unique (PowerShell compares the selected objects' values). */
function uniqueKey(value: unknown): string {
  if (isPlainObject(value)) return JSON.stringify(Object.entries(value).map(([key, item]) => [key, uniqueKey(item)]));
  if (Array.isArray(value)) return JSON.stringify(value.map(uniqueKey));
  return `${typeof value}:${toPSString(value)}`;
}

export const selectObjectCommand: BuiltinCommand = {
  name: 'Select-Object',
  aliases: ['select'],
  synopsis: 'Selects objects or object properties.',
  parameters: [
    { name: 'Property', type: 'Object[]', position: 0 },
    { name: 'ExcludeProperty', type: 'String[]' },
    { name: 'ExpandProperty', type: 'String' },
    { name: 'First', type: 'Int32' },
    { name: 'Last', type: 'Int32' },
    { name: 'Skip', type: 'Int32' },
    { name: 'Unique', type: 'SwitchParameter' },
    { name: 'InputObject', type: 'Object' },
  ],
  async run(parameters, input, context) {
    let items = input ?? (parameters.InputObject !== undefined ? [parameters.InputObject] : []);
    const skip = integerArgument(parameters, 'Skip');
    const first = integerArgument(parameters, 'First');
    const last = integerArgument(parameters, 'Last');
    if (skip !== undefined) items = items.slice(skip);
    if (first !== undefined || last !== undefined) {
      const head = first !== undefined ? items.slice(0, first) : [];
      const tail = last !== undefined && last > 0 ? items.slice(Math.max(head.length, items.length - last)) : [];
      items = [...head, ...tail];
    }

    const selectors = propertySelectors(parameters.Property);
    const excluded = parameters.ExcludeProperty === undefined ? [] : (Array.isArray(parameters.ExcludeProperty) ? parameters.ExcludeProperty : [parameters.ExcludeProperty]).map((name) => toPSString(name).toLowerCase());
    let output: unknown[] = [];
    if (selectors.length > 0) {
      for (const item of items) {
        const entries = await selectProperties(item, selectors, context);
        output.push(Object.fromEntries(entries.filter(([name]) => !excluded.includes(name.toLowerCase()))));
      }
    } else if (excluded.length > 0) {
      output = items.map((item) => (isPlainObject(item) ? Object.fromEntries(Object.entries(item).filter(([name]) => !excluded.includes(name.toLowerCase()))) : item));
    } else {
      output = items;
    }

    if (parameters.ExpandProperty !== undefined) {
      const name = toPSString(parameters.ExpandProperty);
      const expanded: unknown[] = [];
      for (const item of output) {
        if (isPlainObject(item) && !Object.keys(item).some((key) => key.toLowerCase() === name.toLowerCase())) {
          throw invalidArgument(`Property "${name}" cannot be found.`, 'ExpandPropertyNotFound');
        }
        const value = getMember(item, name);
        if (Array.isArray(value)) expanded.push(...value);
        else if (value !== null && value !== undefined) expanded.push(value);
      }
      output = expanded;
    }

    if (switchArgument(parameters, 'Unique')) {
      const seen = new Set<string>();
      output = output.filter((item) => {
        const key = uniqueKey(item);
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
    return output;
  },
};
