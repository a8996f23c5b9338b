// Attachments end to end: CreateAttachment (file and item) on a draft, GetAttachment returning the
// exact bytes, DeleteAttachment, the root item's ChangeKey moving on each change, stale and
// malformed attachment ids, and other mailboxes' items never reachable.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EmailMessage, FileAttachment, ItemId } from 'ews-javascript-api';
import { assertRecordedResponsesValid } from '../helpers/ews.ts';
import { createItemXml, expectCodes, expectOk, find, first, itemIds, M, messageXml, startOpsServer, T, text, uuidOf, type OpsServer } from './support.ts';

describe('EWS attachments', () => {
  let ews: OpsServer;
  let draft: { Id: string; ChangeKey: string };
  const alice = () => ews.as('alice@contoso.com');
  const bytes = Buffer.concat([Buffer.from([0x00, 0xff, 0x00, 0x0d, 0x0a, 0xfe, 0x80]), randomBytes(70_000), Buffer.from([0xff, 0x00])]);
  const second = Buffer.from([0xff, 0xfe, 0xfd, 0x00]);

  const createAttachment = (parent: { Id: string; ChangeKey?: string }, attachments: string) =>
    alice()(`<m:CreateAttachment><m:ParentItemId Id="${parent.Id}"${parent.ChangeKey ? ` RootItemChangeKey="${parent.ChangeKey}"` : ''}/><m:Attachments>${attachments}</m:Attachments></m:CreateAttachment>`);
  const fileXml = (name: string, content: Buffer, contentType = 'application/octet-stream') => `<t:FileAttachment><t:Name>${name}</t:Name><t:ContentType>${contentType}</t:ContentType><t:Content>${content.toString('base64')}</t:Content></t:FileAttachment>`;
  const getAttachment = (ids: string[]) => alice()(`<m:GetAttachment><m:AttachmentIds>${ids.map((id) => `<t:AttachmentId Id="${id}"/>`).join('')}</m:AttachmentIds></m:GetAttachment>`);
  const deleteAttachment = (ids: string[]) => alice()(`<m:DeleteAttachment><m:AttachmentIds>${ids.map((id) => `<t:AttachmentId Id="${id}"/>`).join('')}</m:AttachmentIds></m:DeleteAttachment>`);
  const stored = async () => (await ews.runtime.store.getItems([uuidOf(draft.Id)]))[0];

  before(async () => {
    ews = await startOpsServer();
    draft = itemIds(expectOk(await ews.as('alice@contoso.com')(createItemXml('SaveOnly', messageXml({ subject: 'With attachments', body: 'see attached', to: ['bob@contoso.com'] })))))[0];
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  let fileId: string;
  let secondId: string;
  let itemAttachmentId: string;

  it('adds file attachments to a draft; the root ChangeKey changes and the Id stays', async () => {
    const r = expectOk(await createAttachment(draft, fileXml('random.bin', bytes) + fileXml('second.bin', second)), 2);
    const ids = find(r.bodyElement, T, 'AttachmentId');
    assert.equal(ids.length, 2);
    [fileId, secondId] = ids.map((i) => i.attrs.Id);
    assert.notEqual(fileId, secondId);
    assert.equal(ids[1].attrs.RootItemId, draft.Id);
    assert.notEqual(ids[0].attrs.RootItemChangeKey, draft.ChangeKey);
    assert.notEqual(ids[1].attrs.RootItemChangeKey, ids[0].attrs.RootItemChangeKey, 'each attachment is its own change');
    const item = await stored();
    assert.deepEqual(item.attachments.map((a) => [a.name, a.size]), [['random.bin', bytes.length], ['second.bin', 4]]);
    assert.equal(item.hasAttachments, true);
  });

  it('returns the bytes exactly as given (0x00 and 0xff included)', async () => {
    const r = expectOk(await getAttachment([fileId, secondId]), 2);
    const files = find(r.bodyElement, T, 'FileAttachment');
    assert.equal(text(files[0], 'Name'), 'random.bin');
    assert.ok(Buffer.from(text(files[0], 'Content') ?? '', 'base64').equals(bytes), 'first attachment differs');
    assert.ok(Buffer.from(text(files[1], 'Content') ?? '', 'base64').equals(second), 'second attachment differs');
    assert.equal(text(files[0], 'Size'), String(bytes.length));
  });

  it('adds an item attachment (a message composed in the request) and returns it as a message', async () => {
    const r = expectOk(
      await createAttachment(
        draft,
        `<t:ItemAttachment><t:Name>Forwarded note</t:Name>${messageXml({ subject: 'Inner message', body: 'inner body', to: ['carol@contoso.com'] })}</t:ItemAttachment>`,
      ),
    );
    itemAttachmentId = first(r.bodyElement, T, 'AttachmentId').attrs.Id;
    assert.equal(find(r.bodyElement, T, 'ItemAttachment').length, 1);
    const got = expectOk(await getAttachment([itemAttachmentId]));
    const attachment = first(got.bodyElement, T, 'ItemAttachment');
    assert.equal(text(attachment, 'Name'), 'Forwarded note');
    const inner = first(attachment, T, 'Message');
    assert.equal(text(inner, 'Subject'), 'Inner message');
    assert.match(Buffer.from(text(inner, 'MimeContent') ?? '', 'base64').toString('utf8'), /inner body/);
    assert.deepEqual((await stored()).attachments.map((a) => a.kind), ['file', 'file', 'item']);
  });

  it('deletes an attachment, answering the root id with a new ChangeKey; the deleted id no longer finds anything', async () => {
    const before = await stored();
    const r = expectOk(await deleteAttachment([fileId]));
    const root = first(r.bodyElement, M, 'RootItemId');
    assert.equal(root.attrs.RootItemId, draft.Id);
    assert.notEqual(root.attrs.RootItemChangeKey, Buffer.from(String(before.version)).toString('base64'));
    const after = await stored();
    assert.deepEqual(after.attachments.map((a) => a.name), ['second.bin', 'Forwarded note']);
    // The deleted attachment's id must not now name another attachment.
    expectCodes(await getAttachment([fileId]), ['ErrorInvalidAttachmentId']);
    expectCodes(await deleteAttachment([fileId]), ['ErrorInvalidAttachmentId']);
    assert.equal((await stored()).attachments.length, 2, 'nothing else was deleted');
    // The ids the draft reports now still work.
    const listed = expectOk(await alice()(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Attachments"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${draft.Id}"/></m:ItemIds></m:GetItem>`));
    const current = find(listed.bodyElement, T, 'AttachmentId').map((a) => a.attrs.Id);
    const got = expectOk(await getAttachment(current), 2);
    assert.ok(Buffer.from(text(first(got.bodyElement, T, 'FileAttachment'), 'Content') ?? '', 'base64').equals(second));
  });

  it('answers malformed ids with ErrorInvalidIdMalformed, changing nothing', async () => {
    const before = await stored();
    expectCodes(await getAttachment(['!!', 'AAAA', draft.Id]), ['ErrorInvalidIdMalformed', 'ErrorInvalidIdMalformed', 'ErrorInvalidIdMalformed']);
    expectCodes(await deleteAttachment(['not-an-id']), ['ErrorInvalidIdMalformed']);
    expectCodes(await createAttachment({ Id: 'garbage' }, fileXml('x.bin', second)), ['ErrorInvalidIdMalformed']);
    assert.deepEqual(await stored(), before);
  });

  it("never reaches another mailbox's item or attachment", async () => {
    const before = await stored();
    const [current] = (await stored()).attachments;
    const id = find(
      expectOk(await alice()(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Attachments"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${draft.Id}"/></m:ItemIds></m:GetItem>`)).bodyElement,
      T,
      'AttachmentId',
    )[0].attrs.Id;
    assert.ok(current);
    const bob = ews.as('bob@contoso.com');
    const got = await bob(`<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id="${id}"/></m:AttachmentIds></m:GetAttachment>`);
    expectCodes(got, ['ErrorInvalidAttachmentId']);
    assert.doesNotMatch(got.body, /second\.bin/);
    expectCodes(await bob(`<m:DeleteAttachment><m:AttachmentIds><t:AttachmentId Id="${id}"/></m:AttachmentIds></m:DeleteAttachment>`), ['ErrorInvalidAttachmentId']);
    expectCodes(await bob(`<m:CreateAttachment><m:ParentItemId Id="${draft.Id}"/><m:Attachments>${fileXml('evil.bin', second)}</m:Attachments></m:CreateAttachment>`), ['ErrorItemNotFound']);
    assert.deepEqual(await stored(), before);
  });

  it('sends the draft with its attachments intact', async () => {
    expectOk(await alice()(`<m:SendItem SaveItemToFolder="false"><m:ItemIds><t:ItemId Id="${draft.Id}"/></m:ItemIds></m:SendItem>`));
    const [got] = (await ews.items('bob@contoso.com', 'inbox')).filter((i) => i.subject === 'With attachments');
    assert.deepEqual(got.attachments.map((a) => [a.name, a.size]), [['second.bin', 4], ['Forwarded note', got.attachments[1].size]]);
  });

  it('adds and reads attachments through ews-javascript-api', async () => {
    const service = ews.service('alice@contoso.com');
    const id = itemIds(expectOk(await alice()(createItemXml('SaveOnly', messageXml({ subject: 'Library attachments' })))))[0];
    const message = await EmailMessage.Bind(service, new ItemId(id.Id));
    message.Attachments.AddFileAttachment('lib.bin', bytes.toString('base64'));
    await message.Update(0);
    const reread = await EmailMessage.Bind(service, new ItemId(id.Id));
    assert.equal(reread.Attachments.Count, 1);
    const attachment = reread.Attachments._getItem(0) as FileAttachment;
    await attachment.Load();
    assert.ok(Buffer.from(attachment.Base64Content, 'base64').equals(bytes));
  });
});
