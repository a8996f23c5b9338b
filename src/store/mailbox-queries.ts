// The mailbox store's SQL: folder/item/MIME reads and writes, sync changes, counters and the outbound
// queue, as functions over a Kysely connection that KyselyStore and its transactions delegate to.
import {
  expressionBuilder,
  sql,
  type Expression,
  type ExpressionBuilder,
  type Compilable,
  type Kysely,
  type OnConflictUpdateDatabase,
  type QueryCreator,
  type OnConflictTables,
} from 'kysely';
import type { Folder, Item } from '../core/mailbox/model.ts';
import type { ItemPage, ItemQuery } from '../core/mailbox/query.ts';
import { DeputyError, objectNotFound } from '../core/errors.ts';
import type { FolderCounts, ItemHead, ItemTombstone, OutboundMessage } from './mailbox-store.ts';
import type { Database, ItemsTable, StoreDialect } from './schema.ts';
import { itemCondition, itemSortKeys } from './item-query.ts';
import {
  folderRow,
  itemColumns,
  itemHeadColumns,
  itemRow,
  outboundColumns,
  outboundRow,
  toFolder,
  toItem,
  toItemHead,
  toOutbound,
  type ItemRow,
} from './mailbox-rows.ts';

/**
 * Ids per `IN (…)`: far below both dialects' parameter limits, and large enough that GetItem of a
 * typical batch (≤ a few hundred ids) is a single query.
 */
const idChunkSize = 500;

/** Distinct ids in chunks; one query per chunk, never one per row. */
function chunks(ids: readonly string[]): string[][] {
  const distinct = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < distinct.length; i += idChunkSize) out.push(distinct.slice(i, i + idChunkSize));
  return out;
}

const wholeNumber = (value: number, field: string): number => {
  if (!Number.isSafeInteger(value)) {
    throw new DeputyError('InvalidArgument', `${field} must be an integer, not ${String(value)}.`, { field, value });
  }
  return value;
};

/** Counts and limits from callers: whole and non-negative. */
const nonNegative = (value: number): number => (Number.isFinite(value) ? Math.max(0, Math.floor(value)) : 0);

// ---------------------------------------------------------------------------------------------
// Reads

export async function listFolders(db: Kysely<Database>, mailboxGuid: string): Promise<Folder[]> {
  const rows = await db
    .selectFrom('folders')
    .selectAll()
    .where('mailbox_guid', '=', mailboxGuid)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toFolder);
}

export async function getFolder(db: Kysely<Database>, id: string): Promise<Folder | undefined> {
  const row = await db.selectFrom('folders').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFolder(row);
}

export async function folderCounts(db: Kysely<Database>, folderIds: string[]): Promise<Map<string, FolderCounts>> {
  const counts = new Map<string, FolderCounts>();
  for (const chunk of chunks(folderIds)) {
    // Correlated counts, each answered from an index ((folder_id, …) on items, parent_id on folders).
    const rows = await db
      .selectFrom('folders as f')
      .select((eb) => [
        'f.id',
        eb
          .selectFrom('items')
          .select((sub) => sub.fn.countAll().as('n'))
          .whereRef('items.folder_id', '=', 'f.id')
          .as('total'),
        eb
          .selectFrom('items')
          .select((sub) => sub.fn.countAll().as('n'))
          .whereRef('items.folder_id', '=', 'f.id')
          .where('items.is_read', '=', 0)
          .as('unread'),
        eb
          .selectFrom('folders as c')
          .select((sub) => sub.fn.countAll().as('n'))
          .whereRef('c.parent_id', '=', 'f.id')
          .as('child_folders'),
      ])
      .where('f.id', 'in', chunk)
      .execute();
    for (const row of rows) {
      counts.set(row.id, {
        total: Number(row.total ?? 0),
        unread: Number(row.unread ?? 0),
        childFolders: Number(row.child_folders ?? 0),
      });
    }
  }
  return counts;
}

export async function getItems(db: Kysely<Database>, ids: string[]): Promise<Item[]> {
  const items: Item[] = [];
  for (const chunk of chunks(ids)) {
    const rows = await db.selectFrom('items').select(itemColumns).where('id', 'in', chunk).execute();
    for (const row of rows) items.push(toItem(row));
  }
  return items;
}

