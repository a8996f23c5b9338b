// The ExchangeImpersonation header on the wire: all four ConnectingSID forms, malformed headers,
// targets that are not mailboxes, acting as oneself, and bearer tokens (app-only tokens must name
// a mailbox). Header-stage failures are HTTP 500 faults with detail/e:ResponseCode.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { encodeFolderId } from '../../src/protocols/ews/ids.ts';
import { issueAppToken, issueUserToken } from '../../src/services/oauth/tokens.ts';
import { assertRecordedResponsesValid, basicAuth, rawEws, responseCodesOf, startEwsServer, type EwsServer } from '../helpers/ews.ts';

const resolve = (name: string) => `<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>${name}</m:UnresolvedEntry></m:ResolveNames>`;
const impersonation = (inner: string) => `<t:ExchangeImpersonation><t:ConnectingSID>${inner}</t:ConnectingSID></t:ExchangeImpersonation>`;
const as = (type: string, value: string) => impersonation(`<t:${type}>${value}</t:${type}>`);
// DavMail's login step: convert the root folder's id with a dummy Mailbox and read the real one back.
const convertRoot = `<m:ConvertId DestinationFormat="EwsId"><m:SourceIds><t:AlternateId Format="EwsId" Id="${encodeFolderId({ id: randomUUID() })}" Mailbox="blah@blah.com"/></m:SourceIds></m:ConvertId>`;

