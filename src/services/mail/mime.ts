// MIME for mailbox items: parsing, building, the Item fields derived from MIME, and edits
// (attachments, Bcc, header fields). The pieces live in the mime-*.ts modules beside this one.
export { parseMessage, maxMessageBytes, type ParsedMessage, type ParsedAttachment, type MessageAttachment } from './mime-parse.ts';
export { buildMessage, toCrlf, type OutgoingMessage, type OutgoingAttachment } from './mime-build.ts';
export { itemFieldsFromMime, topicOf, conversationIdOf, previewOf, htmlToPlainText, type MimeItemFields } from './mime-fields.ts';
export { setAttachments, addAttachment, removeAttachment } from './mime-attachments.ts';
export { withoutBcc, withHeaders, readHeaderBlock, headerValue, type RawHeaderField, type HeaderBlock } from './mime-headers.ts';
