// Acceptance: with ews-javascript-api and ImpersonatedUserId, a service account in the
// "Application Impersonation Group" sends mail as alice to bob, then as bob finds it (restriction
// on subject), reads body and MIME, marks it read, moves it to a new folder, replies and deletes
// it; attachments round-trip byte-for-byte; every act is audited with both identities.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  BasePropertySet,
  ConflictResolutionMode,
  DeleteMode,
  EmailMessage,
  FileAttachment,
  Folder,
  ItemSchema,
  ItemView,
  MessageBody,
  PropertySet,
  SearchFilter,
  WellKnownFolderName,
} from 'ews-javascript-api';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { localAdministrator } from '../../src/services/organization.ts';
import { assertRecordedResponsesValid, ewsService } from '../helpers/ews.ts';

const password = 'Passw0rd!ews';

describe('mail through EWS as an impersonated user (ews-javascript-api)', () => {
  let server: RunningServer;
  let dir: string;
  const subject = `Quarterly numbers ${Date.now()}`;
  const attachmentBytes = Buffer.concat([Buffer.from([0, 255, 1, 254, 13, 10]), randomBytes(200_000)]);

  const serviceAs = (mailbox: string) => ewsService({ url: server.url, user: 'svc@contoso.com', password, impersonate: mailbox });

  const findBySubject = async (mailbox: string, text: string, folder: WellKnownFolderName | Folder = WellKnownFolderName.Inbox) => {
    const service = serviceAs(mailbox);
    const parentId = folder instanceof Folder ? folder.Id : folder;
    const found = await service.FindItems(parentId as never, new SearchFilter.ContainsSubstring(ItemSchema.Subject, text), new ItemView(10));
    return { service, items: found.Items };
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-ews-'));
    server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
    const admin = new CmdletHost(server.runtime, localAdministrator(server.runtime));
    await admin.invoke('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] });
  });
  // Every response a real client received must validate against the EWS schema.
  afterEach(() => assertRecordedResponsesValid());
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends as alice to bob with an attachment, keeping a sent copy in alice\'s Sent Items', async () => {
    const service = serviceAs('alice@contoso.com');
    const message = new EmailMessage(service);
    message.Subject = subject;
    message.Body = new MessageBody('Please find the numbers attached.');
    message.ToRecipients.Add('bob@contoso.com');
    message.Attachments.AddFileAttachment('numbers.bin', attachmentBytes.toString('base64'));
    await message.SendAndSaveCopy();
    const sent = await findBySubject('alice@contoso.com', subject, WellKnownFolderName.SentItems);
    assert.equal(sent.items.length, 1);
  });

  it('as bob finds the message by subject, reads body, MIME and the attachment byte-for-byte', async () => {
    const { service, items } = await findBySubject('bob@contoso.com', subject);
    assert.equal(items.length, 1);
    const message = await EmailMessage.Bind(service, items[0].Id, new PropertySet(BasePropertySet.FirstClassProperties, [ItemSchema.MimeContent, ItemSchema.Body]));
    assert.equal(message.Subject, subject);
    assert.match(message.Body.Text, /Please find the numbers attached\./);
    assert.equal(message.From.Address, 'alice@contoso.com');
    const mime = Buffer.from(message.MimeContent.Content, 'base64').toString('utf8');
    assert.match(mime, /^From: .*alice@contoso\.com/m);
    assert.match(mime, new RegExp(`^Subject: ${subject}`, 'm'));
    assert.equal(message.Attachments.Count, 1);
    const attachment = message.Attachments._getItem(0) as FileAttachment;
    await attachment.Load();
    assert.equal(attachment.Name, 'numbers.bin');
    assert.ok(Buffer.from(attachment.Base64Content, 'base64').equals(attachmentBytes), 'attachment bytes differ');
  });

  it('marks it read, moves it to a new folder, replies to alice, and deletes it', async () => {
    const { service, items } = await findBySubject('bob@contoso.com', subject);
    const message = await EmailMessage.Bind(service, items[0].Id);
    assert.equal(message.IsRead, false);
    message.IsRead = true;
    await message.Update(ConflictResolutionMode.AutoResolve);
    const reread = await EmailMessage.Bind(service, items[0].Id);
    assert.equal(reread.IsRead, true);

    const folder = new Folder(service);
    folder.DisplayName = 'Processed';
    await folder.Save(WellKnownFolderName.Inbox);
    const moved = (await reread.Move(folder.Id)) as EmailMessage;
    assert.equal((await findBySubject('bob@contoso.com', subject)).items.length, 0);
    const inProcessed = await findBySubject('bob@contoso.com', subject, folder);
    assert.equal(inProcessed.items.length, 1);

    await moved.Reply(new MessageBody('Thanks, got it.'), false);
    const reply = await findBySubject('alice@contoso.com', `RE: ${subject}`);
    assert.equal(reply.items.length, 1);

    await moved.Delete(DeleteMode.HardDelete);
    assert.equal((await findBySubject('bob@contoso.com', subject, folder)).items.length, 0);
  });

  it('audits every act with the real actor (svc) and the mailbox acted for', async () => {
    const events = await server.runtime.store.searchAudit({ kind: 'Mailbox' });
    const svc = server.runtime.state.model.lookup('svc@contoso.com')[0];
    const acts = events.filter((e) => e.actorGuid === svc.guid);
    const summary = new Set(acts.map((e) => `${e.operation}@${e.actedFor}`));
    for (const expected of ['Send@alice@contoso.com', 'Update@bob@contoso.com', 'Move@bob@contoso.com', 'Send@bob@contoso.com', 'HardDelete@bob@contoso.com', 'CreateFolder@bob@contoso.com']) {
      assert.ok(summary.has(expected), `missing audit ${expected}; have ${[...summary].join(', ')}`);
    }
    assert.ok(acts.every((e) => e.logonType === 'Impersonation'));
  });
});
