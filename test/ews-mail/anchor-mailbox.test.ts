// X-AnchorMailbox is a routing hint only: it is accepted, never required, and never decides which
// mailbox a request acts on or whether it is allowed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, soapEnvelope, startEwsServer, validateEwsResponse, type EwsServer } from '../helpers/ews.ts';

const getInbox = '<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"/></m:FolderIds></m:GetFolder>';
const impersonate = (smtp: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${smtp}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;

describe('X-AnchorMailbox', () => {
  let ews: EwsServer;
  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementScope', { Name: 'Sales', RecipientRestrictionFilter: "Department -eq 'Sales'" });
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com', CustomRecipientWriteScope: 'Sales' });
  });
  after(() => ews?.close());

  const post = async (headersXml: string, anchor?: string) => {
    const response = await fetch(ews.ewsUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/xml; charset=utf-8', authorization: basicAuth('svc@contoso.com', ews.password), ...(anchor ? { 'x-anchormailbox': anchor } : {}) },
      body: soapEnvelope(getInbox, headersXml),
    });
    const body = await response.text();
    await validateEwsResponse(body, { status: response.status });
    return { status: response.status, body };
  };

  it('is accepted alongside the header and does not change the mailbox acted on', async () => {
    const withAnchor = await post(impersonate('alice@contoso.com'), 'carol@contoso.com');
    assert.equal(withAnchor.status, 200);
    const audit = await ews.runtime.store.searchAudit({ kind: 'Mailbox' });
    assert.ok(audit.every((e) => e.actedFor !== 'carol@contoso.com'), 'the anchor must not become the mailbox acted for');
  });

  it('never grants access: an anchor in scope does not help a target out of scope', async () => {
    const denied = await post(impersonate('carol@contoso.com'), 'alice@contoso.com');
    assert.equal(denied.status, 500);
    assert.match(denied.body, /ErrorImpersonateUserDenied/);
  });
});