export async function getItemHeads(db: Kysely<Database>, ids: string[]): Promise<ItemHead[]> {
  const heads: ItemHead[] = [];
  for (const chunk of chunks(ids)) {
    const rows = await db.selectFrom('items').select(itemHeadColumns).where('id', 'in', chunk).execute();
    for (const row of rows) heads.push(toItemHead(row));
  }
  return heads;
}

export async function getItemMime(db: Kysely<Database>, ids: string[]): Promise<Map<string, Buffer>> {
  const mime = new Map<string, Buffer>();
  for (const chunk of chunks(ids)) {
    const rows = await db.selectFrom('item_mime').select(['item_id', 'mime']).where('item_id', 'in', chunk).execute();
    for (const row of rows) mime.set(row.item_id, row.mime);
  }
  return mime;
}

/**
 * Runs a query selecting exactly `itemColumns` (in that order) and maps the rows to items. The
 * default executes it through Kysely; the SQLite store passes one that runs the compiled SQL as a
 * prepared statement returning value arrays, which costs much less per row.
 */
export type ItemRowsReader = (query: Compilable<ItemRow> & { execute(): Promise<ItemRow[]> }) => Promise<Item[]>;

const readItemRows: ItemRowsReader = async (query) => (await query.execute()).map(toItem);

/** An empty `folderIds` selects nothing (a query names the folders it searches). */
export async function queryItems(db: Kysely<Database>, query: ItemQuery, readItems: ItemRowsReader = readItemRows): Promise<ItemPage<Item>> {
  if (query.folderIds.length === 0) return { items: [], total: 0 };
  const offset = nonNegative(query.offset);
  const limit = nonNegative(query.limit);
  let matching = db
    .selectFrom('items')
    .where('mailbox_guid', '=', query.mailboxGuid)
    .where('folder_id', 'in', [...new Set(query.folderIds)]);
  const where = query.where;
  if (where !== undefined) matching = matching.where((eb) => itemCondition(eb, where));

  let items: Item[] = [];
  if (limit > 0) {
    let page = matching.select(itemColumns);
    for (const key of itemSortKeys(expressionBuilder<Database, 'items'>(), query.orderBy)) {
      page = page.orderBy(key.expression, (ob) => {
        const directed = key.direction === 'asc' ? ob.asc() : ob.desc();
        if (!key.nullable) return directed;
        return key.direction === 'asc' ? directed.nullsFirst() : directed.nullsLast();
      });
    }
    items = await readItems(page.orderBy('id').limit(limit).offset(offset));
  }
  // A short page that is not past the end already tells the total; only otherwise count.
  if (items.length < limit && (items.length > 0 || offset === 0)) return { items, total: offset + items.length };
  const counted = await matching.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
  return { items, total: Number(counted.total) };
}

export async function currentModseq(db: Kysely<Database>, mailboxGuid: string): Promise<number> {
  const row = await db
    .selectFrom('mailbox_counters')
    .select('modseq')
    .where('mailbox_guid', '=', mailboxGuid)
    .executeTakeFirst();
  return Number(row?.modseq ?? 0);
}

type FolderChange = { modseq: number } & ({ item: Item } | { tombstone: ItemTombstone });

/**
 * Changes (items now in the folder) and removals (tombstones of items no longer in it) after
 * `modseq`, merged in modseq order and cut after at most `limit` entries. A page never ends inside
 * a group of entries sharing one modseq (several items can be changed or deleted under one), so a
 * caller that resumes from the highest modseq it received misses nothing; a single group larger
 * than `limit` is returned whole.
 */
