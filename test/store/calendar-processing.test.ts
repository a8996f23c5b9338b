// Migration 005 and the calendar processing store methods on every dialect: only what was set is
// kept (nulls stay defaults), replace semantics, a missing mailbox is ObjectNotFound, and deleting
// the recipient forgets the settings.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { storeTargets } from '../helpers/stores.ts';
import type { Store } from '../../src/store/store.ts';
import type { Recipient } from '../../src/core/directory/recipient.ts';
import { DeputyError } from '../../src/core/errors.ts';

function room(): Recipient {
  const name = `room-${randomUUID().slice(0, 8)}`;
  return {
    guid: randomUUID(), sid: `S-1-5-21-9-9-9-${Math.floor(Math.random() * 1e6)}`, typeDetails: 'RoomMailbox', name, alias: name, displayName: name,
    distinguishedName: `CN=${name},OU=deputy.local,DC=deputy,DC=local`, userPrincipalName: `${name}@contoso.com`, primarySmtpAddress: `${name}@contoso.com`,
    emailAddresses: [`SMTP:${name}@contoso.com`], attributes: {}, hiddenFromAddressLists: false, accountDisabled: false, managedBy: [], isBuiltIn: false,
    whenCreated: '2024-01-02T03:04:05.678Z', whenChanged: '2024-01-02T03:04:05.678Z',
  };
}

for (const target of storeTargets()) {
  describe(`calendar processing store (${target.name})`, { skip: target.skip }, () => {
    let store: Store;
    beforeEach(async () => {
      store = await target.open();
    });
    afterEach(() => store.close());

    it('migration 005 is applied and records schema version 5', async () => {
      assert.equal(await store.getMeta('schema_version'), '5');
      const applied = await target.rawQuery(store, 'select name from kysely_migration order by name');
      assert.equal(applied.at(-1)?.name, '005_calendar_processing');
    });

    it('keeps only what was set, replaces it on the next put, and forgets it with the recipient', async () => {
      const r = room();
      await store.transaction((tx) => tx.putRecipient(r));
      assert.equal(await store.getCalendarProcessing(r.guid), undefined);
      await store.transaction((tx) => tx.putCalendarProcessing(r.guid, { automateProcessing: 'None', allowConflicts: false, maximumDurationInMinutes: 0 }, '2026-01-01T00:00:00.000Z'));
      assert.deepEqual(await store.getCalendarProcessing(r.guid), { automateProcessing: 'None', allowConflicts: false, maximumDurationInMinutes: 0 });
      const all = { automateProcessing: 'AutoAccept', allowConflicts: true, bookingWindowInDays: 1080, maximumDurationInMinutes: 2 ** 31 - 1, allowRecurringMeetings: false } as const;
      await store.transaction((tx) => tx.putCalendarProcessing(r.guid, all, '2026-01-02T00:00:00.000Z'));
      assert.deepEqual(await store.getCalendarProcessing(r.guid), all);
      await store.transaction((tx) => tx.putCalendarProcessing(r.guid, { allowRecurringMeetings: true }, '2026-01-03T00:00:00.000Z'));
      assert.deepEqual(await store.getCalendarProcessing(r.guid), { allowRecurringMeetings: true });
      await store.transaction((tx) => tx.deleteRecipient(r.guid));
      assert.equal(await store.getCalendarProcessing(r.guid), undefined);
    });

    it('refuses settings for a mailbox that does not exist', async () => {
      await assert.rejects(store.transaction((tx) => tx.putCalendarProcessing(randomUUID(), { allowConflicts: true }, '2026-01-01T00:00:00.000Z')), (e: unknown) => e instanceof DeputyError && e.code === 'ObjectNotFound');
    });
  });
}
