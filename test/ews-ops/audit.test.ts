// The mailbox audit log after EWS work, read back with Search-MailboxAuditLog as an administrator:
// impersonated writes and reads appear with LogonType Impersonation and the real actor (reads once
// the read-audit batch is flushed), one event per read request, and an owner's reads not at all.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { flushReadAudit } from '../../src/services/mailbox/read-audit.ts';
import { assertRecordedResponsesValid } from '../helpers/ews.ts';
import { createItemXml, distinguished, expectOk, folderIds, itemIdXml, itemIds, messageXml, startOpsServer, uuidOf, type OpsServer } from './support.ts';

interface AuditRow {
  Operation: string;
  OperationResult: string;
  LogonType: string;
  LogonUserDisplayName: string;
  MailboxResolvedOwnerName: string;
  RequestId: string | null;
  ClientInfoString: string;
  Details?: { itemIds?: string[]; folderIds?: string[] };
}

describe('EWS mailbox audit', () => {
  let ews: OpsServer;
  const alice = () => ews.as('alice@contoso.com');
  const search = async (identity: string, extra: Record<string, unknown> = {}) => (await ews.admin.invoke('Search-MailboxAuditLog', { Identity: identity, ShowDetails: true, ResultSize: 5000, ...extra })) as AuditRow[];
  let draft: { Id: string; ChangeKey: string };
  let folder: string;

  before(async () => {
    ews = await startOpsServer();
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  it('lists impersonated writes with LogonType Impersonation, the real actor and the ids touched', async () => {
    folder = folderIds(expectOk(await alice()(`<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Audited</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)))[0].Id;
    draft = itemIds(expectOk(await alice()(createItemXml('SaveOnly', messageXml({ subject: 'Audited draft', to: ['bob@contoso.com'] }), folder))))[0];
    expectOk(await alice()(`<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly"><m:ItemChanges><t:ItemChange>${itemIdXml(draft)}<t:Updates><t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:Message><t:Subject>Audited draft v2</t:Subject></t:Message></t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>`));
    expectOk(await alice()(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Audited send', body: 'x', to: ['bob@contoso.com'] }), 'sentitems')));
    expectOk(await alice()(`<m:DeleteItem DeleteType="MoveToDeletedItems"><m:ItemIds>${itemIdXml(draft)}</m:ItemIds></m:DeleteItem>`));
    const rows = await search('alice@contoso.com');
    const mine = rows.filter((r) => r.LogonUserDisplayName === 'svc@contoso.com');
    for (const operation of ['CreateFolder', 'Create', 'Update', 'Send', 'MoveToDeletedItems']) {
      const row = mine.find((r) => r.Operation === operation);
      assert.ok(row, `no ${operation}; have ${mine.map((r) => r.Operation).join(', ')}`);
      assert.equal(row.LogonType, 'Impersonation');
      assert.equal(row.MailboxResolvedOwnerName, 'alice@contoso.com');
      assert.equal(row.OperationResult, 'Succeeded');
      assert.equal(row.ClientInfoString, 'EWS');
      assert.ok(row.RequestId);
    }
    assert.deepEqual(mine.find((r) => r.Operation === 'Update')?.Details?.itemIds, [uuidOf(draft.Id)]);
    assert.deepEqual(mine.find((r) => r.Operation === 'CreateFolder')?.Details?.folderIds, [uuidOf(folder)]);
    // One event per write request: the operation's own, not a second id-less one from the endpoint.
    for (const requestId of new Set(mine.map((r) => r.RequestId))) {
      const events = mine.filter((r) => r.RequestId === requestId);
      assert.equal(events.length, 1, `request ${requestId}: ${events.map((e) => e.Operation).join(', ')}`);
    }
    // Nothing of alice's shows up in bob's log, though bob received mail.
    assert.ok(!(await search('bob@contoso.com')).some((r) => r.Operation === 'Send'));
  });

  it('lists impersonated reads after the read-audit batch is flushed, one event per request', async () => {
    const get = await alice()(`<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds>${itemIdXml(draft)}</m:ItemIds></m:GetItem>`);
    expectOk(get);
    const bind = expectOk(await alice()(`<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id="${folder}"/></m:FolderIds></m:GetFolder>`));
    const findRequest = expectOk(await alice()(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${distinguished('deleteditems')}</m:ParentFolderIds></m:FindItem>`));
    const requestId = get.headers.get('request-id');
    assert.ok(requestId);
    await flushReadAudit(ews.runtime.store);
    const rows = (await search('alice@contoso.com')).filter((r) => r.LogonUserDisplayName === 'svc@contoso.com');
    const read = rows.filter((r) => r.RequestId === requestId);
    assert.equal(read.length, 1, `one event for the GetItem request, got ${JSON.stringify(read)}`);
    assert.equal(read[0].Operation, 'MailItemsAccessed');
    assert.equal(read[0].LogonType, 'Impersonation');
    assert.deepEqual(read[0].Details?.itemIds, [uuidOf(draft.Id)]);
    for (const [response, operation] of [[bind, 'FolderBind'], [findRequest, 'FindItem']] as const) {
      const events = rows.filter((r) => r.RequestId === response.headers.get('request-id'));
      assert.deepEqual(events.map((e) => e.Operation), [operation]);
    }
    assert.ok(rows.some((r) => r.Operation === 'FolderBind' && r.Details?.folderIds?.includes(uuidOf(folder))));
    const filtered = (await search('alice@contoso.com', { LogonTypes: ['Impersonation'], Operations: ['MailItemsAccessed'] })) as AuditRow[];
    assert.ok(filtered.length >= 1);
    assert.ok(filtered.every((r) => r.Operation === 'MailItemsAccessed' && r.LogonType === 'Impersonation'));
  });

  it("does not audit the owner's reads", async () => {
    const owner = ews.owner('alice@contoso.com');
    const get = await owner(`<m:GetItem><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ItemIds>${itemIdXml(draft)}</m:ItemIds></m:GetItem>`);
    expectOk(get);
    expectOk(await owner(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds>${distinguished('inbox')}</m:ParentFolderIds></m:FindItem>`));
    await flushReadAudit(ews.runtime.store);
    const rows = await search('alice@contoso.com');
    assert.ok(!rows.some((r) => r.RequestId === get.headers.get('request-id')), 'the owner read is not audited');
    assert.ok(!rows.some((r) => r.LogonType === 'Owner' && ['MailItemsAccessed', 'FolderBind', 'FindItem', 'GetItem'].includes(r.Operation)));
  });

  it('audits what svc does in each mailbox under that mailbox only', async () => {
    expectOk(await ews.as('carol@contoso.com')(`<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds>${distinguished('inbox')}</m:FolderIds></m:GetFolder>`));
    await flushReadAudit(ews.runtime.store);
    const carol = await search('carol@contoso.com');
    assert.ok(carol.some((r) => r.Operation === 'FolderBind' && r.LogonUserDisplayName === 'svc@contoso.com' && r.LogonType === 'Impersonation'));
    assert.ok(carol.every((r) => r.MailboxResolvedOwnerName === 'carol@contoso.com'));
  });
});
