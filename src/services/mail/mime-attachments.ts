// Changing a message's attachment list (CreateAttachment, DeleteAttachment): the bodies are
// rebuilt, while every non-MIME header field (Message-ID, Date, Received, Bcc …) is kept byte for byte.
import { DeputyError } from '../../core/errors.ts';
import { compose, toCrlf, type OutgoingAttachment } from './mime-build.ts';
import { readHeaderBlock } from './mime-headers.ts';
import { parseMessage, type ParsedMessage } from './mime-parse.ts';

/** Fields that describe the body structure: taken from the rebuilt body, never from the original. */
const structuralFields = new Set(['mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition', 'content-id', 'content-description', 'content-length', 'content-md5']);

/** The message with exactly these attachments (indexes follow the order parseMessage reports). */
export async function setAttachments(mime: Buffer, attachments: readonly OutgoingAttachment[]): Promise<Buffer> {
  return rebuild(mime, await parseMessage(mime), attachments);
}

/** The message with one more attachment, after the existing ones. */
export async function addAttachment(mime: Buffer, attachment: OutgoingAttachment): Promise<Buffer> {
  const parsed = await parseMessage(mime);
  return rebuild(mime, parsed, [...parsed.attachments, attachment]);
}

/** The message without the attachment at `index` (as in Item.attachments). */
export async function removeAttachment(mime: Buffer, index: number): Promise<Buffer> {
  const parsed = await parseMessage(mime);
  if (!Number.isInteger(index) || index < 0 || index >= parsed.attachments.length) {
    throw new DeputyError('ObjectNotFound', `The message has no attachment ${index}.`, { objectKind: 'Attachment', index });
  }
  return rebuild(mime, parsed, parsed.attachments.filter((_, i) => i !== index));
}

async function rebuild(mime: Buffer, parsed: ParsedMessage, attachments: readonly OutgoingAttachment[]): Promise<Buffer> {
  const built = await compose({}, parsed.textBody, parsed.htmlBody, attachments);
  const builtBlock = readHeaderBlock(built);
  const original = readHeaderBlock(mime);
  const kept = original.fields.filter((f) => !structuralFields.has(f.name.toLowerCase())).map((f) => lineOf(mime, f.start, f.end));
  const structure = builtBlock.fields.filter((f) => structuralFields.has(f.name.toLowerCase())).map((f) => lineOf(built, f.start, f.end));
  return Buffer.concat([...kept, ...structure, Buffer.from('\r\n'), built.subarray(builtBlock.bodyOffset)]);
}

/** A header field's bytes with CRLF line breaks, ending in one. */
function lineOf(source: Buffer, start: number, end: number): Buffer {
  const field = toCrlf(source.subarray(start, end));
  return field.subarray(field.length - 2).toString('latin1') === '\r\n' ? field : Buffer.concat([field, Buffer.from('\r\n')]);
}
