// Format-List, Format-Table and Out-String: turn pipeline objects into text that goes to the output stream.
import { defaultTableColumns, formatCell, formatList, formatTableRows, listEntries, renderOutput } from '../format.ts';
import { isPlainObject } from '../values.ts';
import { selectProperties } from './properties.ts';
import { propertySelectors, switchArgument, type BuiltinCommand, type BuiltinContext, type PropertySelector } from './types.ts';

/** Splits input into runs of objects and single non-object values, keeping their order. */
function segments(input: readonly unknown[]): ({ objects: Record<string, unknown>[] } | { scalar: unknown })[] {
  const result: ({ objects: Record<string, unknown>[] } | { scalar: unknown })[] = [];
  for (const item of input) {
    if (item === null || item === undefined) continue;
    if (isPlainObject(item)) {
      const last = result[result.length - 1];
      if (last && 'objects' in last) last.objects.push(item);
      else result.push({ objects: [item] });
    } else {
      result.push({ scalar: item });
    }
  }
  return result;
}

async function tableLines(objects: Record<string, unknown>[], selectors: PropertySelector[], context: BuiltinContext, parameters: Record<string, unknown>): Promise<string[]> {
  const rowsAsEntries = selectors.length > 0
    ? await Promise.all(objects.map((object) => selectProperties(object, selectors, context)))
    : objects.map((object) => {
      const columns = defaultTableColumns(objects[0]);
      return listEntries(object, columns);
    });
  const columns = rowsAsEntries[0].map(([name]) => name);
  const rawRows = rowsAsEntries.map((entries) => columns.map((column) => entries.find(([name]) => name.toLowerCase() === column.toLowerCase())?.[1] ?? null));
  const rows = rawRows.map((row) => row.map((value) => formatCell(value).replace(/\r?\n/g, ' ')));
  const rightAligned = columns.map((_, index) => rawRows.some((row) => row[index] !== null) && rawRows.every((row) => typeof row[index] === 'number' || row[index] === null));
  return formatTableRows(columns, rows, rightAligned, { hideHeaders: switchArgument(parameters, 'HideTableHeaders'), wrap: switchArgument(parameters, 'Wrap') });
}

export const formatTableCommand: BuiltinCommand = {
  name: 'Format-Table',
  aliases: ['ft'],
  synopsis: 'Formats the output as a table.',
  parameters: [
    { name: 'Property', type: 'Object[]', position: 0 },
    { name: 'AutoSize', type: 'SwitchParameter' },
    { name: 'HideTableHeaders', type: 'SwitchParameter' },
    { name: 'Wrap', type: 'SwitchParameter' },
  ],
  async run(parameters, input, context) {
    const selectors = propertySelectors(parameters.Property);
    const lines: string[] = [];
    for (const segment of segments(input ?? [])) {
      if ('scalar' in segment) {
        lines.push(formatCell(segment.scalar));
        continue;
      }
      if (lines.length > 0) lines.push('');
      lines.push(...(await tableLines(segment.objects, selectors, context, parameters)));
    }
    return lines.length > 0 ? [lines.join('\n')] : [];
  },
};

export const formatListCommand: BuiltinCommand = {
  name: 'Format-List',
  aliases: ['fl'],
  synopsis: 'Formats the output as a list of properties, each on its own line.',
  parameters: [{ name: 'Property', type: 'Object[]', position: 0 }],
  async run(parameters, input, context) {
    const selectors = propertySelectors(parameters.Property);
    const lines: string[] = [];
    for (const segment of segments(input ?? [])) {
      if (lines.length > 0) lines.push('');
      if ('scalar' in segment) {
        lines.push(formatCell(segment.scalar));
        continue;
      }
      const entries = selectors.length > 0
        ? await Promise.all(segment.objects.map((object) => selectProperties(object, selectors, context)))
        : segment.objects.map((object) => listEntries(object));
      lines.push(...formatList(entries));
    }
    return lines.length > 0 ? [lines.join('\n')] : [];
  },
};

export const outStringCommand: BuiltinCommand = {
  name: 'Out-String',
  aliases: [],
  synopsis: 'Converts objects into a string, formatted as the console would show them.',
  parameters: [
    { name: 'Stream', type: 'SwitchParameter' },
    { name: 'Width', type: 'Int32' },
    { name: 'InputObject', type: 'Object', position: 0 },
  ],
  async run(parameters, input) {
    const values = input ?? (parameters.InputObject !== undefined ? [parameters.InputObject] : []);
    const text = renderOutput(values);
    if (switchArgument(parameters, 'Stream')) return text === '' ? [] : text.split('\n');
    return [text];
  },
};
