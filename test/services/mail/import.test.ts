// Importing mail into a mailbox on every store dialect: folders created on first use, items with
// their MIME, batches per transaction with one audit event each, and failures that are skipped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { storeTargets } from '../../helpers/stores.ts';
import { openDemo, type DemoOrganization } from '../../helpers/deputy.ts';
import { DeputyError } from '../../../src/core/errors.ts';
import { distinguishedFolders, type Folder, type Item } from '../../../src/core/mailbox/model.ts';
import type { MailboxStoreReader } from '../../../src/store/mailbox-store.ts';
import type { Store } from '../../../src/store/store.ts';
import { importMessages } from '../../../src/services/mail/import.ts';
import { readMbox } from '../../../src/services/mail/mbox.ts';
import { buildMessage, parseMessage } from '../../../src/services/mail/mime.ts';
import { localAdministrator } from '../../../src/services/organization.ts';
import { formatProgress, formatSummary, ProgressLine } from '../../../src/services/mail/progress.ts';

type MailboxStore = Store & MailboxStoreReader;

async function* messagesOf(list: Array<{ mime: Buffer; size?: number }>): AsyncGenerator<{ mime: Buffer; index: number; size?: number }> {
  let index = 0;
  for (const m of list) yield { ...m, index: index++ };
}

async function allItems(store: MailboxStore, mailboxGuid: string, folderId: string): Promise<Item[]> {
  const page = await store.queryItems({ mailboxGuid, folderIds: [folderId], orderBy: [{ field: 'articleNumber', direction: 'asc' }], offset: 0, limit: 10_000 });
  return page.items;
}

