// Mailbox store conformance: folders, items, MIME, queries, sync changes, counters and the outbound queue, checked identically on every dialect.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Recipient } from '../../src/core/directory/recipient.ts';
import type { Folder, Item } from '../../src/core/mailbox/model.ts';
import type { ContainmentMode, ItemCondition, ItemField, ItemOrder, ItemQuery } from '../../src/core/mailbox/query.ts';
import { DeputyError, type ErrorCode } from '../../src/core/errors.ts';
import type { OutboundMessage, Store, StoreReader } from '../../src/store/index.ts';
import { storeTargets } from '../helpers/stores.ts';

let counter = 0;
const next = () => ++counter;

function mailboxRecipient(): Recipient {
  const name = `mbx-${randomUUID().slice(0, 8)}`;
  return {
    guid: randomUUID(),
    sid: `S-1-5-21-9-9-9-${next()}`,
    typeDetails: 'UserMailbox',
    name,
    alias: name,
    displayName: name,
    distinguishedName: `CN=${name},DC=deputy,DC=local`,
    userPrincipalName: `${name}@contoso.com`,
    primarySmtpAddress: `${name}@contoso.com`,
    emailAddresses: [`SMTP:${name}@contoso.com`],
    attributes: {},
    hiddenFromAddressLists: false,
    accountDisabled: false,
    managedBy: [],
    isBuiltIn: false,
    whenCreated: '2024-01-01T00:00:00.000Z',
    whenChanged: '2024-01-01T00:00:00.000Z',
  };
}

function folder(mailboxGuid: string, parentId: string | null, overrides: Partial<Folder> = {}): Folder {
  return {
    id: randomUUID(),
    mailboxGuid,
    parentId,
    distinguishedName: null,
    displayName: `Folder ${next()}`,
    folderClass: 'IPF.Note',
    version: 1,
    createdAt: `2024-01-01T00:00:${String(next() % 60).padStart(2, '0')}.000Z`,
    modifiedAt: '2024-01-02T00:00:00.000Z',
    ...overrides,
  };
}

function item(mailboxGuid: string, folderId: string, overrides: Partial<Item> = {}): Item {
  const n = next();
  return {
    id: randomUUID(),
    mailboxGuid,
    folderId,
    itemClass: 'IPM.Note',
    subject: `Subject ${n}`,
    from: { name: 'Alice Sender', address: 'alice@contoso.com' },
    sender: null,
    to: [{ name: 'Bob Receiver', address: 'bob@contoso.com' }],
    cc: [],
    bcc: [],
    replyTo: [],
    receivedAt: '2024-06-01T10:00:00.000Z',
    sentAt: '2024-06-01T09:59:00.000Z',
    createdAt: '2024-06-01T10:00:01.000Z',
    modifiedAt: '2024-06-01T10:00:02.000Z',
    isRead: false,
    isDraft: false,
    importance: 'Normal',
    flagStatus: 'NotFlagged',
    size: 1000,
    hasAttachments: false,
    attachments: [],
    categories: [],
    internetMessageId: `<${n}@contoso.com>`,
    inReplyTo: null,
    conversationId: `conv-${n}`,
    conversationTopic: `Subject ${n}`,
    preview: 'Hello there',
    extendedProperties: [],
    version: 1,
    modseq: 1,
    articleNumber: n,
    ...overrides,
  };
}

/** Every byte value, including 0x00 and 0xff, around some text. */
function mimeOf(label: string): Buffer {
  return Buffer.concat([
    Buffer.from(`Subject: ${label}\r\n\r\n`),
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from([0x00, 0xff, 0x00]),
  ]);
}

function outbound(mailboxGuid: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: randomUUID(),
    mailboxGuid,
    mailFrom: 'alice@contoso.com',
    recipients: ['x@example.org', 'y@example.net'],
    mime: mimeOf('outbound'),
    state: 'Queued',
    attempts: 0,
    lastError: null,
    createdAt: '2024-07-01T00:00:00.000Z',
    ...overrides,
  };
}

