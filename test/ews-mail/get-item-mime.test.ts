// GetItem's bulk MIME fetch (IdOnly + MimeContent, as DavMail and exchangelib send it): every
// message comes back byte for byte, ids that are malformed or name another mailbox's item fail
// alone, richer shapes still show their fields, and an impersonated read is audited once, through
// the batched read audit (no second event per request).
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertRecordedResponsesValid, basicAuth, rawEws, startEwsServer, type EwsServer } from '../helpers/ews.ts';
import { child } from '../../src/protocols/ews/xml/parse.ts';
import { messagesNs, typesNs } from '../../src/protocols/ews/namespaces.ts';
import { importMessages } from '../../src/services/mail/import.ts';
import { localAdministrator } from '../../src/services/organization.ts';
import { flushReadAudit } from '../../src/services/mailbox/read-audit.ts';

const impersonate = (address: string) => `<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>${address}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>`;

const mimes = [
  'From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: Plain\r\nMessage-ID: <plain@contoso.com>\r\n\r\nFirst line\r\nsecond line & <markup> ]]>\r\n',
  'From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nMessage-ID: <utf8@contoso.com>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nGrüße, 😀, \u0001 and a lone CR\r here\r\n',
  // 3 × n + 1 and 3 × n + 2 bytes: base64 with padding.
  'Subject: x\r\n\r\nab\r\n',
  'Subject: y\r\n\r\nabc\r\n',
].map((text) => Buffer.from(text, 'utf8'));

async function* source(list: Buffer[]) {
  for (const mime of list) yield { mime };
}

describe('GetItem with MimeContent', () => {
  let ews: EwsServer;
  const auth = () => basicAuth('svc@contoso.com');
  /** Item ids in import order (bob's), and one of carol's. */
  let ids: string[] = [];
  let carolsId = '';

  const findIds = async (mailbox: string) => {
    const response = await rawEws(
      ews.ewsUrl,
      auth(),
      '<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>',
      impersonate(mailbox),
    );
    assert.equal(response.status, 200);
    return [...response.body.matchAll(/<t:ItemId Id="([^"]+)"[^>]*\/><t:Subject>([^<]*)<\/t:Subject>/g)].map((m) => ({ id: m[1], subject: m[2] }));
  };

  before(async () => {
    ews = await startEwsServer();
    await ews.admin.invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
    const admin = localAdministrator(ews.runtime);
    await importMessages(ews.runtime, { mailbox: 'bob@contoso.com', source: source(mimes), actor: { guid: admin.guid, name: admin.name } });
    await importMessages(ews.runtime, { mailbox: 'carol@contoso.com', source: source([Buffer.from('Subject: carol\r\n\r\nprivate\r\n')]), actor: { guid: admin.guid, name: admin.name } });
    const bobs = await findIds('bob@contoso.com');
    const bySubject = new Map(bobs.map((b) => [b.subject, b.id]));
    ids = ['Plain', 'Grüße', 'x', 'y'].map((subject) => bySubject.get(subject)!);
    assert.ok(ids.every(Boolean), `found ${bobs.map((b) => b.subject).join(', ')}`);
    carolsId = (await findIds('carol@contoso.com'))[0].id;
  });
  afterEach(() => assertRecordedResponsesValid());
  after(() => ews?.close());

  const getItem = (itemIds: string[], shape: string, as = 'bob@contoso.com') =>
    rawEws(ews.ewsUrl, auth(), `<m:GetItem><m:ItemShape>${shape}</m:ItemShape><m:ItemIds>${itemIds.map((id) => `<t:ItemId Id="${id}"/>`).join('')}</m:ItemIds></m:GetItem>`, impersonate(as));

  const mimeOf = (message: { element: Parameters<typeof child>[0] }) => {
    const items = child(message.element, messagesNs, 'Items');
    const item = items?.children[0];
    const content = item && child(item, typesNs, 'MimeContent');
    return content && { item, bytes: Buffer.from(content.text, 'base64'), charset: content.attrs.CharacterSet };
  };

  it('returns each message byte for byte, and fails only the ids it cannot serve', async () => {
    const response = await getItem([ids[0], 'not-an-id', carolsId, ids[1], ids[2], ids[3], ids[0]], '<t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent>');
    assert.equal(response.status, 200);
    assert.deepEqual(
      response.messages.map((m) => m.responseCode),
      ['NoError', 'ErrorInvalidIdMalformed', 'ErrorItemNotFound', 'NoError', 'NoError', 'NoError', 'NoError'],
    );
    const served = [0, 3, 4, 5, 6].map((i) => mimeOf(response.messages[i])!);
    assert.deepEqual(
      served.map((s) => s.bytes),
      [mimes[0], mimes[1], mimes[2], mimes[3], mimes[0]],
    );
    assert.ok(served.every((s) => s.charset === 'UTF-8'));
    // IdOnly: the MIME and the id, nothing else.
    assert.deepEqual(
      served[0].item.children.map((c) => c.local),
      ['MimeContent', 'ItemId'],
    );
    assert.equal(served[0].item.children[1].attrs.Id, ids[0]);
    assert.match(response.body, /<t:Message><t:MimeContent CharacterSet="UTF-8">[A-Za-z0-9+/=]+<\/t:MimeContent><t:ItemId /);
  });

  it('also takes MimeContent as an additional property, and shows other fields a shape asks for', async () => {
    const response = await getItem(
      [ids[1]],
      '<t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:MimeContent"/><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties>',
    );
    const served = mimeOf(response.messages[0])!;
    assert.deepEqual(served.bytes, mimes[1]);
    assert.equal(child(served.item, typesNs, 'Subject')?.text, 'Grüße');
    const plain = await getItem([ids[0]], '<t:BaseShape>IdOnly</t:BaseShape>');
    assert.equal(mimeOf(plain.messages[0]), undefined, 'no MimeContent unless asked for');
  });

  it('audits an impersonated GetItem once, as a batched MailItemsAccessed event listing the items read', async () => {
    const response = await getItem([ids[2], carolsId], '<t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent>');
    const requestId = response.headers.get('request-id');
    assert.ok(requestId);
    await flushReadAudit(ews.runtime.store);
    const events = (await ews.runtime.store.searchAudit({ kind: 'Mailbox' })).filter((e) => e.requestId === requestId);
    assert.equal(events.length, 1, `one event for the request, not ${events.map((e) => e.operation).join(', ')}`);
    const [event] = events;
    assert.equal(event.operation, 'MailItemsAccessed');
    assert.equal(event.actor, 'svc@contoso.com');
    assert.equal(event.actedFor, 'bob@contoso.com');
    assert.equal(event.logonType, 'Impersonation');
    assert.equal(event.result, 'Succeeded');
    assert.equal((event.parameters.itemIds as string[]).length, 1, "carol's item was not read, so it is not listed");
  });
});
