// The OPATH recipient-filter module: parse, format and compile Exchange-style recipient filters.

export type {
  ComparisonNode,
  ComparisonOperator,
  FilterNode,
  FilterSubject,
  FilterValue,
  LogicalNode,
  NotNode,
  RecipientPredicate,
} from './ast.ts';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from './ast.ts';
export { parseRecipientFilter } from './parser.ts';
export { formatRecipientFilter } from './format.ts';
export { compileRecipientFilter } from './compile.ts';
export { recipientFilterProperties } from './properties.ts';
