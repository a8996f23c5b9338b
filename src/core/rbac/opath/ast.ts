// The OPATH recipient-filter syntax tree and the predicate types it compiles to.

import type { Recipient } from '../../directory/recipient.ts';

/** Comparison operators, without the leading dash. */
export type ComparisonOperator = 'eq' | 'ne' | 'lt' | 'gt' | 'le' | 'ge' | 'like' | 'notlike';

/** A literal on the right-hand side of a comparison. */
export type FilterValue =
  /** 'text' or "text", already unescaped. */
  | { readonly kind: 'string'; readonly value: string }
  /** A bare integer, kept as written (e.g. "012332", "-5"). */
  | { readonly kind: 'integer'; readonly text: string }
  /** $true / $false. */
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** $null. */
  | { readonly kind: 'null' };

export interface ComparisonNode {
  readonly type: 'comparison';
  /** A name from recipientFilterProperties, canonical casing. */
  readonly property: string;
  readonly operator: ComparisonOperator;
  readonly value: FilterValue;
}

export interface LogicalNode {
  readonly type: 'and' | 'or';
  /** Two or more operands, evaluated left to right. */
  readonly operands: readonly FilterNode[];
}

export interface NotNode {
  readonly type: 'not';
  readonly operand: FilterNode;
}

/** A parsed filter. Grouping parentheses leave no node: the tree is the grouping. */
export type FilterNode = ComparisonNode | LogicalNode | NotNode;

/** What a filter is evaluated against. */
export interface FilterSubject {
  recipient: Recipient;
  /** Guids of the groups the recipient is a direct member of. */
  memberOf: ReadonlySet<string>;
}

export type RecipientPredicate = (subject: FilterSubject) => boolean;

/** Longest filter text accepted, in UTF-16 code units. */
export const MAX_FILTER_LENGTH = 4096;

/** Deepest nesting accepted, both of parentheses and of -and/-or/-not nodes (a comparison counts 1). */
export const MAX_FILTER_DEPTH = 64;
