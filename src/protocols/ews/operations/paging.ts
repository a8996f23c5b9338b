// IndexedPageItemView / IndexedPageFolderView: offset and page size (capped like Exchange's
// EWSFindCountLimit so one request cannot ask for the whole mailbox).
import { DeputyError } from '../../../core/errors.ts';
import type { XmlIn } from '../shapes/xml-node.ts';

export const maxPageSize = 1000;

export interface Paging {
  offset: number;
  limit: number;
  fromEnd: boolean;
}

export function readPaging(view: XmlIn | undefined): Paging {
  if (!view) return { offset: 0, limit: maxPageSize, fromEnd: false };
  const offset = Number(view.attrs.Offset ?? '0');
  const requested = view.attrs.MaxEntriesReturned === undefined ? maxPageSize : Number(view.attrs.MaxEntriesReturned);
  if (!Number.isInteger(offset) || offset < 0) throw new DeputyError('InvalidArgument', `Offset '${view.attrs.Offset}' is not a non-negative integer.`, { ewsCode: 'ErrorInvalidRequest' });
  if (!Number.isInteger(requested) || requested < 1) throw new DeputyError('InvalidArgument', `MaxEntriesReturned '${view.attrs.MaxEntriesReturned}' must be a positive integer.`, { ewsCode: 'ErrorInvalidPagingMaxRows' });
  return { offset, limit: Math.min(requested, maxPageSize), fromEnd: view.attrs.BasePoint === 'End' };
}
