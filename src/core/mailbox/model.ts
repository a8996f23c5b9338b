// Mailbox content: folders (with the distinguished folders every mailbox has) and items, whose
// MIME is the source of truth while the fields queries need are kept alongside.

/** Distinguished folders every mailbox gets, with their parent and folder class. */
export const distinguishedFolders: ReadonlyArray<{ name: string; parent: string | null; displayName: string; folderClass: string }> = [
  { name: 'root', parent: null, displayName: 'Root', folderClass: '' },
  { name: 'msgfolderroot', parent: 'root', displayName: 'Top of Information Store', folderClass: 'IPF.Note' },
  { name: 'inbox', parent: 'msgfolderroot', displayName: 'Inbox', folderClass: 'IPF.Note' },
  { name: 'drafts', parent: 'msgfolderroot', displayName: 'Drafts', folderClass: 'IPF.Note' },
  { name: 'sentitems', parent: 'msgfolderroot', displayName: 'Sent Items', folderClass: 'IPF.Note' },
  { name: 'deleteditems', parent: 'msgfolderroot', displayName: 'Deleted Items', folderClass: 'IPF.Note' },
  { name: 'outbox', parent: 'msgfolderroot', displayName: 'Outbox', folderClass: 'IPF.Note' },
  { name: 'junkemail', parent: 'msgfolderroot', displayName: 'Junk Email', folderClass: 'IPF.Note' },
  { name: 'archive', parent: 'msgfolderroot', displayName: 'Archive', folderClass: 'IPF.Note' },
  { name: 'conversationhistory', parent: 'msgfolderroot', displayName: 'Conversation History', folderClass: 'IPF.Note' },
  { name: 'calendar', parent: 'msgfolderroot', displayName: 'Calendar', folderClass: 'IPF.Appointment' },
  { name: 'contacts', parent: 'msgfolderroot', displayName: 'Contacts', folderClass: 'IPF.Contact' },
  { name: 'tasks', parent: 'msgfolderroot', displayName: 'Tasks', folderClass: 'IPF.Task' },
  { name: 'notes', parent: 'msgfolderroot', displayName: 'Notes', folderClass: 'IPF.StickyNote' },
  { name: 'journal', parent: 'msgfolderroot', displayName: 'Journal', folderClass: 'IPF.Journal' },
  { name: 'searchfolders', parent: 'root', displayName: 'Finder', folderClass: '' },
  { name: 'recoverableitemsroot', parent: 'root', displayName: 'Recoverable Items', folderClass: '' },
  { name: 'recoverableitemsdeletions', parent: 'recoverableitemsroot', displayName: 'Deletions', folderClass: '' },
  { name: 'recoverableitemspurges', parent: 'recoverableitemsroot', displayName: 'Purges', folderClass: '' },
  { name: 'recoverableitemsversions', parent: 'recoverableitemsroot', displayName: 'Versions', folderClass: '' },
];

export interface Folder {
  /** Stable id (uuid). */
  id: string;
  mailboxGuid: string;
  /** null only for the mailbox's root folder. */
  parentId: string | null;
  /** e.g. 'inbox' for distinguished folders, else null. */
  distinguishedName: string | null;
  displayName: string;
  /** IPF.Note, IPF.Appointment, … */
  folderClass: string;
  /** Bumped on every change of the folder itself; the EWS ChangeKey derives from it. */
  version: number;
  createdAt: string;
  modifiedAt: string;
}

export interface EmailAddress {
  name: string | null;
  address: string;
}

export type Importance = 'Low' | 'Normal' | 'High';
export type FlagStatus = 'NotFlagged' | 'Flagged' | 'Complete';

/**
 * A MAPI extended property, stored as requested so it can be echoed verbatim
 * (DavMail matches PropertyTag strings such as "0xe23" literally).
 */
export interface ExtendedProperty {
  /** Exactly one identification form, kept as the client wrote it. */
  propertyTag?: string;
  propertySetId?: string;
  distinguishedPropertySetId?: string;
  propertyName?: string;
  propertyId?: number;
  /** EWS MapiPropertyType name, e.g. Integer, String, Boolean, SystemTime, StringArray. */
  propertyType: string;
  /** Single value, or several for *Array types. */
  value: string | string[];
}

export interface AttachmentInfo {
  /** Position among the item's attachments (stable until attachments change). */
  index: number;
  kind: 'file' | 'item';
  name: string;
  contentType: string;
  size: number;
  isInline: boolean;
  contentId: string | null;
}

export interface Item {
  /** Stable id (uuid). */
  id: string;
  mailboxGuid: string;
  folderId: string;
  /** IPM.Note, IPM.Schedule.Meeting.Request, … */
  itemClass: string;
  subject: string;
  from: EmailAddress | null;
  sender: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  /** ISO 8601 UTC. */
  receivedAt: string;
  sentAt: string | null;
  createdAt: string;
  modifiedAt: string;
  isRead: boolean;
  isDraft: boolean;
  importance: Importance;
  flagStatus: FlagStatus;
  /** Size of the MIME in bytes. */
  size: number;
  hasAttachments: boolean;
  attachments: AttachmentInfo[];
  categories: string[];
  internetMessageId: string | null;
  inReplyTo: string | null;
  /** Conversation id (stable hash of the thread root) and topic (subject without prefixes). */
  conversationId: string;
  conversationTopic: string;
  /** Short plain-text preview of the body. */
  preview: string;
  extendedProperties: ExtendedProperty[];
  /** Bumped on every change of the item; the EWS ChangeKey derives from it. */
  version: number;
  /** Per-mailbox change sequence of the last change (for SyncFolderItems). */
  modseq: number;
  /** Per-folder increasing number assigned on arrival in the folder (IMAP UID, PR_INTERNET_ARTICLE_NUMBER). */
  articleNumber: number;
}
