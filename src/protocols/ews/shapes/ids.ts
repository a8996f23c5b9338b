// Id attributes as responses write them (Id + ChangeKey), and attachment ids: base64url of
// "A:" + item uuid + ":" + position + ":" + fingerprint. The fingerprint names the attachment at
// that position, so the id of a removed attachment never names the one that moved into its place.
import { createHash } from 'node:crypto';
import type { AttachmentInfo, Folder, Item } from '../../../core/mailbox/model.ts';
import { changeKeyOf, encodeFolderId, encodeItemId } from '../ids.ts';

export function itemIdAttrs(item: Pick<Item, 'id' | 'version'>): { Id: string; ChangeKey: string } {
  return { Id: encodeItemId(item), ChangeKey: changeKeyOf(item.version) };
}

export function folderIdAttrs(folder: Pick<Folder, 'id' | 'version'>): { Id: string; ChangeKey: string } {
  return { Id: encodeFolderId(folder), ChangeKey: changeKeyOf(folder.version) };
}

const attachmentPayload = /^A:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d{1,4})(?::([0-9a-f]{8}))?$/;

type AttachmentFacts = Pick<AttachmentInfo, 'kind' | 'name' | 'contentType' | 'size'>;

/** 8 hex digits naming an attachment by what it is (kind, name, type, size). */
export function attachmentFingerprint(a: AttachmentFacts): string {
  return createHash('sha256').update(`${a.kind}\0${a.name}\0${a.contentType}\0${a.size}`).digest('hex').slice(0, 8);
}

export function encodeAttachmentId(itemUuid: string, index: number, attachment: AttachmentFacts): string {
  return Buffer.from(`A:${itemUuid}:${index}:${attachmentFingerprint(attachment)}`, 'utf8').toString('base64url');
}

/** What an attachment id names; fingerprint is null in ids issued before fingerprints (position only). */
export function decodeAttachmentId(id: string): { itemUuid: string; index: number; fingerprint: string | null } | null {
  const trimmed = id.trim().replace(/=+$/, '');
  if (!trimmed || trimmed.length > 100 || !/^[A-Za-z0-9_-]+$/.test(trimmed)) return null;
  const match = attachmentPayload.exec(Buffer.from(trimmed, 'base64url').toString('utf8'));
  return match ? { itemUuid: match[1], index: Number(match[2]), fingerprint: match[3] ?? null } : null;
}

/** Does the attachment now at the id's position still match the id? */
export function attachmentMatches(ref: { fingerprint: string | null }, attachment: AttachmentFacts | undefined): attachment is AttachmentFacts {
  return !!attachment && (ref.fingerprint === null || ref.fingerprint === attachmentFingerprint(attachment));
}