describe('ConnectingSID forms and impersonation faults (raw SOAP)', () => {
  let ews: EwsServer;
  let svc: string;
  before(async () => {
    ews = await startEwsServer();
    svc = basicAuth('svc@contoso.com', ews.password);
    await ews.admin.invoke('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] });
    await ews.admin.invoke('Set-Mailbox', { Identity: 'alice@contoso.com', EmailAddresses: { Add: ['smtp:alice.anders@contoso.com'] } });
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  const recipient = (identity: string) => ews.runtime.state.model.lookup(identity)[0];
  /** The mailbox a request acted on, as ConvertId reports it. */
  const actingMailbox = async (auth: string, header: string) => {
    const response = await rawEws(ews.ewsUrl, auth, convertRoot, header);
    assert.equal(response.status, 200, response.body);
    const alternate = response.messages[0].element.children.find((c) => c.local === 'AlternateId');
    return alternate?.attrs.Mailbox;
  };

  it('accepts PrimarySmtpAddress, SmtpAddress (any proxy address), PrincipalName and SID (SDDL)', async () => {
    const alice = recipient('alice@contoso.com');
    for (const header of [
      as('PrimarySmtpAddress', 'alice@contoso.com'),
      as('SmtpAddress', 'ALICE@contoso.com'),
      as('SmtpAddress', 'alice.anders@contoso.com'),
      as('PrimarySmtpAddress', 'alice.anders@contoso.com'),
      as('PrincipalName', alice.userPrincipalName),
      as('SID', alice.sid),
      as('SID', alice.sid.toLowerCase()),
      impersonation('\n  <t:SmtpAddress>  alice@contoso.com  </t:SmtpAddress>\n'),
    ]) {
      assert.equal(await actingMailbox(svc, header), 'alice@contoso.com', header);
    }
  });

  it('answers an empty ConnectingSID, an empty value, or no ConnectingSID with ErrorInvalidExchangeImpersonationHeaderData', async () => {
    for (const header of [impersonation(''), as('SmtpAddress', ''), as('PrincipalName', '   '), '<t:ExchangeImpersonation/>', impersonation('<t:Bogus>alice@contoso.com</t:Bogus>')]) {
      const response = await rawEws(ews.ewsUrl, svc, resolve('bob'), header);
      assert.equal(response.status, 500, header);
      assert.deepEqual(responseCodesOf(response), ['ErrorInvalidExchangeImpersonationHeaderData'], header);
    }
  });

  it('answers two identifiers with ErrorMoreThanOneAccessModeSpecified and two headers with ErrorDuplicateSOAPHeader', async () => {
    const two = await rawEws(ews.ewsUrl, svc, resolve('bob'), impersonation('<t:SmtpAddress>alice@contoso.com</t:SmtpAddress><t:PrincipalName>bob@contoso.com</t:PrincipalName>'));
    assert.equal(two.status, 500);
    assert.deepEqual(responseCodesOf(two), ['ErrorMoreThanOneAccessModeSpecified']);
    const twice = await rawEws(ews.ewsUrl, svc, resolve('bob'), as('SmtpAddress', 'alice@contoso.com') + as('SmtpAddress', 'bob@contoso.com'));
    assert.equal(twice.status, 500);
    assert.deepEqual(responseCodesOf(twice), ['ErrorDuplicateSOAPHeader']);
  });

  it('gives each unresolvable target its own code', async () => {
    const cases: Array<[string, string, RegExp?]> = [
      [as('SmtpAddress', 'nobody@contoso.com'), 'ErrorNonExistentMailbox', /^The SMTP address has no mailbox associated with it\.$/],
      [as('PrimarySmtpAddress', 'sales@contoso.com'), 'ErrorNonExistentMailbox'], // a group
      [as('SmtpAddress', 'not an address'), 'ErrorInvalidSmtpAddress'],
      [as('PrincipalName', 'nobody@contoso.com'), 'ErrorInvalidUserPrincipalName'],
      [as('PrincipalName', 'svc@contoso.com'), 'ErrorNonExistentMailbox', /svc@contoso\.com/], // a user without a mailbox
      [as('SID', 'alice'), 'ErrorInvalidSid'],
      [as('SID', 'S-1-5-21-1-2-3-999999'), 'ErrorNonExistentMailbox'],
    ];
    for (const [header, code, message] of cases) {
      const response = await rawEws(ews.ewsUrl, svc, resolve('bob'), header);
      assert.equal(response.status, 500, header);
      assert.deepEqual(responseCodesOf(response), [code], header);
      if (message) assert.match(response.fault!.message, message);
    }
  });

  it('lets a user name their own mailbox without any role, and refuses another mailbox naming the missing role', async () => {
    const alice = basicAuth('alice@contoso.com', ews.password);
    assert.equal(await actingMailbox(alice, as('PrimarySmtpAddress', 'alice@contoso.com')), 'alice@contoso.com');
    const denied = await rawEws(ews.ewsUrl, alice, resolve('bob'), as('SmtpAddress', 'bob@contoso.com'));
    assert.equal(denied.status, 500);
    assert.deepEqual(responseCodesOf(denied), ['ErrorImpersonateUserDenied']);
    assert.match(denied.fault!.message, /^The account does not have permission to impersonate the requested user\. .*ApplicationImpersonation/);
  });

  it('refuses an Organization Management member, whose ApplicationImpersonation assignment is only Delegating', async () => {
    const denied = await rawEws(ews.ewsUrl, basicAuth('admin@contoso.com', ews.password), resolve('bob'), as('SmtpAddress', 'bob@contoso.com'));
    assert.deepEqual(responseCodesOf(denied), ['ErrorImpersonateUserDenied']);
    assert.match(denied.fault!.message, /Delegating/);
  });

  it('without the header, a user acts on their own mailbox (ConvertId names it; DavMail logs in with it)', async () => {
    assert.equal(await actingMailbox(basicAuth('bob@contoso.com', ews.password), ''), 'bob@contoso.com');
    const noMailbox = await rawEws(ews.ewsUrl, svc, convertRoot);
    assert.equal(noMailbox.status, 200);
    assert.deepEqual(responseCodesOf(noMailbox), ['ErrorNonExistentMailbox']);
  });

  describe('bearer tokens', () => {
    let app: { appId: string; secret: string };
    before(async () => {
      const [sp] = (await ews.admin.invoke('New-ServicePrincipal', { DisplayName: 'Mail sync' })) as Array<Record<string, unknown>>;
      const appId = String(sp.AppId);
      await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'Application EWS.AccessAsApp', App: appId });
      const [credential] = (await ews.admin.invoke('New-ServicePrincipalCredential', { Identity: appId })) as Array<Record<string, unknown>>;
      app = { appId, secret: String(credential.SecretText) };
    });
    const appToken = async () => `Bearer ${(await issueAppToken(ews.runtime, { clientId: app.appId, clientSecret: app.secret })).accessToken}`;

    it('refuses an app-only token without the header: "must be present for this type of OAuth token"', async () => {
      const response = await rawEws(ews.ewsUrl, await appToken(), resolve('bob'));
      assert.equal(response.status, 500);
      assert.deepEqual(responseCodesOf(response), ['ErrorInvalidExchangeImpersonationHeaderData']);
      assert.equal(response.fault!.message, 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.');
    });

    it('lets an app with Application EWS.AccessAsApp act on a mailbox it names, audited with logon type App', async () => {
      assert.equal(await actingMailbox(await appToken(), as('SmtpAddress', 'carol@contoso.com')), 'carol@contoso.com');
      const sp = recipient(app.appId);
      const events = await ews.runtime.store.searchAudit({ kind: 'Mailbox', actorGuids: [sp.guid] });
      const success = events.find((e) => e.result === 'Succeeded');
      assert.ok(success);
      assert.equal(success.logonType, 'App');
      assert.equal(success.actedFor, 'carol@contoso.com');
      assert.equal(success.operation, 'ConvertId');
      assert.ok(events.some((e) => e.result === 'Failed' && e.actedFor === null && /must be present/.test(e.error ?? '')), 'the header-less attempt is audited');
    });

    it('lets a delegated user token act as its own user without the header', async () => {
      const { accessToken } = await issueUserToken(ews.runtime, { username: 'carol@contoso.com', password: ews.password });
      assert.equal(await actingMailbox(`Bearer ${accessToken}`, ''), 'carol@contoso.com');
    });
  });
});
