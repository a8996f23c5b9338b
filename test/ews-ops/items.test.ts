// Item operations end to end: CreateItem (SaveOnly to Drafts or a folder, DavMail's MimeContent
// APPEND), FindItem (every restriction kind, as exchangelib, DavMail and ews-javascript-api send them;
// sorting; paging from either end; per-folder errors), and GetItem (shapes, bodies, MIME, extended
// properties echoed as requested, DavMail's computed MAPI tags, other mailboxes' ids never disclosed).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BasePropertySet, EmailMessage, EmailMessageSchema, FolderId, ItemId, ItemSchema, ItemView, LogicalOperator, PropertySet, SearchFilter, SortDirection, WellKnownFolderName } from 'ews-javascript-api';
import { importMessages } from '../../src/services/mail/import.ts';
import { assertRecordedResponsesValid, type RawEwsResponse } from '../helpers/ews.ts';
import {
  child,
  createItemXml,
  distinguished,
  expectCodes,
  expectOk,
  find,
  first,
  folderIds,
  itemIds,
  M,
  messageXml,
  rfc822,
  startOpsServer,
  T,
  text,
  uuidOf,
  type OpsServer,
} from './support.ts';

/** Six messages with distinct subjects, senders, dates, sizes, attachments and importance. */
const corpus = [
  { subject: 'Budget review', from: 'Alice Adams <alice@contoso.com>', date: '2025-01-01T10:00:00Z', importance: 'High', body: 'short' },
  { subject: 'budget draft v2', from: 'Bob Berg <bob@contoso.com>', date: '2025-02-01T10:00:00Z', importance: 'Normal', body: 'with file', attachment: true },
  { subject: 'Lunch plans', from: 'Zed External <zed@example.net>', date: '2025-03-01T10:00:00Z', importance: 'Low', body: 'x'.repeat(6000) },
  { subject: 'Re: Budget review', from: 'Alice Adams <alice@contoso.com>', date: '2025-04-01T10:00:00Z', importance: 'Normal', body: 'reply' },
  { subject: 'Weekly report', from: 'Bob Berg <bob@contoso.com>', date: '2025-05-01T10:00:00Z', importance: 'Normal', body: 'report' },
  { subject: 'Unrelated news', from: 'Zed External <zed@example.net>', date: '2025-06-01T10:00:00Z', importance: 'High', body: 'news' },
];

