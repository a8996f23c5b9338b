// Item queries as FindItem needs them: a restriction tree over indexed item fields, sort order
// and paging. The store translates this to SQL; nothing here does I/O.

export type ItemField =
  | 'subject'
  | 'from'
  | 'to'
  | 'cc'
  | 'itemClass'
  | 'receivedAt'
  | 'sentAt'
  | 'createdAt'
  | 'modifiedAt'
  | 'isRead'
  | 'isDraft'
  | 'importance'
  | 'flagStatus'
  | 'size'
  | 'hasAttachments'
  | 'internetMessageId'
  | 'conversationId'
  | 'categories'
  | 'articleNumber'
  | 'preview';

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type ContainmentMode = 'FullString' | 'Prefixed' | 'Substring' | 'PrefixOnWords' | 'ExactPhrase';

/**
 * Values: strings for text and ISO dates, numbers for size/articleNumber, booleans for flags.
 * Text comparisons are case-insensitive (as Exchange's are by default). 'from' compares the
 * address; 'to'/'cc'/'categories' match when any element matches.
 */
export type ItemCondition =
  | { op: ComparisonOp; field: ItemField; value: string | number | boolean }
  | { op: 'contains'; field: ItemField; value: string; mode: ContainmentMode; ignoreCase: boolean }
  | { op: 'exists'; field: ItemField }
  | { op: 'and' | 'or'; conditions: ItemCondition[] }
  | { op: 'not'; condition: ItemCondition };

export interface ItemOrder {
  field: ItemField;
  direction: 'asc' | 'desc';
}

export interface ItemQuery {
  mailboxGuid: string;
  folderIds: string[];
  where?: ItemCondition;
  /** Applied in order; ties are broken by item id so paging is stable. */
  orderBy: ItemOrder[];
  offset: number;
  limit: number;
}

export interface ItemPage<T> {
  items: T[];
  /** Items matching the query in all (for TotalItemsInView). */
  total: number;
}
