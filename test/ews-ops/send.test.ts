// Sending end to end: SendOnly / SendAndSaveCopy / SavedItemFolderId, one copy per internal
// recipient and never a Bcc in a delivered copy, distribution groups (nested, duplicates once),
// external recipients queued (Get-Message), refusals that send nothing, DavMail's MIME submission,
// and replies and forwards with their recipients, prefixes, threading headers and attachments.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EmailMessage, ItemId, MessageBody, WellKnownFolderName } from 'ews-javascript-api';
import type { Item } from '../../src/core/mailbox/model.ts';
import { assertRecordedResponsesValid } from '../helpers/ews.ts';
import { createItemXml, distinguished, expectCodes, expectOk, folderIds, itemIds, messageXml, startOpsServer, uuidOf, type OpsServer } from './support.ts';

type Queued = { FromAddress: string; Recipients: string[]; Status: string };

describe('EWS sending', () => {
  let ews: OpsServer;
  const as = (mailbox: string) => ews.as(mailbox);
  const withSubject = async (mailbox: string, folder: string, subject: string): Promise<Item[]> => (await ews.items(mailbox, folder)).filter((i) => i.subject === subject);
  const queued = async () => (await ews.admin.invoke('Get-Message', {})) as Queued[];
  /** How many messages exist anywhere with this subject (every mailbox, every folder) and in the queue. */
  const everywhere = async (subject: string) => {
    let count = 0;
    for (const mailbox of ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'helpdesk@contoso.com', 'admin@contoso.com']) {
      for (const f of await ews.folders(mailbox)) count += (await ews.items(mailbox, f.id)).filter((i) => i.subject === subject).length;
    }
    return { items: count, queue: (await ews.runtime.store.listOutbound()).length };
  };

  before(async () => {
    ews = await startOpsServer();
    await ews.admin.invoke('New-DistributionGroup', { Name: 'Team', PrimarySmtpAddress: 'team@contoso.com', Members: ['alice@contoso.com', 'bob@contoso.com'] });
    await ews.admin.invoke('New-DistributionGroup', { Name: 'Everyone', PrimarySmtpAddress: 'everyone@contoso.com', Members: ['team@contoso.com', 'carol@contoso.com', 'bob@contoso.com'] });
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  it('SendOnly delivers without a sent copy; SendAndSaveCopy keeps one in Sent Items, or in SavedItemFolderId', async () => {
    const r = expectOk(await as('alice@contoso.com')(createItemXml('SendOnly', messageXml({ subject: 'Send only', body: 'x', to: ['bob@contoso.com'] }))));
    assert.equal(itemIds(r).length, 0);
    assert.equal((await withSubject('bob@contoso.com', 'inbox', 'Send only')).length, 1);
    assert.equal((await withSubject('alice@contoso.com', 'sentitems', 'Send only')).length, 0);
    expectOk(await as('alice@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'With copy', body: 'x', to: ['bob@contoso.com'] }), 'sentitems')));
    const copies = await withSubject('alice@contoso.com', 'sentitems', 'With copy');
    assert.equal(copies.length, 1);
    assert.equal(copies[0].isRead, true);
    assert.equal((await withSubject('bob@contoso.com', 'inbox', 'With copy'))[0].isRead, false);
    const folder = folderIds(expectOk(await as('alice@contoso.com')(`<m:CreateFolder><m:ParentFolderId>${distinguished('inbox')}</m:ParentFolderId><m:Folders><t:Folder><t:DisplayName>Sent elsewhere</t:DisplayName></t:Folder></m:Folders></m:CreateFolder>`)))[0].Id;
    expectOk(await as('alice@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Filed copy', body: 'x', to: ['bob@contoso.com'] }), folder)));
    assert.equal((await withSubject('alice@contoso.com', uuidOf(folder), 'Filed copy')).length, 1);
    assert.equal((await withSubject('alice@contoso.com', 'sentitems', 'Filed copy')).length, 0);
  });

  it('delivers exactly one copy to each To/Cc/Bcc recipient, and no delivered copy shows the Bcc', async () => {
    expectOk(
      await as('alice@contoso.com')(
        createItemXml('SendAndSaveCopy', messageXml({ subject: 'Three ways', body: 'hi', to: ['bob@contoso.com'], cc: ['carol@contoso.com', 'BOB@contoso.com'], bcc: ['helpdesk@contoso.com'] }), 'sentitems'),
      ),
    );
    for (const mailbox of ['bob@contoso.com', 'carol@contoso.com', 'helpdesk@contoso.com']) {
      const got = await withSubject(mailbox, 'inbox', 'Three ways');
      assert.equal(got.length, 1, mailbox);
      assert.deepEqual(got[0].bcc, [], mailbox);
      const mime = await ews.mime(got[0].id);
      assert.doesNotMatch(mime, /^bcc:/im, mime);
      assert.doesNotMatch(mime, /helpdesk/i);
    }
    const [sent] = await withSubject('alice@contoso.com', 'sentitems', 'Three ways');
    assert.deepEqual(sent.bcc.map((a) => a.address), ['helpdesk@contoso.com'], "the sender's copy keeps its Bcc");
  });

  it('expands distribution groups, nested too, delivering once to members reached several ways', async () => {
    expectOk(await as('carol@contoso.com')(createItemXml('SendOnly', messageXml({ subject: 'To everyone', body: 'all hands', to: ['everyone@contoso.com'], cc: ['alice@contoso.com', 'team@contoso.com'] }))));
    for (const mailbox of ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com']) assert.equal((await withSubject(mailbox, 'inbox', 'To everyone')).length, 1, mailbox);
    assert.equal((await withSubject('helpdesk@contoso.com', 'inbox', 'To everyone')).length, 0);
    // The delivered copy still names the group, not its members.
    const [copy] = await withSubject('bob@contoso.com', 'inbox', 'To everyone');
    assert.deepEqual(copy.to.map((a) => a.address), ['everyone@contoso.com']);
  });

  it('queues external recipients for the outbound relay, listed by Get-Message, while internal ones receive it', async () => {
    const before = (await queued()).length;
    expectOk(await as('bob@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Partly external', body: 'x', to: ['zed@example.net', 'carol@contoso.com'], bcc: ['yan@example.org'] }), 'sentitems')));
    const after = await queued();
    assert.equal(after.length, before + 1);
    const message = after.find((m) => m.Recipients.includes('zed@example.net'))!;
    assert.equal(message.FromAddress, 'bob@contoso.com');
    assert.deepEqual([...message.Recipients].sort(), ['yan@example.org', 'zed@example.net']);
    assert.equal(message.Status, 'Ready');
    const outbound = (await ews.runtime.store.listOutbound()).find((m) => m.recipients.includes('zed@example.net'))!;
    assert.ok(outbound);
    assert.equal((await withSubject('carol@contoso.com', 'inbox', 'Partly external')).length, 1);
    const bySender = (await ews.admin.invoke('Get-Message', { Sender: 'bob@contoso.com' })) as Queued[];
    assert.ok(bySender.some((m) => m.Recipients.includes('zed@example.net')));
  });

  it('refuses an unknown address in an accepted domain (ErrorInvalidRecipients), delivering, queuing and saving nothing', async () => {
    const queueBefore = (await queued()).length;
    const r = await as('alice@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Typo', body: 'x', to: ['bob@contoso.com', 'nosuchuser@contoso.com', 'zed@example.net'] }), 'sentitems'));
    expectCodes(r, ['ErrorInvalidRecipients']);
    assert.match(r.messages[0].messageText ?? '', /nosuchuser@contoso\.com/);
    assert.deepEqual(await everywhere('Typo'), { items: 0, queue: queueBefore });
  });

  it('refuses a From of another user (ErrorSendAsDenied), sending and saving nothing', async () => {
    const queueBefore = (await queued()).length;
    const r = await as('alice@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Spoofed', body: 'x', to: ['carol@contoso.com', 'zed@example.net'], from: 'bob@contoso.com' }), 'sentitems'));
    expectCodes(r, ['ErrorSendAsDenied']);
    assert.deepEqual(await everywhere('Spoofed'), { items: 0, queue: queueBefore });
    // The same through MIME (DavMail's SMTP path).
    const mime = Buffer.from('From: bob@contoso.com\r\nTo: carol@contoso.com\r\nSubject: Spoofed\r\n\r\nx\r\n');
    expectCodes(await as('alice@contoso.com')(createItemXml('SendOnly', `<t:Message><t:MimeContent>${mime.toString('base64')}</t:MimeContent></t:Message>`)), ['ErrorSendAsDenied']);
    assert.deepEqual(await everywhere('Spoofed'), { items: 0, queue: queueBefore });
  });

  it("sends DavMail's SMTP submission (MimeContent with envelope recipients as Bcc), stripping Bcc from delivered copies", async () => {
    const mime = Buffer.from(
      'From: Carol <carol@contoso.com>\r\nTo: alice@contoso.com\r\nBcc: bob@contoso.com\r\nSubject: Via SMTP\r\nMessage-ID: <smtp1@contoso.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nsent through DavMail\r\n',
    );
    expectOk(await ews.owner('carol@contoso.com')(createItemXml('SendAndSaveCopy', `<t:Message><t:MimeContent>${mime.toString('base64')}</t:MimeContent></t:Message>`, 'sentitems')));
    for (const mailbox of ['alice@contoso.com', 'bob@contoso.com']) {
      const [got] = await withSubject(mailbox, 'inbox', 'Via SMTP');
      assert.ok(got, mailbox);
      assert.doesNotMatch(await ews.mime(got.id), /^bcc:/im);
      assert.equal(got.internetMessageId, '<smtp1@contoso.com>');
    }
    assert.equal((await withSubject('carol@contoso.com', 'sentitems', 'Via SMTP')).length, 1);
  });

  it('sends through ews-javascript-api (SendAndSaveCopy with Cc and Bcc)', async () => {
    const message = new EmailMessage(ews.service('bob@contoso.com'));
    message.Subject = 'Library send';
    message.Body = new MessageBody('from the library');
    message.ToRecipients.Add('alice@contoso.com');
    message.CcRecipients.Add('carol@contoso.com');
    message.BccRecipients.Add('helpdesk@contoso.com');
    await message.SendAndSaveCopy(WellKnownFolderName.SentItems);
    for (const mailbox of ['alice@contoso.com', 'carol@contoso.com', 'helpdesk@contoso.com']) assert.equal((await withSubject(mailbox, 'inbox', 'Library send')).length, 1, mailbox);
    assert.equal((await withSubject('bob@contoso.com', 'sentitems', 'Library send')).length, 1);
  });

  describe('reply, reply all and forward', () => {
    let original: Item;
    before(async () => {
      const attachment = '<t:Attachments><t:FileAttachment><t:Name>plan.bin</t:Name><t:Content>AP8BAgM=</t:Content></t:FileAttachment></t:Attachments>';
      expectOk(await as('alice@contoso.com')(createItemXml('SendAndSaveCopy', messageXml({ subject: 'Project plan', body: 'See the plan.', to: ['bob@contoso.com', 'helpdesk@contoso.com'], cc: ['carol@contoso.com'], attachments: attachment }), 'sentitems')));
      [original] = await withSubject('bob@contoso.com', 'inbox', 'Project plan');
      assert.ok(original.internetMessageId);
    });
    const bobsOriginal = () => `<t:ReferenceItemId Id="${Buffer.from(`I:${original.id}:1`).toString('base64url')}"/>`;
    const respond = (element: string, inner: string, disposition = 'SendAndSaveCopy') =>
      as('bob@contoso.com')(`<m:CreateItem MessageDisposition="${disposition}"><m:SavedItemFolderId>${distinguished('sentitems')}</m:SavedItemFolderId><m:Items><t:${element}>${inner}</t:${element}></m:Items></m:CreateItem>`);

    it('replies to the sender only, with RE:, In-Reply-To and References, quoting the original', async () => {
      expectOk(await respond('ReplyToItem', `${bobsOriginal()}<t:NewBodyContent BodyType="Text">Looks good.</t:NewBodyContent>`));
      const [reply] = await withSubject('alice@contoso.com', 'inbox', 'RE: Project plan');
      assert.ok(reply, 'alice gets the reply');
      assert.deepEqual(reply.to.map((a) => a.address), ['alice@contoso.com']);
      assert.deepEqual(reply.cc, []);
      assert.equal(reply.inReplyTo, original.internetMessageId);
      const mime = await ews.mime(reply.id);
      assert.match(mime, new RegExp(`^References: ${original.internetMessageId!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
      assert.match(mime, /Looks good\./);
      assert.match(mime, /See the plan\./);
      assert.equal(reply.hasAttachments, false, 'a reply does not carry the attachments');
      assert.equal((await withSubject('carol@contoso.com', 'inbox', 'RE: Project plan')).length, 0);
      assert.equal((await withSubject('bob@contoso.com', 'sentitems', 'RE: Project plan')).length, 1);
    });

    it('replies to all: the sender and the other To recipients, the Cc kept, never the replier', async () => {
      expectOk(await respond('ReplyAllToItem', `${bobsOriginal()}<t:NewBodyContent BodyType="HTML">&lt;p&gt;Agreed&lt;/p&gt;</t:NewBodyContent>`));
      const [copy] = await withSubject('alice@contoso.com', 'inbox', 'RE: Project plan').then((all) => all.filter((i) => i.cc.length));
      assert.ok(copy);
      assert.deepEqual(copy.to.map((a) => a.address).sort(), ['alice@contoso.com', 'helpdesk@contoso.com']);
      assert.deepEqual(copy.cc.map((a) => a.address), ['carol@contoso.com']);
      for (const mailbox of ['helpdesk@contoso.com', 'carol@contoso.com']) assert.equal((await withSubject(mailbox, 'inbox', 'RE: Project plan')).length, 1, mailbox);
      assert.equal((await withSubject('bob@contoso.com', 'inbox', 'RE: Project plan')).length, 0, 'bob does not mail himself');
      assert.equal(copy.inReplyTo, original.internetMessageId);
    });

    it('forwards to new recipients with FW:, keeping the attachments, without threading headers', async () => {
      expectOk(await respond('ForwardItem', `<t:ToRecipients><t:Mailbox><t:EmailAddress>carol@contoso.com</t:EmailAddress></t:Mailbox></t:ToRecipients>${bobsOriginal()}<t:NewBodyContent BodyType="Text">FYI</t:NewBodyContent>`));
      const [fwd] = await withSubject('carol@contoso.com', 'inbox', 'FW: Project plan');
      assert.ok(fwd);
      assert.deepEqual(fwd.to.map((a) => a.address), ['carol@contoso.com']);
      assert.equal(fwd.inReplyTo, null);
      assert.deepEqual(fwd.attachments.map((a) => [a.name, a.size]), [['plan.bin', 5]]);
      assert.equal((await withSubject('alice@contoso.com', 'inbox', 'FW: Project plan')).length, 0);
      expectCodes(await respond('ForwardItem', `${bobsOriginal()}<t:NewBodyContent BodyType="Text">nobody</t:NewBodyContent>`), ['ErrorInvalidRecipients']);
    });

    it('keeps the whole thread in References on a reply to a reply', async () => {
      const [reply] = await withSubject('alice@contoso.com', 'inbox', 'RE: Project plan').then((all) => all.filter((i) => !i.cc.length));
      const aliceRe = (id: string) => `<t:ReferenceItemId Id="${Buffer.from(`I:${id}:1`).toString('base64url')}"/>`;
      expectOk(await as('alice@contoso.com')(createItemXml('SendOnly', `<t:ReplyToItem>${aliceRe(reply.id)}<t:NewBodyContent BodyType="Text">Thanks</t:NewBodyContent></t:ReplyToItem>`)));
      const [second] = await withSubject('bob@contoso.com', 'inbox', 'RE: Project plan');
      assert.ok(second, 'the subject is not prefixed twice');
      const mime = await ews.mime(second.id);
      const references = /^References: ([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/m.exec(mime)?.[1].replace(/\s+/g, ' ').split(' ');
      assert.deepEqual(references, [original.internetMessageId, reply.internetMessageId]);
      assert.equal(second.inReplyTo, reply.internetMessageId);
      // One level deeper: the first message must still be there.
      expectOk(await as('bob@contoso.com')(createItemXml('SendOnly', `<t:ReplyToItem>${aliceRe(second.id)}<t:NewBodyContent BodyType="Text">Welcome</t:NewBodyContent></t:ReplyToItem>`)));
      const [third] = (await withSubject('alice@contoso.com', 'inbox', 'RE: Project plan')).filter((i) => i.inReplyTo === second.internetMessageId);
      assert.ok(third);
      const thirdReferences = /^References: ([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/m.exec(await ews.mime(third.id))?.[1].replace(/\s+/g, ' ').split(' ');
      assert.deepEqual(thirdReferences, [original.internetMessageId, reply.internetMessageId, second.internetMessageId]);
    });

    it("refuses to reply to another mailbox's item, sending nothing", async () => {
      expectCodes(
        await as('carol@contoso.com')(createItemXml('SendOnly', `<t:ReplyToItem>${bobsOriginal()}<t:NewBodyContent BodyType="Text">sneaky</t:NewBodyContent></t:ReplyToItem>`)),
        ['ErrorItemNotFound'],
      );
      assert.equal((await withSubject('alice@contoso.com', 'inbox', 'RE: Project plan')).filter((i) => i.from?.address === 'carol@contoso.com').length, 0);
    });

    it('replies through ews-javascript-api', async () => {
      const service = ews.service('bob@contoso.com');
      const message = await EmailMessage.Bind(service, new ItemId(Buffer.from(`I:${original.id}:1`).toString('base64url')));
      await message.Reply(new MessageBody('Via the library'), true);
      const got = (await withSubject('carol@contoso.com', 'inbox', 'RE: Project plan')).filter((i) => /Via the library/.test(i.preview));
      assert.equal(got.length, 1);
    });
  });
});
