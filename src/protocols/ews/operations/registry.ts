// Every EWS operation Deputy implements, by request element name: one line per operation.
import type { EwsOperation } from '../operation.ts';
import { convertId } from './convert-id.ts';
import { getServerTimeZones } from './get-server-time-zones.ts';
import { resolveNames } from './resolve-names.ts';
import getFolder from './get-folder.ts';
import findFolder from './find-folder.ts';
import findItem from './find-item.ts';
import getItem from './get-item.ts';
import createItem from './create-item.ts';
import updateItem from './update-item.ts';
import { copyItemOperation, deleteItemOperation, markAllItemsAsReadOperation, moveItemOperation, sendItemOperation } from './item-ops.ts';
import { createFolderOperation, deleteFolderOperation, emptyFolderOperation, moveFolderOperation, updateFolderOperation } from './folder-ops.ts';
import { createAttachmentOperation, deleteAttachmentOperation, getAttachmentOperation } from './attachment-ops.ts';
import { syncFolderHierarchyOperation, syncFolderItemsOperation } from './sync-ops.ts';
import getUserAvailability from './get-user-availability.ts';

const operations: EwsOperation[] = [
  convertId,
  getServerTimeZones,
  resolveNames,
  getFolder,
  findFolder,
  createFolderOperation,
  deleteFolderOperation,
  updateFolderOperation,
  moveFolderOperation,
  emptyFolderOperation,
  findItem,
  getItem,
  createItem,
  updateItem,
  deleteItemOperation,
  moveItemOperation,
  copyItemOperation,
  sendItemOperation,
  markAllItemsAsReadOperation,
  createAttachmentOperation,
  getAttachmentOperation,
  deleteAttachmentOperation,
  syncFolderHierarchyOperation,
  syncFolderItemsOperation,
  getUserAvailability,
];

export const operationRegistry: ReadonlyMap<string, EwsOperation> = new Map(operations.map((op) => [op.name, op]));