export async function folderChangesSince(
  db: Kysely<Database>,
  folderId: string,
  modseq: number,
  limit: number,
): Promise<{ changed: Item[]; removed: ItemTombstone[] }> {
  const max = Math.max(1, nonNegative(limit));
  const changedRows = (compare: '>' | '=', value: number, take?: number) => {
    const q = db
      .selectFrom('items')
      .select(itemColumns)
      .where('folder_id', '=', folderId)
      .where('modseq', compare, value)
      .orderBy('modseq')
      .orderBy('id');
    return (take === undefined ? q : q.limit(take)).execute();
  };
  const removedRows = (compare: '>' | '=', value: number, take?: number) => {
    const q = db
      .selectFrom('item_tombstones as t')
      .select(['t.item_id', 't.folder_id', 't.modseq'])
      .where('t.folder_id', '=', folderId)
      .where('t.modseq', compare, value)
      // An item that came back to the folder since is a change, not a removal.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('items')
              .select('items.id')
              .whereRef('items.id', '=', 't.item_id')
              .whereRef('items.folder_id', '=', 't.folder_id'),
          ),
        ),
      )
      .orderBy('t.modseq')
      .orderBy('t.item_id');
    return (take === undefined ? q : q.limit(take)).execute();
  };
  const toTombstone = (row: { item_id: string; folder_id: string; modseq: number }): ItemTombstone => ({
    id: row.item_id,
    folderId: row.folder_id,
    modseq: Number(row.modseq),
  });

  // One more than the limit from each stream shows whether the merged stream goes on.
  const [changed, removed] = [
    (await changedRows('>', modseq, max + 1)).map(toItem),
    (await removedRows('>', modseq, max + 1)).map(toTombstone),
  ];
  const merged: FolderChange[] = [
    ...changed.map((item) => ({ modseq: item.modseq, item })),
    ...removed.map((tombstone) => ({ modseq: tombstone.modseq, tombstone })),
  ].sort((a, b) => a.modseq - b.modseq);
  if (merged.length <= max) return { changed, removed };

  // Entries below the first one cut off are complete in both streams (each was read in modseq order).
  const boundary = merged[max].modseq;
  if (merged[0].modseq < boundary) {
    return {
      changed: changed.filter((item) => item.modseq < boundary),
      removed: removed.filter((tombstone) => tombstone.modseq < boundary),
    };
  }
  // The first modseq group alone exceeds the limit: return all of it.
  return {
    changed: (await changedRows('=', boundary)).map(toItem),
    removed: (await removedRows('=', boundary)).map(toTombstone),
  };
}

export async function listOutbound(
  db: Kysely<Database>,
  mailboxGuid?: string,
): Promise<Array<Omit<OutboundMessage, 'mime'>>> {
  let q = db.selectFrom('outbound_queue').select(outboundColumns);
  if (mailboxGuid !== undefined) q = q.where('mailbox_guid', '=', mailboxGuid);
  const rows = await q.orderBy('created_at').orderBy('id').execute();
  return rows.map(toOutbound);
}

// ---------------------------------------------------------------------------------------------
// Writes (called inside a transaction; none of them touches the directory change log)

export async function putFolder(db: Kysely<Database>, folder: Folder): Promise<void> {
  const row = folderRow(folder);
  if (row.parent_id === row.id) {
    throw new DeputyError('InvalidArgument', `Folder '${row.id}' cannot be its own parent.`, { id: row.id });
  }
  // Checked first (one round trip) rather than caught: a failed statement aborts a PostgreSQL transaction.
  const found = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('recipients').select('guid').where('guid', '=', row.mailbox_guid).as('mailbox'),
      eb
        .selectFrom('folders')
        .select('mailbox_guid')
        .where('id', '=', row.parent_id ?? '')
        .as('parent_mailbox'),
      eb
        .selectFrom('folders')
        .select('id')
        .where('mailbox_guid', '=', row.mailbox_guid)
        .where('distinguished_name', '=', row.distinguished_name ?? '')
        .where('id', '<>', row.id)
        .limit(1)
        .as('clash'),
    ])
    .executeTakeFirstOrThrow();
  if (found.mailbox === null) throw objectNotFound(row.mailbox_guid);
  if (row.parent_id !== null) {
    if (found.parent_mailbox === null) throw objectNotFound(row.parent_id);
    if (found.parent_mailbox !== row.mailbox_guid) {
      throw new DeputyError('InvalidArgument', `Parent folder '${row.parent_id}' belongs to another mailbox.`, {
        parentId: row.parent_id,
      });
    }
  }
  if (row.distinguished_name !== null && found.clash !== null) {
    throw new DeputyError(
      'AlreadyExists',
      `The mailbox already has a '${row.distinguished_name}' folder.`,
      { property: 'DistinguishedFolderId', value: row.distinguished_name },
    );
  }
  const { id: _id, ...updatable } = row;
  await db
    .insertInto('folders')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(updatable))
    .execute();
}

