// UpdateItem (flags, categories, extended properties, draft fields then SendItem, refusals that
// change nothing), DeleteItem in its three modes, MoveItem/CopyItem and MarkAllItemsAsRead, as
// exchangelib, DavMail and ews-javascript-api send them, acting as bob through impersonation.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictResolutionMode, EmailMessage, ItemId, MessageBody, WellKnownFolderName } from 'ews-javascript-api';
import { assertRecordedResponsesValid, type RawEwsResponse } from '../helpers/ews.ts';
import {
  createItemXml,
  distinguished,
  expectCodes,
  expectOk,
  find,
  first,
  folderIds,
  folderRef,
  itemIdXml,
  itemIds,
  messageXml,
  rfc822,
  startOpsServer,
  T,
  text,
  uuidOf,
  type OpsServer,
} from './support.ts';

type Id = { Id: string; ChangeKey: string };

const updateXml = (id: { Id: string; ChangeKey?: string }, updates: string, attrs = 'ConflictResolution="AutoResolve" MessageDisposition="SaveOnly"') =>
  `<m:UpdateItem ${attrs}><m:ItemChanges><t:ItemChange>${itemIdXml(id)}<t:Updates>${updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`;
const setField = (uri: string, message: string) => `<t:SetItemField><t:FieldURI FieldURI="${uri}"/><t:Message>${message}</t:Message></t:SetItemField>`;
const deleteField = (uri: string) => `<t:DeleteItemField><t:FieldURI FieldURI="${uri}"/></t:DeleteItemField>`;

