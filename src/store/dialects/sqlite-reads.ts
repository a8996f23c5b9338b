// The SQLite store's hottest reads as fixed prepared statements on the store's connection, instead
// of building and compiling a Kysely query per call: every EWS request reads the change log (and,
// with Basic authentication, a password hash), and GetItem reads up to hundreds of items and their
// MIME at once. Items come back as value arrays (better-sqlite3's raw mode), which costs half as
// much as letting the driver build an object per row, and ids are passed as one JSON array
// (json_each), so one statement serves any number of ids.
import type BetterSqlite3 from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';
import type { Item } from '../../core/mailbox/model.ts';
import type { DirectReads } from '../kysely-store.ts';
import type { Change, ChangeKind } from '../store.ts';
import type { ItemHead } from '../mailbox-store.ts';
import { itemColumns, itemHeadColumns, toItem, toItemHead, type ItemRow } from '../mailbox-rows.ts';

/**
 * An ItemRow from the values of `select <itemColumns>` in raw mode. Generated from itemColumns so
 * the column order has one source (the code is built from that constant list, never from input); a
 * literal of fixed shape is much cheaper than building the object key by key.
 */
const itemRowFromValues = new Function('v', `return { ${itemColumns.map((column, i) => `${column}: v[${i}]`).join(', ')} };`) as (values: unknown[]) => ItemRow;

/** Item queries (FindItem pages and the like) vary with filters and sort orders; keep this many. */
const itemQueryCacheSize = 100;

export function sqliteDirectReads(database: BetterSqlite3.Database): DirectReads {
  const itemQueries = new Map<string, BetterSqlite3.Statement>();
  /** A raw-mode statement for a query's SQL, checked to select exactly itemColumns in order. */
  const itemQuery = (text: string): BetterSqlite3.Statement => {
    const cached = itemQueries.get(text);
    if (cached !== undefined && !cached.busy) {
      itemQueries.delete(text);
      itemQueries.set(text, cached);
      return cached;
    }
    const statement = database.prepare(text);
    const names = statement.columns().map((c) => c.name);
    if (names.length !== itemColumns.length || names.some((name, i) => name !== itemColumns[i])) {
      throw new Error(`An item query must select exactly the item columns in order, not ${names.join(', ')}`);
    }
    statement.raw(true);
    itemQueries.set(text, statement);
    if (itemQueries.size > itemQueryCacheSize) itemQueries.delete(itemQueries.keys().next().value as string);
    return statement;
  };
  const items = database.prepare(`select ${itemColumns.join(', ')} from items where id in (select value from json_each(?))`).raw(true);
  const heads = database.prepare(`select ${itemHeadColumns.join(', ')} from items where id in (select value from json_each(?))`);
  const mime = database.prepare('select item_id, mime from item_mime where item_id in (select value from json_each(?))').raw(true);
  const changes = database.prepare('select version, kind, guid from changes where version > ? order by version').raw(true);
  const maxVersion = database.prepare('select max(version) from changes').pluck();
  const passwordHash = database.prepare('select hash from passwords where recipient_guid = ?').pluck();
  return {
    getItems(ids: string[]): Item[] {
      if (ids.length === 0) return [];
      return (items.all(JSON.stringify(ids)) as unknown[][]).map((values) => toItem(itemRowFromValues(values)));
    },
    getItemHeads(ids: string[]): ItemHead[] {
      if (ids.length === 0) return [];
      return (heads.all(JSON.stringify(ids)) as Parameters<typeof toItemHead>[0][]).map(toItemHead);
    },
    getItemMime(ids: string[]): Map<string, Buffer> {
      const found = new Map<string, Buffer>();
      if (ids.length === 0) return found;
      for (const [id, bytes] of mime.all(JSON.stringify(ids)) as Array<[string, Buffer]>) found.set(id, bytes);
      return found;
    },
    itemsOf(query: CompiledQuery): Item[] {
      return (itemQuery(query.sql).all(...query.parameters) as unknown[][]).map((values) => toItem(itemRowFromValues(values)));
    },
    changesSince(version: number): Change[] {
      return (changes.all(version) as Array<[number, string, string]>).map(([v, kind, guid]) => ({ version: Number(v), kind: kind as ChangeKind, guid }));
    },
    currentVersion(): number {
      return Number((maxVersion.get() as number | null) ?? 0);
    },
    getPasswordHash(recipientGuid: string): string | undefined {
      return (passwordHash.get(recipientGuid) as string | undefined) ?? undefined;
    },
  };
}
