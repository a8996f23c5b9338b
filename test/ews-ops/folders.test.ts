// Folder operations end to end, as the three clients send them: GetFolder (several ids, exchangelib's
// 31 distinguished ids, Mailbox children), FindFolder (Shallow/Deep, paging, DavMail's DisplayName
// restriction), CreateFolder, UpdateFolder, DeleteFolder, EmptyFolder and DavMail's folder properties.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeleteMode, Folder, FolderView, WellKnownFolderName } from 'ews-javascript-api';
import { assertRecordedResponsesValid, type RawEwsResponse } from '../helpers/ews.ts';
import { createItemXml, distinguished, expectCodes, expectOk, find, first, folderIds, folderRef, messageXml, startOpsServer, T, text, uuidOf, type OpsServer } from './support.ts';

const exchangelibIds = [
  'calendar', 'conflicts', 'contacts', 'conversationhistory', 'deleteditems', 'directory', 'drafts', 'favorites', 'imcontactlist', 'inbox', 'journal',
  'junkemail', 'localfailures', 'msgfolderroot', 'mycontacts', 'notes', 'outbox', 'peopleconnect', 'quickcontacts', 'recipientcache',
  'recoverableitemsdeletions', 'recoverableitemspurges', 'recoverableitemsroot', 'recoverableitemsversions', 'searchfolders', 'sentitems',
  'serverfailures', 'syncissues', 'tasks', 'todosearch', 'voicemail',
];
const present = new Set(['calendar', 'contacts', 'conversationhistory', 'deleteditems', 'drafts', 'inbox', 'journal', 'junkemail', 'msgfolderroot', 'notes', 'outbox', 'recoverableitemsdeletions', 'recoverableitemspurges', 'recoverableitemsroot', 'recoverableitemsversions', 'searchfolders', 'sentitems', 'tasks']);

const exchangelibShape =
  '<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>' +
  ['folder:ChildFolderCount', 'folder:DisplayName', 'folder:EffectiveRights', 'folder:FolderClass', 'folder:FolderId', 'folder:ParentFolderId', 'folder:TotalCount', 'folder:UnreadCount', 'folder:PermissionSet']
    .map((f) => `<t:FieldURI FieldURI="${f}"/>`)
    .join('') +
  '</t:AdditionalProperties></m:FolderShape>';

const getFolder = (ids: string, shape = '<m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>') => `<m:GetFolder>${shape}<m:FolderIds>${ids}</m:FolderIds></m:GetFolder>`;
const createFolder = (parent: string, name: string, element = 'Folder') =>
  `<m:CreateFolder><m:ParentFolderId>${folderRef(parent)}</m:ParentFolderId><m:Folders><t:${element}><t:DisplayName>${name}</t:DisplayName></t:${element}></m:Folders></m:CreateFolder>`;
const findFolder = (parent: string, traversal: 'Shallow' | 'Deep', extra = '', view = '') =>
  `<m:FindFolder Traversal="${traversal}"><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>${view}${extra}<m:ParentFolderIds>${folderRef(parent)}</m:ParentFolderIds></m:FindFolder>`;
const displayNames = (r: RawEwsResponse) => find(r.bodyElement, T, 'DisplayName').map((e) => e.text);

