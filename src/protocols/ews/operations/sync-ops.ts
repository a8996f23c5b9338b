// SyncFolderHierarchy and SyncFolderItems: incremental changes since an opaque sync state.
// Item state is (folder, modseq, article number): the client holds every item up to that article
// number as of that modseq. Modseq finds changes to those (Update) and tombstones give Deletes;
// items past the article number are new to the client (Create), taken in article order.
import { DeputyError } from '../../../core/errors.ts';
import type { Folder, Item } from '../../../core/mailbox/model.ts';
import type { ItemTombstone } from '../../../store/mailbox-store.ts';
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { folderIdAttrs, itemIdAttrs } from '../shapes/ids.ts';
import { readItemShape } from '../shapes/field-uris.ts';
import { folderNode, readFolderShape } from '../shapes/folder.ts';
import { listedItemNodes } from './calendar.ts';
import { node, parent, typesNs, type XmlNode } from '../shapes/xml-node.ts';
import type { EwsOperation } from '../operation.ts';
import { ewsOperation } from './define.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, findFolder, messageChild, readFolderId, responseMessages } from './support.ts';

function invalidState(): DeputyError {
  return new DeputyError('InvalidArgument', 'The sync state is not valid for this folder.', { ewsCode: 'ErrorInvalidSyncStateData' });
}

function readState<T>(text: string | undefined, check: (v: unknown) => v is T): T | null {
  if (!text || !text.trim()) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text.trim(), 'base64').toString('utf8'));
    if (check(value)) return value;
  } catch {
    // fall through
  }
  throw invalidState();
}

const writeState = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

interface HierarchyState {
  h: 1;
  f: Record<string, number>;
}
const isHierarchyState = (v: unknown): v is HierarchyState => typeof v === 'object' && v !== null && (v as HierarchyState).h === 1 && typeof (v as HierarchyState).f === 'object';

export const syncFolderHierarchyOperation: EwsOperation = ewsOperation('SyncFolderHierarchy', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const shape = readFolderShape(messageChild(request, 'FolderShape'));
  const result = await attempt(async () => {
    const folders = await foldersForRead(ctx.runtime, mailbox.guid);
    const rootEl = messageChild(request, 'SyncFolderId')?.children.find((c) => c.ns === typesNs);
    const root = rootEl ? findFolder(folders, mailbox, readFolderId(rootEl)) : folders.find((f) => f.distinguishedName === 'msgfolderroot')!;
    const below: Folder[] = [];
    const walk = (id: string) => folders.filter((f) => f.parentId === id).forEach((f) => (below.push(f), walk(f.id)));
    walk(root.id);
    const previous = readState(messageChild(request, 'SyncState')?.text, isHierarchyState)?.f ?? {};
    const counts = await ctx.runtime.store.folderCounts(below.map((f) => f.id));
    const changes: XmlNode[] = [];
    for (const f of below) {
      if (previous[f.id] === f.version) continue;
      const kind = previous[f.id] === undefined ? 't:Create' : 't:Update';
      changes.push(parent(kind, [folderNode(f, counts.get(f.id) ?? { total: 0, unread: 0, childFolders: 0 }, shape)]));
    }
    const current = new Set(below.map((f) => f.id));
    for (const id of Object.keys(previous)) if (!current.has(id)) changes.push(parent('t:Delete', [node('t:FolderId', undefined, { Id: folderIdAttrs({ id, version: 1 }).Id })]));
    const state: HierarchyState = { h: 1, f: Object.fromEntries(below.map((f) => [f.id, f.version])) };
    return [node('m:SyncState', writeState(state)), node('m:IncludesLastFolderInRange', 'true'), parent('m:Changes', changes)];
  });
  return responseMessages('SyncFolderHierarchy', [result]);
});

interface ItemState {
  i: 1;
  folder: string;
  modseq: number;
  article: number;
}
const isItemState = (v: unknown): v is ItemState => typeof v === 'object' && v !== null && (v as ItemState).i === 1 && typeof (v as ItemState).modseq === 'number';

