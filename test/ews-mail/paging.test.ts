// Acceptance: paging through 10,000 items with FindItem returns each exactly once, and an invalid
// item id gets ErrorInvalidIdMalformed per item while the valid ones in the same request succeed.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ItemView, WellKnownFolderName, type ExchangeService } from 'ews-javascript-api';
import { assertRecordedResponsesValid, basicAuth, ewsService, rawEws } from '../helpers/ews.ts';
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
    service = ewsService({ url: server.url, user: 'svc@contoso.com', password, impersonate: 'bob@contoso.com' });
  });
  afterEach(() => assertRecordedResponsesValid());
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
    const response = await rawEws(
      server.url,
      basicAuth('svc@contoso.com', password),
      `<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="not-an-id"/><t:ItemId Id="${first.Id.UniqueId}"/></m:ItemIds></m:GetItem>`,
      '<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>bob@contoso.com</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>',
    );
    assert.equal(response.status, 200);
    const text = response.body;
    const classes = [...text.matchAll(/GetItemResponseMessage ResponseClass="(\w+)"/g)].map((m) => m[1]);
    assert.deepEqual(classes, ['Error', 'Success']);
    assert.match(text, /<m:ResponseCode>ErrorInvalidIdMalformed<\/m:ResponseCode>/);
  });
});
