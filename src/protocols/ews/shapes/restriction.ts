// FindItem's Restriction and SortOrder, read into the store's item query language.
import { DeputyError } from '../../../core/errors.ts';
import type { ContainmentMode, ItemCondition, ItemField, ItemOrder } from '../../../core/mailbox/query.ts';
import { propertyTagNumber, queryableFields, readExtendedFieldUri } from './field-uris.ts';
import { childIn, parseBoolean, typesNs, type XmlIn } from './xml-node.ts';

const comparisons: Record<string, 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'> = {
  IsEqualTo: 'eq',
  IsNotEqualTo: 'ne',
  IsGreaterThan: 'gt',
  IsGreaterThanOrEqualTo: 'ge',
  IsLessThan: 'lt',
  IsLessThanOrEqualTo: 'le',
};

/** MAPI tags that map onto indexed fields (DavMail filters and sorts on them). */
const taggedFields: Record<number, ItemField> = { 0x0e23: 'articleNumber', 0x0e08: 'size', 0x0e06: 'receivedAt', 0x3008: 'modifiedAt' };

const booleanFields = new Set<ItemField>(['isRead', 'isDraft', 'hasAttachments']);
const numberFields = new Set<ItemField>(['size', 'articleNumber']);
const dateFields = new Set<ItemField>(['receivedAt', 'sentAt', 'createdAt', 'modifiedAt']);

function unsupported(what: string, code: string): DeputyError {
  return new DeputyError('InvalidArgument', `The property ${what} can't be used here.`, { ewsCode: code });
}

/** The indexed field a path element (FieldURI or ExtendedFieldURI) names. */
function fieldOf(path: XmlIn | undefined, code: string): ItemField {
  if (!path) throw new DeputyError('InvalidArgument', 'A property path is missing.', { ewsCode: 'ErrorInvalidRequest' });
  if (path.local === 'FieldURI') {
    const field = queryableFields[path.attrs.FieldURI];
    if (!field) throw unsupported(path.attrs.FieldURI ?? '(none)', code);
    return field;
  }
  if (path.local === 'ExtendedFieldURI') {
    const ref = readExtendedFieldUri(path);
    const field = ref.propertyTag !== undefined ? taggedFields[propertyTagNumber(ref.propertyTag)] : undefined;
    if (!field) throw unsupported(`ExtendedFieldURI ${ref.propertyTag ?? ref.propertyName ?? ref.propertyId}`, code);
    return field;
  }
  throw unsupported(path.local, code);
}

const isPath = (el: XmlIn) => el.ns === typesNs && (el.local === 'FieldURI' || el.local === 'ExtendedFieldURI' || el.local === 'IndexedFieldURI');

function constantValue(field: ItemField, raw: string): string | number | boolean {
  if (booleanFields.has(field)) {
    const b = parseBoolean(raw);
    if (b === undefined) throw new DeputyError('InvalidArgument', `'${raw}' is not a boolean.`, { ewsCode: 'ErrorInvalidValueForProperty' });
    return b;
  }
  if (numberFields.has(field)) {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new DeputyError('InvalidArgument', `'${raw}' is not a number.`, { ewsCode: 'ErrorInvalidValueForProperty' });
    return n;
  }
  if (field === 'importance') {
    // Checked here so a bad value is this request's ErrorInvalidValueForProperty, not a store error.
    const match = ['Low', 'Normal', 'High'].find((v) => v.toLowerCase() === raw.trim().toLowerCase());
    if (!match) throw new DeputyError('InvalidArgument', `'${raw}' is not an importance (Low, Normal, High).`, { ewsCode: 'ErrorInvalidValueForProperty' });
    return match;
  }
  if (dateFields.has(field)) {
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw new DeputyError('InvalidArgument', `'${raw}' is not a date.`, { ewsCode: 'ErrorInvalidValueForProperty' });
    return new Date(t).toISOString();
  }
  return raw;
}

const containmentModes: ContainmentMode[] = ['FullString', 'Prefixed', 'Substring', 'PrefixOnWords', 'ExactPhrase'];

export function readCondition(el: XmlIn, depth = 0): ItemCondition {
  if (depth > 64) throw new DeputyError('InvalidArgument', 'The restriction is nested too deeply.', { ewsCode: 'ErrorInvalidRestriction' });
  const elements = el.children.filter((c) => c.ns === typesNs);
  const op = comparisons[el.local];
  if (op) {
    const field = fieldOf(elements.find(isPath), 'ErrorUnsupportedPathForQuery');
    const constant = childIn(childIn(el, 'FieldURIOrConstant'), 'Constant');
    if (!constant) throw new DeputyError('InvalidArgument', `${el.local} needs a constant to compare with.`, { ewsCode: 'ErrorInvalidRestriction' });
    return { op, field, value: constantValue(field, constant.attrs.Value ?? '') };
  }
  switch (el.local) {
    case 'Contains': {
      const field = fieldOf(elements.find(isPath), 'ErrorUnsupportedPathForQuery');
      const mode = (el.attrs.ContainmentMode ?? 'Substring') as ContainmentMode;
      if (!containmentModes.includes(mode)) throw new DeputyError('InvalidArgument', `Unknown ContainmentMode '${mode}'.`, { ewsCode: 'ErrorInvalidRestriction' });
      const comparison = el.attrs.ContainmentComparison ?? 'Exact';
      return { op: 'contains', field, value: childIn(el, 'Constant')?.attrs.Value ?? '', mode, ignoreCase: comparison !== 'Exact' };
    }
    case 'Excludes':
      throw new DeputyError('InvalidArgument', 'Excludes (bitmask) restrictions are not supported.', { ewsCode: 'ErrorUnsupportedQueryFilter' });
    case 'Exists':
      return { op: 'exists', field: fieldOf(elements.find(isPath), 'ErrorUnsupportedPathForQuery') };
    case 'And':
    case 'Or': {
      const conditions = elements.map((c) => readCondition(c, depth + 1));
      if (conditions.length === 0) throw new DeputyError('InvalidArgument', `${el.local} needs at least one condition.`, { ewsCode: 'ErrorInvalidRestriction' });
      return { op: el.local === 'And' ? 'and' : 'or', conditions };
    }
    case 'Not': {
      if (elements.length !== 1) throw new DeputyError('InvalidArgument', 'Not needs exactly one condition.', { ewsCode: 'ErrorInvalidRestriction' });
      return { op: 'not', condition: readCondition(elements[0], depth + 1) };
    }
    default:
      throw new DeputyError('InvalidArgument', `Unknown restriction '${el.local}'.`, { ewsCode: 'ErrorInvalidRestriction' });
  }
}

/** The condition inside m:Restriction, or undefined when there is none. */
export function readRestriction(restriction: XmlIn | undefined): ItemCondition | undefined {
  const inner = restriction?.children.find((c) => c.ns === typesNs);
  return inner ? readCondition(inner) : undefined;
}

export function readSortOrder(sortOrder: XmlIn | undefined): ItemOrder[] {
  if (!sortOrder) return [];
  return sortOrder.children
    .filter((c) => c.ns === typesNs && c.local === 'FieldOrder')
    .map((fo) => ({
      field: fieldOf(fo.children.find(isPath), 'ErrorUnsupportedPathForSortGroup'),
      direction: fo.attrs.Order === 'Ascending' ? 'asc' : 'desc',
    }));
}