export const syncFolderItemsOperation: EwsOperation = ewsOperation('SyncFolderItems', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const max = Number(messageChild(request, 'MaxChangesReturned')?.text ?? '512');
  const result = await attempt(async () => {
    if (!Number.isInteger(max) || max < 1 || max > 512) throw new DeputyError('InvalidArgument', 'MaxChangesReturned must be between 1 and 512.', { ewsCode: 'ErrorInvalidRequest' });
    const folderEl = messageChild(request, 'SyncFolderId')?.children.find((c) => c.ns === typesNs);
    if (!folderEl) throw new DeputyError('InvalidArgument', 'SyncFolderItems needs a SyncFolderId.', { ewsCode: 'ErrorInvalidRequest' });
    const folder = findFolder(await foldersForRead(ctx.runtime, mailbox.guid), mailbox, readFolderId(folderEl));
    const previous = readState(messageChild(request, 'SyncState')?.text, isItemState);
    if (previous && previous.folder !== folder.id) throw invalidState();
    const store = ctx.runtime.store;
    // The client holds the folder's items up to article number `known`, as of modseq `since`.
    const known = previous?.article ?? 0;
    let since = previous?.modseq ?? 0;
    const updated: Item[] = [];
    const removed: ItemTombstone[] = [];
    let caughtUp = true;
    if (known === 0) {
      // The client holds nothing of this folder: nothing to update or delete, everything to create.
      since = Math.max(since, await store.currentModseq(mailbox.guid));
    } else {
      // Changes to what the client holds, in modseq pages (the store never cuts inside a group
      // sharing one modseq). Items it never had are skipped here and come as Create below, in
      // their current version, so an item changed before it was first reported is still a
      // Create, and pages of nothing but such items are passed over rather than sent empty.
      for (let round = 0; round < 100; round++) {
        const page = await store.folderChangesSince(folder.id, since, max);
        since = Math.max(since, ...page.changed.map((i) => i.modseq), ...page.removed.map((t) => t.modseq));
        updated.push(...page.changed.filter((i) => i.articleNumber <= known));
        removed.push(...page.removed);
        caughtUp = page.changed.length + page.removed.length < max;
        if (caughtUp || updated.length + removed.length > 0) break;
      }
    }
    // Once caught up, items the client never had, oldest arrival first; each is reported once.
    let article = known;
    let created: Item[] = [];
    let complete = caughtUp;
    if (caughtUp) {
      const room = max - updated.length - removed.length;
      const page = await store.queryItems({
        mailboxGuid: mailbox.guid,
        folderIds: [folder.id],
        where: { op: 'gt', field: 'articleNumber', value: known },
        orderBy: [{ field: 'articleNumber', direction: 'asc' }],
        offset: 0,
        limit: Math.max(room, 1),
      });
      created = room > 0 ? page.items : [];
      if (created.length) article = created[created.length - 1].articleNumber;
      complete = page.total <= created.length;
    }
    const listed = await listedItemNodes(ctx, mailbox, [...updated, ...created], shape);
    const changes: XmlNode[] = [
      ...updated.map((_, i) => parent('t:Update', [listed[i]!])),
      ...removed.map((t) => parent('t:Delete', [node('t:ItemId', undefined, { Id: itemIdAttrs({ id: t.id, version: 1 }).Id })])),
      ...created.map((_, i) => parent('t:Create', [listed[updated.length + i]!])),
    ];
    const state: ItemState = { i: 1, folder: folder.id, modseq: since, article };
    recordRead(ctx, mailbox, 'SyncFolderItems', { itemIds: [...updated, ...created].map((i) => i.id) });
    return [node('m:SyncState', writeState(state)), node('m:IncludesLastItemInRange', complete ? 'true' : 'false'), parent('m:Changes', changes)];
  });
  return responseMessages('SyncFolderItems', [result]);
});
