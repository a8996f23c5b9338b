// PowerShell-like text formatting of output: tables, lists, cell values, and the default view renderOutput picks.
import { getDisplayColumns } from '../cmdlets/host.ts';
import { hasWildcard, wildcardToRegExp } from './operators.ts';
import { formatNumber, getProperty, isPlainObject, ScriptBlock, type PlainObject } from './values.ts';

/** The console width PowerShell's table view fits into. */
export const tableWidth = 120;
/** `$FormatEnumerationLimit`: how many items of a collection a cell shows before `...`. */
const enumerationLimit = 4;

/** A cell or list value: `{a, b, c}` for arrays, True/False, empty for $null. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    const shown = value.slice(0, enumerationLimit).map(formatCell);
    return `{${shown.join(', ')}${value.length > enumerationLimit ? '...' : ''}}`;
  }
  return formatScalar(value);
}

function formatScalar(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof ScriptBlock) return value.toString();
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([key, item]) => `${key}=${Array.isArray(item) ? item.map(formatScalar).join(' ') : formatScalar(item)}`);
    return `@{${entries.join('; ')}}`;
  }
  return String(value);
}

/** Property names in declaration order (symbols such as the display-columns marker are skipped). */
export function propertyNames(value: PlainObject): string[] {
  return Object.keys(value);
}

/**
 * Expands a property list against an object: names match case-insensitively, wildcards
 * (`*`, `*Name`) expand to matching properties in the object's order, a name the object
 * lacks is kept (it shows as empty, as in PowerShell).
 */
export function expandPropertyNames(value: PlainObject, patterns: readonly string[]): string[] {
  const available = propertyNames(value);
  const result: string[] = [];
  const add = (name: string) => {
    if (!result.some((existing) => existing.toLowerCase() === name.toLowerCase())) result.push(name);
  };
  for (const pattern of patterns) {
    if (hasWildcard(pattern)) {
      const regex = wildcardToRegExp(pattern);
      available.filter((name) => regex.test(name)).forEach(add);
    } else {
      add(available.find((name) => name.toLowerCase() === pattern.toLowerCase()) ?? pattern);
    }
  }
  return result;
}

/** The columns a table shows by default: the object's display columns, else all its properties. */
export function defaultTableColumns(value: PlainObject): string[] {
  return [...(getDisplayColumns(value) ?? propertyNames(value))];
}

export interface TableOptions {
  hideHeaders?: boolean;
  /** Wrap long values onto more lines instead of truncating them. */
  wrap?: boolean;
}

function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  if (width <= 3) return text.slice(0, width);
  return `${text.slice(0, width - 3)}...`;
}

function fitWidths(widths: number[], minimums: number[]): number[] {
  const fitted = [...widths];
  const total = () => fitted.reduce((sum, width) => sum + width, 0) + fitted.length - 1;
  while (total() > tableWidth) {
    let widest = 0;
    fitted.forEach((width, index) => {
      if (width - minimums[index] > fitted[widest] - minimums[widest]) widest = index;
    });
    if (fitted[widest] <= minimums[widest]) break;
    fitted[widest]--;
  }
  return fitted;
}

/**
 * A table of rows (already formatted cell text): header, a dashed line as long as each
 * header, one row per object; numeric columns are right-aligned, the last column is not padded.
 */
export function formatTableRows(columns: readonly string[], rows: readonly (readonly string[])[], rightAligned: readonly boolean[], options: TableOptions = {}): string[] {
  const natural = columns.map((column, index) => Math.max(options.hideHeaders ? 1 : column.length, ...rows.map((row) => row[index].length)));
  const minimums = columns.map((column) => Math.min(Math.max(options.hideHeaders ? 1 : column.length, 4), 10));
  const widths = fitWidths(natural, minimums);
  const renderLine = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const text = truncate(cell, widths[index]);
        return rightAligned[index] ? text.padStart(widths[index]) : text.padEnd(widths[index]);
      })
      .join(' ')
      .trimEnd();
  const lines: string[] = [];
  if (!options.hideHeaders) {
    lines.push(renderLine(columns));
    lines.push(renderLine(columns.map((column, index) => '-'.repeat(Math.min(column.length, widths[index])))));
  }
  for (const row of rows) {
    if (!options.wrap) {
      lines.push(renderLine(row));
      continue;
    }
    // With -Wrap a long cell continues on the following lines of the same row.
    const pieces = row.map((cell, index) => chunk(cell, widths[index]));
    const height = Math.max(...pieces.map((piece) => piece.length));
    for (let line = 0; line < height; line++) lines.push(renderLine(pieces.map((piece) => piece[line] ?? '')));
  }
  return lines;
}