describe('EWS folder operations', () => {
  let ews: OpsServer;
  before(async () => {
    ews = await startOpsServer();
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  const created = async (asMailbox: string, parent: string, name: string): Promise<string> => {
    const r = expectOk(await ews.as(asMailbox)(createFolder(parent, name)));
    return folderIds(r)[0].Id;
  };

  describe('GetFolder', () => {
    it('answers several ids one message each, in order, with ErrorFolderNotFound for unknown distinguished folders (HTTP 200)', async () => {
      const r = await ews.as('alice@contoso.com')(getFolder(distinguished('inbox') + distinguished('favorites') + distinguished('drafts') + distinguished('voicemail') + distinguished('sentitems')));
      expectCodes(r, ['NoError', 'ErrorFolderNotFound', 'NoError', 'ErrorFolderNotFound', 'NoError']);
      assert.deepEqual(displayNames(r), ['Inbox', 'Drafts', 'Sent Items']);
      // Error messages carry no folder.
      assert.equal(find(r.messages[1].element, T, 'Folder').length, 0);
    });

    it("answers exchangelib's 31-id request with one message per id: the folders Deputy has, ErrorFolderNotFound for the rest", async () => {
      const r = await ews.as('bob@contoso.com')(getFolder(exchangelibIds.map((id) => distinguished(id, 'bob@contoso.com')).join(''), exchangelibShape));
      expectCodes(r, exchangelibIds.map((id) => (present.has(id) ? 'NoError' : 'ErrorFolderNotFound')));
      const inbox = r.messages[exchangelibIds.indexOf('inbox')].element;
      assert.equal(text(first(inbox, T, 'Folder'), 'DisplayName'), 'Inbox');
      assert.equal(text(first(inbox, T, 'Folder'), 'FolderClass'), 'IPF.Note');
      assert.ok(first(inbox, T, 'ParentFolderId').attrs.Id);
      assert.equal(first(r.messages[exchangelibIds.indexOf('calendar')].element, T, 'CalendarFolder').children[0].local, 'FolderId');
      assert.equal(find(r.messages[exchangelibIds.indexOf('tasks')].element, T, 'TasksFolder').length, 1);
    });

    it('accepts a Mailbox child naming the acting mailbox, and refuses another mailbox per folder without disclosing it', async () => {
      const alice = ews.as('alice@contoso.com');
      const own = expectOk(await alice(getFolder(distinguished('inbox', 'alice@contoso.com'))));
      const plain = expectOk(await alice(getFolder(distinguished('inbox'))));
      assert.equal(folderIds(own)[0].Id, folderIds(plain)[0].Id);
      assert.equal(uuidOf(folderIds(own)[0].Id), (await ews.folder('alice@contoso.com', 'inbox')).id);
      const other = await alice(getFolder(distinguished('inbox', 'bob@contoso.com') + distinguished('drafts', 'ALICE@contoso.com')));
      expectCodes(other, ['ErrorAccessDenied', 'NoError']);
      assert.ok(!other.body.includes((await ews.folder('bob@contoso.com', 'inbox')).id));
      // The owner, without impersonation, is refused bob's folder the same way.
      expectCodes(await ews.owner('alice@contoso.com')(getFolder(distinguished('inbox', 'bob@contoso.com') + distinguished('inbox'))), ['ErrorAccessDenied', 'NoError']);
    });

    it("refuses another mailbox's folder id as not found, and a malformed id as ErrorInvalidIdMalformed", async () => {
      const bobInbox = expectOk(await ews.as('bob@contoso.com')(getFolder(distinguished('inbox'))));
      const r = await ews.as('alice@contoso.com')(getFolder(`<t:FolderId Id="${folderIds(bobInbox)[0].Id}"/><t:FolderId Id="nonsense"/>`));
      expectCodes(r, ['ErrorFolderNotFound', 'ErrorInvalidIdMalformed']);
    });

    it('binds the inbox through ews-javascript-api as owner and as impersonated user, with the same id', async () => {
      const asSvc = await Folder.Bind(ews.service('carol@contoso.com'), WellKnownFolderName.Inbox);
      assert.equal(asSvc.DisplayName, 'Inbox');
      const mine = expectOk(await ews.owner('carol@contoso.com')(getFolder(distinguished('inbox'))));
      assert.equal(folderIds(mine)[0].Id, asSvc.Id.UniqueId);
    });
  });

  describe('FindFolder', () => {
    let projects: string;
    before(async () => {
      projects = await created('bob@contoso.com', 'inbox', 'Projects');
      for (const name of ['Alpha', 'Beta', 'Gamma']) await created('bob@contoso.com', projects, name);
      const alpha = find((await ews.as('bob@contoso.com')(findFolder(projects, 'Shallow'))).bodyElement, T, 'Folder')[0];
      await created('bob@contoso.com', first(alpha, T, 'FolderId').attrs.Id, 'Alpha-1');
      await created('bob@contoso.com', 'inbox', 'Receipts');
    });

    it('lists child folders (Shallow) and all descendants (Deep)', async () => {
      const bob = ews.as('bob@contoso.com');
      const shallow = expectOk(await bob(findFolder('inbox', 'Shallow')));
      assert.deepEqual(displayNames(shallow), ['Projects', 'Receipts']);
      const deep = expectOk(await bob(findFolder('inbox', 'Deep')));
      assert.deepEqual(displayNames(deep), ['Projects', 'Alpha', 'Alpha-1', 'Beta', 'Gamma', 'Receipts']);
      const root = first(deep.bodyElement, 'http://schemas.microsoft.com/exchange/services/2006/messages', 'RootFolder');
      assert.equal(root.attrs.TotalItemsInView, '6');
      assert.equal(root.attrs.IncludesLastItemInRange, 'true');
    });

    it('pages with IndexedPageFolderView, each folder once, IncludesLastItemInRange exactly "true" on the last page only', async () => {
      const bob = ews.as('bob@contoso.com');
      const seen: string[] = [];
      const flags: string[] = [];
      let offset = 0;
      for (let page = 0; page < 10; page++) {
        const r = expectOk(await bob(findFolder('inbox', 'Deep', '', `<m:IndexedPageFolderView MaxEntriesReturned="4" Offset="${offset}" BasePoint="Beginning"/>`)));
        const root = first(r.bodyElement, 'http://schemas.microsoft.com/exchange/services/2006/messages', 'RootFolder');
        seen.push(...displayNames(r));
        flags.push(root.attrs.IncludesLastItemInRange);
        offset = Number(root.attrs.IndexedPagingOffset);
        if (root.attrs.IncludesLastItemInRange === 'true') break;
      }
      assert.deepEqual(flags, ['false', 'true']);
      assert.deepEqual(seen, ['Projects', 'Alpha', 'Alpha-1', 'Beta', 'Gamma', 'Receipts']);
      assert.equal(offset, 6);
    });

    it("honours DavMail's exact DisplayName restriction (and its container-class Or), so a name resolves to one folder", async () => {
      const bob = ews.as('bob@contoso.com');
      const byName = (name: string) =>
        `<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:DisplayName"/><t:FieldURIOrConstant><t:Constant Value="${name}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>`;
      const r = expectOk(await bob(findFolder('inbox', 'Deep', byName('Beta'))));
      assert.deepEqual(displayNames(r), ['Beta']);
      assert.deepEqual(displayNames(expectOk(await bob(findFolder('inbox', 'Deep', byName('Bet'))))), []);
      const davmailList =
        '<m:Restriction><t:Or>' +
        '<t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:FieldURIOrConstant><t:Constant Value="IPF.Note"/></t:FieldURIOrConstant></t:IsEqualTo>' +
        '<t:IsEqualTo><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/><t:FieldURIOrConstant><t:Constant Value="IPF.Note.Microsoft.Conversation"/></t:FieldURIOrConstant></t:IsEqualTo>' +
        '<t:Not><t:Exists><t:ExtendedFieldURI PropertyTag="0x3613" PropertyType="String"/></t:Exists></t:Not>' +
        '</t:Or></m:Restriction>';
      const list = expectOk(await bob(findFolder('msgfolderroot', 'Shallow', davmailList)));
      const names = displayNames(list);
      for (const expected of ['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Junk Email']) assert.ok(names.includes(expected), expected);
      for (const excluded of ['Calendar', 'Contacts', 'Tasks']) assert.ok(!names.includes(excluded), excluded);
    });

    it('returns the same folder ids as GetFolder (DavMail compares them)', async () => {
      const bob = ews.as('bob@contoso.com');
      const listed = expectOk(await bob(findFolder('msgfolderroot', 'Shallow')));
      const byName = new Map(find(listed.bodyElement, T, 'Folder').map((f) => [text(f, 'DisplayName'), first(f, T, 'FolderId').attrs.Id]));
      const got = expectOk(await bob(getFolder(['inbox', 'sentitems', 'drafts', 'deleteditems'].map((d) => distinguished(d)).join(''))), 4);
      assert.deepEqual(folderIds(got).map((f) => f.Id), ['Inbox', 'Sent Items', 'Drafts', 'Deleted Items'].map((n) => byName.get(n)));
    });

    it('finds folders through ews-javascript-api', async () => {
      const found = await ews.service('bob@contoso.com').FindFolders(WellKnownFolderName.Inbox, new FolderView(10));
      assert.deepEqual(found.Folders.map((f) => f.DisplayName), ['Projects', 'Receipts']);
      assert.equal(found.TotalCount, 2);
    });

    it('answers an unsupported restriction per parent with a specific code', async () => {
      const r = await ews.as('bob@contoso.com')(
        findFolder('inbox', 'Shallow', '<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="folder:TotalCount"/><t:FieldURIOrConstant><t:Constant Value="1"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>'),
      );
      expectCodes(r, ['ErrorUnsupportedPathForQuery']);
    });
  });

  describe('CreateFolder, UpdateFolder, DeleteFolder, EmptyFolder', () => {
    it('creates folders (and through ews-javascript-api); a duplicate name is ErrorFolderExists and creates nothing', async () => {
      const alice = ews.as('alice@contoso.com');
      const id = await created('alice@contoso.com', 'inbox', 'Invoices');
      const inbox = await ews.folder('alice@contoso.com', 'inbox');
      const stored = (await ews.folders('alice@contoso.com')).find((f) => f.id === uuidOf(id));
      assert.equal(stored?.parentId, inbox.id);
      assert.equal(stored?.folderClass, 'IPF.Note');
      const before = (await ews.folders('alice@contoso.com')).length;
      expectCodes(await alice(createFolder('inbox', 'invoices')), ['ErrorFolderExists']);
      assert.equal((await ews.folders('alice@contoso.com')).length, before);
      const folder = new Folder(ews.service('alice@contoso.com'));
      folder.DisplayName = 'Via library';
      await folder.Save(WellKnownFolderName.Drafts);
      assert.equal((await ews.folders('alice@contoso.com')).find((f) => f.id === uuidOf(folder.Id.UniqueId))?.displayName, 'Via library');
    });

    it('renames with UpdateFolder (the id stays, the ChangeKey changes); a sibling name clash is ErrorFolderExists', async () => {
      const alice = ews.as('alice@contoso.com');
      const id = await created('alice@contoso.com', 'inbox', 'Old name');
      await created('alice@contoso.com', 'inbox', 'Taken');
      const rename = (name: string) =>
        alice(
          `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${id}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>${name}</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
        );
      const r = expectOk(await rename('New name'));
      assert.equal(folderIds(r)[0].Id, id);
      assert.notEqual(folderIds(r)[0].ChangeKey, 'MQ==');
      const stored = () => ews.folders('alice@contoso.com').then((all) => all.find((f) => f.id === uuidOf(id))!);
      assert.equal((await stored()).displayName, 'New name');
      expectCodes(await rename('taken'), ['ErrorFolderExists']);
      assert.equal((await stored()).displayName, 'New name');
      const renameInbox = await alice(
        `<m:UpdateFolder><m:FolderChanges><t:FolderChange>${distinguished('inbox')}<t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>Posteingang</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
      );
      assert.equal(renameInbox.messages[0].responseClass, 'Error');
      assert.equal((await ews.folder('alice@contoso.com', 'inbox')).displayName, 'Inbox');
    });

    it('refuses to delete a distinguished folder; MoveToDeletedItems moves a folder, HardDelete removes it with its items', async () => {
      const alice = ews.as('alice@contoso.com');
      const deleteFolder = (id: string, type: string) => alice(`<m:DeleteFolder DeleteType="${type}"><m:FolderIds>${folderRef(id)}</m:FolderIds></m:DeleteFolder>`);
      expectCodes(await deleteFolder('inbox', 'HardDelete'), ['ErrorDeleteDistinguishedFolder']);
      assert.ok(await ews.folder('alice@contoso.com', 'inbox'));
      const id = await created('alice@contoso.com', 'inbox', 'Doomed');
      const child = await created('alice@contoso.com', id, 'Doomed child');
      expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'in doomed child' }), child)));
      expectOk(await deleteFolder(id, 'MoveToDeletedItems'));
      const deleted = await ews.folder('alice@contoso.com', 'deleteditems');
      let all = await ews.folders('alice@contoso.com');
      assert.equal(all.find((f) => f.id === uuidOf(id))?.parentId, deleted.id);
      assert.equal(all.find((f) => f.id === uuidOf(child))?.parentId, uuidOf(id));
      expectOk(await deleteFolder(id, 'HardDelete'));
      all = await ews.folders('alice@contoso.com');
      assert.ok(!all.some((f) => f.id === uuidOf(id) || f.id === uuidOf(child)));
      assert.equal((await ews.items('alice@contoso.com', uuidOf(child))).length, 0);
      expectCodes(await deleteFolder(id, 'HardDelete'), ['ErrorFolderNotFound']);
    });

    it("moves a folder to another parent (DavMail's IMAP RENAME) keeping its id and items; refuses distinguished folders and cycles", async () => {
      const alice = ews.as('alice@contoso.com');
      const moveFolder = (id: string, to: string) => alice(`<m:MoveFolder><m:ToFolderId>${folderRef(to)}</m:ToFolderId><m:FolderIds>${folderRef(id)}</m:FolderIds></m:MoveFolder>`);
      const a = await created('alice@contoso.com', 'inbox', 'Move A');
      const b = await created('alice@contoso.com', a, 'Move B');
      expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'travels along' }), b)));
      const r = expectOk(await moveFolder(b, 'drafts'));
      assert.equal(folderIds(r)[0].Id, b);
      const stored = (await ews.folders('alice@contoso.com')).find((f) => f.id === uuidOf(b))!;
      assert.equal(stored.parentId, (await ews.folder('alice@contoso.com', 'drafts')).id);
      assert.deepEqual((await ews.items('alice@contoso.com', uuidOf(b))).map((i) => i.subject), ['travels along']);
      const before = await ews.folders('alice@contoso.com');
      expectCodes(await moveFolder('inbox', a), ['ErrorMoveDistinguishedFolder']);
      expectCodes(await moveFolder(a, a), ['ErrorMoveCopyFailed']);
      await created('alice@contoso.com', 'drafts', 'Move A');
      expectCodes(await moveFolder(a, 'drafts'), ['ErrorFolderExists']);
      // The refused moves changed nothing.
      const after = await ews.folders('alice@contoso.com');
      for (const f of before) assert.deepEqual(after.find((x) => x.id === f.id), f);
      assert.equal((await ews.folders('alice@contoso.com')).find((f) => f.id === uuidOf(a))?.parentId, (await ews.folder('alice@contoso.com', 'inbox')).id);
    });

    it('answers CopyFolder, which is not implemented, with a clear ErrorInvalidOperation fault', async () => {
      const r = await ews.as('alice@contoso.com')(`<m:CopyFolder><m:ToFolderId>${distinguished('drafts')}</m:ToFolderId><m:FolderIds>${distinguished('inbox')}</m:FolderIds></m:CopyFolder>`);
      assert.equal(r.status, 500);
      assert.equal(r.fault?.code, 'ErrorInvalidOperation');
    });

    it('deletes a folder through ews-javascript-api', async () => {
      const folder = new Folder(ews.service('alice@contoso.com'));
      folder.DisplayName = 'Short-lived';
      await folder.Save(WellKnownFolderName.Inbox);
      await folder.Delete(DeleteMode.HardDelete);
      assert.ok(!(await ews.folders('alice@contoso.com')).some((f) => f.id === uuidOf(folder.Id.UniqueId)));
    });

    it('empties a folder, keeping subfolders unless DeleteSubFolders is true', async () => {
      const alice = ews.as('alice@contoso.com');
      const box = await created('alice@contoso.com', 'inbox', 'Box');
      const sub = await created('alice@contoso.com', box, 'Sub');
      for (const subject of ['one', 'two']) expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject }), box)));
      expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'deep' }), sub)));
      const empty = (deleteSub: boolean) => alice(`<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="${deleteSub}"><m:FolderIds><t:FolderId Id="${box}"/></m:FolderIds></m:EmptyFolder>`);
      expectOk(await empty(false));
      assert.equal((await ews.items('alice@contoso.com', uuidOf(box))).length, 0);
      assert.equal((await ews.items('alice@contoso.com', uuidOf(sub))).length, 1);
      assert.ok((await ews.folders('alice@contoso.com')).some((f) => f.id === uuidOf(sub)));
      expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'three' }), box)));
      expectOk(await empty(true));
      assert.equal((await ews.items('alice@contoso.com', uuidOf(box))).length, 0);
      assert.ok(!(await ews.folders('alice@contoso.com')).some((f) => f.id === uuidOf(sub)));
      assert.ok((await ews.folders('alice@contoso.com')).some((f) => f.id === uuidOf(box)));
    });

    it('refuses to empty a folder with its distinguished subfolders (ErrorCannotEmptyFolder), deleting nothing', async () => {
      const alice = ews.as('alice@contoso.com');
      expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'precious' }), 'inbox')));
      const foldersBefore = await ews.folders('alice@contoso.com');
      const inboxBefore = await ews.items('alice@contoso.com', 'inbox');
      expectCodes(await alice(`<m:EmptyFolder DeleteType="HardDelete" DeleteSubFolders="true"><m:FolderIds>${distinguished('msgfolderroot')}</m:FolderIds></m:EmptyFolder>`), ['ErrorCannotEmptyFolder']);
      assert.deepEqual(await ews.folders('alice@contoso.com'), foldersBefore);
      assert.deepEqual(await ews.items('alice@contoso.com', 'inbox'), inboxBefore);
    });
  });

  it("returns DavMail's folder extended properties with the PropertyTag echoed verbatim", async () => {
    const carol = ews.as('carol@contoso.com');
    const box = await created('carol@contoso.com', 'inbox', 'Tagged');
    await created('carol@contoso.com', box, 'Child');
    for (const subject of ['a', 'b', 'c']) expectOk(await carol(createItemXml('SaveOnly', messageXml({ subject, isRead: subject === 'a' }), box)));
    const stored = await ews.items('carol@contoso.com', uuidOf(box));
    const unread = stored.filter((i) => !i.isRead).length;
    assert.equal(unread, 2, 'IsRead given at CreateItem is kept');
    const tags = [
      ['0x3613', 'String'],
      ['0x3602', 'Integer'],
      ['0x3603', 'Integer'],
      ['0x360a', 'Boolean'],
      ['0x10f3', 'String'],
      ['0x0E08', 'Integer'],
    ];
    const shape = `<m:FolderShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="folder:DisplayName"/>${tags.map(([tag, type]) => `<t:ExtendedFieldURI PropertyTag="${tag}" PropertyType="${type}"/>`).join('')}</t:AdditionalProperties></m:FolderShape>`;
    const r = expectOk(await carol(getFolder(`<t:FolderId Id="${box}"/>${distinguished('inbox')}`, shape)), 2);
    const props = (index: number) => new Map(find(r.messages[index].element, T, 'ExtendedProperty').map((p) => [first(p, T, 'ExtendedFieldURI').attrs.PropertyTag, { type: first(p, T, 'ExtendedFieldURI').attrs.PropertyType, value: text(p, 'Value') }]));
    const tagged = props(0);
    assert.deepEqual(tagged.get('0x3613'), { type: 'String', value: 'IPF.Note' });
    assert.deepEqual(tagged.get('0x3602'), { type: 'Integer', value: '3' });
    assert.deepEqual(tagged.get('0x3603'), { type: 'Integer', value: String(unread) });
    assert.deepEqual(tagged.get('0x360a'), { type: 'Boolean', value: 'true' });
    assert.ok(!tagged.has('0x0E08'), 'an unknown folder property is left out');
    assert.equal(props(1).get('0x360a')?.value, 'true');
    // FindFolder gives the same values.
    const listed = expectOk(await carol(`<m:FindFolder Traversal="Shallow">${shape}<m:ParentFolderIds>${distinguished('inbox')}</m:ParentFolderIds></m:FindFolder>`));
    const listedTagged = find(listed.bodyElement, T, 'Folder').find((f) => text(f, 'DisplayName') === 'Tagged')!;
    assert.equal(find(listedTagged, T, 'ExtendedProperty').find((p) => first(p, T, 'ExtendedFieldURI').attrs.PropertyTag === '0x3602')?.children[1].text, '3');
  });
});