function corpusMime(m: (typeof corpus)[number], i: number): Buffer {
  const head = `From: ${m.from}\r\nTo: Carol <carol@contoso.com>\r\nSubject: ${m.subject}\r\nDate: ${new Date(m.date).toUTCString()}\r\nMessage-ID: <corpus${i}@example.net>\r\nImportance: ${m.importance}\r\nMIME-Version: 1.0\r\n`;
  if (!m.attachment) return Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${m.body}\r\n`);
  return Buffer.from(
    `${head}Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${m.body}\r\n` +
      `--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\nAAECAw==\r\n--b1--\r\n`,
  );
}

const constant = (v: string) => `<t:FieldURIOrConstant><t:Constant Value="${v}"/></t:FieldURIOrConstant>`;
const field = (uri: string) => `<t:FieldURI FieldURI="${uri}"/>`;
const compare = (op: string, uri: string, v: string) => `<t:${op}>${field(uri)}${constant(v)}</t:${op}>`;
const contains = (uri: string, v: string, mode: string, comparison: string) => `<t:Contains ContainmentMode="${mode}" ContainmentComparison="${comparison}">${field(uri)}<t:Constant Value="${v}"/></t:Contains>`;
const ascendingByDate = '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>';

function findItemXml(parents: string, options: { restriction?: string; sort?: string; view?: string; shape?: string } = {}): string {
  return (
    '<m:FindItem Traversal="Shallow">' +
    (options.shape ?? '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>') +
    (options.view ?? '') +
    (options.restriction ? `<m:Restriction>${options.restriction}</m:Restriction>` : '') +
    (options.sort ?? '') +
    `<m:ParentFolderIds>${parents}</m:ParentFolderIds></m:FindItem>`
  );
}

const subjects = (r: RawEwsResponse) => find(r.bodyElement, T, 'Subject').map((s) => s.text);
const rootFolder = (r: RawEwsResponse, index = 0) => first(r.messages[index].element, M, 'RootFolder');

describe('EWS item operations', () => {
  let ews: OpsServer;
  let corpusFolder: string;
  const carol = () => ews.as('carol@contoso.com');

  before(async () => {
    ews = await startOpsServer();
    const created = expectOk(
      await ews.as('carol@contoso.com')(
        `<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Corpus</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`,
      ),
    );
    corpusFolder = folderIds(created)[0].Id;
    async function* source() {
      for (const [i, m] of corpus.entries()) yield { mime: corpusMime(m, i) };
    }
    const admin = ews.runtime.state.model.lookup('admin@contoso.com')[0];
    const result = await importMessages(ews.runtime, { mailbox: 'carol@contoso.com', folder: 'Corpus', source: source(), actor: { guid: admin.guid, name: admin.userPrincipalName } });
    assert.equal(result.imported, corpus.length);
    // Lunch plans and Weekly report are unread (imports arrive read).
    const stored = await ews.items('carol@contoso.com', uuidOf(corpusFolder));
    for (const item of stored.filter((i) => i.subject === 'Lunch plans' || i.subject === 'Weekly report')) {
      const id = itemIds(expectOk(await carol()(findItemXml(`<t:FolderId Id="${corpusFolder}"/>`, { restriction: compare('IsEqualTo', 'item:Subject', item.subject) }))))[0];
      expectOk(
        await carol()(
          `<m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id.Id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:IsRead"/><t:Message><t:IsRead>false</t:IsRead></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
        ),
      );
    }
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  describe('CreateItem', () => {
    it('saves a draft into Drafts when no folder is given, and into the SavedItemFolderId otherwise', async () => {
      const alice = ews.as('alice@contoso.com');
      const draft = expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'Draft one', body: 'Hello', to: ['bob@contoso.com'] }))));
      const [id] = itemIds(draft);
      const drafts = await ews.items('alice@contoso.com', 'drafts');
      const stored = drafts.find((i) => i.id === uuidOf(id.Id));
      assert.ok(stored, 'the draft is in Drafts');
      assert.equal(stored.isDraft, true);
      assert.equal(stored.subject, 'Draft one');
      assert.deepEqual(stored.to.map((a) => a.address), ['bob@contoso.com']);
      assert.equal(stored.from?.address, 'alice@contoso.com');
      assert.equal((await ews.items('bob@contoso.com', 'inbox')).filter((i) => i.subject === 'Draft one').length, 0, 'SaveOnly sends nothing');
      const folder = folderIds(
        expectOk(await alice(`<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Notes to self</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)),
      )[0].Id;
      const saved = expectOk(await alice(createItemXml('SaveOnly', messageXml({ subject: 'Filed', body: 'kept', importance: 'High', categories: ['Blue'] }), folder)));
      const item = (await ews.items('alice@contoso.com', uuidOf(folder))).find((i) => i.id === uuidOf(itemIds(saved)[0].Id));
      assert.equal(item?.subject, 'Filed');
      assert.equal(item?.importance, 'High');
      assert.deepEqual(item?.categories, ['Blue']);
    });

    it('keeps an HTML body that arrives unescaped, as markup (ews-javascript-api does not escape)', async () => {
      const r = expectOk(await ews.as('alice@contoso.com')(createItemXml('SaveOnly', '<t:Message><t:Subject>Markup</t:Subject><t:Body BodyType="HTML"><p>Hi <b>there</b></p></t:Body></t:Message>')));
      const got = expectOk(await ews.as('alice@contoso.com')(`<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:BodyType>HTML</t:BodyType><t:AdditionalProperties><t:FieldURI FieldURI="item:Body"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${itemIds(r)[0].Id}"/></m:ItemIds></m:GetItem>`));
      assert.match(first(got.bodyElement, T, 'Body').text, /<p>Hi <b>there<\/b><\/p>/);
    });

    it('lets the owner (Basic, no impersonation) create, find, update and delete in their own mailbox', async () => {
      const owner = ews.owner('alice@contoso.com');
      const [id] = itemIds(expectOk(await owner(createItemXml('SaveOnly', messageXml({ subject: 'Owner note', body: 'mine' }), 'inbox'))));
      const found = expectOk(await owner(findItemXml(distinguished('inbox'), { restriction: compare('IsEqualTo', 'item:Subject', 'Owner note') })));
      assert.deepEqual(itemIds(found).map((i) => i.Id), [id.Id]);
      expectOk(await owner(`<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id.Id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Categories"/><t:Message><t:Categories><t:String>Mine</t:String></t:Categories></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`));
      assert.deepEqual((await ews.runtime.store.getItems([uuidOf(id.Id)]))[0].categories, ['Mine']);
      expectOk(await owner(`<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="${id.Id}"/></m:ItemIds></m:DeleteItem>`));
      assert.deepEqual(await ews.runtime.store.getItems([uuidOf(id.Id)]), []);
      // Not someone else's mailbox, though.
      expectCodes(await owner(findItemXml(distinguished('inbox', 'carol@contoso.com'))), ['ErrorAccessDenied']);
    });

    it('saves through ews-javascript-api (EmailMessage.Save)', async () => {
      const message = new EmailMessage(ews.service('alice@contoso.com'));
      message.Subject = 'Library draft';
      message.ToRecipients.Add('carol@contoso.com');
      await message.Save(WellKnownFolderName.Drafts);
      const stored = (await ews.items('alice@contoso.com', 'drafts')).find((i) => i.id === uuidOf(message.Id.UniqueId));
      assert.equal(stored?.subject, 'Library draft');
    });

    it("stores DavMail's APPEND (MimeContent + PR_MESSAGE_FLAGS) byte for byte, unread unless flagged read, not a draft", async () => {
      const alice = ews.as('alice@contoso.com');
      const mime = rfc822({ subject: 'Appended via IMAP', body: 'from an IMAP client' });
      const append = (flags: string, isRead: string) =>
        alice(
          createItemXml(
            'SaveOnly',
            `<t:Message><t:MimeContent>${mime.toString('base64')}</t:MimeContent>` +
              `<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0xe07" PropertyType="Integer"/><t:Value>${flags}</t:Value></t:ExtendedProperty>` +
              `<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x10f3" PropertyType="String"/><t:Value>appended.EML</t:Value></t:ExtendedProperty>` +
              `${isRead}</t:Message>`,
            'inbox',
          ),
        );
      const unread = itemIds(expectOk(await append('0', '')))[0];
      const read = itemIds(expectOk(await append('1', '<t:IsRead>true</t:IsRead>')))[0];
      const inbox = await ews.items('alice@contoso.com', 'inbox');
      const u = inbox.find((i) => i.id === uuidOf(unread.Id))!;
      const r = inbox.find((i) => i.id === uuidOf(read.Id))!;
      assert.equal(await ews.mime(u.id), mime.toString('utf8'));
      assert.equal(u.subject, 'Appended via IMAP');
      assert.equal(u.from?.address, 'zed@example.net');
      assert.deepEqual([u.isRead, u.isDraft], [false, false]);
      assert.deepEqual([r.isRead, r.isDraft], [true, false]);
      // DavMail reads the flags back through 0xe07 and IsRead.
      const got = expectOk(
        await alice(
          `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="message:IsRead"/><t:ExtendedFieldURI PropertyTag="0xe07" PropertyType="Integer"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="${unread.Id}"/><t:ItemId Id="${read.Id}"/></m:ItemIds></m:GetItem>`,
        ),
        2,
      );
      const flagsOf = (i: number) => find(got.messages[i].element, T, 'ExtendedProperty')[0].children[1].text;
      assert.deepEqual([flagsOf(0), flagsOf(1)], ['0', '1']);
      assert.deepEqual(find(got.bodyElement, T, 'IsRead').map((e) => e.text), ['false', 'true']);
    });

    it('refuses a From of another user with ErrorSendAsDenied and saves nothing', async () => {
      const before = (await ews.items('alice@contoso.com', 'drafts')).length;
      expectCodes(await ews.as('alice@contoso.com')(createItemXml('SaveOnly', messageXml({ subject: 'Spoof', from: 'bob@contoso.com' }))), ['ErrorSendAsDenied']);
      assert.equal((await ews.items('alice@contoso.com', 'drafts')).length, before);
    });
  });

  describe('FindItem', () => {
    const inCorpus = () => `<t:FolderId Id="${corpusFolder}"/>`;
    const query = async (restriction: string, sort = ascendingByDate) => subjects(expectOk(await carol()(findItemXml(inCorpus(), { restriction, sort }))));

    it('compares with IsEqualTo / IsNotEqualTo on subject (case-insensitive), from, importance and hasAttachments', async () => {
      assert.deepEqual(await query(compare('IsEqualTo', 'item:Subject', 'lunch PLANS')), ['Lunch plans']);
      assert.deepEqual(await query(compare('IsEqualTo', 'message:From', 'bob@contoso.com')), ['budget draft v2', 'Weekly report']);
      assert.deepEqual(await query(compare('IsEqualTo', 'item:Importance', 'High')), ['Budget review', 'Unrelated news']);
      assert.deepEqual(await query(compare('IsNotEqualTo', 'item:Importance', 'Normal')), ['Budget review', 'Lunch plans', 'Unrelated news']);
      assert.deepEqual(await query(compare('IsEqualTo', 'item:HasAttachments', '1')), ['budget draft v2']);
      assert.deepEqual(await query(compare('IsEqualTo', 'item:HasAttachments', 'false')), ['Budget review', 'Lunch plans', 'Re: Budget review', 'Weekly report', 'Unrelated news']);
    });

    it('filters on IsRead with the constants exchangelib sends ("0"/"1") and the ones others send (false/true)', async () => {
      const unread = ['Lunch plans', 'Weekly report'];
      assert.deepEqual(await query(compare('IsEqualTo', 'message:IsRead', '0')), unread);
      assert.deepEqual(await query(compare('IsEqualTo', 'message:IsRead', 'false')), unread);
      assert.deepEqual(await query(compare('IsNotEqualTo', 'message:IsRead', '1')), unread);
      assert.equal((await query(compare('IsEqualTo', 'message:IsRead', 'true'))).length, 4);
      // exchangelib's .filter(is_read=False).count(): 1000 per page.
      const r = expectOk(await carol()(findItemXml(inCorpus(), { restriction: compare('IsEqualTo', 'message:IsRead', '0'), view: '<m:IndexedPageItemView MaxEntriesReturned="1000" Offset="0" BasePoint="Beginning"/>' })));
      assert.equal(rootFolder(r).attrs.TotalItemsInView, '2');
      assert.equal(rootFolder(r).attrs.IncludesLastItemInRange, 'true');
    });

    it('orders DateTimeReceived with IsGreaterThan(OrEqualTo) / IsLessThan(OrEqualTo), in both date formats clients send', async () => {
      assert.deepEqual(await query(compare('IsGreaterThan', 'item:DateTimeReceived', '2025-04-01T10:00:00Z')), ['Weekly report', 'Unrelated news']);
      assert.deepEqual(await query(compare('IsGreaterThanOrEqualTo', 'item:DateTimeReceived', '2025-04-01T10:00:00.000+00:00')), ['Re: Budget review', 'Weekly report', 'Unrelated news']);
      assert.deepEqual(await query(compare('IsLessThan', 'item:DateTimeReceived', '2025-02-01T12:00:00+01:00')), ['Budget review', 'budget draft v2']);
      assert.deepEqual(await query(compare('IsLessThanOrEqualTo', 'item:DateTimeReceived', '2025-01-01T10:00:00Z')), ['Budget review']);
      assert.deepEqual(await query(compare('IsLessThan', 'item:DateTimeReceived', '2025-02-01T11:00:00+01:00')), ['Budget review'], 'the same instant is not less than itself');
    });

    it('compares sizes', async () => {
      const stored = await ews.items('carol@contoso.com', uuidOf(corpusFolder));
      const lunch = stored.find((i) => i.subject === 'Lunch plans')!;
      assert.ok(lunch.size > 6000);
      assert.deepEqual(await query(compare('IsGreaterThan', 'item:Size', '5000')), ['Lunch plans']);
      assert.deepEqual(await query(compare('IsGreaterThanOrEqualTo', 'item:Size', String(lunch.size))), ['Lunch plans']);
      assert.equal((await query(compare('IsLessThan', 'item:Size', String(lunch.size)))).length, 5);
      assert.equal((await query(compare('IsLessThanOrEqualTo', 'item:Size', String(lunch.size)))).length, 6);
    });

    it('matches Contains in every ContainmentMode, exact and ignoring case', async () => {
      assert.deepEqual(await query(contains('item:Subject', 'budget', 'Substring', 'IgnoreCase')), ['Budget review', 'budget draft v2', 'Re: Budget review']);
      assert.deepEqual(await query(contains('item:Subject', 'budget', 'Substring', 'Exact')), ['budget draft v2']);
      assert.deepEqual(await query(contains('item:Subject', 'Budget', 'Prefixed', 'Exact')), ['Budget review']);
      assert.deepEqual(await query(contains('item:Subject', 'budget', 'Prefixed', 'IgnoreCase')), ['Budget review', 'budget draft v2']);
      assert.deepEqual(await query(contains('item:Subject', 'weekly REPORT', 'FullString', 'IgnoreCase')), ['Weekly report']);
      assert.deepEqual(await query(contains('item:Subject', 'weekly', 'FullString', 'IgnoreCase')), []);
      assert.deepEqual(await query(contains('item:Subject', 'rev', 'PrefixOnWords', 'IgnoreCase')), ['Budget review', 'Re: Budget review']);
      assert.deepEqual(await query(contains('item:Subject', 'budget review', 'ExactPhrase', 'IgnoreCase')), ['Budget review', 'Re: Budget review']);
      assert.deepEqual(await query(contains('message:From', 'contoso', 'Substring', 'IgnoreCase')), ['Budget review', 'budget draft v2', 'Re: Budget review', 'Weekly report']);
      // Every ContainmentComparison is accepted; those that ignore case do.
      for (const comparison of ['IgnoreCaseAndNonSpacingCharacters', 'LooseAndIgnoreCase', 'LooseAndIgnoreCaseAndIgnoreNonSpace']) {
        assert.deepEqual(await query(contains('item:Subject', 'BUDGET', 'Substring', comparison)), ['Budget review', 'budget draft v2', 'Re: Budget review'], comparison);
      }
      for (const comparison of ['IgnoreNonSpacingCharacters', 'Loose', 'LooseAndIgnoreNonSpace']) {
        assert.ok((await query(contains('item:Subject', 'budget', 'Substring', comparison))).includes('budget draft v2'), comparison);
      }
    });

    it('combines with Exists, And, Or and Not', async () => {
      assert.equal((await query(`<t:Exists>${field('item:DateTimeSent')}</t:Exists>`)).length, 6);
      assert.deepEqual(await query(`<t:And>${compare('IsEqualTo', 'message:From', 'alice@contoso.com')}${contains('item:Subject', 'Re:', 'Prefixed', 'IgnoreCase')}</t:And>`), ['Re: Budget review']);
      assert.deepEqual(await query(`<t:Or>${compare('IsEqualTo', 'item:Importance', 'Low')}${compare('IsEqualTo', 'item:HasAttachments', 'true')}</t:Or>`), ['budget draft v2', 'Lunch plans']);
      assert.deepEqual(await query(`<t:Not>${contains('item:Subject', 'budget', 'Substring', 'IgnoreCase')}</t:Not>`), ['Lunch plans', 'Weekly report', 'Unrelated news']);
      assert.deepEqual(
        await query(`<t:And><t:Not>${compare('IsEqualTo', 'message:IsRead', '1')}</t:Not><t:Or>${compare('IsEqualTo', 'message:From', 'bob@contoso.com')}${compare('IsLessThan', 'item:DateTimeReceived', '2025-03-02T00:00:00Z')}</t:Or></t:And>`),
        ['Lunch plans', 'Weekly report'],
      );
    });

    it('sorts ascending and descending (text ignoring case), newest first by default, on several fields', async () => {
      assert.deepEqual(await query('', '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder></m:SortOrder>'), [
        'budget draft v2', 'Budget review', 'Lunch plans', 'Re: Budget review', 'Unrelated news', 'Weekly report',
      ]);
      assert.deepEqual(await query('', '<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder></m:SortOrder>'), [
        'Weekly report', 'Unrelated news', 'Re: Budget review', 'Lunch plans', 'Budget review', 'budget draft v2',
      ]);
      assert.deepEqual((await query('', '<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:Size"/></t:FieldOrder></m:SortOrder>'))[0], 'Lunch plans');
      assert.deepEqual(subjects(expectOk(await carol()(findItemXml(inCorpus())))), [...corpus].reverse().map((m) => m.subject));
      assert.deepEqual(
        await query(
          '',
          '<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:Importance"/></t:FieldOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>',
        ),
        ['Budget review', 'Unrelated news', 'budget draft v2', 'Re: Budget review', 'Weekly report', 'Lunch plans'],
      );
    });

    it('pages from the beginning and from the end (BasePoint End), with IncludesLastItemInRange exactly "true"/"false"', async () => {
      const page = async (offset: number, basePoint: 'Beginning' | 'End') => {
        const r = expectOk(await carol()(findItemXml(inCorpus(), { sort: ascendingByDate, view: `<m:IndexedPageItemView MaxEntriesReturned="4" Offset="${offset}" BasePoint="${basePoint}"/>` })));
        return { subjects: subjects(r), root: rootFolder(r).attrs };
      };
      const first = await page(0, 'Beginning');
      assert.deepEqual(first.subjects, corpus.slice(0, 4).map((m) => m.subject));
      assert.deepEqual([first.root.IncludesLastItemInRange, first.root.IndexedPagingOffset, first.root.TotalItemsInView], ['false', '4', '6']);
      const second = await page(4, 'Beginning');
      assert.deepEqual(second.subjects, corpus.slice(4).map((m) => m.subject));
      assert.deepEqual([second.root.IncludesLastItemInRange, second.root.IndexedPagingOffset], ['true', '6']);
      // From the end: the last four (in sort order), then the two before them; the offset counts from the end.
      const last = await page(0, 'End');
      assert.deepEqual(last.subjects, corpus.slice(2).map((m) => m.subject));
      assert.deepEqual([last.root.IncludesLastItemInRange, last.root.IndexedPagingOffset], ['false', '4']);
      const before = await page(Number(last.root.IndexedPagingOffset), 'End');
      assert.deepEqual(before.subjects, corpus.slice(0, 2).map((m) => m.subject));
      assert.deepEqual([before.root.IncludesLastItemInRange, before.root.IndexedPagingOffset], ['true', '6']);
      // Past either end: nothing, and the last item is in range.
      for (const basePoint of ['Beginning', 'End'] as const) {
        const beyond = await page(10, basePoint);
        assert.deepEqual([beyond.subjects, beyond.root.IncludesLastItemInRange, beyond.root.TotalItemsInView], [[], 'true', '6'], basePoint);
      }
    });

    it("answers exchangelib's request (IdOnly + AdditionalProperties, Contains Substring Exact, Descending)", async () => {
      const r = expectOk(
        await carol()(
          findItemXml(inCorpus(), {
            shape: '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="item:DateTimeReceived"/><t:FieldURI FieldURI="message:IsRead"/></t:AdditionalProperties></m:ItemShape>',
            view: '<m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>',
            restriction: contains('item:Subject', 'Budget', 'Substring', 'Exact'),
            sort: '<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:DateTimeReceived"/></t:FieldOrder></m:SortOrder>',
          }),
        ),
      );
      assert.deepEqual(subjects(r), ['Re: Budget review', 'Budget review']);
      assert.deepEqual(find(r.bodyElement, T, 'DateTimeReceived').map((e) => new Date(e.text).toISOString()), ['2025-04-01T10:00:00.000Z', '2025-01-01T10:00:00.000Z']);
      assert.deepEqual(find(r.bodyElement, T, 'IsRead').map((e) => e.text), ['true', 'true']);
    });

    it("sorts and filters on DavMail's 0xe23 IMAP UID", async () => {
      const r = expectOk(
        await carol()(
          findItemXml(inCorpus(), {
            shape: '<m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0xe23" PropertyType="Integer"/><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>',
            view: '<m:IndexedPageItemView MaxEntriesReturned="500" Offset="0" BasePoint="Beginning"/>',
            restriction: '<t:IsGreaterThan><t:ExtendedFieldURI PropertyTag="0xe23" PropertyType="Integer"/><t:FieldURIOrConstant><t:Constant Value="2"/></t:FieldURIOrConstant></t:IsGreaterThan>',
            sort: '<m:SortOrder><t:FieldOrder Order="Ascending"><t:ExtendedFieldURI PropertyTag="0xe23" PropertyType="Integer"/></t:FieldOrder></m:SortOrder>',
          }),
        ),
      );
      const uids = find(r.bodyElement, T, 'ExtendedProperty').map((p) => Number(p.children[1].text));
      assert.deepEqual(uids, [3, 4, 5, 6]);
      assert.deepEqual(subjects(r), corpus.slice(2).map((m) => m.subject));
      assert.ok(find(r.bodyElement, T, 'ExtendedFieldURI').every((e) => e.attrs.PropertyTag === '0xe23'));
    });

    it('answers unsupported paths and filters per folder with the specific codes, HTTP 200', async () => {
      const two = `${inCorpus()}${distinguished('inbox')}`;
      const run = (options: Parameters<typeof findItemXml>[1]) => carol()(findItemXml(two, options));
      expectCodes(await run({ restriction: compare('IsEqualTo', 'item:Body', 'x') }), ['ErrorUnsupportedPathForQuery', 'ErrorUnsupportedPathForQuery']);
      expectCodes(await run({ restriction: '<t:Exists><t:ExtendedFieldURI PropertyTag="0x7777" PropertyType="String"/></t:Exists>' }), ['ErrorUnsupportedPathForQuery', 'ErrorUnsupportedPathForQuery']);
      expectCodes(await run({ sort: '<m:SortOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="item:Body"/></t:FieldOrder></m:SortOrder>' }), ['ErrorUnsupportedPathForSortGroup', 'ErrorUnsupportedPathForSortGroup']);
      expectCodes(await run({ restriction: `<t:Excludes>${field('item:Size')}<t:Bitmask Value="1"/></t:Excludes>` }), ['ErrorUnsupportedQueryFilter', 'ErrorUnsupportedQueryFilter']);
      expectCodes(await run({ restriction: compare('IsEqualTo', 'message:IsRead', 'maybe') }), ['ErrorInvalidValueForProperty', 'ErrorInvalidValueForProperty']);
      expectCodes(await run({ restriction: compare('IsEqualTo', 'item:Importance', 'Urgent') }), ['ErrorInvalidValueForProperty', 'ErrorInvalidValueForProperty']);
      // An unknown folder fails alone.
      expectCodes(await carol()(findItemXml(`${inCorpus()}${distinguished('favorites')}`)), ['NoError', 'ErrorFolderNotFound']);
    });

    it('fails clearly on what is not implemented (ContactsView, Deep traversal), on meetings with unknown attendees; CalendarView only on calendars', async () => {
      const calendarView = (folder: string) =>
        carol()(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:CalendarView StartDate="2025-01-01T00:00:00Z" EndDate="2025-02-01T00:00:00Z"/><m:ParentFolderIds>${distinguished(folder)}</m:ParentFolderIds></m:FindItem>`);
      expectCodes(await calendarView('calendar'), ['NoError']);
      expectCodes(await calendarView('inbox'), ['ErrorCalendarFolderIsInvalidForCalendarView']);
      const contactsView = await carol()(
        `<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ContactsView/><m:ParentFolderIds>${distinguished('contacts')}</m:ParentFolderIds></m:FindItem>`,
      );
      assert.deepEqual([contactsView.status, contactsView.fault?.code], [500, 'ErrorInvalidOperation']);
      const deep = await carol()(findItemXml(inCorpus()).replace('Traversal="Shallow"', 'Traversal="Deep"'));
      assert.deepEqual([deep.status, deep.fault?.code], [500, 'ErrorInvalidOperation']);
      const before = (await ews.folders('carol@contoso.com')).length;
      // A meeting inviting someone who does not exist in an accepted domain is refused whole: no item, no invitation.
      const meeting = await carol()(
        createItemXml(
          'SaveOnly',
          '<t:CalendarItem><t:Subject>Meeting</t:Subject><t:Start>2025-01-02T09:00:00Z</t:Start><t:End>2025-01-02T10:00:00Z</t:End><t:RequiredAttendees><t:Attendee><t:Mailbox><t:EmailAddress>bob@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee><t:Attendee><t:Mailbox><t:EmailAddress>nobody@contoso.com</t:EmailAddress></t:Mailbox></t:Attendee></t:RequiredAttendees></t:CalendarItem>',
          'calendar',
        ).replace('<m:CreateItem ', '<m:CreateItem SendMeetingInvitations="SendToAllAndSaveCopy" '),
      );
      expectCodes(meeting, ['ErrorInvalidRecipients']);
      assert.equal((await ews.items('bob@contoso.com', 'inbox')).filter((i) => i.itemClass.startsWith('IPM.Schedule')).length, 0);
      assert.equal((await ews.items('carol@contoso.com', 'calendar')).length, 0);
      assert.equal((await ews.folders('carol@contoso.com')).length, before);
    });

    it('finds through ews-javascript-api with a SearchFilter collection and an OrderBy', async () => {
      const service = ews.service('carol@contoso.com');
      const view = new ItemView(10);
      view.OrderBy.Add(ItemSchema.DateTimeReceived, SortDirection.Ascending);
      const filter = new SearchFilter.SearchFilterCollection(LogicalOperator.And, [new SearchFilter.IsEqualTo(EmailMessageSchema.IsRead, false), new SearchFilter.ContainsSubstring(ItemSchema.Subject, 'L')]);
      const found = await service.FindItems(new FolderId(corpusFolder), filter, view);
      assert.deepEqual(found.Items.map((i) => i.Subject), ['Lunch plans', 'Weekly report']);
      assert.equal(found.TotalCount, 2);
      assert.equal(found.MoreAvailable, false);
    });
  });

  describe('GetItem', () => {
    let htmlId: { Id: string; ChangeKey: string };
    let textId: { Id: string; ChangeKey: string };
    const getItem = (ids: string, shape: string) => carol()(`<m:GetItem>${shape}<m:ItemIds>${ids}</m:ItemIds></m:GetItem>`);
    const shapeXml = (base: string, extra = '') => `<m:ItemShape><t:BaseShape>${base}</t:BaseShape>${extra}</m:ItemShape>`;

    before(async () => {
      const html = expectOk(
        await carol()(
          createItemXml(
            'SaveOnly',
            messageXml({
              subject: 'Formatted',
              body: '<html><body><p>Hello <b>bold</b> &amp; more</p></body></html>',
              bodyType: 'HTML',
              to: ['alice@contoso.com'],
              extended:
                '<t:ExtendedProperty><t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Keywords" PropertyType="StringArray"/><t:Values><t:Value>red</t:Value><t:Value>green</t:Value></t:Values></t:ExtendedProperty>' +
                '<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1081" PropertyType="Integer"/><t:Value>102</t:Value></t:ExtendedProperty>' +
                '<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="c11ff724-aa03-4555-9952-8fa248a11c3e" PropertyName="X-Custom" PropertyType="String"/><t:Value>custom value</t:Value></t:ExtendedProperty>',
            }),
          ),
        ),
      );
      htmlId = itemIds(html)[0];
      textId = itemIds(expectOk(await carol()(createItemXml('SaveOnly', messageXml({ subject: 'Plain', body: 'line one\nline <two>' })))))[0];
    });

    it('returns only the id for IdOnly, the common fields for Default, more for AllProperties, plus AdditionalProperties', async () => {
      const idOnly = expectOk(await getItem(`<t:ItemId Id="${htmlId.Id}"/>`, shapeXml('IdOnly')));
      const message = first(idOnly.bodyElement, T, 'Message');
      assert.deepEqual(message.children.map((c) => c.local), ['ItemId']);
      assert.deepEqual(itemIds(idOnly)[0], htmlId);
      const def = first(expectOk(await getItem(`<t:ItemId Id="${htmlId.Id}"/>`, shapeXml('Default'))).bodyElement, T, 'Message');
      assert.equal(text(def, 'Subject'), 'Formatted');
      assert.equal(child(def, T, 'Body')?.attrs.BodyType, 'HTML');
      assert.equal(first(def, T, 'ToRecipients').children.length, 1);
      const all = first(expectOk(await getItem(`<t:ItemId Id="${htmlId.Id}"/>`, shapeXml('AllProperties'))).bodyElement, T, 'Message');
      for (const local of ['ItemClass', 'Subject', 'Body', 'DateTimeCreated', 'Size', 'IsDraft', 'ConversationId', 'IsRead']) assert.ok(child(all, T, local), local);
      assert.equal(text(all, 'IsDraft'), 'true');
      const extra = first(
        expectOk(await getItem(`<t:ItemId Id="${htmlId.Id}"/>`, shapeXml('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="item:TextBody"/><t:FieldURI FieldURI="message:ToRecipients"/></t:AdditionalProperties>'))).bodyElement,
        T,
        'Message',
      );
      assert.deepEqual(extra.children.map((c) => c.local), ['ItemId', 'Subject', 'TextBody', 'ToRecipients']);
      assert.match(text(extra, 'TextBody') ?? '', /Hello bold & more/);
    });

    it('converts the body for BodyType Text, HTML and Best', async () => {
      const body = async (id: string, type: string) => child(first(expectOk(await getItem(`<t:ItemId Id="${id}"/>`, shapeXml('Default', `<t:BodyType>${type}</t:BodyType>`))).bodyElement, T, 'Message'), T, 'Body')!;
      const htmlAsText = await body(htmlId.Id, 'Text');
      assert.equal(htmlAsText.attrs.BodyType, 'Text');
      assert.match(htmlAsText.text, /Hello bold & more/);
      assert.doesNotMatch(htmlAsText.text, /<b>/);
      assert.equal((await body(htmlId.Id, 'HTML')).attrs.BodyType, 'HTML');
      assert.match((await body(htmlId.Id, 'Best')).text, /<b>bold<\/b>/);
      const textAsHtml = await body(textId.Id, 'HTML');
      assert.equal(textAsHtml.attrs.BodyType, 'HTML');
      assert.match(textAsHtml.text, /line &lt;two&gt;/);
      const best = await body(textId.Id, 'Best');
      assert.equal(best.attrs.BodyType, 'Text');
      assert.match(best.text, /^line one\r?\nline <two>/);
    });

    it('includes the MIME exactly as stored with IncludeMimeContent (and item:MimeContent)', async () => {
      for (const shape of [shapeXml('IdOnly', '<t:IncludeMimeContent>true</t:IncludeMimeContent>'), shapeXml('IdOnly', '<t:AdditionalProperties><t:FieldURI FieldURI="item:MimeContent"/></t:AdditionalProperties>')]) {
        const r = expectOk(await getItem(`<t:ItemId Id="${textId.Id}"/>`, shape));
        const mime = first(r.bodyElement, T, 'MimeContent');
        assert.equal(mime.attrs.CharacterSet, 'UTF-8');
        assert.equal(Buffer.from(mime.text, 'base64').toString('utf8'), await ews.mime(uuidOf(textId.Id)));
      }
      const none = expectOk(await getItem(`<t:ItemId Id="${textId.Id}"/>`, shapeXml('AllProperties', '<t:IncludeMimeContent>false</t:IncludeMimeContent>')));
      assert.equal(find(none.bodyElement, T, 'MimeContent').length, 0);
    });

    it('echoes stored extended properties exactly as requested, and leaves out unknown ones', async () => {
      const requested =
        '<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="Keywords" PropertyType="StringArray"/>' +
        '<t:ExtendedFieldURI PropertyTag="4225" PropertyType="Integer"/>' +
        '<t:ExtendedFieldURI PropertySetId="C11FF724-AA03-4555-9952-8FA248A11C3E" PropertyName="X-Custom" PropertyType="String"/>' +
        '<t:ExtendedFieldURI PropertyTag="0x6666" PropertyType="String"/>';
      const r = expectOk(await getItem(`<t:ItemId Id="${htmlId.Id}"/>`, shapeXml('IdOnly', `<t:AdditionalProperties>${requested}</t:AdditionalProperties>`)));
      const props = find(r.bodyElement, T, 'ExtendedProperty');
      assert.equal(props.length, 3);
      assert.deepEqual(props[0].children[0].attrs, { DistinguishedPropertySetId: 'PublicStrings', PropertyName: 'Keywords', PropertyType: 'StringArray' });
      assert.deepEqual(find(props[0], T, 'Value').map((v) => v.text), ['red', 'green']);
      assert.deepEqual(props[1].children[0].attrs, { PropertyTag: '4225', PropertyType: 'Integer' }, 'stored as 0x1081, asked for in decimal, echoed as asked');
      assert.equal(props[1].children[1].text, '102');
      assert.equal(props[2].children[0].attrs.PropertySetId, 'C11FF724-AA03-4555-9952-8FA248A11C3E');
      assert.equal(props[2].children[1].text, 'custom value');
    });

    it("computes DavMail's 0xe23 (stable, increasing per folder), 0xe08 (size) and 0xe07 (read, unsent)", async () => {
      const shape = shapeXml(
        'IdOnly',
        '<t:AdditionalProperties><t:ExtendedFieldURI PropertyTag="0xe23" PropertyType="Integer"/><t:ExtendedFieldURI PropertyTag="0xe08" PropertyType="Integer"/><t:ExtendedFieldURI PropertyTag="0xe07" PropertyType="Integer"/></t:AdditionalProperties>',
      );
      const stored = await ews.items('carol@contoso.com', uuidOf(corpusFolder));
      const ids = stored.map((i) => `<t:ItemId Id="${Buffer.from(`I:${i.id}:1`).toString('base64url')}"/>`).join('');
      const read = async () => {
        const r = expectOk(await getItem(ids, shape), stored.length);
        return r.messages.map((m) => Object.fromEntries(find(m.element, T, 'ExtendedProperty').map((p) => [p.children[0].attrs.PropertyTag, Number(p.children[1].text)])));
      };
      const values = await read();
      assert.deepEqual(values.map((v) => v['0xe23']), [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(values.map((v) => v['0xe08']), stored.map((i) => i.size));
      assert.deepEqual(values.map((v) => v['0xe07']), stored.map((i) => (i.isRead ? 1 : 0)));
      assert.deepEqual(await read(), values, 'stable across reads');
      const draft = expectOk(await getItem(`<t:ItemId Id="${textId.Id}"/>`, shape));
      assert.equal(find(draft.bodyElement, T, 'ExtendedProperty').find((p) => p.children[0].attrs.PropertyTag === '0xe07')?.children[1].text, '9', 'a saved draft is read (1) and unsent (8)');
    });

    it("answers another mailbox's item id with ErrorItemNotFound, disclosing nothing; malformed ids with ErrorInvalidIdMalformed", async () => {
      const r = await ews.as('alice@contoso.com')(`<m:GetItem>${shapeXml('AllProperties', '<t:IncludeMimeContent>true</t:IncludeMimeContent>')}<m:ItemIds><t:ItemId Id="${htmlId.Id}"/><t:ItemId Id="garbage"/></m:ItemIds></m:GetItem>`);
      expectCodes(r, ['ErrorItemNotFound', 'ErrorInvalidIdMalformed']);
      assert.doesNotMatch(r.body, /Formatted/);
      // The owner reaches their own item.
      const own = expectOk(await ews.owner('carol@contoso.com')(`<m:GetItem>${shapeXml('Default')}<m:ItemIds><t:ItemId Id="${htmlId.Id}"/></m:ItemIds></m:GetItem>`));
      assert.equal(text(first(own.bodyElement, T, 'Message'), 'Subject'), 'Formatted');
    });

    it("answers exchangelib's GetItem with about a hundred FieldURIs (MIME, TextBody, UniqueBody …) in schema order", async () => {
      const uris = [
        'item:Attachments', 'item:Body', 'item:Categories', 'item:ConversationId', 'item:Culture', 'item:DateTimeCreated', 'item:DateTimeReceived', 'item:DateTimeSent',
        'item:DisplayCc', 'item:DisplayTo', 'item:EffectiveRights', 'item:HasAttachments', 'item:Importance', 'item:InReplyTo', 'item:InternetMessageHeaders', 'item:IsAssociated',
        'item:IsDraft', 'item:IsFromMe', 'item:IsResend', 'item:IsSubmitted', 'item:IsUnmodified', 'item:ItemClass', 'item:LastModifiedName', 'item:LastModifiedTime',
        'item:MimeContent', 'item:ParentFolderId', 'item:ReminderDueBy', 'item:ReminderIsSet', 'item:ReminderMinutesBeforeStart', 'item:ResponseObjects', 'item:Sensitivity',
        'item:Size', 'item:Subject', 'item:TextBody', 'item:UniqueBody', 'item:WebClientEditFormQueryString', 'item:WebClientReadFormQueryString', 'item:Flag', 'item:Preview',
        'message:Author', 'message:BccRecipients', 'message:CcRecipients', 'message:ConversationIndex', 'message:ConversationTopic', 'message:From', 'message:InternetMessageId',
        'message:IsDeliveryReceiptRequested', 'message:IsRead', 'message:IsReadReceiptRequested', 'message:IsResponseRequested', 'message:References', 'message:ReceivedBy',
        'message:ReceivedRepresenting', 'message:ReplyTo', 'message:Sender', 'message:ToRecipients',
      ];
      const stored = await ews.items('carol@contoso.com', uuidOf(corpusFolder));
      const ids = [stored[1], stored[0]].map((i) => `<t:ItemId Id="${Buffer.from(`I:${i.id}:1`).toString('base64url')}"/>`).join('') + `<t:ItemId Id="${htmlId.Id}"/>`;
      const r = expectOk(await getItem(ids, shapeXml('IdOnly', `<t:AdditionalProperties>${uris.map((u) => `<t:FieldURI FieldURI="${u}"/>`).join('')}</t:AdditionalProperties>`)), 3);
      const withFile = first(r.messages[0].element, T, 'Message');
      assert.equal(text(withFile, 'Subject'), 'budget draft v2');
      assert.equal(find(withFile, T, 'FileAttachment').length, 1);
      assert.match(text(withFile, 'TextBody') ?? '', /with file/);
      assert.ok(Buffer.from(text(withFile, 'MimeContent') ?? '', 'base64').toString('utf8').startsWith('From: Bob Berg'));
      assert.equal(first(first(withFile, T, 'From'), T, 'EmailAddress').text, 'bob@contoso.com');
      assert.equal(first(first(withFile, T, 'ToRecipients'), T, 'EmailAddress').text, 'carol@contoso.com');
    });

    it('binds through ews-javascript-api with a PropertySet including the MIME', async () => {
      const message = await EmailMessage.Bind(ews.service('carol@contoso.com'), new ItemId(htmlId.Id), new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent]));
      assert.equal(message.Subject, 'Formatted');
      assert.match(Buffer.from(message.MimeContent.Content, 'base64').toString('utf8'), /Subject: Formatted/);
    });
  });
});
