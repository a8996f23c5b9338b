// A necessary condition of a scope filter that can be looked up instead of evaluated: an
// attribute equal to a constant, or membership of a group. The authorizer buckets a principal's
// grants by it, so a decision evaluates only the few scopes that could match the target.
import { recipientAttributeNames } from '../directory/recipient.ts';
import { parseRecipientFilter, type FilterNode } from './opath/index.ts';

export type ScopeKey = { kind: 'attribute'; property: string; value: string } | { kind: 'group'; guid: string };

const attributeProperties = new Set<string>(recipientAttributeNames);

function keyOf(node: FilterNode): ScopeKey | undefined {
  if (node.type === 'and') {
    for (const operand of node.operands) {
      const key = keyOf(operand);
      if (key) return key;
    }
    return undefined;
  }
  if (node.type !== 'comparison' || node.operator !== 'eq' || node.value.kind !== 'string') return undefined;
  const value = node.value.value;
  if (node.property === 'MemberOfGroup') return { kind: 'group', guid: value.toLowerCase() };
  // Blank and wildcard comparisons are not plain equality.
  if (!attributeProperties.has(node.property) || value === '' || value.includes('*')) return undefined;
  return { kind: 'attribute', property: node.property, value: value.toLowerCase() };
}

/** The lookup key of a stored (canonical) filter, or undefined when it must be evaluated. */
export function scopeKey(storedFilter: string): ScopeKey | undefined {
  return keyOf(parseRecipientFilter(storedFilter));
}
