// ConvertId: re-encodes Deputy's folder and item ids between the IdFormatType formats. It is also
// every client's login probe: exchangelib sends a DUMMY id (a per-item ErrorInvalidIdMalformed is
// the answer it expects), and DavMail takes the user's address from the returned Mailbox attribute.
import { EwsError, standardMessages } from '../errors.ts';
import { decodeIdAs, encodeIdAs, isIdFormat, type DecodedId } from '../ids.ts';
import { messagesNs, typesNs, xsiNs } from '../namespaces.ts';
import { defineOperation, noMailboxError, writeResponseMessages, type ResponseMessage } from '../operation.ts';
import { auditMailboxAccess } from '../audit.ts';
import { child } from '../xml/parse.ts';

export const convertId = defineOperation({
  name: 'ConvertId',
  async run(ctx, request, out) {
    const destination = request.attrs.DestinationFormat?.trim() ?? '';
    if (!isIdFormat(destination)) {
      throw new EwsError('ErrorSchemaValidation', `The request failed schema validation: DestinationFormat '${destination}' is not one of EwsLegacyId, EwsId, EntryId, HexEntryId, StoreId, OwaId.`, [
        { name: 'Violation', value: `The 'DestinationFormat' attribute is invalid - The value '${destination}' is invalid according to its datatype 'IdFormatType'.` },
      ]);
    }
    const sources = child(request, messagesNs, 'SourceIds')?.children ?? [];
    if (sources.length === 0) throw new EwsError('ErrorSchemaValidation', 'The request failed schema validation: SourceIds must hold at least one AlternateId.');
    const converted: DecodedId[] = [];
    const results = sources.map((source): ResponseMessage => {
      const format = source.attrs.Format?.trim() ?? '';
      const decoded = source.ns === typesNs && source.local === 'AlternateId' && isIdFormat(format) ? decodeIdAs(format, source.attrs.Id ?? '') : null;
      if (!decoded) return { ok: false, error: new EwsError('ErrorInvalidIdMalformed', standardMessages.ErrorInvalidIdMalformed) };
      // Ids carry no mailbox, so the answer names the mailbox the request acts on: DavMail requires its real primary address.
      const mailbox = ctx.mailbox;
      if (!mailbox) return { ok: false, error: noMailboxError(ctx) };
      converted.push(decoded);
      return {
        ok: true,
        write: (w) =>
          w.leaf('m:AlternateId', { 'xmlns:xsi': xsiNs, 'xsi:type': 't:AlternateIdType', Format: destination, Id: encodeIdAs(destination, decoded), Mailbox: mailbox.primarySmtpAddress }),
      };
    });
    await auditMailboxAccess(ctx.runtime, ctx, {
      operation: 'ConvertId',
      folderIds: converted.filter((d) => d.kind === 'folder').map((d) => d.uuid),
      itemIds: converted.filter((d) => d.kind === 'item').map((d) => d.uuid),
      result: 'Succeeded',
    });
    writeResponseMessages(out, 'ConvertId', results);
  },
});
