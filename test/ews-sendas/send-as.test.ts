// Acceptance: through ews-javascript-api, svc impersonating alice may set From to shared@contoso.com only while alice (directly or through a group) holds Send As on it.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  BasePropertySet,
  EmailAddress,
  EmailMessage,
  ItemSchema,
  ItemView,
  MessageBody,
  PropertySet,
  SearchFilter,
  ServiceError,
  WellKnownFolderName,
} from 'ews-javascript-api';
import { assertRecordedResponsesValid, ewsService, startEwsServer, type EwsServer } from '../helpers/ews.ts';

describe('Send As through EWS (Add-RecipientPermission)', () => {
  let ews: EwsServer;
  let run = 0;

  const serviceAs = (mailbox: string) => ewsService({ url: ews.url, user: 'svc@contoso.com', password: ews.password, impersonate: mailbox });
  const guidOf = (address: string) => ews.runtime.state.model.lookup(address)[0].guid;

  /** svc, impersonating alice, sends a message From shared@contoso.com to bob; returns its subject. */
  const sendAsShared = async (how: 'SendAndSaveCopy' | 'SaveThenSend' = 'SendAndSaveCopy') => {
    const subject = `Send As ${++run} ${Date.now()}`;
    const message = new EmailMessage(serviceAs('alice@contoso.com'));
    message.From = new EmailAddress('shared@contoso.com');
    message.Subject = subject;
    message.Body = new MessageBody('From the shared desk.');
    message.ToRecipients.Add('bob@contoso.com');
    if (how === 'SendAndSaveCopy') {
      await message.SendAndSaveCopy();
    } else {
      await message.Save(WellKnownFolderName.Drafts);
      await message.Send();
    }
    return subject;
  };

  /** The EWS response code (and message) a rejected request carried. */
  const failure = async (promise: Promise<unknown>): Promise<{ code: string; message: string }> => {
    try {
      await promise;
    } catch (error) {
      const e = error as { ErrorCode?: number; ResponseCode?: number; Message?: string; message?: string };
      return { code: ServiceError[e.ErrorCode ?? e.ResponseCode ?? -1] ?? String(error), message: e.Message ?? e.message ?? '' };
    }
    return { code: 'NoError', message: '' };
  };

  const findIn = async (mailbox: string, folder: WellKnownFolderName, subject: string) => {
    const service = serviceAs(mailbox);
    const found = await service.FindItems(folder, new SearchFilter.IsEqualTo(ItemSchema.Subject, subject), new ItemView(10));
    return { service, items: found.Items };
  };

  const sendAsEvents = async (subjectCount: number) => {
    const events = await ews.runtime.store.searchAudit({ kind: 'Mailbox', operations: ['SendAs'] });
    assert.equal(events.length, subjectCount, `SendAs events: ${events.map((e) => JSON.stringify(e.parameters)).join('; ')}`);
    return events;
  };

  /** Subjects of this suite's messages anywhere in a mailbox, read from the store (not through EWS). */
  const subjectsIn = async (mailbox: string) => {
    const mailboxGuid = guidOf(mailbox);
    const folderIds = (await ews.runtime.store.listFolders(mailboxGuid)).map((f) => f.id);
    const page = await ews.runtime.store.queryItems({ mailboxGuid, folderIds, orderBy: [{ field: 'articleNumber', direction: 'asc' }], offset: 0, limit: 1000 });
    return page.items.map((i) => i.subject).filter((s) => s.startsWith('Send As '));
  };

  const admin = (name: string, params: Record<string, unknown>) => ews.admin.invoke(name, params);

  before(async () => {
    ews = await startEwsServer();
    await admin('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] });
    await admin('New-Mailbox', { Name: 'shared', Shared: true });
  });
  // Every response the client received, denials included, must validate against the EWS schema.
  afterEach(() => assertRecordedResponsesValid());
  after(() => ews?.close());

  it('without a grant the send fails with ErrorSendAsDenied naming the missing grant, and nothing is delivered', async () => {
    const before = await ews.runtime.store.searchAudit({ kind: 'Mailbox' });
    const { code, message } = await failure(sendAsShared());
    assert.equal(code, 'ErrorSendAsDenied');
    assert.match(message, /alice@contoso\.com has no Send As permission on shared@contoso\.com \(Add-RecipientPermission -Identity shared@contoso\.com -Trustee alice@contoso\.com -AccessRights SendAs\)/);
    // Saving a draft From shared is refused the same way, so it can't be sent later either.
    assert.equal((await failure(sendAsShared('SaveThenSend'))).code, 'ErrorSendAsDenied');

    assert.deepEqual(await subjectsIn('bob@contoso.com'), []);
    assert.deepEqual(await subjectsIn('alice@contoso.com'), [], 'no sent copy and no draft');
    assert.deepEqual(await ews.runtime.store.listOutbound(guidOf('alice@contoso.com')), []);
    const after = await ews.runtime.store.searchAudit({ kind: 'Mailbox' });
    assert.equal(after.filter((e) => e.operation === 'Send' || e.operation === 'SendAs').length, before.filter((e) => e.operation === 'Send' || e.operation === 'SendAs').length);
  });

  it('an address that belongs to no recipient stays denied', async () => {
    const message = new EmailMessage(serviceAs('alice@contoso.com'));
    message.From = new EmailAddress('ghost@contoso.com');
    message.Subject = `Ghost ${Date.now()}`;
    message.ToRecipients.Add('bob@contoso.com');
    const { code, message: text } = await failure(message.SendAndSaveCopy());
    assert.equal(code, 'ErrorSendAsDenied');
    assert.match(text, /'ghost@contoso\.com' is not an address of alice@contoso\.com or of any recipient/);
  });

  it('after Add-RecipientPermission the same send succeeds: bob gets it From shared, alice keeps the copy, the audit says SendAs', async () => {
    await admin('Add-RecipientPermission', { Identity: 'shared@contoso.com', Trustee: 'alice@contoso.com', AccessRights: 'SendAs', Confirm: false });
    const subject = await sendAsShared();

    const received = await findIn('bob@contoso.com', WellKnownFolderName.Inbox, subject);
    assert.equal(received.items.length, 1);
    const message = await EmailMessage.Bind(received.service, received.items[0].Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent]));
    assert.equal(message.From.Address, 'shared@contoso.com');
    const mime = Buffer.from(message.MimeContent.Content, 'base64').toString('utf8');
    assert.match(mime, /^From: .*shared@contoso\.com/m);
    // Send As, not Send on Behalf: no Sender header naming alice.
    assert.doesNotMatch(mime, /^Sender: .*alice/im);

    assert.equal((await findIn('alice@contoso.com', WellKnownFolderName.SentItems, subject)).items.length, 1);
    assert.equal((await findIn('shared@contoso.com', WellKnownFolderName.SentItems, subject)).items.length, 0);

    const [event] = await sendAsEvents(1);
    assert.equal(event.actorGuid, guidOf('svc@contoso.com'));
    assert.equal(event.actedForGuid, guidOf('alice@contoso.com'));
    assert.equal(event.actedFor, 'alice@contoso.com');
    assert.equal(event.parameters.sentAs, 'shared@contoso.com');
    await admin('Remove-RecipientPermission', { Identity: 'shared@contoso.com', Trustee: 'alice@contoso.com', AccessRights: 'SendAs', Confirm: false });
  });

  it('a grant to a security group alice is in works too (saved draft, then SendItem)', async () => {
    assert.equal((await failure(sendAsShared())).code, 'ErrorSendAsDenied', 'the direct grant is gone');
    await admin('Add-RecipientPermission', { Identity: 'shared', Trustee: 'sales', AccessRights: 'SendAs' });
    const subject = await sendAsShared('SaveThenSend');
    const received = await findIn('bob@contoso.com', WellKnownFolderName.Inbox, subject);
    assert.equal(received.items.length, 1);
    const message = await EmailMessage.Bind(received.service, received.items[0].Id);
    assert.equal(message.From.Address, 'shared@contoso.com');
    const events = await sendAsEvents(2);
    assert.equal(events[0].actedForGuid, guidOf('alice@contoso.com'));
    assert.equal(events[0].parameters.sentAs, 'shared@contoso.com');
    // carol is not in sales: the group grant gives her nothing.
    const carol = new EmailMessage(serviceAs('carol@contoso.com'));
    carol.From = new EmailAddress('shared@contoso.com');
    carol.Subject = `Carol ${Date.now()}`;
    carol.ToRecipients.Add('bob@contoso.com');
    assert.equal((await failure(carol.SendAndSaveCopy())).code, 'ErrorSendAsDenied');
  });

  it('removing the permission denies again at once', async () => {
    await sendAsShared();
    await admin('Remove-RecipientPermission', { Identity: 'shared', Trustee: 'sales', AccessRights: 'SendAs' });
    const { code, message } = await failure(sendAsShared());
    assert.equal(code, 'ErrorSendAsDenied');
    assert.match(message, /no Send As permission on shared@contoso\.com/);
    await sendAsEvents(3);
  });
});