export async function deleteFolder(db: Kysely<Database>, id: string): Promise<void> {
  const found = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('items').select('id').where('folder_id', '=', id).limit(1).as('item'),
      eb.selectFrom('folders').select('id').where('parent_id', '=', id).limit(1).as('child'),
    ])
    .executeTakeFirstOrThrow();
  if (found.item !== null || found.child !== null) {
    throw new DeputyError('InvalidOperation', `Folder '${id}' still holds items or folders.`, { id });
  }
  // Its tombstones and article counter go with it (explicitly, like deleteMailboxContent).
  await db.deleteFrom('item_tombstones').where('folder_id', '=', id).execute();
  await db.deleteFrom('folder_counters').where('folder_id', '=', id).execute();
  await db.deleteFrom('folders').where('id', '=', id).execute();
}

type ItemConflictExpressions = ExpressionBuilder<OnConflictUpdateDatabase<Database, 'items'>, OnConflictTables<'items'>>;

/**
 * `SET col = excluded.col` for every column but the key: values are bound once (in VALUES), which
 * halves the parameters and keeps the statement text identical across calls, so SQLite reuses
 * its prepared form.
 */
function updateFromExcluded(row: ItemsTable) {
  return (eb: ItemConflictExpressions) => {
    // Expression<never> fits every column's type; each reference is to the same column anyway.
    const set: Partial<Record<keyof ItemsTable, Expression<never>>> = {};
    for (const column of Object.keys(row) as Array<keyof ItemsTable>) {
      if (column !== 'id') set[column] = eb.ref(`excluded.${column}`) as Expression<never>;
    }
    return set;
  };
}

export async function putItem(db: Kysely<Database>, item: Item, mime: Buffer | null, dialect: StoreDialect): Promise<void> {
  const row = itemRow(item);
  const found = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('items').select('folder_id').where('id', '=', row.id).as('old_folder'),
      eb.selectFrom('items').select('mailbox_guid').where('id', '=', row.id).as('old_mailbox'),
      eb.selectFrom('folders').select('mailbox_guid').where('id', '=', row.folder_id).as('folder_mailbox'),
    ])
    .executeTakeFirstOrThrow();
  if (found.folder_mailbox === null) throw objectNotFound(row.folder_id);
  if (found.folder_mailbox !== row.mailbox_guid || (found.old_mailbox !== null && found.old_mailbox !== row.mailbox_guid)) {
    // Tombstones, modseqs and article numbers are per mailbox: crossing mailboxes is copy + delete.
    throw new DeputyError('InvalidArgument', `Item '${row.id}' and folder '${row.folder_id}' are in different mailboxes.`, {
      id: row.id,
      folderId: row.folder_id,
    });
  }
  if (found.old_folder === null && mime === null) {
    throw new DeputyError('InvalidArgument', `New item '${row.id}' needs its MIME content.`, { id: row.id });
  }
  const upsertItem = (qb: QueryCreator<Database>) =>
    qb
      .insertInto('items')
      .values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet(updateFromExcluded(row)));
  const mimeRow = mime === null ? null : { item_id: row.id, mime };
  if (mimeRow === null) {
    await upsertItem(db).execute();
  } else if (dialect === 'postgres') {
    // One round trip: the item in a data-modifying CTE, its MIME in the main statement (the
    // foreign key is checked at the end of the statement, when the item row exists).
    await db
      .with('upserted', (qb) => upsertItem(qb).returning('id'))
      .insertInto('item_mime')
      .values(mimeRow)
      .onConflict((oc) => oc.column('item_id').doUpdateSet((eb) => ({ mime: eb.ref('excluded.mime') })))
      .execute();
  } else {
    await upsertItem(db).execute();
    await db
      .insertInto('item_mime')
      .values(mimeRow)
      .onConflict((oc) => oc.column('item_id').doUpdateSet((eb) => ({ mime: eb.ref('excluded.mime') })))
      .execute();
  }
  if (found.old_folder !== null && found.old_folder !== row.folder_id) {
    // The old folder's sync must report the item as gone, as of the change that moved it.
    await db
      .insertInto('item_tombstones')
      .values({ folder_id: found.old_folder, item_id: row.id, mailbox_guid: row.mailbox_guid, modseq: row.modseq })
      .onConflict((oc) => oc.columns(['folder_id', 'item_id']).doUpdateSet({ modseq: row.modseq }))
      .execute();
  }
}

