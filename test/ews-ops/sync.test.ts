// SyncFolderHierarchy and SyncFolderItems end to end: from no state, in small pages, then after
// creating, renaming, updating, deleting and moving; every change reported exactly once, moves as a
// Delete in the old folder and a Create in the new one, and states refused outside their folder.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FolderId, PropertySet, SyncFolderItemsScope, type ChangeCollection, type ItemChange } from 'ews-javascript-api';
import { assertRecordedResponsesValid } from '../helpers/ews.ts';
import { createItemXml, distinguished, expectCodes, expectOk, find, first, folderIds, folderRef, itemIdXml, itemIds, M, messageXml, startOpsServer, T, text, uuidOf, type OpsServer } from './support.ts';

type Change = { kind: string; id: string; subject?: string; isRead?: string };

describe('EWS synchronization', () => {
  let ews: OpsServer;
  const carol = () => ews.as('carol@contoso.com');

  before(async () => {
    ews = await startOpsServer();
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  describe('SyncFolderHierarchy', () => {
    const sync = async (state?: string) => {
      const r = expectOk(
        await carol()(
          `<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape>${state ? `<m:SyncState>${state}</m:SyncState>` : ''}</m:SyncFolderHierarchy>`,
        ),
      );
      const changes = first(r.bodyElement, M, 'Changes').children.map((c) => ({
        kind: c.local,
        id: first(c, T, 'FolderId').attrs.Id,
        name: find(c, T, 'DisplayName')[0]?.text,
      }));
      return { changes, state: text(r.messages[0].element, 'SyncState', M)!, last: text(r.messages[0].element, 'IncludesLastFolderInRange', M) };
    };

    it('reports every folder from no state, then exactly the creates, renames and deletes since', async () => {
      const initial = await sync();
      assert.equal(initial.last, 'true');
      assert.ok(initial.changes.every((c) => c.kind === 'Create'));
      const names = initial.changes.map((c) => c.name);
      for (const expected of ['Inbox', 'Drafts', 'Sent Items', 'Deleted Items', 'Calendar']) assert.ok(names.includes(expected), expected);
      assert.equal(new Set(initial.changes.map((c) => c.id)).size, initial.changes.length);
      assert.deepEqual((await sync(initial.state)).changes, [], 'nothing changed');

      const create = async (parent: string, name: string) =>
        folderIds(expectOk(await carol()(`<m:CreateFolder><m:ParentFolderId>${folderRef(parent)}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>${name}</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)))[0].Id;
      const keep = await create('inbox', 'Keep');
      const rename = await create('inbox', 'Rename me');
      const doomed = await create('inbox', 'Doomed');
      const afterCreate = await sync(initial.state);
      assert.deepEqual(afterCreate.changes.map((c) => [c.kind, c.name]).sort(), [['Create', 'Doomed'], ['Create', 'Keep'], ['Create', 'Rename me']]);
      assert.deepEqual(afterCreate.changes.map((c) => c.id).sort(), [keep, rename, doomed].sort());

      expectOk(
        await carol()(
          `<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:FolderId Id="${rename}"/><t:Updates><t:SetFolderField><t:FieldURI FieldURI="folder:DisplayName"/><t:Folder><t:DisplayName>Renamed</t:DisplayName></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>`,
        ),
      );
      expectOk(await carol()(`<m:DeleteFolder DeleteType="HardDelete"><m:FolderIds><t:FolderId Id="${doomed}"/></m:FolderIds></m:DeleteFolder>`));
      const afterChanges = await sync(afterCreate.state);
      assert.deepEqual(
        afterChanges.changes.map((c) => [c.kind, c.id, c.name]).sort(),
        [
          ['Delete', doomed, undefined],
          ['Update', rename, 'Renamed'],
        ].sort(),
      );
      assert.deepEqual((await sync(afterChanges.state)).changes, []);
      assert.ok(keep);
    });

    it('refuses a state that is not a hierarchy state', async () => {
      expectCodes(await carol()('<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:SyncState>bm9wZQ==</m:SyncState></m:SyncFolderHierarchy>'), ['ErrorInvalidSyncStateData']);
    });
  });

  describe('SyncFolderItems', () => {
    let box: string;
    let other: string;

    const syncPage = async (folder: string, state: string | undefined, max: number) => {
      const r = expectOk(
        await carol()(
          '<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="message:IsRead"/></t:AdditionalProperties></m:ItemShape>' +
            `<m:SyncFolderId>${folderRef(folder)}</m:SyncFolderId>${state ? `<m:SyncState>${state}</m:SyncState>` : ''}<m:MaxChangesReturned>${max}</m:MaxChangesReturned></m:SyncFolderItems>`,
        ),
      );
      const el = r.messages[0].element;
      const changes: Change[] = first(el, M, 'Changes').children.map((c) => ({
        kind: c.local,
        id: first(c, T, 'ItemId').attrs.Id,
        subject: find(c, T, 'Subject')[0]?.text,
        isRead: find(c, T, 'IsRead')[0]?.text,
      }));
      const last = text(el, 'IncludesLastItemInRange', M);
      assert.ok(last === 'true' || last === 'false', `IncludesLastItemInRange is '${last}'`);
      return { changes, state: text(el, 'SyncState', M)!, last };
    };
    /** Every page until IncludesLastItemInRange is true; checks a full page always says false. */
    const syncAll = async (folder: string, state: string | undefined, max: number) => {
      const all: Change[] = [];
      const lasts: string[] = [];
      for (let i = 0; i < 100; i++) {
        const page = await syncPage(folder, state, max);
        assert.ok(page.changes.length <= max, `${page.changes.length} changes for MaxChangesReturned ${max}`);
        all.push(...page.changes);
        lasts.push(page.last!);
        state = page.state;
        if (page.last === 'true') break;
      }
      assert.equal(lasts[lasts.length - 1], 'true');
      return { changes: all, state: state!, pages: lasts.length };
    };
    const create = (subject: string, folder: string) => carol()(createItemXml('SaveOnly', messageXml({ subject, isRead: false }), folder)).then((r) => itemIds(expectOk(r))[0]);
    const markRead = async (id: string) =>
      expectOk(
        await carol()(
          `<m:UpdateItem ConflictResolution="AlwaysOverwrite" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange><t:ItemId Id="${id}"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:IsRead"/><t:Message><t:IsRead>true</t:IsRead></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`,
        ),
      );
    const once = (changes: Change[]) => assert.equal(new Set(changes.map((c) => c.id)).size, changes.length, `an item reported twice: ${JSON.stringify(changes)}`);

    const ids: string[] = [];
    let state: string;

    before(async () => {
      const mk = async (name: string) =>
        folderIds(expectOk(await carol()(`<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>${name}</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)))[0].Id;
      box = await mk('Synced');
      other = await mk('Elsewhere');
      for (let i = 0; i < 50; i++) ids.push((await create(`Item ${String(i).padStart(2, '0')}`, box)).Id);
      // Older items changed after newer ones arrived: still new to a client that has never synced.
      for (const id of ids.slice(0, 3)) await markRead(id);
    });

    it('reports 50 items from no state in pages of 7, each exactly once as a Create, the last page alone saying true', async () => {
      const result = await syncAll(box, undefined, 7);
      assert.equal(result.pages, 8);
      once(result.changes);
      assert.deepEqual(result.changes.map((c) => c.kind), Array(50).fill('Create'));
      assert.deepEqual(result.changes.map((c) => c.id).sort(), [...ids].sort());
      assert.deepEqual(result.changes.filter((c) => c.isRead === 'true').map((c) => c.id).sort(), ids.slice(0, 3).sort(), 'the current version of each item');
      state = result.state;
      const again = await syncPage(box, state, 7);
      assert.deepEqual([again.changes, again.last], [[], 'true']);
    });

    it('then reports adds, read-flag updates, deletes and moves exactly once each', async () => {
      const added = [(await create('New A', box)).Id, (await create('New B', box)).Id];
      const read = ids.slice(10, 13);
      for (const id of read) await markRead(id);
      const deleted = ids.slice(20, 22);
      expectOk(await carol()(`<m:DeleteItem DeleteType="HardDelete"><m:ItemIds>${deleted.map((Id) => itemIdXml({ Id })).join('')}</m:ItemIds></m:DeleteItem>`), 2);
      const moved = ids[30];
      expectOk(await carol()(`<m:MoveItem><m:ToFolderId>${folderRef(other)}</m:ToFolderId><m:ItemIds>${itemIdXml({ Id: moved })}</m:ItemIds></m:MoveItem>`));
      // Created and then changed before the next sync: one Create, in its current state.
      await markRead(added[1]);
      const result = await syncAll(box, state, 3);
      once(result.changes);
      const byKind = (kind: string) => result.changes.filter((c) => c.kind === kind).map((c) => c.id).sort();
      assert.deepEqual(byKind('Create'), [...added].sort());
      assert.deepEqual(byKind('Update'), [...read].sort());
      assert.deepEqual(byKind('Delete'), [...deleted, moved].sort());
      assert.equal(result.changes.length, 2 + 3 + 3);
      assert.equal(result.changes.find((c) => c.id === added[1])?.isRead, 'true');
      state = result.state;
      // The moved item is a Create in its new folder.
      const elsewhere = await syncAll(other, undefined, 5);
      assert.deepEqual(elsewhere.changes.map((c) => [c.kind, c.id]), [['Create', moved]]);
      const idle = await syncPage(box, state, 3);
      assert.deepEqual([idle.changes, idle.last], [[], 'true']);
    });

    it("refuses another folder's state, and garbage, with ErrorInvalidSyncStateData", async () => {
      const otherState = (await syncAll(other, undefined, 10)).state;
      const attempt = (s: string) =>
        carol()(`<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId>${folderRef(box)}</m:SyncFolderId><m:SyncState>${s}</m:SyncState><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>`);
      expectCodes(await attempt(otherState), ['ErrorInvalidSyncStateData']);
      expectCodes(await attempt('not-base64-json'), ['ErrorInvalidSyncStateData']);
      const hierarchy = first((await carol()('<m:SyncFolderHierarchy><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape></m:SyncFolderHierarchy>')).bodyElement, M, 'SyncState').text;
      expectCodes(await attempt(hierarchy), ['ErrorInvalidSyncStateData']);
    });

    it('syncs through ews-javascript-api', async () => {
      const service = ews.service('carol@contoso.com');
      let syncState = '';
      let count = 0;
      for (let i = 0; i < 20; i++) {
        const changes: ChangeCollection<ItemChange> = await service.SyncFolderItems(new FolderId(box), PropertySet.IdOnly, [], 20, SyncFolderItemsScope.NormalItems, syncState);
        count += changes.Count;
        syncState = changes.SyncState;
        if (!changes.MoreChangesAvailable) break;
      }
      const stored = await ews.items('carol@contoso.com', uuidOf(box));
      assert.equal(count, stored.length);
    });
  });
});
