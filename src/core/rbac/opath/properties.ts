// The recipient properties a filter may name, how each is read, and what it may be compared with.

import { recipientAttributeNames, recipientTypeOf, type Recipient } from '../../directory/recipient.ts';
import type { ComparisonOperator, FilterValue } from './ast.ts';
import { shorten } from './syntax-error.ts';

/** How a property is read and what it may be compared with. */
export type PropertyDef =
  /** A single text value; blank when missing. */
  | { readonly name: string; readonly kind: 'text'; readonly get: (r: Recipient) => string }
  /** Proxy addresses (compared with and without their "smtp:" prefix), plus the primary address if includePrimary. */
  | { readonly name: string; readonly kind: 'addresses'; readonly includePrimary: boolean }
  | { readonly name: string; readonly kind: 'boolean'; readonly get: (r: Recipient) => boolean }
  /** MemberOfGroup: the value is a group identity resolved when the filter is compiled. */
  | { readonly name: string; readonly kind: 'group' };

const text = (name: string, get: (r: Recipient) => string): PropertyDef => ({ name, kind: 'text', get });

const attribute = (name: string, key: string = name): PropertyDef =>
  text(name, (r) => r.attributes[key] ?? '');

const definitions: readonly PropertyDef[] = [
  text('Name', (r) => r.name),
  text('Alias', (r) => r.alias),
  text('DisplayName', (r) => r.displayName),
  text('DistinguishedName', (r) => r.distinguishedName),
  text('Guid', (r) => r.guid),
  text('ExternalDirectoryObjectId', (r) => r.guid),
  text('UserPrincipalName', (r) => r.userPrincipalName),
  { name: 'PrimarySmtpAddress', kind: 'addresses', includePrimary: true },
  { name: 'EmailAddresses', kind: 'addresses', includePrimary: false },
  text('WindowsEmailAddress', (r) => r.primarySmtpAddress),
  text('RecipientType', (r) => recipientTypeOf[r.typeDetails] ?? ''),
  text('RecipientTypeDetails', (r) => r.typeDetails),
  { name: 'MemberOfGroup', kind: 'group' },
  { name: 'HiddenFromAddressListsEnabled', kind: 'boolean', get: (r) => r.hiddenFromAddressLists },
  ...recipientAttributeNames.map((n) => attribute(n)),
  attribute('C', 'CountryOrRegion'),
];

const byLowerName = new Map<string, PropertyDef>(definitions.map((d) => [d.name.toLowerCase(), d]));

/** The property names a filter accepts, canonical casing. */
export const recipientFilterProperties: readonly string[] = Object.freeze(definitions.map((d) => d.name));

/** Finds a property by name, ignoring case. */
export function lookupProperty(name: string): PropertyDef | undefined {
  return byLowerName.get(name.toLowerCase());
}

/** The reason text for a name that is not a known property, with a suggestion when one is close. */
export function unknownPropertyReason(name: string): string {
  const shown = shorten(name);
  if (/^customattribute\d+$/i.test(name)) {
    return `unknown property '${shown}' (custom attributes are CustomAttribute1 to CustomAttribute15)`;
  }
  const suggestion = closestProperty(name);
  return suggestion === undefined
    ? `unknown property '${shown}'`
    : `unknown property '${shown}' (did you mean '${suggestion}'?)`;
}

function closestProperty(name: string): string | undefined {
  if (name.length < 3 || name.length > 64) return undefined;
  const limit = name.length <= 5 ? 1 : name.length < 12 ? 2 : 3;
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of recipientFilterProperties) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Edit distance counting insertions, deletions, substitutions and adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        row.push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/** Where the '*' wildcards of a -like (or -eq) value are. */
export type WildcardShape =
  | { readonly kind: 'none' }
  /** The value '*' alone: any non-blank value. */
  | { readonly kind: 'any' }
  /** 'text*': values starting with `prefix`. */
  | { readonly kind: 'prefix'; readonly prefix: string }
  /** A leading or inner '*' at `index` of the value: not supported. */
  | { readonly kind: 'invalid'; readonly index: number };

export function wildcardShape(value: string): WildcardShape {
  const first = value.indexOf('*');
  if (first < 0) return { kind: 'none' };
  if (value === '*') return { kind: 'any' };
  if (first === value.length - 1) return { kind: 'prefix', prefix: value.slice(0, -1) };
  return { kind: 'invalid', index: first };
}

/** Why a comparison is not allowed, and which part of it to point at. */
export interface ComparisonProblem {
  readonly reason: string;
  readonly at: 'operator' | 'value';
  /** For a misplaced wildcard: its index in the (unescaped) string value. */
  readonly wildcardIndex?: number;
}

export const WILDCARD_REASON =
  "only suffix wildcards are supported, as in 'Sales*'; a leading or inner '*' cannot be used";

/** Checks the operator and value against the property's rules; undefined when the comparison is valid. */
export function checkComparison(def: PropertyDef, op: ComparisonOperator, value: FilterValue): ComparisonProblem | undefined {
  const equality = op === 'eq' || op === 'ne';
  switch (def.kind) {
    case 'group':
      if (!equality) return { reason: `${def.name} supports only -eq and -ne, not -${op}`, at: 'operator' };
      if (value.kind !== 'string' || value.value.length === 0) {
        return { reason: `${def.name} needs a quoted group identity, such as the group's distinguished name`, at: 'value' };
      }
      if (value.value.includes('*')) {
        return { reason: `${def.name} does not accept wildcards; give the group's distinguished name or another identity`, at: 'value' };
      }
      return undefined;
    case 'boolean':
      if (!equality) return { reason: `${def.name} supports only -eq and -ne, not -${op}`, at: 'operator' };
      if (value.kind !== 'boolean') return { reason: `${def.name} must be compared with $true or $false`, at: 'value' };
      return undefined;
    case 'text':
    case 'addresses':
      break;
  }
  if (value.kind === 'boolean') {
    return { reason: `${value.value ? '$true' : '$false'} can only be compared with HiddenFromAddressListsEnabled; ${def.name} is a text property`, at: 'value' };
  }
  if (value.kind === 'null') {
    return equality ? undefined : { reason: `$null can only be used with -eq or -ne (to test for a blank value), not with -${op}`, at: 'value' };
  }
  const like = op === 'like' || op === 'notlike';
  if (!like && !equality) return undefined;
  const shape: WildcardShape = value.kind === 'string' ? wildcardShape(value.value) : { kind: 'none' };
  if (shape.kind === 'invalid') return { reason: WILDCARD_REASON, at: 'value', wildcardIndex: shape.index };
  if (like && shape.kind === 'none') {
    return { reason: `-${op} needs a quoted value ending in '*', such as 'Sales*'; use -${op === 'like' ? 'eq' : 'ne'} to compare a whole value`, at: 'value' };
  }
  return undefined;
}