function chunk(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += width) pieces.push(text.slice(i, i + width));
  return pieces;
}

/** A table of objects with the given columns. */
export function formatTable(objects: readonly PlainObject[], columns: readonly string[], options: TableOptions = {}): string[] {
  const rawRows = objects.map((object) => columns.map((column) => getProperty(object, column)));
  const rows = rawRows.map((row) => row.map((value) => formatCell(value).replace(/\r?\n/g, ' ')));
  const rightAligned = columns.map((_, index) => rawRows.some((row) => row[index] !== null && row[index] !== undefined) && rawRows.every((row) => typeof row[index] === 'number' || row[index] === null || row[index] === undefined));
  return formatTableRows(columns, rows, rightAligned, options);
}

/** One `Name : value` block per object, names padded to the longest, objects separated by a blank line. */
export function formatList(entries: readonly (readonly [string, unknown])[][]): string[] {
  const lines: string[] = [];
  entries.forEach((properties, index) => {
    if (index > 0) lines.push('');
    const width = Math.max(0, ...properties.map(([name]) => name.length));
    for (const [name, value] of properties) {
      const text = formatCell(value);
      // Continuation lines of a multi-line value line up under the value.
      const indented = text.split(/\r?\n/).join(`\n${' '.repeat(width + 3)}`);
      lines.push(`${name.padEnd(width)} : ${indented}`.trimEnd());
    }
  });
  return lines;
}

export function listEntries(object: PlainObject, properties?: readonly string[]): [string, unknown][] {
  const names = properties ? expandPropertyNames(object, properties) : propertyNames(object);
  return names.map((name) => [name, getProperty(object, name) ?? null]);
}

/** Which default view an object gets: its display columns or ≤ 4 properties → table, else list. */
function defaultView(value: PlainObject): { kind: 'table'; columns: string[] } | { kind: 'list' } {
  const columns = getDisplayColumns(value);
  if (columns) return { kind: 'table', columns: [...columns] };
  const names = propertyNames(value);
  if (names.length <= 4) return { kind: 'table', columns: names };
  return { kind: 'list' };
}

/**
 * Formats output the way PowerShell's Out-Default does: scalars one per line, runs of
 * objects with the same view as one table (or list), blank lines around object blocks.
 */
export function renderOutput(values: unknown[]): string {
  const lines: string[] = [];
  let pendingBlank = false;
  const startBlock = () => {
    if (lines.length > 0) lines.push('');
  };
  const flat = values.flatMap((value) => (Array.isArray(value) ? value : [value]));
  let index = 0;
  while (index < flat.length) {
    const value = flat[index];
    if (value === null || value === undefined) {
      index++;
      continue;
    }
    if (!isPlainObject(value)) {
      if (pendingBlank) lines.push('');
      pendingBlank = false;
      lines.push(...formatCell(value).split(/\r?\n/));
      index++;
      continue;
    }
    const view = defaultView(value);
    const group: PlainObject[] = [value];
    index++;
    while (index < flat.length && isPlainObject(flat[index])) {
      const next = defaultView(flat[index] as PlainObject);
      const same = next.kind === view.kind && (next.kind === 'list' || (view.kind === 'table' && next.kind === 'table' && sameColumns(next.columns, view.columns)));
      if (!same) break;
      group.push(flat[index] as PlainObject);
      index++;
    }
    startBlock();
    if (view.kind === 'table') lines.push(...formatTable(group, view.columns));
    else lines.push(...formatList(group.map((object) => listEntries(object))));
    pendingBlank = true;
  }
  return lines.join('\n');
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((column, index) => column.toLowerCase() === b[index].toLowerCase());
}
