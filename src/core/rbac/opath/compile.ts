// Compiles a FilterNode into an allocation-free closure, resolving getters, constants and groups up front.

import type { Recipient } from '../../directory/recipient.ts';
import type { ComparisonNode, FilterNode, RecipientPredicate } from './ast.ts';
import { formatRecipientFilter } from './format.ts';
import { checkComparison, lookupProperty, unknownPropertyReason, wildcardShape, type PropertyDef } from './properties.ts';
import { invalidFilter } from './syntax-error.ts';
import { compareLower, equalsLower, hasSmtpPrefix, isIntegerText, startsWithLower } from './text-compare.ts';

/** Tests value.slice(from) (never allocating for from === 0). */
type TextMatcher = (value: string, from: number) => boolean;

/**
 * Compiles a filter to a predicate. `resolveGroup` maps a MemberOfGroup identity to the group's
 * guid (undefined when there is no such group, which throws DeputyError('InvalidFilter')).
 */
export function compileRecipientFilter(
  node: FilterNode,
  resolveGroup: (identity: string) => string | undefined,
): RecipientPredicate {
  return compileNode(node, resolveGroup);
}

function compileNode(node: FilterNode, resolveGroup: (identity: string) => string | undefined): RecipientPredicate {
  switch (node.type) {
    case 'comparison':
      return compileComparison(node, resolveGroup);
    case 'not': {
      const inner = compileNode(node.operand, resolveGroup);
      return (s) => !inner(s);
    }
    case 'and':
    case 'or': {
      if (node.operands.length === 0) throw invalidFilter(`an -${node.type} needs at least one operand`);
      const parts = node.operands.map((n) => compileNode(n, resolveGroup));
      return node.type === 'and' ? allOf(parts) : anyOf(parts);
    }
    default:
      throw invalidFilter(`unknown filter node ${JSON.stringify((node as { type?: unknown }).type)}`);
  }
}

function allOf(parts: RecipientPredicate[]): RecipientPredicate {
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) {
    const [a, b] = parts;
    return (s) => a(s) && b(s);
  }
  if (parts.length === 3) {
    const [a, b, c] = parts;
    return (s) => a(s) && b(s) && c(s);
  }
  const n = parts.length;
  return (s) => {
    for (let i = 0; i < n; i++) if (!parts[i](s)) return false;
    return true;
  };
}

function anyOf(parts: RecipientPredicate[]): RecipientPredicate {
  if (parts.length === 1) return parts[0];
  if (parts.length === 2) {
    const [a, b] = parts;
    return (s) => a(s) || b(s);
  }
  if (parts.length === 3) {
    const [a, b, c] = parts;
    return (s) => a(s) || b(s) || c(s);
  }
  const n = parts.length;
  return (s) => {
    for (let i = 0; i < n; i++) if (parts[i](s)) return true;
    return false;
  };
}

function compileComparison(node: ComparisonNode, resolveGroup: (identity: string) => string | undefined): RecipientPredicate {
  const def = lookupProperty(node.property);
  if (def === undefined) throw invalidFilter(unknownPropertyReason(node.property), { property: node.property });
  const { operator, value } = node;
  const problem = checkComparison(def, operator, value);
  if (problem !== undefined) throw invalidFilter(`${problem.reason} in ${formatRecipientFilter(node)}`);
  const negate = operator === 'ne' || operator === 'notlike';

  if (def.kind === 'group') {
    const identity = value.kind === 'string' ? value.value : '';
    const guid = resolveGroup(identity);
    if (guid === undefined) {
      throw invalidFilter(`the group '${identity}' used with ${def.name} couldn't be found`, { group: identity });
    }
    return negate ? (s) => !s.memberOf.has(guid) : (s) => s.memberOf.has(guid);
  }
  if (def.kind === 'boolean') {
    const get = def.get;
    const expected = value.kind === 'boolean' && value.value;
    return negate ? (s) => get(s.recipient) !== expected : (s) => get(s.recipient) === expected;
  }

  // Text and address properties. '' and $null both test for a blank value.
  const constant = value.kind === 'string' ? value.value : value.kind === 'integer' ? value.text : '';
  if (value.kind === 'null' || (constant === '' && (operator === 'eq' || operator === 'ne'))) {
    const blank = blankTest(def);
    return negate ? (s) => !blank(s.recipient) : (s) => blank(s.recipient);
  }
  const match = textMatcher(operator, constant);
  if (def.kind === 'text') {
    const get = def.get;
    return negate ? (s) => !match(get(s.recipient), 0) : (s) => match(get(s.recipient), 0);
  }
  const includePrimary = def.includePrimary;
  const any = (r: Recipient): boolean => {
    if (includePrimary && match(r.primarySmtpAddress, 0)) return true;
    const proxies = r.emailAddresses;
    for (let i = 0; i < proxies.length; i++) {
      const p = proxies[i];
      if (match(p, 0) || (hasSmtpPrefix(p) && match(p, 5))) return true;
    }
    return false;
  };
  return negate ? (s) => !any(s.recipient) : (s) => any(s.recipient);
}

function blankTest(def: Exclude<PropertyDef, { kind: 'group' | 'boolean' }>): (r: Recipient) => boolean {
  if (def.kind === 'text') {
    const get = def.get;
    return (r) => get(r).length === 0;
  }
  const includePrimary = def.includePrimary;
  return (r) => {
    if (includePrimary && r.primarySmtpAddress.length > 0) return false;
    const proxies = r.emailAddresses;
    for (let i = 0; i < proxies.length; i++) if (proxies[i].length > 0) return false;
    return true;
  };
}

/** The positive test of a comparison (-ne and -notlike are compiled as its negation); blank values never match. */
function textMatcher(operator: ComparisonNode['operator'], constant: string): TextMatcher {
  const lower = constant.toLowerCase();
  switch (operator) {
    case 'eq':
    case 'ne':
    case 'like':
    case 'notlike': {
      const shape = wildcardShape(constant);
      if (shape.kind === 'any') return (v, from) => v.length > from;
      if (shape.kind === 'prefix') {
        const prefix = shape.prefix.toLowerCase();
        return (v, from) => startsWithLower(v, from, prefix);
      }
      return (v, from) => equalsLower(v, from, lower);
    }
    case 'lt':
    case 'gt':
    case 'le':
    case 'ge': {
      const accept = orderTest(operator);
      if (isIntegerText(constant, 0)) {
        const n = Number(constant);
        return (v, from) => {
          if (v.length <= from) return false;
          if (isIntegerText(v, from)) {
            const x = Number(from === 0 ? v : v.slice(from));
            return accept(x < n ? -1 : x > n ? 1 : 0);
          }
          return accept(compareLower(v, from, lower));
        };
      }
      return (v, from) => v.length > from && accept(compareLower(v, from, lower));
    }
    default:
      throw invalidFilter(`unknown operator '-${String(operator)}'`);
  }
}

function orderTest(operator: 'lt' | 'gt' | 'le' | 'ge'): (sign: number) => boolean {
  switch (operator) {
    case 'lt':
      return (c) => c < 0;
    case 'gt':
      return (c) => c > 0;
    case 'le':
      return (c) => c <= 0;
    case 'ge':
      return (c) => c >= 0;
  }
}