export async function deleteItems(db: Kysely<Database>, ids: string[], modseq: number): Promise<void> {
  wholeNumber(modseq, 'Modseq');
  for (const chunk of chunks(ids)) {
    await db
      .insertInto('item_tombstones')
      .columns(['folder_id', 'item_id', 'mailbox_guid', 'modseq'])
      .expression(
        db
          .selectFrom('items')
          .select(['folder_id', 'id', 'mailbox_guid', sql<number>`cast(${modseq} as bigint)`.as('modseq')])
          .where('id', 'in', chunk),
      )
      .onConflict((oc) => oc.columns(['folder_id', 'item_id']).doUpdateSet((eb) => ({ modseq: eb.ref('excluded.modseq') })))
      .execute();
    // Explicit rather than relying on the cascade, which SQLite applies only with foreign_keys on.
    await db.deleteFrom('item_mime').where('item_id', 'in', chunk).execute();
    await db.deleteFrom('items').where('id', 'in', chunk).execute();
  }
}

/**
 * Counters are bumped in place (INSERT … SELECT … ON CONFLICT DO UPDATE … RETURNING): one statement,
 * and writers are serialised by the store's exclusive transactions, so values are never handed out
 * twice; a rolled-back transaction's values are reissued, but nothing that used them was committed.
 */
export async function nextModseq(db: Kysely<Database>, mailboxGuid: string): Promise<number> {
  const row = await db
    .insertInto('mailbox_counters')
    .columns(['mailbox_guid', 'modseq'])
    .expression(
      db
        .selectFrom('recipients')
        .select(['guid', sql<number>`1`.as('modseq')])
        .where('guid', '=', mailboxGuid),
    )
    .onConflict((oc) =>
      oc.column('mailbox_guid').doUpdateSet((eb) => ({ modseq: eb(eb.ref('mailbox_counters.modseq'), '+', 1) })),
    )
    .returning('modseq')
    .executeTakeFirst();
  if (!row) throw objectNotFound(mailboxGuid);
  return Number(row.modseq);
}

export async function nextArticleNumber(db: Kysely<Database>, folderId: string): Promise<number> {
  const row = await db
    .insertInto('folder_counters')
    .columns(['folder_id', 'article_number'])
    .expression(
      db
        .selectFrom('folders')
        .select(['id', sql<number>`1`.as('article_number')])
        .where('id', '=', folderId),
    )
    .onConflict((oc) =>
      oc
        .column('folder_id')
        .doUpdateSet((eb) => ({ article_number: eb(eb.ref('folder_counters.article_number'), '+', 1) })),
    )
    .returning('article_number')
    .executeTakeFirst();
  if (!row) throw objectNotFound(folderId);
  return Number(row.article_number);
}

export async function enqueueOutbound(db: Kysely<Database>, message: OutboundMessage): Promise<void> {
  const row = outboundRow(message);
  const clash = await db.selectFrom('outbound_queue').select('id').where('id', '=', row.id).executeTakeFirst();
  if (clash) {
    throw new DeputyError('AlreadyExists', `An outbound message with Id '${row.id}' already exists.`, {
      property: 'Id',
      value: row.id,
    });
  }
  await db.insertInto('outbound_queue').values(row).execute();
}

/**
 * Removes a mailbox's content when its recipient is deleted. The foreign keys cascade too; the
 * explicit deletes (children first) keep this independent of SQLite's foreign_keys setting.
 * Outbound messages stay: mail accepted for delivery is still delivered.
 */
export async function deleteMailboxContent(db: Kysely<Database>, mailboxGuid: string): Promise<void> {
  const folderIds = db.selectFrom('folders').select('id').where('mailbox_guid', '=', mailboxGuid);
  await db
    .deleteFrom('item_mime')
    .where('item_id', 'in', db.selectFrom('items').select('id').where('mailbox_guid', '=', mailboxGuid))
    .execute();
  await db.deleteFrom('items').where('mailbox_guid', '=', mailboxGuid).execute();
  await db.deleteFrom('item_tombstones').where('folder_id', 'in', folderIds).execute();
  await db.deleteFrom('folder_counters').where('folder_id', 'in', folderIds).execute();
  await db.deleteFrom('folders').where('mailbox_guid', '=', mailboxGuid).execute();
  await db.deleteFrom('mailbox_counters').where('mailbox_guid', '=', mailboxGuid).execute();
}
