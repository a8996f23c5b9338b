// Id attributes as responses write them (Id + ChangeKey), and attachment ids: base64url of
// "A:" + item uuid + ":" + position, which stays valid until the item's attachments change.
import type { Folder, Item } from '../../../core/mailbox/model.ts';
import { changeKeyOf, encodeFolderId, encodeItemId } from '../ids.ts';

export function itemIdAttrs(item: Pick<Item, 'id' | 'version'>): { Id: string; ChangeKey: string } {
  return { Id: encodeItemId(item), ChangeKey: changeKeyOf(item.version) };
}

export function folderIdAttrs(folder: Pick<Folder, 'id' | 'version'>): { Id: string; ChangeKey: string } {
  return { Id: encodeFolderId(folder), ChangeKey: changeKeyOf(folder.version) };
}

const attachmentPayload = /^A:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{1,4})$/;

export function encodeAttachmentId(itemUuid: string, index: number): string {
  return Buffer.from(`A:${itemUuid}:${index}`, 'utf8').toString('base64url');
}

export function decodeAttachmentId(id: string): { itemUuid: string; index: number } | null {
  const trimmed = id.trim().replace(/=+$/, '');
  if (!trimmed || trimmed.length > 100 || !/^[A-Za-z0-9_-]+$/.test(trimmed)) return null;
  const match = attachmentPayload.exec(Buffer.from(trimmed, 'base64url').toString('utf8'));
  return match ? { itemUuid: match[1], index: Number(match[2]) } : null;
}
