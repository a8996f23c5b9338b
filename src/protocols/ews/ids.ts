// EWS ids: base64url of "F:"|"I:" + uuid + ":" + id-format version; ChangeKey = base64 of the object's
// version. Ids never change while the object lives (exchangelib requires UpdateItem to echo the Id,
// DavMail compares folder ids across calls), so the version travels only in the ChangeKey.
import type { Folder, Item } from '../../core/mailbox/model.ts';

export type IdKind = 'folder' | 'item';

export interface DecodedId {
  kind: IdKind;
  uuid: string;
}

/** Bumped if the payload ever changes shape; decodeId accepts only formats it understands. */
const idFormatVersion = '1';
const payloadPattern = /^([FI]):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):(\d+)$/;
const base64url = /^[A-Za-z0-9_-]+$/;

/** The readable payload behind an id ("F:<uuid>:1"), which ConvertId re-encodes in other formats. */
export function idPayload(kind: IdKind, uuid: string): string {
  return `${kind === 'folder' ? 'F' : 'I'}:${uuid.toLowerCase()}:${idFormatVersion}`;
}

export function decodePayload(payload: string): DecodedId | null {
  const match = payloadPattern.exec(payload);
  if (!match || match[3] !== idFormatVersion) return null;
  return { kind: match[1] === 'F' ? 'folder' : 'item', uuid: match[2] };
}

export function encodeFolderId(folder: Pick<Folder, 'id'>): string {
  return Buffer.from(idPayload('folder', folder.id), 'utf8').toString('base64url');
}

export function encodeItemId(item: Pick<Item, 'id'>): string {
  return Buffer.from(idPayload('item', item.id), 'utf8').toString('base64url');
}

/** What an Id names, or null for anything Deputy did not issue (answer ErrorInvalidIdMalformed). */
export function decodeId(id: string): DecodedId | null {
  // Longer than any id we issue: don't decode attacker-sized strings. Padding is tolerated.
  const trimmed = id.trim().replace(/=+$/, '');
  if (trimmed.length === 0 || trimmed.length > 100 || !base64url.test(trimmed)) return null;
  return decodePayload(Buffer.from(trimmed, 'base64url').toString('utf8'));
}

export function changeKeyOf(version: number): string {
  return Buffer.from(String(version), 'utf8').toString('base64');
}

/** The version a ChangeKey carries, or null when it is not one of ours. */
export function versionOfChangeKey(changeKey: string): number | null {
  const text = Buffer.from(changeKey.trim(), 'base64').toString('utf8');
  return /^\d{1,15}$/.test(text) && changeKeyOf(Number(text)) === changeKey.trim() ? Number(text) : null;
}

// --- ConvertId's formats ------------------------------------------------------------------------

/** IdFormatType (types.xsd). Deputy's EwsId, EwsLegacyId and OwaId are the same string; the MAPI forms carry the same payload. */
export const idFormats = ['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId'] as const;
export type IdFormat = (typeof idFormats)[number];

export function isIdFormat(value: string): value is IdFormat {
  return (idFormats as readonly string[]).includes(value);
}

export function encodeIdAs(format: IdFormat, id: DecodedId): string {
  const payload = Buffer.from(idPayload(id.kind, id.uuid), 'utf8');
  switch (format) {
    case 'EntryId':
    case 'StoreId':
      return payload.toString('base64');
    case 'HexEntryId':
      return payload.toString('hex').toUpperCase();
    default:
      return payload.toString('base64url');
  }
}

/** Decodes an id written in the given format, or null when it is not one Deputy issued. */
export function decodeIdAs(format: IdFormat, text: string): DecodedId | null {
  const value = text.trim();
  if (value.length === 0 || value.length > 200) return null;
  switch (format) {
    case 'EntryId':
    case 'StoreId':
      return /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? decodePayload(Buffer.from(value, 'base64').toString('utf8')) : null;
    case 'HexEntryId':
      return /^(?:[0-9A-Fa-f]{2})+$/.test(value) ? decodePayload(Buffer.from(value, 'hex').toString('utf8')) : null;
    default:
      return decodeId(value);
  }
}
