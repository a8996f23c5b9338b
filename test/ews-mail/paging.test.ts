// Acceptance: paging through 10,000 items with FindItem returns each exactly once, and an invalid
// item id gets ErrorInvalidIdMalformed per item while the valid ones in the same request succeed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ConnectingIdType, ExchangeService, ExchangeVersion, ImpersonatedUserId, ItemView, Uri, WebCredentials, WellKnownFolderName } from 'ews-javascript-api';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { localAdministrator } from '../../src/services/organization.ts';
import { importMessages } from '../../src/services/mail/import.ts';

const password = 'Passw0rd!page';
const count = 10_000;

async function* generated(n: number) {
  for (let i = 0; i < n; i++) {
    const date = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toUTCString();
    yield { mime: Buffer.from(`From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: Message ${i}\r\nDate: ${date}\r\nMessage-ID: <m${i}@contoso.com>\r\n\r\nBody ${i}\r\n`) };
  }
}

describe('FindItem paging over 10,000 items', () => {
  let server: RunningServer;
  let dir: string;
  let service: ExchangeService;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-paging-'));
    server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
    const admin = localAdministrator(server.runtime);
    await new CmdletHost(server.runtime, admin).invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    const result = await importMessages(server.runtime, { mailbox: 'bob@contoso.com', source: generated(count), actor: { guid: admin.guid, name: admin.name }, batchSize: 1000 });
    assert.equal(result.imported, count);
    service = new ExchangeService(ExchangeVersion.Exchange2013_SP1);
    service.Url = new Uri(`${server.url}/EWS/Exchange.asmx`);
    service.Credentials = new WebCredentials('svc@contoso.com', password);
    service.ImpersonatedUserId = new ImpersonatedUserId(ConnectingIdType.SmtpAddress, 'bob@contoso.com');
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('returns every item exactly once, with TotalItemsInView and the last-page flag right', async () => {
    const seen = new Set<string>();
    let offset = 0;
    let pages = 0;
    for (;;) {
      const page = await service.FindItems(WellKnownFolderName.Inbox, new ItemView(1000, offset));
      pages++;
      assert.equal(page.TotalCount, count);
      for (const item of page.Items) {
        assert.ok(!seen.has(item.Id.UniqueId), `item returned twice at offset ${offset}`);
        seen.add(item.Id.UniqueId);
      }
      if (!page.MoreAvailable) break;
      assert.equal(page.NextPageOffset, offset + page.Items.length);
      offset = page.NextPageOffset!;
    }
    assert.equal(seen.size, count);
    assert.equal(pages, 10);
  });

  it('answers a malformed id per item and still returns the valid ones', async () => {
    const [first] = (await service.FindItems(WellKnownFolderName.Inbox, new ItemView(1))).Items;
    const body = `<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
<soap:Header><t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>bob@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>
<soap:Body><m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="not-an-id"/><t:ItemId Id="${first.Id.UniqueId}"/></m:ItemIds></m:GetItem></soap:Body></soap:Envelope>`;
    const response = await fetch(`${server.url}/EWS/Exchange.asmx`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', authorization: `Basic ${Buffer.from(`svc@contoso.com:${password}`).toString('base64')}` },
      body,
    });
    assert.equal(response.status, 200);
    const text = await response.text();
    const classes = [...text.matchAll(/GetItemResponseMessage ResponseClass="(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(classes, ['Error', 'Success']);
    assert.match(text, /<m:ResponseCode>ErrorInvalidIdMalformed<\/m:ResponseCode>/);
  });
});
