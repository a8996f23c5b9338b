// Evaluates property selectors (names, wildcards, calculated properties) against an object, for Select-Object and the formatters.
import { expandPropertyNames } from '../format.ts';
import { collapse, getMember, getProperty, isPlainObject, ScriptBlock } from '../values.ts';
import type { BuiltinContext, PropertySelector } from './types.ts';

export async function selectProperties(item: unknown, selectors: readonly PropertySelector[], context: BuiltinContext): Promise<[string, unknown][]> {
  const entries: [string, unknown][] = [];
  for (const selector of selectors) {
    if (selector.kind === 'name') {
      const names = isPlainObject(item) ? expandPropertyNames(item, [selector.pattern]) : [selector.pattern];
      for (const name of names) {
        if (!entries.some(([existing]) => existing.toLowerCase() === name.toLowerCase())) {
          entries.push([name, isPlainObject(item) ? (getProperty(item, name) ?? null) : getMember(item, name)]);
        }
      }
    } else if (selector.kind === 'script') {
      entries.push([selector.label, collapse(await context.invokeScriptBlock(selector.block, item))]);
    } else {
      const value = selector.expression instanceof ScriptBlock
        ? collapse(await context.invokeScriptBlock(selector.expression, item))
        : getMember(item, selector.expression);
      entries.push([selector.label, value]);
    }
  }
  return entries;
}
