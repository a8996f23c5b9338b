// FindFolder: child folders (Shallow) or all descendants (Deep) of each parent, with paging and
// the simple restrictions clients use on folders (display name, folder class), evaluated here.
import { DeputyError } from '../../../core/errors.ts';
import type { Folder } from '../../../core/mailbox/model.ts';
import { foldersForRead } from '../../../services/mailbox/folders.ts';
import { propertyTagNumber } from '../shapes/field-uris.ts';
import { folderNode, readFolderShape } from '../shapes/folder.ts';
import { childIn, parent, typesNs, type XmlIn } from '../shapes/xml-node.ts';
import { recordRead } from './read-audit.ts';
import { actingMailbox, attempt, findFolder, messageChild, readFolderIds, responseMessages } from './support.ts';
import { ewsOperation } from './define.ts';
import { readPaging } from './paging.ts';

type FolderPredicate = (f: Folder) => boolean;

function folderValue(path: XmlIn | undefined): (f: Folder) => string {
  if (path?.local === 'FieldURI' && path.attrs.FieldURI === 'folder:DisplayName') return (f) => f.displayName;
  if (path?.local === 'FieldURI' && path.attrs.FieldURI === 'folder:FolderClass') return (f) => f.folderClass;
  if (path?.local === 'ExtendedFieldURI' && propertyTagNumber(path.attrs.PropertyTag ?? '') === 0x3613) return (f) => f.folderClass;
  throw new DeputyError('InvalidArgument', `FindFolder can't filter on ${path?.attrs.FieldURI ?? path?.attrs.PropertyTag ?? 'that property'}.`, { ewsCode: 'ErrorUnsupportedPathForQuery' });
}

function folderCondition(el: XmlIn): FolderPredicate {
  const parts = el.children.filter((c) => c.ns === typesNs);
  const path = parts.find((c) => c.local === 'FieldURI' || c.local === 'ExtendedFieldURI');
  switch (el.local) {
    case 'IsEqualTo':
    case 'IsNotEqualTo': {
      const get = folderValue(path);
      const value = (childIn(childIn(el, 'FieldURIOrConstant'), 'Constant')?.attrs.Value ?? '').toLowerCase();
      return el.local === 'IsEqualTo' ? (f) => get(f).toLowerCase() === value : (f) => get(f).toLowerCase() !== value;
    }
    case 'Contains': {
      const get = folderValue(path);
      const value = childIn(el, 'Constant')?.attrs.Value ?? '';
      const ignoreCase = (el.attrs.ContainmentComparison ?? 'Exact') !== 'Exact';
      const norm = (s: string) => (ignoreCase ? s.toLowerCase() : s);
      const v = norm(value);
      const mode = el.attrs.ContainmentMode ?? 'Substring';
      return (f) => {
        const s = norm(get(f));
        return mode === 'FullString' ? s === v : mode === 'Prefixed' ? s.startsWith(v) : s.includes(v);
      };
    }
    case 'Exists': {
      const get = folderValue(path);
      return (f) => get(f) !== '';
    }
    case 'And':
    case 'Or': {
      const inner = parts.map(folderCondition);
      return el.local === 'And' ? (f) => inner.every((p) => p(f)) : (f) => inner.some((p) => p(f));
    }
    case 'Not': {
      const inner = folderCondition(parts[0]);
      return (f) => !inner(f);
    }
    default:
      throw new DeputyError('InvalidArgument', `FindFolder doesn't support the restriction ${el.local}.`, { ewsCode: 'ErrorUnsupportedQueryFilter' });
  }
}

export default ewsOperation('FindFolder', async (ctx, request) => {
  const mailbox = actingMailbox(ctx);
  const shape = readFolderShape(messageChild(request, 'FolderShape'));
  const deep = request.attrs.Traversal === 'Deep';
  const paging = readPaging(messageChild(request, 'IndexedPageFolderView'));
  const restriction = messageChild(request, 'Restriction')?.children.find((c) => c.ns === typesNs);
  const folders = await foldersForRead(ctx.runtime, mailbox.guid);
  const parents = readFolderIds(messageChild(request, 'ParentFolderIds'));
  const results = await Promise.all(
    parents.map((ref) =>
      attempt(async () => {
        const parentFolder = findFolder(folders, mailbox, ref);
        // Read per parent: an unsupported restriction is that folder's error (as Exchange answers it), not a fault.
        const predicate: FolderPredicate = restriction ? folderCondition(restriction) : () => true;
        const below: Folder[] = [];
        const walk = (id: string) => {
          for (const f of folders.filter((x) => x.parentId === id).sort((a, b) => a.displayName.localeCompare(b.displayName))) {
            below.push(f);
            if (deep) walk(f.id);
          }
        };
        walk(parentFolder.id);
        const matching = below.filter(predicate);
        const page = matching.slice(paging.offset, paging.offset + paging.limit);
        const counts = await ctx.runtime.store.folderCounts(page.map((f) => f.id));
        const end = paging.offset + page.length;
        return [
          parent(
            'm:RootFolder',
            [parent('t:Folders', page.map((f) => folderNode(f, counts.get(f.id) ?? { total: 0, unread: 0, childFolders: 0 }, shape)))],
            { IndexedPagingOffset: String(end), TotalItemsInView: String(matching.length), IncludesLastItemInRange: end >= matching.length ? 'true' : 'false' },
          ),
        ];
      }),
    ),
  );
  recordRead(ctx, mailbox, 'FolderBind', {});
  return responseMessages('FindFolder', results);
});
