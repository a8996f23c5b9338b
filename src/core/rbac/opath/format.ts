// Writes a FilterNode back as canonical, fully parenthesised OPATH text.

import type { FilterNode, FilterValue } from './ast.ts';
import { lookupProperty } from './properties.ts';

/** The canonical, fully parenthesised text of a filter, e.g. "((Department -eq 'Sales') -and (Title -like 'VP*'))". */
export function formatRecipientFilter(node: FilterNode): string {
  switch (node.type) {
    case 'comparison': {
      const name = lookupProperty(node.property)?.name ?? node.property;
      return `(${name} -${node.operator} ${formatValue(node.value)})`;
    }
    case 'not':
      return `(-not ${formatRecipientFilter(node.operand)})`;
    case 'and':
    case 'or':
      return `(${node.operands.map(formatRecipientFilter).join(` -${node.type} `)})`;
  }
}

/** A value as a filter literal; in a single-quoted string every kind of single quote is doubled. */
export function formatValue(value: FilterValue): string {
  switch (value.kind) {
    case 'string':
      return `'${value.value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
    case 'integer':
      return value.text;
    case 'boolean':
      return value.value ? '$true' : '$false';
    case 'null':
      return '$null';
  }
}
