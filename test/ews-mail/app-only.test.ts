// Acceptance: a service principal with a client secret gets a token from the token endpoint and,
// with Application EWS.AccessAsApp scoped to a group, reads exactly the mailboxes of that group's
// members; other mailboxes are denied with a SOAP fault, and a token without the header is refused.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ItemView, ServiceError, WellKnownFolderName } from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService } from '../helpers/ews.ts';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { localAdministrator } from '../../src/services/organization.ts';

describe('app-only access with an OAuth token (client credentials)', () => {
  let server: RunningServer;
  let dir: string;
  let token: string;

  const serviceFor = (mailbox?: string) => ewsService({ url: server.url, token, impersonate: mailbox });
  const faultCode = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
      return 'NoError';
    } catch (error) {
      const e = error as { ResponseCode: number; Message: string };
      return `${ServiceError[e.ResponseCode]}: ${e.Message}`;
    }
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-app-'));
    server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: 'Passw0rd!app' });
    const admin = new CmdletHost(server.runtime, localAdministrator(server.runtime));
    const [sp] = (await admin.invoke('New-ServicePrincipal', { DisplayName: 'Archiver' })) as Array<{ AppId: string }>;
    const [secret] = (await admin.invoke('New-ServicePrincipalCredential', { Identity: sp.AppId })) as Array<{ SecretText: string }>;
    await admin.invoke('New-ManagementRoleAssignment', { App: sp.AppId, Role: 'Application EWS.AccessAsApp', RecipientGroupScope: 'sales' });
    const response = await fetch(`${server.url}/contoso.com/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: sp.AppId, client_secret: secret.SecretText, scope: 'https://outlook.office365.com/.default' }),
    });
    assert.equal(response.status, 200);
    token = ((await response.json()) as { access_token: string }).access_token;
  });
  afterEach(() => assertRecordedResponsesValid());
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the mailboxes of the group members (alice and bob)', async () => {
    for (const mailbox of ['alice@contoso.com', 'bob@contoso.com']) {
      const found = await serviceFor(mailbox).FindItems(WellKnownFolderName.Inbox, new ItemView(10));
      assert.equal(found.TotalCount, 0, mailbox);
    }
  });

  it('is denied every other mailbox with ErrorImpersonateUserDenied', async () => {
    for (const mailbox of ['carol@contoso.com', 'helpdesk@contoso.com', 'admin@contoso.com']) {
      const message = await faultCode(serviceFor(mailbox).FindItems(WellKnownFolderName.Inbox, new ItemView(10)));
      assert.match(message, /^ErrorImpersonateUserDenied: .*permission to impersonate/, mailbox);
    }
  });

  it('refuses an app-only token without the ExchangeImpersonation header', async () => {
    const message = await faultCode(serviceFor().FindItems(WellKnownFolderName.Inbox, new ItemView(10)));
    assert.match(message, /^ErrorInvalidExchangeImpersonationHeaderData: ExchangeImpersonation SOAP header must be present for this type of OAuth token/);
  });

  it('follows group membership at once: a new member becomes reachable, a removed one not', async () => {
    const admin = new CmdletHost(server.runtime, localAdministrator(server.runtime));
    await admin.invoke('Add-DistributionGroupMember', { Identity: 'sales', Member: 'carol@contoso.com', BypassSecurityGroupManagerCheck: true });
    assert.equal(await faultCode(serviceFor('carol@contoso.com').FindItems(WellKnownFolderName.Inbox, new ItemView(1))), 'NoError');
    await admin.invoke('Remove-DistributionGroupMember', { Identity: 'sales', Member: 'alice@contoso.com', BypassSecurityGroupManagerCheck: true });
    assert.match(await faultCode(serviceFor('alice@contoso.com').FindItems(WellKnownFolderName.Inbox, new ItemView(1))), /permission to impersonate/);
  });
});