for (const target of storeTargets()) {
  describe(`importMessages (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    let store: MailboxStore;
    let dir: string;
    const actor = () => {
      const admin = localAdministrator(org.runtime);
      return { guid: admin.guid, name: admin.name };
    };
    const guidOf = (identity: string) => org.runtime.state.model.lookup(identity)[0].guid;

    before(async () => {
      org = await openDemo(target);
      store = org.store as MailboxStore;
      dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-import-'));
    });
    after(async () => {
      await org?.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('imports an mbox into the inbox of a mailbox without folders, in batches, as read items', async () => {
      const count = 450;
      const parts: string[] = [];
      for (let i = 0; i < count; i++) {
        const day = String((i % 28) + 1).padStart(2, '0');
        parts.push(
          `From sender@fabrikam.com Mon Jan  1 00:00:00 2024\nFrom: "Sender ${i}" <sender${i}@fabrikam.com>\nTo: alice@contoso.com\nSubject: Report ${i}\nDate: Thu, ${day} Feb 2024 09:30:00 +0100\nMessage-ID: <report-${i}@fabrikam.com>\n\nReport body ${i}\n\n>From the archive\n\n`,
        );
      }
      const file = path.join(dir, 'alice.mbox');
      await writeFile(file, parts.join(''));
      const progress: Array<[number, number | undefined]> = [];
      const auditBefore = await store.searchAudit({ kind: 'Mailbox', operations: ['Import'] });
      const result = await importMessages(org.runtime, {
        mailbox: 'alice@contoso.com',
        source: readMbox(file),
        actor: actor(),
        sourceName: 'alice.mbox',
        total: count,
        onProgress: (done, total) => progress.push([done, total]),
      });
      assert.deepEqual(result, { imported: count, failed: [], mailbox: 'alice@contoso.com', folder: 'Inbox' });
      assert.deepEqual(progress, [[200, count], [400, count], [450, count]]);

      const alice = guidOf('alice@contoso.com');
      const folders: Folder[] = await store.listFolders(alice);
      assert.deepEqual(new Set(folders.map((f) => f.distinguishedName)), new Set(distinguishedFolders.map((d) => d.name)));
      const byName = new Map(folders.map((f) => [f.distinguishedName, f]));
      for (const d of distinguishedFolders) {
        const folder = byName.get(d.name)!;
        assert.equal(folder.parentId, d.parent ? byName.get(d.parent)!.id : null, d.name);
        assert.equal(folder.displayName, d.displayName);
        assert.equal(folder.version, 1);
      }
      const inbox = byName.get('inbox')!;
      const items = await allItems(store, alice, inbox.id);
      assert.equal(items.length, count);
      const numbers = items.map((i) => i.articleNumber);
      assert.ok(numbers.every((n, i) => i === 0 || n > numbers[i - 1]), 'article numbers increase');
      assert.equal(new Set(items.map((i) => i.modseq)).size, count, 'every item has its own modseq');
      const first = items.find((i) => i.subject === 'Report 7')!;
      assert.equal(first.mailboxGuid, alice);
      assert.equal(first.folderId, inbox.id);
      assert.equal(first.itemClass, 'IPM.Note');
      assert.deepEqual(first.from, { name: 'Sender 7', address: 'sender7@fabrikam.com' });
      assert.deepEqual(first.to, [{ name: null, address: 'alice@contoso.com' }]);
      assert.equal(first.internetMessageId, '<report-7@fabrikam.com>');
      assert.equal(first.sentAt, '2024-02-08T08:30:00.000Z');
      assert.equal(first.receivedAt, '2024-02-08T08:30:00.000Z', 'received at the Date header');
      assert.equal(first.isRead, true);
      assert.equal(first.isDraft, false);
      assert.equal(first.flagStatus, 'NotFlagged');
      assert.equal(first.version, 1);
      assert.equal(first.preview, 'Report body 7 From the archive');
      const mime = (await store.getItemMime([first.id])).get(first.id)!;
      assert.equal(mime.toString(), 'From: "Sender 7" <sender7@fabrikam.com>\r\nTo: alice@contoso.com\r\nSubject: Report 7\r\nDate: Thu, 08 Feb 2024 09:30:00 +0100\r\nMessage-ID: <report-7@fabrikam.com>\r\n\r\nReport body 7\r\n\r\nFrom the archive\r\n');
      assert.equal(first.size, mime.length);
      const counts = await store.folderCounts([inbox.id]);
      assert.deepEqual(counts.get(inbox.id), { total: count, unread: 0, childFolders: 0 });

      const audit = (await store.searchAudit({ kind: 'Mailbox', operations: ['Import'] })).filter((e) => !auditBefore.some((b) => b.id === e.id));
      assert.equal(audit.length, 3, 'one event per batch');
      assert.deepEqual(audit.map((e) => e.parameters.count).sort(), [200, 200, 50]);
      for (const e of audit) {
        assert.equal(e.actorGuid, actor().guid);
        assert.equal(e.actedForGuid, alice);
        assert.equal(e.actedFor, 'alice@contoso.com');
        assert.equal(e.logonType, 'Admin');
        assert.equal(e.protocol, 'Local');
        assert.equal(e.result, 'Succeeded');
        assert.equal(e.parameters.source, 'alice.mbox');
      }
    });

    it('imports into another folder of a mailbox that has folders, keeping attachments and Bcc', async () => {
      const alice = guidOf('alice@contoso.com');
      const foldersBefore = await store.listFolders(alice);
      const withAttachment = await buildMessage({
        from: { name: 'Bob', address: 'bob@contoso.com' },
        to: [{ name: null, address: 'alice@contoso.com' }],
        bcc: [{ name: null, address: 'carol@contoso.com' }],
        keepBcc: true,
        subject: 'Re: Grüße',
        text: 'see attached',
        attachments: [{ name: 'data.bin', content: Buffer.from([0, 1, 2, 255]) }],
      });
      const result = await importMessages(org.runtime, { mailbox: 'Alice', folder: 'archive', source: messagesOf([{ mime: withAttachment }]), actor: actor(), batchSize: 10 });
      assert.deepEqual(result, { imported: 1, failed: [], mailbox: 'alice@contoso.com', folder: 'Archive' });
      assert.equal((await store.listFolders(alice)).length, foldersBefore.length, 'no folders added');
      const archive = foldersBefore.find((f) => f.distinguishedName === 'archive')!;
      const [item] = await allItems(store, alice, archive.id);
      assert.equal(item.conversationTopic, 'Grüße');
      assert.equal(item.hasAttachments, true);
      assert.deepEqual(item.attachments.map((a) => [a.index, a.name, a.size]), [[0, 'data.bin', 4]]);
      assert.deepEqual(item.bcc, [{ name: null, address: 'carol@contoso.com' }]);
      const stored = (await store.getItemMime([item.id])).get(item.id)!;
      assert.ok(stored.equals(withAttachment), 'MIME stored as given (it is CRLF already)');
      assert.ok((await parseMessage(stored)).attachments[0].content.equals(Buffer.from([0, 1, 2, 255])));
    });

    it('skips messages it cannot take, reports them by index, and imports the rest', async () => {
      const ok = (n: number) => Buffer.from(`From: a@b.c\r\nSubject: ok ${n}\r\n\r\nbody\r\n`);
      const bob = guidOf('bob@contoso.com');
      const result = await importMessages(org.runtime, {
        mailbox: 'bob@contoso.com',
        source: messagesOf([{ mime: ok(0) }, { mime: Buffer.alloc(10), size: 60 * 1024 * 1024 }, { mime: ok(2) }, { mime: Buffer.alloc(0) }]),
        actor: actor(),
      });
      assert.equal(result.imported, 3, 'an empty message is still a message');
      assert.equal(result.failed.length, 1);
      assert.equal(result.failed[0].index, 1);
      assert.match(result.failed[0].error, /62914560 bytes; the limit is 52428800/);
      const inbox = (await store.listFolders(bob)).find((f) => f.distinguishedName === 'inbox')!;
      assert.deepEqual((await allItems(store, bob, inbox.id)).map((i) => i.subject), ['ok 0', 'ok 2', '']);
    });

    it('rejects recipients without a mailbox, unknown mailboxes and unknown folders', async () => {
      const run = (mailbox: string, folder?: string) => importMessages(org.runtime, { mailbox, folder, source: messagesOf([]), actor: actor() });
      const code = (expected: string) => (e: unknown) => e instanceof DeputyError && e.code === expected;
      await assert.rejects(run('svc@contoso.com'), code('NonExistentMailbox'));
      await assert.rejects(run('nobody@contoso.com'), code('ObjectNotFound'));
      await assert.rejects(run('carol@contoso.com', 'no such folder'), code('ObjectNotFound'));
      const carolFolders = await store.listFolders(guidOf('carol@contoso.com'));
      assert.equal(carolFolders.length, 0, 'nothing is written when the folder does not exist');
    });
  });
}

describe('import progress', () => {
  it('formats the bar, the rate and the summary', () => {
    assert.equal(formatProgress(4500, 10000, 3647), 'Importing  [#########-----------]  45%  4,500/10,000  1,234 msg/s');
    assert.equal(formatProgress(10000, 10000, 1000), 'Importing  [####################] 100%  10,000/10,000  10,000 msg/s');
    assert.equal(formatProgress(0, 0, 0), 'Importing  0  0 msg/s');
    assert.equal(formatProgress(12, undefined, 1000), 'Importing  12  12 msg/s');
    assert.equal(
      formatSummary({ imported: 10000, failed: [{ index: 16, error: 'too large' }], mailbox: 'alice@contoso.com', folder: 'Inbox' }, 8123),
      'Imported 10,000 messages into alice@contoso.com/Inbox in 8.1 s (1 skipped: #17: too large)',
    );
    assert.equal(formatSummary({ imported: 1, failed: [], mailbox: 'a@b.c', folder: 'Archive' }, 50), 'Imported 1 message into a@b.c/Archive in 0.1 s');
    const many = Array.from({ length: 5 }, (_, i) => ({ index: i, error: `e${i}` }));
    assert.match(formatSummary({ imported: 0, failed: many, mailbox: 'a@b.c', folder: 'Inbox' }, 0), /\(5 skipped: #1: e0; #2: e1; #3: e2; …\)$/);
  });

  it('redraws at most ten times a second, and only on a terminal', () => {
    let now = 0;
    const written: string[] = [];
    const line = new ProgressLine({ isTTY: true, write: (t: string) => written.push(t) }, () => now);
    for (let i = 0; i < 100; i++) {
      now += 10;
      line.update(i, 100);
    }
    assert.equal(written.length, 10);
    assert.ok(written.every((w) => w.startsWith('\rImporting  [')));
    line.clear();
    assert.equal(written.at(-1), '\r\x1b[K');
    const quiet: string[] = [];
    const pipe = new ProgressLine({ isTTY: false, write: (t: string) => quiet.push(t) }, () => now);
    pipe.update(1, 2);
    pipe.clear();
    assert.deepEqual(quiet, []);
  });
});