function rejectsWith(code: ErrorCode): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof DeputyError, `expected a DeputyError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

/** Byte order of UTF-8 (= code point order), which is what both dialects sort text by. */
const byCodePoint = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

for (const target of storeTargets()) {
  describe(`mailbox store conformance: ${target.name}`, { skip: target.skip }, () => {
    let store: Store;
    let owner: Recipient;
    let root: Folder;
    let inbox: Folder;
    let archive: Folder;

    beforeEach(async () => {
      store = await target.open();
      owner = mailboxRecipient();
      root = folder(owner.guid, null, { distinguishedName: 'root', displayName: 'Root', folderClass: '' });
      inbox = folder(owner.guid, root.id, { distinguishedName: 'inbox', displayName: 'Inbox' });
      archive = folder(owner.guid, root.id, { distinguishedName: 'archive', displayName: 'Archive' });
      await store.transaction(async (tx) => {
        await tx.putRecipient(owner);
        for (const f of [root, inbox, archive]) await tx.putFolder(f);
      });
    });

    afterEach(async () => {
      await store.close();
    });

    /** Inserts items (each with its own MIME) in one transaction. */
    async function putItems(items: Item[]): Promise<void> {
      await store.transaction(async (tx) => {
        for (const i of items) await tx.putItem(i, mimeOf(i.subject));
      });
    }

    describe('folders', () => {
      it('round-trip every field, replace by id, list per mailbox and read back missing as undefined', async () => {
        const child = folder(owner.guid, inbox.id, {
          displayName: 'Projets – été ✓ "quoted"',
          folderClass: 'IPF.Appointment',
          version: 7,
          createdAt: '2024-05-05T05:05:05.555Z',
        });
        await store.transaction(async (tx) => {
          await tx.putFolder(child);
          assert.deepEqual(await tx.getFolder(child.id), child, 'visible inside the transaction');
        });
        assert.deepEqual(await store.getFolder(child.id), child);
        assert.deepEqual(await store.getFolder(root.id), root);
        assert.equal(await store.getFolder(randomUUID()), undefined);

        const renamed: Folder = { ...child, displayName: 'Renamed', parentId: archive.id, version: 8 };
        await store.transaction((tx) => tx.putFolder(renamed));
        assert.deepEqual(await store.getFolder(child.id), renamed);

        const listed = await store.listFolders(owner.guid);
        assert.deepEqual(
          [...listed].sort((a, b) => byCodePoint(a.id, b.id)),
          [root, inbox, archive, renamed].sort((a, b) => byCodePoint(a.id, b.id)),
        );
        assert.deepEqual(await store.listFolders(randomUUID()), []);
      });

      it('allow one folder per distinguished name and mailbox, and check the mailbox and parent exist', async () => {
        const other = mailboxRecipient();
        await store.transaction(async (tx) => {
          await tx.putRecipient(other);
          // The same distinguished name in another mailbox is fine.
          await tx.putFolder(folder(other.guid, null, { distinguishedName: 'root' }));
          await assert.rejects(tx.putFolder(folder(owner.guid, root.id, { distinguishedName: 'inbox' })), rejectsWith('AlreadyExists'));
          await assert.rejects(tx.putFolder(folder(randomUUID(), null)), rejectsWith('ObjectNotFound'));
          await assert.rejects(tx.putFolder(folder(owner.guid, randomUUID())), rejectsWith('ObjectNotFound'));
          // A parent in another mailbox is refused.
          await assert.rejects(tx.putFolder(folder(other.guid, inbox.id)), rejectsWith('InvalidArgument'));
          // The transaction stays usable after the refusals (PostgreSQL aborts it on a failed statement).
          await tx.putFolder(folder(owner.guid, root.id, { displayName: 'After errors' }));
          // Re-putting the same distinguished folder (same id) is an update, not a clash.
          await tx.putFolder({ ...inbox, version: 2 });
        });
        assert.equal((await store.getFolder(inbox.id))?.version, 2);
        assert.equal((await store.listFolders(owner.guid)).length, 4);
      });

      it('deleteFolder refuses folders with items or children and removes empty ones with their tombstones', async () => {
        const empty = folder(owner.guid, inbox.id);
        const parent = folder(owner.guid, inbox.id);
        const child = folder(owner.guid, parent.id);
        const withItem = folder(owner.guid, inbox.id);
        const i = item(owner.guid, withItem.id);
        await store.transaction(async (tx) => {
          for (const f of [empty, parent, child, withItem]) await tx.putFolder(f);
          await tx.putItem(i, mimeOf('x'));
          await tx.nextArticleNumber(withItem.id);
        });
        await store.transaction(async (tx) => {
          await assert.rejects(tx.deleteFolder(parent.id), rejectsWith('InvalidOperation'));
          await assert.rejects(tx.deleteFolder(withItem.id), rejectsWith('InvalidOperation'));
          await tx.deleteFolder(empty.id);
          await tx.deleteFolder(randomUUID());
        });
        assert.equal(await store.getFolder(empty.id), undefined);

        await store.transaction(async (tx) => {
          await tx.deleteItems([i.id], 5);
          await tx.deleteFolder(withItem.id);
          await tx.deleteFolder(child.id);
          await tx.deleteFolder(parent.id);
        });
        assert.equal(await store.getFolder(withItem.id), undefined);
        const leftovers = await target.rawQuery(
          store,
          `select (select count(*) from item_tombstones where folder_id = '${withItem.id}') as tombstones,
                  (select count(*) from folder_counters where folder_id = '${withItem.id}') as counters`,
        );
        assert.deepEqual(leftovers.map((r) => [Number(r.tombstones), Number(r.counters)]), [[0, 0]]);
        assert.deepEqual(
          (await store.listFolders(owner.guid)).map((f) => f.id).sort(),
          [root.id, inbox.id, archive.id].sort(),
        );
      });

      it('counts items, unread items and direct child folders; missing folders are absent', async () => {
        const sub = folder(owner.guid, inbox.id);
        const subsub = folder(owner.guid, sub.id);
        await store.transaction(async (tx) => {
          await tx.putFolder(sub);
          await tx.putFolder(subsub);
          for (let n = 0; n < 7; n++) await tx.putItem(item(owner.guid, inbox.id, { isRead: n % 3 === 0 }), mimeOf('c'));
          await tx.putItem(item(owner.guid, sub.id, { isRead: true }), mimeOf('c'));
        });
        const missing = randomUUID();
        const counts = await store.folderCounts([root.id, inbox.id, sub.id, subsub.id, archive.id, missing, inbox.id]);
        assert.deepEqual(
          Object.fromEntries(counts),
          Object.fromEntries([
            [root.id, { total: 0, unread: 0, childFolders: 2 }],
            [inbox.id, { total: 7, unread: 4, childFolders: 1 }],
            [sub.id, { total: 1, unread: 0, childFolders: 1 }],
            [subsub.id, { total: 0, unread: 0, childFolders: 0 }],
            [archive.id, { total: 0, unread: 0, childFolders: 0 }],
          ]),
        );
        assert.deepEqual(await store.folderCounts([]), new Map());
      });
    });

    describe('items', () => {
      it('round-trip every field exactly, with MIME byte for byte, inside and outside the transaction', async () => {
        const full = item(owner.guid, inbox.id, {
          itemClass: 'IPM.Schedule.Meeting.Request',
          subject: 'Ünïcödé ✓ "quotes" \'apostrophes\' \\ back\\slash %_ wildcards',
          from: { name: null, address: 'Sender@Contoso.com' },
          sender: { name: 'Assistant', address: 'assistant@contoso.com' },
          to: [
            { name: 'Bob', address: 'bob@contoso.com' },
            { name: null, address: 'carol@fabrikam.com' },
          ],
          cc: [{ name: 'Zoë', address: 'zoe@contoso.com' }],
          bcc: [{ name: null, address: 'hidden@contoso.com' }],
          replyTo: [{ name: 'Replies', address: 'replies@contoso.com' }],
          sentAt: null,
          isRead: true,
          isDraft: true,
          importance: 'High',
          flagStatus: 'Complete',
          size: 3_000_000_000,
          hasAttachments: true,
          attachments: [
            { index: 0, kind: 'file', name: 'report.pdf', contentType: 'application/pdf', size: 12345, isInline: false, contentId: null },
            { index: 1, kind: 'item', name: 'Fwd', contentType: 'message/rfc822', size: 10, isInline: true, contentId: 'cid-1' },
          ],
          categories: ['Red', 'Projekt Ä'],
          internetMessageId: null,
          inReplyTo: '<parent@contoso.com>',
          conversationTopic: 'topic',
          preview: 'Line one\nLine two\ttab',
          extendedProperties: [
            { propertyTag: '0xe23', propertyType: 'Integer', value: '42' },
            {
              propertySetId: '00020329-0000-0000-c000-000000000046',
              propertyName: 'Keywords',
              propertyType: 'StringArray',
              value: ['a', 'b', ''],
            },
            { distinguishedPropertySetId: 'PublicStrings', propertyId: 0x8501, propertyType: 'Boolean', value: 'true' },
          ],
          version: 12,
          modseq: 2 ** 40,
          articleNumber: 2 ** 33,
        });
        const bare = item(owner.guid, archive.id, {
          subject: '',
          from: null,
          to: [],
          preview: '',
          conversationTopic: '',
          internetMessageId: null,
        });
        const bigMime = Buffer.alloc(1024 * 1024, 0xff);
        bigMime[0] = 0;
        await store.transaction(async (tx) => {
          await tx.putItem(full, mimeOf('full'));
          await tx.putItem(bare, bigMime);
          assert.deepEqual(await tx.getItems([full.id]), [full]);
        });
        const got = await store.getItems([bare.id, randomUUID(), full.id, full.id]);
        assert.deepEqual(
          got.sort((a, b) => byCodePoint(a.id, b.id)),
          [full, bare].sort((a, b) => byCodePoint(a.id, b.id)),
        );
        const mime = await store.getItemMime([full.id, bare.id, randomUUID()]);
        assert.equal(mime.size, 2);
        assert.ok(mime.get(full.id)?.equals(mimeOf('full')));
        assert.ok(mime.get(bare.id)?.equals(bigMime));
        assert.deepEqual(await store.getItems([]), []);
        assert.deepEqual(await store.getItemMime([]), new Map());
        // Heads are the same items, cut down to what identifies them.
        const head = (i: Item) => ({ id: i.id, mailboxGuid: i.mailboxGuid, folderId: i.folderId, itemClass: i.itemClass, version: i.version, modseq: i.modseq });
        const heads = await store.getItemHeads([bare.id, randomUUID(), full.id, full.id]);
        assert.deepEqual(
          heads.sort((a, b) => byCodePoint(a.id, b.id)),
          [full, bare].map(head).sort((a, b) => byCodePoint(a.id, b.id)),
        );
        assert.deepEqual(await store.getItemHeads([]), []);
      });

      it('normalise dates to UTC with milliseconds and refuse what is not a zoned ISO date', async () => {
        const i = item(owner.guid, inbox.id, {
          receivedAt: '2024-06-01T12:00:00+02:00',
          sentAt: '2024-06-01T10:00Z',
          createdAt: '2024-06-01T10:00:00.1234567Z',
        });
        await putItems([i]);
        const [stored] = await store.getItems([i.id]);
        assert.equal(stored.receivedAt, '2024-06-01T10:00:00.000Z');
        assert.equal(stored.sentAt, '2024-06-01T10:00:00.000Z');
        assert.equal(stored.createdAt, '2024-06-01T10:00:00.123Z');
        for (const bad of ['yesterday', '2024-06-01T10:00:00', '2024-13-01T00:00:00Z', '']) {
          await assert.rejects(
            store.transaction((tx) => tx.putItem(item(owner.guid, inbox.id, { receivedAt: bad }), mimeOf('x'))),
            rejectsWith('InvalidArgument'),
            bad,
          );
        }
        await assert.rejects(
          store.transaction((tx) => tx.putItem(item(owner.guid, inbox.id, { subject: 'nul\u0000' }), mimeOf('x'))),
          rejectsWith('InvalidArgument'),
        );
      });

      it('keep the stored MIME when putItem gets null, and refuse a new item without MIME or folder', async () => {
        const i = item(owner.guid, inbox.id);
        await putItems([i]);
        const updated = { ...i, isRead: true, categories: ['Green'], version: 2 };
        await store.transaction((tx) => tx.putItem(updated, null));
        assert.deepEqual(await store.getItems([i.id]), [updated]);
        assert.ok((await store.getItemMime([i.id])).get(i.id)?.equals(mimeOf(i.subject)));

        const replacement = Buffer.from([0xff, 0x00, 0xfe]);
        await store.transaction((tx) => tx.putItem({ ...updated, version: 3 }, replacement));
        assert.ok((await store.getItemMime([i.id])).get(i.id)?.equals(replacement));

        await store.transaction(async (tx) => {
          await assert.rejects(tx.putItem(item(owner.guid, inbox.id), null), rejectsWith('InvalidArgument'));
          await assert.rejects(tx.putItem(item(owner.guid, randomUUID()), mimeOf('x')), rejectsWith('ObjectNotFound'));
          await assert.rejects(tx.putItem(item(randomUUID(), inbox.id), mimeOf('x')), rejectsWith('InvalidArgument'));
          await tx.putItem(item(owner.guid, inbox.id), mimeOf('usable after errors'));
        });
        assert.equal((await store.folderCounts([inbox.id])).get(inbox.id)?.total, 2);
      });

      it('read and write more ids than one IN list holds', async () => {
        const items = Array.from({ length: 1203 }, () => item(owner.guid, inbox.id));
        await putItems(items);
        const ids = [...items.map((i) => i.id), randomUUID()];
        assert.equal((await store.getItems(ids)).length, 1203);
        assert.equal((await store.getItemMime(ids)).size, 1203);
        await store.transaction((tx) => tx.deleteItems(ids.slice(0, 1100), 9));
        assert.equal((await store.getItems(ids)).length, 103);
        const { removed } = await store.folderChangesSince(inbox.id, 0, 5000);
        assert.equal(removed.length, 1100);
      });
    });

    describe('queries', () => {
      // Six items with the fields below, chosen so unescaped LIKE metacharacters, ASCII-only case
      // folding or NULL handling would each change some answer.
      const specs: Record<string, Partial<Item>> = {
        A: {
          subject: 'Quarterly report',
          from: { name: 'Alice Sender', address: 'alice@contoso.com' },
          to: [
            { name: 'Bob Receiver', address: 'bob@contoso.com' },
            { name: null, address: 'carol@fabrikam.com' },
          ],
          categories: ['Red', 'Project X'],
          receivedAt: '2024-01-01T00:00:00.000Z',
          sentAt: null,
          size: 100,
          isRead: true,
          importance: 'High',
          flagStatus: 'Flagged',
          hasAttachments: true,
          preview: 'Numbers attached',
          internetMessageId: '<a@contoso.com>',
          conversationId: 'conv-a',
        },
        B: {
          subject: '50%_off sale',
          from: { name: 'Deals', address: 'deals@shop.example' },
          to: [{ name: 'Alice Sender', address: 'alice@contoso.com' }],
          cc: [{ name: null, address: 'bob@contoso.com' }],
          categories: ['Blue'],
          receivedAt: '2024-02-01T00:00:00.000Z',
          sentAt: '2024-01-31T23:00:00.000Z',
          size: 2000,
          importance: 'Low',
          preview: 'Everything 50% off',
          internetMessageId: null,
          conversationId: 'conv-b',
        },
        C: {
          subject: '50 percent off',
          from: { name: null, address: 'offers@shop.example' },
          to: [],
          receivedAt: '2024-03-01T00:00:00.000Z',
          sentAt: '2024-03-01T00:00:00.000Z',
          size: 300,
          flagStatus: 'Complete',
          itemClass: 'IPM.Schedule.Meeting.Request',
          preview: 'Fifty',
          internetMessageId: '<c@shop.example>',
          conversationId: 'conv-a',
        },
        D: {
          subject: 'ÉCOLE d’été',
          from: null,
          to: [{ name: 'Zoë Ünal', address: 'zoe@contoso.com' }],
          categories: ['red'],
          receivedAt: '2024-04-01T00:00:00.000Z',
          sentAt: null,
          size: 4000,
          isDraft: true,
          preview: 'Résumé',
          internetMessageId: '<d@contoso.com>',
          conversationId: 'conv-d',
        },
        E: {
          subject: 'Re: Quarterly report!',
          from: { name: 'Bob', address: 'Bob@Contoso.com' },
          to: [
            { name: 'Alice Sender', address: 'alice@contoso.com' },
            { name: null, address: 'bob@contoso.com' },
          ],
          categories: ['Red'],
          receivedAt: '2024-01-01T00:00:00.000Z',
          sentAt: '2024-01-01T00:00:00.000Z',
          size: 100,
          isRead: true,
          importance: 'High',
          preview: 'See the report_final',
          internetMessageId: '<e@contoso.com>',
          conversationId: 'conv-e',
        },
      };
      let labels: Map<string, string>;
      let ids: Record<string, string>;
      let archived: Item;

      beforeEach(async () => {
        labels = new Map();
        ids = {};
        const items = Object.entries(specs).map(([label, spec]) => {
          const i = item(owner.guid, inbox.id, spec);
          labels.set(i.id, label);
          ids[label] = i.id;
          return i;
        });
        archived = item(owner.guid, archive.id, { subject: 'Archived quarterly', receivedAt: '2023-12-01T00:00:00.000Z' });
        labels.set(archived.id, 'F');
        await putItems([...items, archived]);
      });

      const query = (overrides: Partial<ItemQuery>): ItemQuery => ({
        mailboxGuid: owner.guid,
        folderIds: [inbox.id],
        orderBy: [],
        offset: 0,
        limit: 100,
        ...overrides,
      });

      /** Labels of the matching items, sorted. */
      async function matching(where: ItemCondition, folderIds = [inbox.id]): Promise<string> {
        const page = await store.queryItems(query({ where, folderIds }));
        assert.equal(page.total, page.items.length);
        return page.items
          .map((i) => labels.get(i.id) ?? '?')
          .sort()
          .join('');
      }

      /** Labels in the order the query returns them. */
      async function ordered(orderBy: ItemOrder[]): Promise<string> {
        const page = await store.queryItems(query({ orderBy }));
        return page.items.map((i) => labels.get(i.id) ?? '?').join('');
      }

      const contains = (
        field: ItemField,
        value: string,
        mode: ContainmentMode,
        ignoreCase = true,
      ): ItemCondition => ({ op: 'contains', field, value, mode, ignoreCase });

      it('compare text case-insensitively with every operator', async () => {
        assert.equal(await matching({ op: 'eq', field: 'subject', value: 'quarterly REPORT' }), 'A');
        assert.equal(await matching({ op: 'ne', field: 'subject', value: 'quarterly report' }), 'BCDE');
        assert.equal(await matching({ op: 'gt', field: 'subject', value: 'QUARTERLY REPORT' }), 'DE');
        assert.equal(await matching({ op: 'ge', field: 'subject', value: 'quarterly report' }), 'ADE');
        assert.equal(await matching({ op: 'lt', field: 'subject', value: '50%' }), 'C');
        assert.equal(await matching({ op: 'le', field: 'subject', value: '50%_off SALE' }), 'BC');
        // Unicode case folding, identically on both dialects.
        assert.equal(await matching({ op: 'eq', field: 'subject', value: 'école D’ÉTÉ' }), 'D');
        assert.equal(await matching({ op: 'eq', field: 'itemClass', value: 'ipm.note' }), 'ABDE');
        assert.equal(await matching({ op: 'eq', field: 'internetMessageId', value: '<C@SHOP.EXAMPLE>' }), 'C');
        assert.equal(await matching({ op: 'eq', field: 'conversationId', value: 'CONV-A' }), 'AC');
        assert.equal(await matching({ op: 'eq', field: 'preview', value: 'résumé' }), 'D');
        // 'from' compares the address; a missing From matches no comparison, but matches its negation.
        assert.equal(await matching({ op: 'eq', field: 'from', value: 'BOB@contoso.com' }), 'E');
        assert.equal(await matching({ op: 'ne', field: 'from', value: 'alice@contoso.com' }), 'BCE');
        assert.equal(
          await matching({ op: 'not', condition: { op: 'eq', field: 'from', value: 'alice@contoso.com' } }),
          'BCDE',
        );
        assert.equal(await matching({ op: 'ne', field: 'internetMessageId', value: '<a@contoso.com>' }), 'CDE');
      });

      it('compare dates, numbers, booleans and enumerations', async () => {
        assert.equal(await matching({ op: 'gt', field: 'receivedAt', value: '2024-02-01T00:00:00.000Z' }), 'CD');
        assert.equal(await matching({ op: 'ge', field: 'receivedAt', value: '2024-02-01T00:00:00Z' }), 'BCD');
        // Values are normalised like stored dates: 01:00+01:00 is midnight UTC.
        assert.equal(await matching({ op: 'lt', field: 'receivedAt', value: '2024-02-01T01:00:00+01:00' }), 'AE');
        assert.equal(await matching({ op: 'le', field: 'receivedAt', value: '2024-02-01T01:00:00+01:00' }), 'ABE');
        assert.equal(await matching({ op: 'eq', field: 'receivedAt', value: '2024-01-01T00:00:00Z' }), 'AE');
        assert.equal(await matching({ op: 'ne', field: 'receivedAt', value: '2024-01-01T00:00:00Z' }), 'BCD');
        assert.equal(await matching({ op: 'gt', field: 'sentAt', value: '2000-01-01T00:00:00Z' }), 'BCE');
        assert.equal(
          await matching({ op: 'not', condition: { op: 'gt', field: 'sentAt', value: '2000-01-01T00:00:00Z' } }),
          'AD',
        );
        assert.equal(await matching({ op: 'eq', field: 'size', value: 100 }), 'AE');
        assert.equal(await matching({ op: 'ne', field: 'size', value: 100 }), 'BCD');
        assert.equal(await matching({ op: 'gt', field: 'size', value: 300 }), 'BD');
        assert.equal(await matching({ op: 'ge', field: 'size', value: 300 }), 'BCD');
        assert.equal(await matching({ op: 'lt', field: 'size', value: 300 }), 'AE');
        assert.equal(await matching({ op: 'le', field: 'size', value: 300 }), 'ACE');
        assert.equal(await matching({ op: 'ge', field: 'articleNumber', value: 0 }), 'ABCDE');
        assert.equal(await matching({ op: 'eq', field: 'isRead', value: true }), 'AE');
        assert.equal(await matching({ op: 'ne', field: 'isRead', value: true }), 'BCD');
        assert.equal(await matching({ op: 'eq', field: 'isDraft', value: true }), 'D');
        assert.equal(await matching({ op: 'eq', field: 'hasAttachments', value: false }), 'BCDE');
        // Importance and flag status compare by meaning (Low < Normal < High), names case-insensitively.
        assert.equal(await matching({ op: 'eq', field: 'importance', value: 'high' }), 'AE');
        assert.equal(await matching({ op: 'gt', field: 'importance', value: 'Low' }), 'ACDE');
        assert.equal(await matching({ op: 'lt', field: 'importance', value: 'Normal' }), 'B');
        assert.equal(await matching({ op: 'eq', field: 'flagStatus', value: 'Flagged' }), 'A');
        assert.equal(await matching({ op: 'ne', field: 'flagStatus', value: 'NotFlagged' }), 'AC');
      });

      it('contain text in every mode, escaping LIKE metacharacters', async () => {
        // Unescaped, % and _ would also match '50 percent off' (C).
        assert.equal(await matching(contains('subject', '50%_off', 'Substring')), 'B');
        assert.equal(await matching(contains('subject', '50%', 'Prefixed')), 'B');
        assert.equal(await matching(contains('subject', '_off', 'Substring')), 'B');
        assert.equal(await matching(contains('subject', '%', 'Substring')), 'B');
        assert.equal(await matching(contains('subject', '_', 'ExactPhrase')), 'B');
        assert.equal(await matching(contains('subject', 'report!', 'Substring')), 'E');
        assert.equal(await matching(contains('subject', '!', 'Substring')), 'E');
        assert.equal(await matching(contains('preview', 'report_final', 'Substring')), 'E');
        assert.equal(await matching(contains('preview', 't_e', 'Substring')), '');
        assert.equal(await matching(contains('preview', '50% off', 'PrefixOnWords')), 'B');
        // FullString is equality.
        assert.equal(await matching(contains('subject', 'quarterly REPORT', 'FullString')), 'A');
        assert.equal(await matching(contains('subject', 'quarterly', 'FullString')), '');
        // Prefixed: the start of the value.
        assert.equal(await matching(contains('subject', 're:', 'Prefixed')), 'E');
        assert.equal(await matching(contains('subject', 'report', 'Prefixed')), '');
        // PrefixOnWords: the start of any word.
        assert.equal(await matching(contains('subject', 'rep', 'PrefixOnWords')), 'AE');
        assert.equal(await matching(contains('subject', 'quart', 'PrefixOnWords')), 'AE');
        assert.equal(await matching(contains('subject', 'eport', 'PrefixOnWords')), '');
        // Substring and ExactPhrase: anywhere.
        assert.equal(await matching(contains('subject', 'uarterly rep', 'Substring')), 'AE');
        assert.equal(await matching(contains('subject', 'quarterly report', 'ExactPhrase')), 'AE');
        assert.equal(await matching(contains('subject', '', 'Substring')), 'ABCDE');
        assert.equal(await matching(contains('itemClass', 'ipm.schedule', 'Prefixed')), 'C');
        assert.equal(await matching(contains('from', 'SHOP.example', 'Substring')), 'BC');
        assert.equal(await matching(contains('internetMessageId', 'contoso', 'Substring')), 'ADE');
        assert.equal(await matching(contains('conversationId', 'conv-', 'Prefixed')), 'ABCDE');
      });

      it('honour ignoreCase false with exact-case matching, also beyond ASCII', async () => {
        assert.equal(await matching(contains('subject', 'quarterly', 'Substring', false)), '');
        assert.equal(await matching(contains('subject', 'Quarterly', 'Substring', false)), 'AE');
        assert.equal(await matching(contains('subject', 'QUARTERLY', 'Substring', true)), 'AE');
        assert.equal(await matching(contains('subject', 'quarterly report', 'FullString', false)), '');
        assert.equal(await matching(contains('subject', 'Quarterly report', 'FullString', false)), 'A');
        assert.equal(await matching(contains('subject', 're:', 'Prefixed', false)), '');
        assert.equal(await matching(contains('subject', 'REP', 'PrefixOnWords', false)), '');
        assert.equal(await matching(contains('subject', 'école', 'Substring', true)), 'D');
        assert.equal(await matching(contains('subject', 'école', 'Substring', false)), '');
        assert.equal(await matching(contains('subject', 'ÉCOLE', 'Prefixed', false)), 'D');
        assert.equal(await matching(contains('from', 'bob@', 'Prefixed', false)), '');
        assert.equal(await matching(contains('from', 'Bob@', 'Prefixed', false)), 'E');
        assert.equal(await matching(contains('itemClass', 'ipm', 'Prefixed', false)), '');
        assert.equal(await matching(contains('itemClass', 'IPM', 'Prefixed', false)), 'ABCDE');
      });

      it('match to, cc and categories when any element matches', async () => {
        assert.equal(await matching({ op: 'eq', field: 'to', value: 'BOB@contoso.com' }), 'AE');
        assert.equal(await matching({ op: 'eq', field: 'to', value: 'bob receiver' }), 'A');
        assert.equal(await matching({ op: 'eq', field: 'to', value: 'bob' }), '', 'a whole element, not a part');
        assert.equal(await matching({ op: 'ne', field: 'to', value: 'bob@contoso.com' }), 'BD', 'lists with values, none equal');
        assert.equal(await matching({ op: 'eq', field: 'cc', value: 'bob@contoso.com' }), 'B');
        assert.equal(await matching({ op: 'eq', field: 'to', value: 'zoë ünal' }), 'D');
        assert.equal(await matching(contains('to', 'bob', 'Substring')), 'AE');
        assert.equal(await matching(contains('to', 'carol', 'Prefixed')), 'A');
        assert.equal(await matching(contains('to', 'contoso.com', 'Prefixed')), '', 'no element starts with it');
        assert.equal(await matching(contains('to', 'Receiver', 'PrefixOnWords')), 'A');
        assert.equal(await matching(contains('to', 'ecei', 'PrefixOnWords')), '');
        assert.equal(await matching(contains('to', 'alice sender', 'FullString')), 'BE');
        assert.equal(await matching(contains('to', 'ZOË', 'Prefixed')), 'D');
        assert.equal(await matching(contains('to', 'ZOË', 'Prefixed', false)), '');
        assert.equal(await matching(contains('to', 'Zoë', 'Prefixed', false)), 'D');
        assert.equal(await matching(contains('to', '', 'Substring')), 'ABDE', 'an empty list contains nothing');
        assert.equal(await matching(contains('to', 'b%', 'Substring')), '');
        assert.equal(await matching({ op: 'eq', field: 'categories', value: 'RED' }), 'ADE');
        assert.equal(await matching({ op: 'ne', field: 'categories', value: 'red' }), 'B');
        assert.equal(await matching(contains('categories', 'Red', 'FullString', false)), 'AE');
        assert.equal(await matching(contains('categories', 'red', 'FullString', false)), 'D');
        assert.equal(await matching(contains('categories', 'project', 'Prefixed')), 'A');
        assert.equal(await matching(contains('categories', 'X', 'PrefixOnWords', false)), 'A');
        assert.equal(await matching(contains('categories', 'x', 'PrefixOnWords', false)), '');
      });

      it('test existence, combine with and/or/not, and match enumerations by containment', async () => {
        assert.equal(await matching({ op: 'exists', field: 'from' }), 'ABCE');
        assert.equal(await matching({ op: 'exists', field: 'sentAt' }), 'BCE');
        assert.equal(await matching({ op: 'exists', field: 'internetMessageId' }), 'ACDE');
        assert.equal(await matching({ op: 'exists', field: 'to' }), 'ABDE');
        assert.equal(await matching({ op: 'exists', field: 'cc' }), 'B');
        assert.equal(await matching({ op: 'exists', field: 'categories' }), 'ABDE');
        assert.equal(await matching({ op: 'exists', field: 'subject' }), 'ABCDE');
        assert.equal(await matching({ op: 'exists', field: 'size' }), 'ABCDE');
        assert.equal(await matching({ op: 'not', condition: { op: 'exists', field: 'from' } }), 'D');

        const unreadAndBig: ItemCondition = {
          op: 'and',
          conditions: [
            { op: 'eq', field: 'isRead', value: false },
            { op: 'gt', field: 'size', value: 1000 },
          ],
        };
        const aOrLow: ItemCondition = {
          op: 'or',
          conditions: [
            { op: 'eq', field: 'subject', value: 'quarterly report' },
            { op: 'eq', field: 'importance', value: 'Low' },
          ],
        };
        assert.equal(await matching(unreadAndBig), 'BD');
        assert.equal(await matching(aOrLow), 'AB');
        assert.equal(await matching({ op: 'not', condition: aOrLow }), 'CDE');
        assert.equal(await matching({ op: 'and', conditions: [unreadAndBig, { op: 'not', condition: aOrLow }] }), 'D');
        assert.equal(await matching({ op: 'and', conditions: [] }), 'ABCDE');
        assert.equal(await matching({ op: 'or', conditions: [] }), '');
        assert.equal(await matching({ op: 'not', condition: { op: 'or', conditions: [] } }), 'ABCDE');

        assert.equal(await matching(contains('importance', 'Hi', 'Prefixed')), 'AE');
        assert.equal(await matching(contains('importance', 'O', 'Substring')), 'BCD');
        assert.equal(await matching(contains('importance', 'O', 'Substring', false)), '');
        assert.equal(await matching(contains('flagStatus', 'flag', 'PrefixOnWords')), 'A');
      });

      it('search several folders, and only the given mailbox', async () => {
        const quarterly = contains('subject', 'quarterly', 'Substring');
        assert.equal(await matching(quarterly, [inbox.id, archive.id]), 'AEF');
        assert.equal(await matching(quarterly, [archive.id]), 'F');
        assert.equal(await matching(quarterly, [archive.id, archive.id]), 'F');
        assert.equal(await matching(quarterly, []), '');
        assert.equal(await matching(quarterly, [root.id]), '');
        const all = await store.queryItems(query({ folderIds: [inbox.id, archive.id] }));
        assert.equal(all.total, 6);
        const elsewhere = await store.queryItems(query({ mailboxGuid: randomUUID(), folderIds: [inbox.id, archive.id] }));
        assert.deepEqual(elsewhere, { items: [], total: 0 });
      });

      it('order by each kind of field, nulls first ascending, ties by id', async () => {
        const byId = (...labelsInTie: string[]) =>
          labelsInTie
            .sort((a, b) => byCodePoint(ids[a], ids[b]))
            .join('');
        assert.equal(await ordered([{ field: 'receivedAt', direction: 'asc' }]), `${byId('A', 'E')}BCD`);
        assert.equal(await ordered([{ field: 'receivedAt', direction: 'desc' }]), `DCB${byId('A', 'E')}`);
        assert.equal(
          await ordered([
            { field: 'importance', direction: 'desc' },
            { field: 'size', direction: 'asc' },
          ]),
          `${byId('A', 'E')}CDB`,
        );
        assert.equal(await ordered([{ field: 'sentAt', direction: 'asc' }]), `${byId('A', 'D')}EBC`);
        assert.equal(await ordered([{ field: 'sentAt', direction: 'desc' }]), `CBE${byId('A', 'D')}`);
        // Case-insensitive, by code point: '50 ' < '50%' < 'q' < 'r' < 'é'.
        assert.equal(await ordered([{ field: 'subject', direction: 'asc' }]), 'CBAED');
        assert.equal(await ordered([{ field: 'from', direction: 'asc' }]), 'DAEBC');
        assert.equal(await ordered([{ field: 'from', direction: 'desc' }]), 'CBEAD');
        assert.equal(await ordered([{ field: 'isRead', direction: 'desc' }, { field: 'size', direction: 'desc' }]), `${byId('A', 'E')}DBC`);
        assert.equal(await ordered([{ field: 'flagStatus', direction: 'desc' }]), `AC${byId('B', 'D', 'E')}`);
        assert.equal(await ordered([]), byId('A', 'B', 'C', 'D', 'E'));
      });

      it('page with offset and limit and report the total of all matches', async () => {
        const orderBy: ItemOrder[] = [{ field: 'size', direction: 'asc' }];
        const where: ItemCondition = { op: 'ne', field: 'subject', value: 'nothing' };
        const pages: string[] = [];
        for (let offset = 0; offset < 6; offset += 2) {
          const page = await store.queryItems(query({ where, orderBy, offset, limit: 2 }));
          assert.equal(page.total, 5);
          pages.push(page.items.map((i) => labels.get(i.id)).join(''));
        }
        assert.equal(pages.join(''), await ordered(orderBy));
        assert.equal(pages[2].length, 1);
        assert.deepEqual(await store.queryItems(query({ where, orderBy, offset: 10, limit: 2 })), { items: [], total: 5 });
        const countOnly = await store.queryItems(query({ where, limit: 0 }));
        assert.deepEqual(countOnly, { items: [], total: 5 });
      });

      it('refuse malformed conditions with InvalidArgument', async () => {
        const bad: ItemCondition[] = [
          { op: 'gt', field: 'to', value: 'a' },
          { op: 'contains', field: 'size', value: '1', mode: 'Substring', ignoreCase: true },
          { op: 'contains', field: 'receivedAt', value: '2024', mode: 'Prefixed', ignoreCase: true },
          { op: 'gt', field: 'receivedAt', value: 'yesterday' },
          { op: 'eq', field: 'importance', value: 'Urgent' },
          { op: 'eq', field: 'isRead', value: 'true' },
          { op: 'eq', field: 'size', value: '100' },
          { op: 'eq', field: 'subject', value: 5 },
          { op: 'eq', field: 'nonsense' as never, value: 'x' },
          { op: 'contains', field: 'subject', value: 'x', mode: 'Fuzzy' as never, ignoreCase: true },
        ];
        for (const where of bad) {
          await assert.rejects(store.queryItems(query({ where })), rejectsWith('InvalidArgument'), JSON.stringify(where));
        }
        await assert.rejects(
          store.queryItems(query({ orderBy: [{ field: 'subject', direction: 'up' as never }] })),
          rejectsWith('InvalidArgument'),
        );
      });
    });

    // PostgreSQL pays a round trip per statement (two per putItem), so it pages through fewer
    // items to keep the test near 5 s there; the paging logic is the same for any count.
    const pagingCount = target.name === 'postgres' ? 5_000 : 10_000;
    it(`pages through ${pagingCount} items, each exactly once, in a stable order with the right totals`, { timeout: 120_000 }, async (t) => {
      const count = pagingCount;
      const big = folder(owner.guid, root.id);
      const items = Array.from({ length: count }, (_, n) =>
        item(owner.guid, big.id, {
          // 37 distinct times, so nearly every page boundary falls inside a tie.
          receivedAt: new Date(Date.UTC(2024, 0, 1) + (n % 37) * 60_000).toISOString(),
          isRead: n % 2 === 0,
          modseq: n + 1,
          articleNumber: n + 1,
        }),
      );
      const mime = Buffer.from('Subject: bulk\r\n\r\nbody\r\n');
      const insertStart = performance.now();
      await store.transaction(async (tx) => {
        await tx.putFolder(big);
        for (const i of items) await tx.putItem(i, mime);
      });
      const insertMs = performance.now() - insertStart;

      const pageThrough = async (where: ItemCondition | undefined, limit: number) => {
        const seen: Item[] = [];
        for (let offset = 0; ; offset += limit) {
          const page = await store.queryItems({
            mailboxGuid: owner.guid,
            folderIds: [big.id],
            where,
            orderBy: [{ field: 'receivedAt', direction: 'desc' }],
            offset,
            limit,
          });
          seen.push(...page.items);
          if (page.items.length < limit) return { seen, total: page.total };
          assert.ok(page.total >= offset + limit);
        }
      };
      const pageStart = performance.now();
      const all = await pageThrough(undefined, 250);
      const pageMs = performance.now() - pageStart;
      assert.equal(all.total, count);
      assert.equal(all.seen.length, count);
      assert.equal(new Set(all.seen.map((i) => i.id)).size, count);
      for (let n = 1; n < all.seen.length; n++) {
        const [a, b] = [all.seen[n - 1], all.seen[n]];
        assert.ok(a.receivedAt > b.receivedAt || (a.receivedAt === b.receivedAt && byCodePoint(a.id, b.id) < 0));
      }
      const unread = await pageThrough({ op: 'eq', field: 'isRead', value: false }, 333);
      assert.equal(unread.total, count / 2);
      assert.equal(new Set(unread.seen.map((i) => i.id)).size, count / 2);
      assert.ok(unread.seen.every((i) => !i.isRead));

      const batch = items.slice(500, 600).map((i) => i.id);
      const getStart = performance.now();
      for (let round = 0; round < 20; round++) {
        assert.equal((await store.getItems(batch)).length, 100);
        assert.equal((await store.getItemMime(batch)).size, 100);
      }
      const getMs = (performance.now() - getStart) / 20;
      t.diagnostic(
        `${target.name}: insert ${count} in ${insertMs.toFixed(0)} ms, page through in ${pageMs.toFixed(0)} ms ` +
          `(${count / 250} pages), GetItem of 100 ids + MIME ${getMs.toFixed(2)} ms`,
      );
    });

    describe('sync', () => {
      it('hands out strictly increasing modseqs and article numbers across 20 concurrent transactions', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.transaction(async (tx) => {
              const modseqs: number[] = [];
              const articles: number[] = [];
              for (let n = 0; n < 3; n++) {
                modseqs.push(await tx.nextModseq(owner.guid));
                // Yield so that, without exclusive transactions, the others would interleave.
                await new Promise((resolve) => setTimeout(resolve, 1));
                articles.push(await tx.nextArticleNumber(inbox.id));
              }
              return { modseqs, articles, current: await tx.currentModseq(owner.guid) };
            }),
          ),
        );
        const modseqs = results.flatMap((r) => r.modseqs);
        const articles = results.flatMap((r) => r.articles);
        assert.deepEqual([...modseqs].sort((a, b) => a - b), Array.from({ length: 60 }, (_, n) => n + 1));
        assert.deepEqual([...articles].sort((a, b) => a - b), Array.from({ length: 60 }, (_, n) => n + 1));
        for (const r of results) {
          // Each transaction got a contiguous run: nothing interleaved.
          assert.deepEqual(r.modseqs, [r.modseqs[0], r.modseqs[0] + 1, r.modseqs[0] + 2]);
          assert.deepEqual(r.articles, [r.articles[0], r.articles[0] + 1, r.articles[0] + 2]);
          assert.equal(r.current, r.modseqs[2]);
        }
        assert.equal(await store.currentModseq(owner.guid), 60);
        // Per folder and per mailbox: another folder and another mailbox start at 1.
        const other = mailboxRecipient();
        await store.transaction(async (tx) => {
          await tx.putRecipient(other);
          assert.equal(await tx.nextArticleNumber(archive.id), 1);
          assert.equal(await tx.nextModseq(other.guid), 1);
          assert.equal(await tx.nextModseq(owner.guid), 61);
          await assert.rejects(tx.nextModseq(randomUUID()), rejectsWith('ObjectNotFound'));
          await assert.rejects(tx.nextArticleNumber(randomUUID()), rejectsWith('ObjectNotFound'));
          assert.equal(await tx.nextArticleNumber(inbox.id), 61);
        });
        assert.equal(await store.currentModseq(randomUUID()), 0);
      });

      it('records a tombstone in the old folder when an item moves, and none once it is back', async () => {
        const i = item(owner.guid, inbox.id, { modseq: 1 });
        await putItems([i]);
        const moved = { ...i, folderId: archive.id, modseq: 2, version: 2 };
        await store.transaction((tx) => tx.putItem(moved, null));
        assert.deepEqual(await store.folderChangesSince(inbox.id, 0, 100), {
          changed: [],
          removed: [{ id: i.id, folderId: inbox.id, modseq: 2 }],
        });
        assert.deepEqual(await store.folderChangesSince(archive.id, 0, 100), { changed: [moved], removed: [] });
        assert.deepEqual(await store.folderChangesSince(inbox.id, 2, 100), { changed: [], removed: [] });
        assert.ok((await store.getItemMime([i.id])).get(i.id)?.equals(mimeOf(i.subject)), 'MIME moves along');

        // A metadata change in the same folder leaves no tombstone.
        const read = { ...moved, isRead: true, modseq: 3 };
        await store.transaction((tx) => tx.putItem(read, null));
        assert.deepEqual(await store.folderChangesSince(archive.id, 2, 100), { changed: [read], removed: [] });

        const back = { ...read, folderId: inbox.id, modseq: 4 };
        await store.transaction((tx) => tx.putItem(back, null));
        assert.deepEqual(await store.folderChangesSince(inbox.id, 0, 100), { changed: [back], removed: [] });
        assert.deepEqual(await store.folderChangesSince(archive.id, 3, 100), {
          changed: [],
          removed: [{ id: i.id, folderId: archive.id, modseq: 4 }],
        });

        // Leaving again moves the old folder's tombstone forward.
        const again = { ...back, folderId: archive.id, modseq: 5 };
        await store.transaction((tx) => tx.putItem(again, null));
        assert.deepEqual((await store.folderChangesSince(inbox.id, 0, 100)).removed, [{ id: i.id, folderId: inbox.id, modseq: 5 }]);
      });

      it('deleteItems tombstones each item in its folder, removes it and its MIME', async () => {
        const a = item(owner.guid, inbox.id, { modseq: 1 });
        const b = item(owner.guid, archive.id, { modseq: 2 });
        const c = item(owner.guid, inbox.id, { modseq: 3 });
        await putItems([a, b, c]);
        await store.transaction((tx) => tx.deleteItems([a.id, b.id, randomUUID()], 7));
        assert.deepEqual(await store.getItems([a.id, b.id, c.id]), [c]);
        assert.deepEqual([...(await store.getItemMime([a.id, b.id, c.id])).keys()], [c.id]);
        assert.deepEqual(await store.folderChangesSince(inbox.id, 0, 100), {
          changed: [c],
          removed: [{ id: a.id, folderId: inbox.id, modseq: 7 }],
        });
        assert.deepEqual(await store.folderChangesSince(archive.id, 3, 100), {
          changed: [],
          removed: [{ id: b.id, folderId: archive.id, modseq: 7 }],
        });
        assert.deepEqual(await store.folderChangesSince(inbox.id, 7, 100), { changed: [], removed: [] });
        assert.equal((await store.folderCounts([inbox.id])).get(inbox.id)?.total, 1);
        await store.transaction((tx) => tx.deleteItems([], 8));
      });

      it('folderChangesSince merges changes and removals by modseq and never splits a modseq', async () => {
        const items = Array.from({ length: 10 }, (_, n) => item(owner.guid, inbox.id, { modseq: n + 1 }));
        await putItems(items);
        await store.transaction((tx) => tx.deleteItems(items.slice(0, 3).map((i) => i.id), 11));
        const summary = async (since: number, limit: number) => {
          const { changed, removed } = await store.folderChangesSince(inbox.id, since, limit);
          return [...changed.map((i) => `c${i.modseq}`), ...removed.map((r) => `r${r.modseq}`)].join(' ');
        };
        assert.equal(await summary(0, 3), 'c4 c5 c6');
        assert.equal(await summary(0, 100), 'c4 c5 c6 c7 c8 c9 c10 r11 r11 r11');
        // The page would end inside the three removals at 11, so it stops before them ...
        assert.equal(await summary(9, 2), 'c10');
        assert.equal(await summary(9, 4), 'c10 r11 r11 r11');
        // ... unless they come first, then all of them come even past the limit.
        assert.equal(await summary(10, 2), 'r11 r11 r11');
        assert.equal(await summary(11, 2), '');
        const { removed } = await store.folderChangesSince(inbox.id, 10, 2);
        assert.deepEqual(
          removed.map((r) => r.id).sort(),
          items
            .slice(0, 3)
            .map((i) => i.id)
            .sort(),
        );
      });
    });

    describe('outbound queue', () => {
      it('enqueues messages and lists them oldest first, per mailbox or all, without MIME', async () => {
        const other = mailboxRecipient();
        const first = outbound(owner.guid, { createdAt: '2024-07-01T00:00:01.000Z' });
        const second = outbound(other.guid, {
          createdAt: '2024-07-01T00:00:02.000Z',
          state: 'Failed',
          attempts: 3,
          lastError: '550 5.1.1 "no such user"',
          recipients: [],
        });
        const third = outbound(owner.guid, { createdAt: '2024-07-01T00:00:03.000Z', state: 'Sent' });
        await store.transaction(async (tx) => {
          await tx.putRecipient(other);
          for (const m of [third, first, second]) await tx.enqueueOutbound(m);
          await assert.rejects(tx.enqueueOutbound(outbound(owner.guid, { id: first.id })), rejectsWith('AlreadyExists'));
          await assert.rejects(tx.enqueueOutbound(outbound(owner.guid, { state: 'Lost' as never })), rejectsWith('InvalidArgument'));
        });
        const withoutMime = ({ mime: _mime, ...rest }: OutboundMessage) => rest;
        assert.deepEqual(await store.listOutbound(), [first, second, third].map(withoutMime));
        assert.deepEqual(await store.listOutbound(owner.guid), [first, third].map(withoutMime));
        assert.deepEqual(await store.listOutbound(randomUUID()), []);
        const stored = await target.rawQuery(store, `select mime from outbound_queue where id = '${first.id}'`);
        assert.ok(Buffer.from(stored[0].mime as Uint8Array).equals(first.mime));
      });
    });

    describe('transactions and the directory', () => {
      async function mailboxSnapshot(tx: StoreReader, itemIds: string[]) {
        return {
          folders: await tx.listFolders(owner.guid),
          items: await tx.queryItems({
            mailboxGuid: owner.guid,
            folderIds: [root.id, inbox.id, archive.id],
            orderBy: [],
            offset: 0,
            limit: 1000,
          }),
          mime: [...(await tx.getItemMime(itemIds))],
          counts: [...(await tx.folderCounts([root.id, inbox.id, archive.id]))],
          modseq: await tx.currentModseq(owner.guid),
          inboxChanges: await tx.folderChangesSince(inbox.id, 0, 1000),
          outbound: await tx.listOutbound(),
        };
      }

      it('a rolled-back transaction leaves no mailbox write behind', async () => {
        const kept = item(owner.guid, inbox.id);
        await store.transaction(async (tx) => {
          await tx.putItem(kept, mimeOf('kept'));
          await tx.nextModseq(owner.guid);
          await tx.nextArticleNumber(inbox.id);
        });
        const fresh = item(owner.guid, archive.id);
        const before = await mailboxSnapshot(store, [kept.id, fresh.id]);
        const failure = new Error('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.putFolder(folder(owner.guid, root.id));
            await tx.putFolder({ ...inbox, displayName: 'Renamed' });
            await tx.putItem(fresh, mimeOf('fresh'));
            await tx.putItem({ ...kept, folderId: archive.id, modseq: 9 }, Buffer.from('replaced'));
            await tx.deleteItems([fresh.id], 10);
            await tx.nextModseq(owner.guid);
            await tx.nextArticleNumber(inbox.id);
            await tx.enqueueOutbound(outbound(owner.guid));
            assert.notDeepEqual(await mailboxSnapshot(tx, [kept.id, fresh.id]), before, 'writes are visible inside');
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.deepEqual(await mailboxSnapshot(store, [kept.id, fresh.id]), before);
        assert.ok((await store.getItemMime([kept.id])).get(kept.id)?.equals(mimeOf('kept')));
        assert.equal(await store.transaction((tx) => tx.nextModseq(owner.guid)), 2);
        assert.equal(await store.transaction((tx) => tx.nextArticleNumber(inbox.id)), 2);
      });

      it('mailbox writes add no rows to the directory change log', async () => {
        const version = await store.currentVersion();
        const i = item(owner.guid, inbox.id);
        await store.transaction(async (tx) => {
          const sub = folder(owner.guid, inbox.id);
          await tx.putFolder(sub);
          await tx.putFolder({ ...sub, displayName: 'renamed' });
          await tx.putItem(i, mimeOf('x'));
          await tx.putItem({ ...i, folderId: archive.id }, null);
          await tx.nextModseq(owner.guid);
          await tx.nextArticleNumber(inbox.id);
          await tx.deleteItems([i.id], 3);
          await tx.deleteFolder(sub.id);
          await tx.enqueueOutbound(outbound(owner.guid));
        });
        assert.equal(await store.currentVersion(), version);
        assert.deepEqual(await store.changesSince(version), []);
      });

      it('deleting a recipient removes its mailbox content, keeps its queued mail and logs only the recipient', async () => {
        const other = mailboxRecipient();
        const otherRoot = folder(other.guid, null, { distinguishedName: 'root' });
        const mine = [item(owner.guid, inbox.id), item(owner.guid, archive.id)];
        const theirs = item(other.guid, otherRoot.id);
        const queued = outbound(owner.guid);
        const sub = folder(owner.guid, inbox.id);
        await store.transaction(async (tx) => {
          await tx.putRecipient(other);
          await tx.putFolder(otherRoot);
          await tx.putFolder(sub);
          for (const i of [...mine, theirs]) await tx.putItem(i, mimeOf(i.subject));
          await tx.putItem({ ...mine[0], folderId: sub.id, modseq: 2 }, null);
          await tx.deleteItems([mine[1].id], 3);
          for (const guid of [owner.guid, other.guid]) await tx.nextModseq(guid);
          await tx.nextArticleNumber(inbox.id);
          await tx.nextArticleNumber(otherRoot.id);
          await tx.enqueueOutbound(queued);
        });
        const version = await store.currentVersion();

        await store.transaction((tx) => tx.deleteRecipient(owner.guid));

        assert.deepEqual(await store.changesSince(version).then((c) => c.map((x) => `${x.kind}:${x.guid}`)), [
          `recipient:${owner.guid}`,
        ]);
        assert.deepEqual(await store.listFolders(owner.guid), []);
        assert.deepEqual(await store.getItems(mine.map((i) => i.id)), []);
        assert.deepEqual(await store.getItemMime(mine.map((i) => i.id)), new Map());
        assert.equal(await store.currentModseq(owner.guid), 0);
        const myFolders = [root.id, inbox.id, archive.id, sub.id].map((id) => `'${id}'`).join(', ');
        const [left] = await target.rawQuery(
          store,
          `select (select count(*) from item_tombstones where folder_id in (${myFolders})) as tombstones,
                  (select count(*) from folder_counters where folder_id in (${myFolders})) as folder_counters,
                  (select count(*) from mailbox_counters where mailbox_guid = '${owner.guid}') as mailbox_counters,
                  (select count(*) from item_mime) as mime`,
        );
        assert.deepEqual(
          Object.fromEntries(Object.entries(left).map(([k, v]) => [k, Number(v)])),
          { tombstones: 0, folder_counters: 0, mailbox_counters: 0, mime: 1 },
        );
        // The other mailbox is untouched, and mail already accepted for delivery still goes out.
        assert.deepEqual(await store.listFolders(other.guid), [otherRoot]);
        assert.deepEqual(await store.getItems([theirs.id]), [theirs]);
        assert.equal(await store.currentModseq(other.guid), 1);
        assert.deepEqual((await store.listOutbound(owner.guid)).map((m) => m.id), [queued.id]);
      });
    });
  });
}
