// FindItem: the items of each parent folder matching a Restriction, sorted and paged, with
// TotalItemsInView and IncludesLastItemInRange exactly "true"/"false".
import { DeputyError } from '../../../core/errors.ts';
import type { ItemOrder } from '../../../core/mailbox/query.ts';
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { readItemShape } from '../shapes/field-uris.ts';
import { readRestriction, readSortOrder } from '../shapes/restriction.ts';
import { parent } from '../shapes/xml-node.ts';
import { findCalendarView, listedItemNodes } from './calendar.ts';
import { ewsOperation } from './define.ts';
import { readPaging } from './paging.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, findFolder, messageChild, readFolderIds, responseMessages } from './support.ts';

const newestFirst: ItemOrder[] = [{ field: 'receivedAt', direction: 'desc' }];

export default ewsOperation('FindItem', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const calendarView = messageChild(request, 'CalendarView');
  if (calendarView) return findCalendarView(ctx, request, calendarView);
  if (messageChild(request, 'ContactsView')) {
    throw new DeputyError('NotImplemented', 'ContactsView is not implemented yet; contacts come with a later release.', { ewsCode: 'ErrorInvalidOperation' });
  }
  if (messageChild(request, 'FractionalPageItemView') || messageChild(request, 'SeekToConditionPageItemView') || messageChild(request, 'GroupBy') || messageChild(request, 'DistinguishedGroupBy')) {
    throw new DeputyError('NotImplemented', 'Only IndexedPageItemView paging is implemented, without grouping.', { ewsCode: 'ErrorInvalidOperation' });
  }
  if (request.attrs.Traversal && request.attrs.Traversal !== 'Shallow') {
    throw new DeputyError('NotImplemented', `Traversal '${request.attrs.Traversal}' is not implemented; use Shallow.`, { ewsCode: 'ErrorInvalidOperation' });
  }
  const shape = readItemShape(messageChild(request, 'ItemShape'));
  const paging = readPaging(messageChild(request, 'IndexedPageItemView'));
  const folders = await foldersForRead(ctx.runtime, mailbox.guid);
  const seen: string[] = [];
  const results = await Promise.all(
    readFolderIds(messageChild(request, 'ParentFolderIds')).map((ref) =>
      attempt(async () => {
        const folder = findFolder(folders, mailbox, ref);
        // Read per folder: an unsupported path or filter is that folder's error (ErrorUnsupportedPathForQuery …), as in Exchange.
        const where = readRestriction(messageChild(request, 'Restriction'));
        const sort = readSortOrder(messageChild(request, 'SortOrder'));
        const query = { mailboxGuid: mailbox.guid, folderIds: [folder.id], where, orderBy: sort.length ? sort : newestFirst, offset: paging.offset, limit: paging.limit };
        let page = await ctx.runtime.store.queryItems(query);
        let offset = paging.offset;
        if (paging.fromEnd) {
          // BasePoint End counts the offset back from the last item.
          offset = Math.max(0, page.total - paging.offset - paging.limit);
          page = await ctx.runtime.store.queryItems({ ...query, offset, limit: Math.min(paging.limit, Math.max(0, page.total - paging.offset)) });
        }
        const end = offset + page.items.length;
        for (const item of page.items) seen.push(item.id);
        return [
          parent('m:RootFolder', [parent('t:Items', await listedItemNodes(ctx, mailbox, page.items, shape))], {
            // The next offset counts from the base point: from the end, the next page's offset is this one plus what was returned.
            IndexedPagingOffset: String(paging.fromEnd ? paging.offset + page.items.length : end),
            TotalItemsInView: String(page.total),
            IncludesLastItemInRange: paging.fromEnd ? (offset === 0 ? 'true' : 'false') : end >= page.total ? 'true' : 'false',
          }),
        ];
      }),
    ),
  );
  recordRead(ctx, mailbox, 'FindItem', { itemIds: seen });
  return responseMessages('FindItem', results);
});