describe('EWS UpdateItem, DeleteItem, MoveItem, CopyItem, MarkAllItemsAsRead', () => {
  let ews: OpsServer;
  const bob = () => ews.as('bob@contoso.com');
  const storedItem = async (id: string) => (await ews.runtime.store.getItems([uuidOf(id)]))[0];

  /** A message received in bob's Inbox (filed from MIME, as delivery or an IMAP APPEND would). */
  const received = async (subject: string, folder = 'inbox'): Promise<Id> => {
    const mime = rfc822({ subject, to: 'bob@contoso.com' });
    return itemIds(expectOk(await bob()(createItemXml('SaveOnly', `<t:Message><t:MimeContent>${mime.toString('base64')}</t:MimeContent><t:IsRead>false</t:IsRead></t:Message>`, folder))))[0];
  };

  before(async () => {
    ews = await startOpsServer();
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  describe('UpdateItem', () => {
    it('sets IsRead (exchangelib sends 1/0), keeping the Id and changing the ChangeKey', async () => {
      const id = await received('Read me');
      const r = expectOk(await bob()(updateXml(id, setField('message:IsRead', '<t:IsRead>1</t:IsRead>'), 'ConflictResolution="AutoResolve" MessageDisposition="SaveOnly" SendMeetingInvitationsOrCancellations="SendToNone" SuppressReadReceipts="true"')));
      const [updated] = itemIds(r);
      assert.equal(updated.Id, id.Id, 'exchangelib requires the same Id');
      assert.notEqual(updated.ChangeKey, id.ChangeKey);
      assert.equal((await storedItem(id.Id)).isRead, true);
      expectOk(await bob()(updateXml(updated, setField('message:IsRead', '<t:IsRead>0</t:IsRead>'))));
      assert.equal((await storedItem(id.Id)).isRead, false);
    });

    it('sets and clears Categories and the Flag', async () => {
      const id = await received('Categorize me');
      expectOk(await bob()(updateXml(id, setField('item:Categories', '<t:Categories><t:String>Red</t:String><t:String>Project X</t:String></t:Categories>'))));
      assert.deepEqual((await storedItem(id.Id)).categories, ['Red', 'Project X']);
      expectOk(await bob()(updateXml(id, '<t:SetItemField><t:FieldURI FieldURI="item:Flag"/><t:Message><t:Flag><t:FlagStatus>Flagged</t:FlagStatus></t:Flag></t:Message></t:SetItemField>')));
      assert.equal((await storedItem(id.Id)).flagStatus, 'Flagged');
      const got = expectOk(await bob()(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Categories"/><t:FieldURI FieldURI="item:Flag"/></t:AdditionalProperties></m:ItemShape><m:ItemIds>${itemIdXml(id)}</m:ItemIds></m:GetItem>`));
      assert.deepEqual(find(got.bodyElement, T, 'String').map((s) => s.text), ['Red', 'Project X']);
      assert.equal(text(first(got.bodyElement, T, 'Flag'), 'FlagStatus'), 'Flagged');
      expectOk(await bob()(updateXml(id, deleteField('item:Categories') + deleteField('item:Flag'))));
      const after = await storedItem(id.Id);
      assert.deepEqual([after.categories, after.flagStatus], [[], 'NotFlagged']);
    });

    it("sets and deletes extended properties; DavMail's PR_FLAG_STATUS and PR_MESSAGE_FLAGS change the item itself", async () => {
      const id = await received('Extended');
      const prop = (uri: string, value: string) => `<t:SetItemField>${uri}<t:Message><t:ExtendedProperty>${uri}<t:Value>${value}</t:Value></t:ExtendedProperty></t:Message></t:SetItemField>`;
      const answered = '<t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/>';
      const deleted = '<t:ExtendedFieldURI DistinguishedPropertySetId="Common" PropertyId="34160" PropertyType="String"/>';
      const flagStatus = '<t:ExtendedFieldURI PropertyTag="0x1090" PropertyType="Integer"/>';
      const messageFlags = '<t:ExtendedFieldURI PropertyTag="0xe07" PropertyType="Integer"/>';
      expectOk(await bob()(updateXml(id, prop(answered, '102') + prop(deleted, '1') + prop(flagStatus, '2') + prop(messageFlags, '1'), 'ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly" SendMeetingInvitationsOrCancellations="SendToNone"')));
      let item = await storedItem(id.Id);
      assert.equal(item.flagStatus, 'Flagged');
      assert.equal(item.isRead, true);
      assert.deepEqual(item.extendedProperties.map((p) => p.propertyTag ?? p.propertyId).sort(), ['0x1081', 34160].sort());
      const read = await bob()(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>${answered}${deleted}${flagStatus}${messageFlags}</t:AdditionalProperties></m:ItemShape><m:ItemIds>${itemIdXml(id)}</m:ItemIds></m:GetItem>`);
      assert.deepEqual(find(read.bodyElement, T, 'ExtendedProperty').map((p) => p.children[1].text), ['102', '1', '2', '1']);
      expectOk(await bob()(updateXml(id, `<t:DeleteItemField>${deleted}</t:DeleteItemField><t:DeleteItemField>${flagStatus}</t:DeleteItemField>`)));
      item = await storedItem(id.Id);
      assert.equal(item.flagStatus, 'NotFlagged');
      assert.deepEqual(item.extendedProperties.map((p) => p.propertyTag), ['0x1081']);
    });

    it('changes subject, body and recipients of a draft, then SendItem delivers the changed message', async () => {
      const draft = itemIds(expectOk(await bob()(createItemXml('SaveOnly', messageXml({ subject: 'First subject', body: 'first body', to: ['alice@contoso.com'] })))))[0];
      const r = expectOk(
        await bob()(
          updateXml(
            draft,
            setField('item:Subject', '<t:Subject>Final subject</t:Subject>') +
              setField('item:Body', '<t:Body BodyType="Text">final body</t:Body>') +
              setField('message:ToRecipients', '<t:ToRecipients><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients>') +
              setField('message:CcRecipients', '<t:CcRecipients><t:Mailbox><t:EmailAddress>alice@contoso.com</t:EmailAddress></t:Mailbox></t:CcRecipients>'),
          ),
        ),
      );
      const [updated] = itemIds(r);
      assert.equal(updated.Id, draft.Id);
      const stored = await storedItem(draft.Id);
      assert.equal(stored.subject, 'Final subject');
      assert.deepEqual([stored.to.map((a) => a.address), stored.cc.map((a) => a.address)], [['carol@contoso.com'], ['alice@contoso.com']]);
      assert.match(await ews.mime(stored.id), /final body/);
      expectOk(await bob()(`<m:SendItem SaveItemToFolder="true"><m:ItemIds>${itemIdXml(updated)}</m:ItemIds></m:SendItem>`));
      assert.equal(await storedItem(draft.Id), undefined, 'the draft is gone once sent');
      for (const rcpt of ['carol@contoso.com', 'alice@contoso.com']) {
        const got = (await ews.items(rcpt, 'inbox')).filter((i) => i.subject === 'Final subject');
        assert.equal(got.length, 1, rcpt);
        assert.match(await ews.mime(got[0].id), /final body/);
      }
      assert.equal((await ews.items('bob@contoso.com', 'sentitems')).filter((i) => i.subject === 'Final subject').length, 1);
    });

    it('appends to the body and recipients of a draft with AppendToItemField', async () => {
      const draft = itemIds(expectOk(await bob()(createItemXml('SaveOnly', messageXml({ subject: 'Append', body: 'Hello', to: ['alice@contoso.com'] })))))[0];
      expectOk(
        await bob()(
          updateXml(
            draft,
            '<t:AppendToItemField><t:FieldURI FieldURI="item:Body"/><t:Message><t:Body BodyType="Text"> and goodbye</t:Body></t:Message></t:AppendToItemField>' +
              '<t:AppendToItemField><t:FieldURI FieldURI="message:ToRecipients"/><t:Message><t:ToRecipients><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></t:AppendToItemField>',
          ),
        ),
      );
      const stored = await storedItem(draft.Id);
      assert.deepEqual(stored.to.map((a) => a.address), ['alice@contoso.com', 'carol@contoso.com']);
      assert.match(await ews.mime(stored.id), /Hello and goodbye/);
    });

    it('refuses to change the subject of a received message (ErrorInvalidPropertyUpdateSentMessage), changing nothing else', async () => {
      const id = await received('Original subject');
      const before = await storedItem(id.Id);
      const mimeBefore = await ews.mime(before.id);
      const r = await bob()(updateXml(id, setField('message:IsRead', '<t:IsRead>true</t:IsRead>') + setField('item:Subject', '<t:Subject>Rewritten</t:Subject>')));
      expectCodes(r, ['ErrorInvalidPropertyUpdateSentMessage']);
      const after = await storedItem(id.Id);
      assert.deepEqual(after, before);
      assert.equal(await ews.mime(after.id), mimeBefore);
    });

    it('refuses a stale ChangeKey with NeverOverwrite (ErrorIrresolvableConflict), changing nothing; AutoResolve applies it', async () => {
      const id = await received('Conflict');
      const fresh = itemIds(expectOk(await bob()(updateXml(id, setField('item:Categories', '<t:Categories><t:String>One</t:String></t:Categories>')))))[0];
      const before = await storedItem(id.Id);
      const stale = await bob()(updateXml(id, setField('item:Categories', '<t:Categories><t:String>Two</t:String></t:Categories>'), 'ConflictResolution="NeverOverwrite" MessageDisposition="SaveOnly"'));
      expectCodes(stale, ['ErrorIrresolvableConflict']);
      assert.deepEqual(await storedItem(id.Id), before);
      expectOk(await bob()(updateXml(fresh, setField('item:Categories', '<t:Categories><t:String>Two</t:String></t:Categories>'), 'ConflictResolution="NeverOverwrite" MessageDisposition="SaveOnly"')));
      assert.deepEqual((await storedItem(id.Id)).categories, ['Two']);
    });

    it("answers another mailbox's item with ErrorItemNotFound and a malformed id with ErrorInvalidIdMalformed, changing nothing", async () => {
      const id = await received('Not yours');
      const before = await storedItem(id.Id);
      expectCodes(await ews.as('alice@contoso.com')(updateXml(id, setField('message:IsRead', '<t:IsRead>true</t:IsRead>'))), ['ErrorItemNotFound']);
      expectCodes(await bob()(updateXml({ Id: 'AAAA' }, setField('message:IsRead', '<t:IsRead>true</t:IsRead>'))), ['ErrorInvalidIdMalformed']);
      assert.deepEqual(await storedItem(id.Id), before);
    });

    it('updates through ews-javascript-api (IsRead, then a draft body and Send)', async () => {
      const id = await received('Library update');
      const service = ews.service('bob@contoso.com');
      const message = await EmailMessage.Bind(service, new ItemId(id.Id));
      message.IsRead = true;
      await message.Update(ConflictResolutionMode.AutoResolve);
      assert.equal((await storedItem(id.Id)).isRead, true);
      const draft = new EmailMessage(service);
      draft.Subject = 'Library draft to send';
      draft.ToRecipients.Add('carol@contoso.com');
      await draft.Save(WellKnownFolderName.Drafts);
      draft.Body = new MessageBody('Edited in the library');
      await draft.Update(ConflictResolutionMode.AlwaysOverwrite);
      await draft.SendAndSaveCopy();
      const got = (await ews.items('carol@contoso.com', 'inbox')).filter((i) => i.subject === 'Library draft to send');
      assert.equal(got.length, 1);
      assert.match(await ews.mime(got[0].id), /Edited in the library/);
    });
  });

  describe('DeleteItem', () => {
    const deleteXml = (ids: Id[], type: string) => `<m:DeleteItem DeleteType="${type}" SendMeetingCancellations="SendToNone" AffectedTaskOccurrences="AllOccurrences" SuppressReadReceipts="true"><m:ItemIds>${ids.map(itemIdXml).join('')}</m:ItemIds></m:DeleteItem>`;
    const folderOf = async (id: Id) => {
      const item = await storedItem(id.Id);
      return (await ews.folders('bob@contoso.com')).find((f) => f.id === item?.folderId)?.distinguishedName;
    };

    it('HardDelete removes the item for good', async () => {
      const id = await received('Hard');
      expectOk(await bob()(deleteXml([id], 'HardDelete')));
      assert.equal(await storedItem(id.Id), undefined);
      expectCodes(await bob()(deleteXml([id], 'HardDelete')), ['ErrorItemNotFound']);
    });

    it('SoftDelete moves it to Recoverable Items, out of sight of its folder', async () => {
      const id = await received('Soft');
      expectOk(await bob()(deleteXml([id], 'SoftDelete')));
      assert.equal(await folderOf(id), 'recoverableitemsdeletions');
      assert.ok(!(await ews.items('bob@contoso.com', 'inbox')).some((i) => i.id === uuidOf(id.Id)));
    });

    it('MoveToDeletedItems moves it to Deleted Items, and deletes it for good from there', async () => {
      const id = await received('To the bin');
      expectOk(await bob()(deleteXml([id], 'MoveToDeletedItems')));
      assert.equal(await folderOf(id), 'deleteditems');
      expectOk(await bob()(deleteXml([id], 'MoveToDeletedItems')));
      assert.equal(await storedItem(id.Id), undefined);
    });

    it('answers each id on its own: another mailbox\'s item is not found and stays', async () => {
      const mine = await received('Mine to delete');
      const alices = itemIds(expectOk(await ews.as('alice@contoso.com')(createItemXml('SaveOnly', messageXml({ subject: 'Alice keeps this' })))))[0];
      expectCodes(await bob()(deleteXml([alices, mine, { Id: 'bad', ChangeKey: '' }], 'HardDelete')), ['ErrorItemNotFound', 'NoError', 'ErrorInvalidIdMalformed']);
      assert.ok(await storedItem(alices.Id));
      assert.equal(await storedItem(mine.Id), undefined);
    });
  });

  describe('MoveItem and CopyItem', () => {
    it('move and copy return the ids of the items in the destination, with their own IMAP UIDs', async () => {
      const folder = folderIds(expectOk(await bob()(`<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Filed</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)))[0].Id;
      const a = await received('Move me');
      const b = await received('Copy me');
      const moved = expectOk(await bob()(`<m:MoveItem><m:ToFolderId>${folderRef(folder)}</m:ToFolderId><m:ItemIds>${itemIdXml(a)}</m:ItemIds></m:MoveItem>`));
      const copied = expectOk(await bob()(`<m:CopyItem><m:ToFolderId>${folderRef(folder)}</m:ToFolderId><m:ItemIds>${itemIdXml(b)}</m:ItemIds></m:CopyItem>`));
      const [movedId] = itemIds(moved);
      const [copyId] = itemIds(copied);
      assert.notEqual(copyId.Id, b.Id, 'a copy is a new item');
      const filed = await ews.items('bob@contoso.com', uuidOf(folder));
      assert.deepEqual(filed.map((i) => [i.id, i.subject, i.articleNumber]), [
        [uuidOf(movedId.Id), 'Move me', 1],
        [uuidOf(copyId.Id), 'Copy me', 2],
      ]);
      const inbox = await ews.items('bob@contoso.com', 'inbox');
      assert.ok(!inbox.some((i) => i.subject === 'Move me'), 'moved out of the Inbox');
      assert.ok(inbox.some((i) => i.id === uuidOf(b.Id)), 'the original of the copy stays');
      assert.equal(await ews.mime(uuidOf(copyId.Id)), await ews.mime(uuidOf(b.Id)));
      // The returned id is the one to use from now on.
      const got = expectOk(await bob()(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:ParentFolderId"/></t:AdditionalProperties></m:ItemShape><m:ItemIds>${itemIdXml(movedId)}${itemIdXml(copyId)}</m:ItemIds></m:GetItem>`), 2);
      assert.deepEqual(find(got.bodyElement, T, 'ParentFolderId').map((p) => p.attrs.Id), [folder, folder]);
    });

    it('refuses a destination in another mailbox and an unknown folder, moving nothing', async () => {
      const a = await received('Stay put');
      const alicesInbox = folderIds(expectOk(await ews.as('alice@contoso.com')(`<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${distinguished('inbox')}</m:FolderIds></m:GetFolder>`)))[0].Id;
      expectCodes(await bob()(`<m:MoveItem><m:ToFolderId><t:FolderId Id="${alicesInbox}"/></m:ToFolderId><m:ItemIds>${itemIdXml(a)}</m:ItemIds></m:MoveItem>`), ['ErrorFolderNotFound']);
      expectCodes(await bob()(`<m:CopyItem><m:ToFolderId>${distinguished('inbox', 'alice@contoso.com')}</m:ToFolderId><m:ItemIds>${itemIdXml(a)}</m:ItemIds></m:CopyItem>`), ['ErrorAccessDenied']);
      assert.equal((await storedItem(a.Id)).folderId, (await ews.folder('bob@contoso.com', 'inbox')).id);
      assert.equal((await ews.items('alice@contoso.com', 'inbox')).filter((i) => i.subject === 'Stay put').length, 0);
    });

    it('moves through ews-javascript-api', async () => {
      const a = await received('Library move');
      const message = await EmailMessage.Bind(ews.service('bob@contoso.com'), new ItemId(a.Id));
      const moved = await message.Move(WellKnownFolderName.JunkEmail);
      assert.equal((await storedItem(moved.Id.UniqueId)).folderId, (await ews.folder('bob@contoso.com', 'junkemail')).id);
    });
  });

  describe('MarkAllItemsAsRead', () => {
    it('marks every item of the folder read (or unread), leaving other folders alone', async () => {
      for (const s of ['m1', 'm2', 'm3']) await received(s, 'junkemail');
      const inboxUnreadBefore = (await ews.items('bob@contoso.com', 'inbox')).filter((i) => !i.isRead).length;
      assert.ok(inboxUnreadBefore > 0);
      const mark = (flag: boolean): Promise<RawEwsResponse> =>
        bob()(`<m:MarkAllItemsAsRead><m:ReadFlag>${flag}</m:ReadFlag><m:SuppressReadReceipts>true</m:SuppressReadReceipts><m:FolderIds>${distinguished('junkemail')}</m:FolderIds></m:MarkAllItemsAsRead>`);
      expectOk(await mark(true));
      assert.ok((await ews.items('bob@contoso.com', 'junkemail')).every((i) => i.isRead));
      assert.equal((await ews.items('bob@contoso.com', 'inbox')).filter((i) => !i.isRead).length, inboxUnreadBefore);
      expectOk(await mark(false));
      assert.ok((await ews.items('bob@contoso.com', 'junkemail')).every((i) => !i.isRead));
      expectCodes(await bob()(`<m:MarkAllItemsAsRead><m:ReadFlag>true</m:ReadFlag><m:SuppressReadReceipts>true</m:SuppressReadReceipts><m:FolderIds>${distinguished('favorites')}</m:FolderIds></m:MarkAllItemsAsRead>`), ['ErrorFolderNotFound']);
    });
  });
});
