// The mailbox part of the storage interface: folders, items (with their MIME kept apart so
// listings never read message bodies), change tracking for sync, and the outbound queue.
import type { Folder, Item } from '../core/mailbox/model.ts';
import type { ItemPage, ItemQuery } from '../core/mailbox/query.ts';

/**
 * What identifies an item, its place and its kind, and nothing of its content: enough for a reply
 * that names items (an EWS IdOnly shape). Reading only these columns costs a fraction of reading
 * whole items, which matters for bulk fetches of MIME.
 */
export type ItemHead = Pick<Item, 'id' | 'mailboxGuid' | 'folderId' | 'itemClass' | 'version' | 'modseq'>;

export interface FolderCounts {
  total: number;
  unread: number;
  childFolders: number;
}

export interface ItemTombstone {
  id: string;
  folderId: string;
  modseq: number;
}

export interface OutboundMessage {
  id: string;
  /** The mailbox that sent it. */
  mailboxGuid: string;
  /** Envelope sender and recipients (external addresses only). */
  mailFrom: string;
  recipients: string[];
  mime: Buffer;
  state: 'Queued' | 'Sent' | 'Failed';
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

export interface MailboxStoreReader {
  listFolders(mailboxGuid: string): Promise<Folder[]>;
  getFolder(id: string): Promise<Folder | undefined>;
  /** Counts for each folder id (missing folders are absent from the map). */
  folderCounts(folderIds: string[]): Promise<Map<string, FolderCounts>>;
  /** Items by id, without MIME; missing ids are simply absent (order not guaranteed). */
  getItems(ids: string[]): Promise<Item[]>;
  /** getItems reading only the ItemHead fields; missing ids are simply absent (order not guaranteed). */
  getItemHeads(ids: string[]): Promise<ItemHead[]>;
  /** The MIME of each item id that exists. */
  getItemMime(ids: string[]): Promise<Map<string, Buffer>>;
  queryItems(query: ItemQuery): Promise<ItemPage<Item>>;
  /** Highest modseq handed out for the mailbox (0 when none). */
  currentModseq(mailboxGuid: string): Promise<number>;
  /** Items of the folder changed after `modseq` (ascending modseq), and items removed from it since. */
  folderChangesSince(folderId: string, modseq: number, limit: number): Promise<{ changed: Item[]; removed: ItemTombstone[] }>;
  listOutbound(mailboxGuid?: string): Promise<Array<Omit<OutboundMessage, 'mime'>>>;
}

export interface MailboxStoreTx extends MailboxStoreReader {
  /** Insert or replace by id. Deleting or moving folders is done by the caller item by item. */
  putFolder(folder: Folder): Promise<void>;
  /** Removes a folder that holds no items and no child folders (the caller empties it first). */
  deleteFolder(id: string): Promise<void>;
  /**
   * Insert or replace by id. `mime` null keeps the stored MIME (metadata-only change).
   * Moving an item to another folder records a tombstone in the old folder.
   */
  putItem(item: Item, mime: Buffer | null): Promise<void>;
  /** Removes items and records a tombstone per item (with `modseq`). */
  deleteItems(ids: string[], modseq: number): Promise<void>;
  /** Next change sequence number of the mailbox (strictly increasing, never reused). */
  nextModseq(mailboxGuid: string): Promise<number>;
  /** Next article number in the folder (strictly increasing per folder, never reused). */
  nextArticleNumber(folderId: string): Promise<number>;
  enqueueOutbound(message: OutboundMessage): Promise<void>;
}
