// The registry of commands implemented by the shell itself, looked up by name or alias (case-insensitively).
import { convertToJsonCommand } from './convert-to-json.ts';
import { forEachObjectCommand } from './foreach-object.ts';
import { formatListCommand, formatTableCommand, outStringCommand } from './format-commands.ts';
import { measureObjectCommand } from './measure-object.ts';
import { selectObjectCommand } from './select-object.ts';
import { sortObjectCommand } from './sort-object.ts';
import type { BuiltinCommand } from './types.ts';
import { whereObjectCommand } from './where-object.ts';
import { outNullCommand, writeHostCommand, writeOutputCommand } from './write-commands.ts';

export type { BuiltinCommand, BuiltinContext } from './types.ts';

export const builtinCommands: readonly BuiltinCommand[] = [
  convertToJsonCommand,
  forEachObjectCommand,
  formatListCommand,
  formatTableCommand,
  measureObjectCommand,
  outNullCommand,
  outStringCommand,
  selectObjectCommand,
  sortObjectCommand,
  whereObjectCommand,
  writeHostCommand,
  writeOutputCommand,
];

const byName = new Map<string, BuiltinCommand>();
for (const command of builtinCommands) {
  for (const name of [command.name, ...command.aliases]) byName.set(name.toLowerCase(), command);
}

export function findBuiltin(name: string): BuiltinCommand | undefined {
  return byName.get(name.toLowerCase());
}
