// Translates ItemQuery restrictions and sort orders into Kysely expressions over the items table,
// identically for SQLite and PostgreSQL.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ComparisonOp, ContainmentMode, ItemCondition, ItemField, ItemOrder } from '../core/mailbox/query.ts';
import { DeputyError } from '../core/errors.ts';
import type { Database, ItemsTable } from './schema.ts';
import { flagStatusRanks, foldCase, importanceRanks, listDelimiter, normalizeTimestamp } from './mailbox-rows.ts';

type ItemsExpressions = ExpressionBuilder<Database, 'items'>;
type ItemColumn = keyof ItemsTable & string;

/**
 * How each queryable field is stored. Text fields compare case-insensitively (Exchange's default)
 * through a lower-cased `key` column; fields without one are ASCII by nature (item class, message
 * and conversation ids) and fold with SQL lower(), which folds exactly ASCII on both dialects.
 * Nullable fields never match a comparison when null (a missing MAPI property satisfies no
 * restriction), so NOT of a comparison does match them.
 */
type FieldSpec =
  | { kind: 'text'; column: ItemColumn; key: ItemColumn | null; nullable: boolean }
  | { kind: 'list'; column: ItemColumn; key: ItemColumn }
  | { kind: 'date'; column: ItemColumn; nullable: boolean }
  | { kind: 'number'; column: ItemColumn }
  | { kind: 'boolean'; column: ItemColumn }
  | { kind: 'enum'; column: ItemColumn; ranks: Readonly<Record<string, number>> };

const fields: Readonly<Record<ItemField, FieldSpec>> = {
  subject: { kind: 'text', column: 'subject', key: 'subject_key', nullable: false },
  preview: { kind: 'text', column: 'preview', key: 'preview_key', nullable: false },
  from: { kind: 'text', column: 'from_address', key: 'from_key', nullable: true },
  itemClass: { kind: 'text', column: 'item_class', key: null, nullable: false },
  internetMessageId: { kind: 'text', column: 'internet_message_id', key: null, nullable: true },
  conversationId: { kind: 'text', column: 'conversation_id', key: null, nullable: false },
  to: { kind: 'list', column: 'to_text', key: 'to_key' },
  cc: { kind: 'list', column: 'cc_text', key: 'cc_key' },
  categories: { kind: 'list', column: 'categories_text', key: 'categories_key' },
  receivedAt: { kind: 'date', column: 'received_at', nullable: false },
  sentAt: { kind: 'date', column: 'sent_at', nullable: true },
  createdAt: { kind: 'date', column: 'created_at', nullable: false },
  modifiedAt: { kind: 'date', column: 'modified_at', nullable: false },
  isRead: { kind: 'boolean', column: 'is_read' },
  isDraft: { kind: 'boolean', column: 'is_draft' },
  hasAttachments: { kind: 'boolean', column: 'has_attachments' },
  size: { kind: 'number', column: 'size' },
  articleNumber: { kind: 'number', column: 'article_number' },
  importance: { kind: 'enum', column: 'importance', ranks: importanceRanks },
  flagStatus: { kind: 'enum', column: 'flag_status', ranks: flagStatusRanks },
};

const sqlOperators: Readonly<Record<ComparisonOp, '=' | '<>' | '>' | '>=' | '<' | '<='>> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

const alwaysTrue = sql<SqlBool>`1 = 1`;
const alwaysFalse = sql<SqlBool>`1 = 0`;

function invalidFilter(message: string, details: Record<string, unknown>): DeputyError {
  return new DeputyError('InvalidArgument', message, details);
}

function specOf(field: ItemField): FieldSpec {
  const spec = Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (spec === undefined) throw invalidFilter(`'${String(field)}' is not a queryable item field.`, { field });
  return spec;
}

/** `!` escapes LIKE metacharacters: unlike a backslash it reads the same in every SQL string syntax. */
const likeEscape = (value: string): string => value.replace(/[!%_]/g, '!$&');

