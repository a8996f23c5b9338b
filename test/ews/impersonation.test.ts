// Application impersonation end to end with ews-javascript-api: granted through the admin
// cmdlets exactly as in Exchange, narrowed by a management scope, refused with faults that name
// the reason, and every refusal in the mailbox audit log with both identities.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectingIdType, ServiceError, SoapFaultDetails } from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService, startEwsServer, type EwsServer } from '../helpers/ews.ts';

describe('EWS impersonation with ews-javascript-api', () => {
  let ews: EwsServer;
  before(async () => {
    ews = await startEwsServer();
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  const svcAs = (mailbox: string, idType?: ConnectingIdType) => ewsService({ url: ews.url, user: 'svc@contoso.com', password: ews.password, impersonate: mailbox, idType });

  /** The SoapFaultDetails a call rejects with (ews-javascript-api rejects with it, not with an Error). */
  const faultOf = async (call: Promise<unknown>): Promise<SoapFaultDetails> => {
    try {
      await call;
    } catch (error) {
      assert.ok(error instanceof SoapFaultDetails, `expected a SoapFaultDetails, got ${String(error)}`);
      return error;
    }
    assert.fail('expected the call to fail');
  };

  it('without a role, svc is refused with ErrorImpersonateUserDenied naming the missing role', async () => {
    const fault = await faultOf(svcAs('alice@contoso.com').ResolveName('bob'));
    assert.equal(ServiceError[fault.ResponseCode], 'ErrorImpersonateUserDenied');
    assert.match(fault.Message, /^The account does not have permission to impersonate the requested user\./);
    assert.match(fault.Message, /ApplicationImpersonation/);
  });

  it('after New-RoleGroup "Application Impersonation Group", ResolveName works impersonating alice', async () => {
    await ews.admin.invoke('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] });
    const resolutions = await svcAs('alice@contoso.com').ResolveName('bob');
    assert.equal(resolutions.Count, 1);
    const mailbox = resolutions._getItem(0).Mailbox;
    assert.equal(mailbox.Address, 'bob@contoso.com');
    assert.equal(mailbox.Name, 'Bob Berg');
  });

  it('every ConnectingIdType the library offers reaches the same mailbox', async () => {
    const alice = ews.runtime.state.model.lookup('alice@contoso.com')[0];
    for (const [type, value] of [
      [ConnectingIdType.SmtpAddress, 'alice@contoso.com'],
      [ConnectingIdType.PrincipalName, alice.userPrincipalName],
      [ConnectingIdType.SID, alice.sid],
    ] as const) {
      const resolutions = await svcAs(value, type).ResolveName('carol');
      assert.equal(resolutions._getItem(0).Mailbox.Address, 'carol@contoso.com', `ConnectingIdType ${ConnectingIdType[type]}`);
    }
  });

  it("scoped to Department -eq 'Sales', Sales mailboxes still work and carol (Finance) is refused with a message naming the scope", async () => {
    await ews.admin.invoke('New-ManagementScope', { Name: 'Sales mailboxes', RecipientRestrictionFilter: "Department -eq 'Sales'" });
    await ews.admin.invoke('Set-ManagementRoleAssignment', { Identity: 'ApplicationImpersonation-Application Impersonation Group', CustomRecipientWriteScope: 'Sales mailboxes' });
    // The change applies to the very next request: no propagation delay.
    assert.equal((await svcAs('bob@contoso.com').ResolveName('alice'))._getItem(0).Mailbox.Address, 'alice@contoso.com');
    const fault = await faultOf(svcAs('carol@contoso.com').ResolveName('bob'));
    assert.equal(ServiceError[fault.ResponseCode], 'ErrorImpersonateUserDenied');
    assert.equal(fault.HttpStatusCode, 500);
    assert.match(fault.Message, /Sales mailboxes/);
    assert.match(fault.Message, /outside the write scope/);
  });

  it('a non-existent address is ErrorNonExistentMailbox with Exchange\'s message', async () => {
    const fault = await faultOf(svcAs('nobody@contoso.com').ResolveName('bob'));
    assert.equal(ServiceError[fault.ResponseCode], 'ErrorNonExistentMailbox');
    assert.equal(fault.Message, 'The SMTP address has no mailbox associated with it.');
    assert.equal(fault.HttpStatusCode, 500);
  });

  it('each refusal is in the mailbox audit log with actor svc, the target, the reason and the request', async () => {
    const events = await ews.runtime.store.searchAudit({ kind: 'Mailbox', actorGuids: [ews.runtime.state.model.lookup('svc@contoso.com')[0].guid] });
    const refused = events.filter((e) => e.result !== 'Succeeded');
    const carol = refused.find((e) => e.actedFor === 'carol@contoso.com');
    assert.ok(carol, 'the refusal for carol is audited');
    assert.equal(carol.result, 'Denied');
    assert.equal(carol.actor, 'svc@contoso.com');
    assert.equal(carol.actedForGuid, ews.runtime.state.model.lookup('carol@contoso.com')[0].guid);
    assert.equal(carol.logonType, 'Impersonation');
    assert.equal(carol.protocol, 'EWS');
    assert.equal(carol.operation, 'ResolveNames');
    assert.deepEqual(carol.parameters, { connectingSid: { SmtpAddress: 'carol@contoso.com' } });
    assert.match(carol.error ?? '', /Sales mailboxes/);
    assert.equal(carol.clientAddress, '127.0.0.1');
    assert.ok(carol.requestId);
    const nobody = refused.find((e) => e.actedFor === 'nobody@contoso.com');
    assert.ok(nobody, 'the non-existent target is audited too');
    assert.equal(nobody.actedForGuid, null);
    assert.equal(nobody.result, 'Failed');
    assert.ok(refused.some((e) => e.actedFor === 'alice@contoso.com' && e.result === 'Denied' && /ApplicationImpersonation/.test(e.error ?? '')));
    // Allowed impersonated requests are audited as well, one event per request.
    assert.ok(events.some((e) => e.result === 'Succeeded' && e.actedFor === 'bob@contoso.com' && e.operation === 'ResolveNames'));
  });
});