function like(target: Expression<unknown>, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${target} like ${pattern} escape '!'`;
}

/** SQL lower() folds ASCII only on both dialects (SQLite without ICU, PostgreSQL under "C"); fold values alike. */
const foldAscii = (value: string): string => value.replace(/[A-Z]+/g, (run) => run.toLowerCase());

/** The expression a case-insensitive comparison reads, and how to fold the value compared with it. */
function folded(eb: ItemsExpressions, spec: { column: ItemColumn; key: ItemColumn | null }) {
  return spec.key !== null
    ? { target: eb.ref(spec.key) as Expression<unknown>, fold: foldCase }
    : { target: eb.fn('lower', [eb.ref(spec.column)]) as Expression<unknown>, fold: foldAscii };
}

function guardNull(eb: ItemsExpressions, column: ItemColumn, nullable: boolean, predicate: Expression<SqlBool>) {
  // FALSE AND NULL is FALSE, so the leaf is never NULL and NOT(leaf) is well defined.
  return nullable ? eb.and([eb(eb.ref(column), 'is not', null), predicate]) : predicate;
}

function requireString(field: ItemField, value: unknown): string {
  if (typeof value !== 'string') throw invalidFilter(`${field} is compared with text, not ${typeof value}.`, { field, value });
  return value;
}

function comparison(eb: ItemsExpressions, field: ItemField, op: ComparisonOp, value: unknown): Expression<SqlBool> {
  const spec = specOf(field);
  const operator = sqlOperators[op];
  if (operator === undefined) throw invalidFilter(`'${String(op)}' is not a comparison.`, { field, op });
  switch (spec.kind) {
    case 'text': {
      const { target, fold } = folded(eb, spec);
      return guardNull(eb, spec.column, spec.nullable, eb(target, operator, fold(requireString(field, value))));
    }
    case 'list': {
      if (op !== 'eq' && op !== 'ne') {
        throw invalidFilter(`${field} holds several values; only eq and ne compare it.`, { field, op });
      }
      const text = foldCase(requireString(field, value));
      const anyEquals = text.includes(listDelimiter)
        ? alwaysFalse
        : like(eb.ref(spec.key), `%${listDelimiter}${likeEscape(text)}${listDelimiter}%`);
      // ne: the field has values and none of them equals `value`.
      return op === 'eq' ? anyEquals : eb.and([eb(eb.ref(spec.key), '<>', ''), eb.not(anyEquals)]);
    }
    case 'date': {
      const timestamp = normalizeTimestamp(requireString(field, value), field);
      return guardNull(eb, spec.column, spec.nullable, eb(eb.ref(spec.column), operator, timestamp));
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw invalidFilter(`${field} is compared with a number, not ${String(value)}.`, { field, value });
      }
      return eb(eb.ref(spec.column), operator, value);
    case 'boolean':
      if (typeof value !== 'boolean') {
        throw invalidFilter(`${field} is compared with true or false, not ${String(value)}.`, { field, value });
      }
      return eb(eb.ref(spec.column), operator, value ? 1 : 0);
    case 'enum': {
      const name = requireString(field, value);
      const match = Object.entries(spec.ranks).find(([candidate]) => foldCase(candidate) === foldCase(name));
      if (match === undefined) {
        throw invalidFilter(`'${name}' is not a valid ${field} (${Object.keys(spec.ranks).join(', ')}).`, { field, value });
      }
      return eb(eb.ref(spec.column), operator, match[1]);
    }
  }
}

/** Containment on one string, as the JavaScript equivalent of the SQL (for enum fields). */
function containsText(text: string, value: string, mode: ContainmentMode): boolean {
  switch (mode) {
    case 'FullString':
      return text === value;
    case 'Prefixed':
      return text.startsWith(value);
    case 'Substring':
    case 'ExactPhrase':
      return text.includes(value);
    case 'PrefixOnWords':
      return text.startsWith(value) || text.includes(` ${value}`);
  }
}

const containmentModes: ReadonlySet<string> = new Set<ContainmentMode>([
  'FullString',
  'Prefixed',
  'Substring',
  'ExactPhrase',
  'PrefixOnWords',
]);

function containment(
  eb: ItemsExpressions,
  field: ItemField,
  rawValue: unknown,
  mode: ContainmentMode,
  ignoreCase: boolean,
): Expression<SqlBool> {
  const spec = specOf(field);
  const value = requireString(field, rawValue);
  if (!containmentModes.has(mode)) throw invalidFilter(`'${String(mode)}' is not a containment mode.`, { field, mode });
  switch (spec.kind) {
    case 'text': {
      const { target, fold } = ignoreCase ? folded(eb, spec) : { target: eb.ref(spec.column), fold: (v: string) => v };
      const text = fold(value);
      const escaped = likeEscape(text);
      let predicate: Expression<SqlBool>;
      switch (mode) {
        case 'FullString':
          predicate = eb(target, '=', text);
          break;
        case 'Prefixed':
          predicate = like(target, `${escaped}%`);
          break;
        case 'Substring':
        case 'ExactPhrase':
          predicate = like(target, `%${escaped}%`);
          break;
        case 'PrefixOnWords':
          predicate = eb.or([like(target, `${escaped}%`), like(target, `% ${escaped}%`)]);
          break;
      }
      return guardNull(eb, spec.column, spec.nullable, predicate);
    }
    case 'list': {
      const column = ignoreCase ? spec.key : spec.column;
      const text = ignoreCase ? foldCase(value) : value;
      if (text.includes(listDelimiter)) return alwaysFalse;
      const escaped = likeEscape(text);
      const d = listDelimiter;
      const target = eb.ref(column);
      let predicate: Expression<SqlBool>;
      switch (mode) {
        case 'FullString':
          predicate = like(target, `%${d}${escaped}${d}%`);
          break;
        case 'Prefixed':
          predicate = like(target, `%${d}${escaped}%`);
          break;
        case 'Substring':
        case 'ExactPhrase':
          predicate = like(target, `%${escaped}%`);
          break;
        case 'PrefixOnWords':
          predicate = eb.or([like(target, `%${d}${escaped}%`), like(target, `% ${escaped}%`)]);
          break;
      }
      // An empty list has no element to contain anything, not even the empty string.
      return eb.and([eb(target, '<>', ''), predicate]);
    }
    case 'enum': {
      const fold = ignoreCase ? foldCase : (v: string) => v;
      const ranks = Object.entries(spec.ranks)
        .filter(([name]) => containsText(fold(name), fold(value), mode))
        .map(([, rank]) => rank);
      return ranks.length === 0 ? alwaysFalse : eb(eb.ref(spec.column), 'in', ranks);
    }
    default:
      throw invalidFilter(`${field} is not text; containment does not apply to it.`, { field });
  }
}

function existence(eb: ItemsExpressions, field: ItemField): Expression<SqlBool> {
  const spec = specOf(field);
  switch (spec.kind) {
    case 'text':
      // An empty string counts as absent, as an empty list does.
      return spec.nullable
        ? eb.and([eb(eb.ref(spec.column), 'is not', null), eb(eb.ref(spec.column), '<>', '')])
        : eb(eb.ref(spec.column), '<>', '');
    case 'list':
      return eb(eb.ref(spec.key), '<>', '');
    case 'date':
      return spec.nullable ? eb(eb.ref(spec.column), 'is not', null) : alwaysTrue;
    default:
      return alwaysTrue;
  }
}

/** The SQL predicate for `condition`; throws DeputyError('InvalidArgument') for malformed conditions. */
export function itemCondition(eb: ItemsExpressions, condition: ItemCondition): Expression<SqlBool> {
  switch (condition.op) {
    case 'and':
      return condition.conditions.length === 0
        ? alwaysTrue
        : eb.and(condition.conditions.map((c) => itemCondition(eb, c)));
    case 'or':
      return condition.conditions.length === 0
        ? alwaysFalse
        : eb.or(condition.conditions.map((c) => itemCondition(eb, c)));
    case 'not':
      return eb.not(itemCondition(eb, condition.condition));
    case 'exists':
      return existence(eb, condition.field);
    case 'contains':
      return containment(eb, condition.field, condition.value, condition.mode, condition.ignoreCase);
    default:
      return comparison(eb, condition.field, condition.op, condition.value);
  }
}

export interface ItemSortKey {
  expression: Expression<unknown>;
  direction: 'asc' | 'desc';
  /** Nulls sort as the smallest value on both dialects (PostgreSQL's default is the opposite). */
  nullable: boolean;
}

/** Sort keys for `order`: text case-insensitively, enums by meaning, lists by their lower-cased elements. */
export function itemSortKeys(eb: ItemsExpressions, order: ItemOrder[]): ItemSortKey[] {
  return order.map(({ field, direction }) => {
    if (direction !== 'asc' && direction !== 'desc') {
      throw invalidFilter(`'${String(direction)}' is not a sort direction.`, { field, direction });
    }
    const spec = specOf(field);
    switch (spec.kind) {
      case 'text':
        return { expression: folded(eb, spec).target, direction, nullable: spec.nullable };
      case 'list':
        return { expression: eb.ref(spec.key), direction, nullable: false };
      case 'date':
        return { expression: eb.ref(spec.column), direction, nullable: spec.nullable };
      default:
        return { expression: eb.ref(spec.column), direction, nullable: false };
    }
  });
}
