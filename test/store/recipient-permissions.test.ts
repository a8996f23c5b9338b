// Store conformance for recipient permissions (Send As grants): the same behaviour on every dialect storeTargets() offers.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Recipient } from '../../src/core/directory/recipient.ts';
import { DeputyError, type ErrorCode } from '../../src/core/errors.ts';
import type { RecipientPermission, Store } from '../../src/store/index.ts';
import { storeTargets } from '../helpers/stores.ts';

let sidCounter = 5000;

function recipient(overrides: Partial<Recipient> = {}): Recipient {
  const name = overrides.name ?? `user-${randomUUID().slice(0, 8)}`;
  return {
    guid: randomUUID(),
    sid: `S-1-5-21-7-8-9-${sidCounter++}`,
    typeDetails: 'UserMailbox',
    name,
    alias: name,
    displayName: name,
    distinguishedName: `CN=${name},CN=Users,DC=contoso,DC=com`,
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
    ...overrides,
  };
}

const grant = (recipientGuid: string, trusteeGuid: string, createdAt = '2024-06-01T00:00:00.000Z'): RecipientPermission => ({
  recipientGuid,
  trusteeGuid,
  accessRight: 'SendAs',
  createdAt,
});

function rejectsWith(code: ErrorCode): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof DeputyError, `expected a DeputyError, got ${String(error)}`);
    assert.equal(error.code, code);
    return true;
  };
}

for (const target of storeTargets()) {
  describe(`recipient permissions on ${target.name}`, { skip: target.skip }, () => {
    let store: Store;
    let shared: Recipient;
    let other: Recipient;
    let alice: Recipient;
    let team: Recipient;

    beforeEach(async () => {
      store = await target.open();
      shared = recipient({ typeDetails: 'SharedMailbox' });
      other = recipient({ typeDetails: 'SharedMailbox' });
      alice = recipient();
      team = recipient({ typeDetails: 'MailUniversalSecurityGroup', userPrincipalName: '' });
      await store.transaction(async (tx) => {
        for (const r of [shared, other, alice, team]) await tx.putRecipient(r);
      });
    });
    afterEach(async () => {
      await store.close();
    });

    it('adds, lists by either side, and removes grants', async () => {
      await store.transaction(async (tx) => {
        await tx.addRecipientPermission(grant(shared.guid, alice.guid));
        await tx.addRecipientPermission(grant(shared.guid, team.guid, '2024-06-02T00:00:00.000Z'));
        await tx.addRecipientPermission(grant(other.guid, alice.guid));
      });
      const onShared = await store.listRecipientPermissions({ recipientGuid: shared.guid });
      assert.deepEqual(
        onShared,
        [grant(shared.guid, alice.guid), grant(shared.guid, team.guid, '2024-06-02T00:00:00.000Z')].sort((a, b) => a.trusteeGuid.localeCompare(b.trusteeGuid)),
      );
      const toAlice = await store.listRecipientPermissions({ trusteeGuid: alice.guid });
      assert.deepEqual(toAlice.map((p) => p.recipientGuid).sort(), [shared.guid, other.guid].sort());
      assert.deepEqual(await store.listRecipientPermissions({ recipientGuid: shared.guid, trusteeGuid: alice.guid }), [grant(shared.guid, alice.guid)]);
      assert.equal((await store.listRecipientPermissions({})).length, 3);

      const removed = await store.transaction((tx) => tx.removeRecipientPermission({ recipientGuid: shared.guid, trusteeGuid: alice.guid, accessRight: 'SendAs' }));
      assert.equal(removed, true);
      assert.deepEqual(await store.listRecipientPermissions({ recipientGuid: shared.guid, trusteeGuid: alice.guid }), []);
      const again = await store.transaction((tx) => tx.removeRecipientPermission({ recipientGuid: shared.guid, trusteeGuid: alice.guid, accessRight: 'SendAs' }));
      assert.equal(again, false);
      assert.equal((await store.listRecipientPermissions({})).length, 2);
    });

    it('refuses a duplicate grant, an unknown recipient or trustee, and an unknown right, writing nothing', async () => {
      await store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, alice.guid)));
      const version = await store.currentVersion();
      await assert.rejects(store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, alice.guid, '2030-01-01T00:00:00.000Z'))), rejectsWith('AlreadyExists'));
      await assert.rejects(store.transaction((tx) => tx.addRecipientPermission(grant(randomUUID(), alice.guid))), rejectsWith('ObjectNotFound'));
      await assert.rejects(store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, randomUUID()))), rejectsWith('ObjectNotFound'));
      await assert.rejects(
        store.transaction((tx) => tx.addRecipientPermission({ ...grant(other.guid, alice.guid), accessRight: 'FullAccess' as never })),
        rejectsWith('InvalidArgument'),
      );
      assert.equal(await store.currentVersion(), version);
      assert.deepEqual(await store.listRecipientPermissions({}), [grant(shared.guid, alice.guid)]);
    });

    it('logs a recipient change of the recipient for each write that changed something', async () => {
      const before = await store.currentVersion();
      await store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, alice.guid)));
      await store.transaction((tx) => tx.removeRecipientPermission({ recipientGuid: shared.guid, trusteeGuid: alice.guid, accessRight: 'SendAs' }));
      await store.transaction((tx) => tx.removeRecipientPermission({ recipientGuid: shared.guid, trusteeGuid: alice.guid, accessRight: 'SendAs' }));
      const changes = await store.changesSince(before);
      assert.deepEqual(changes.map((c) => `${c.kind}:${c.guid}`), [`recipient:${shared.guid}`, `recipient:${shared.guid}`]);
    });

    it('rolls a grant back with its transaction', async () => {
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.addRecipientPermission(grant(shared.guid, alice.guid));
          assert.equal((await tx.listRecipientPermissions({ recipientGuid: shared.guid })).length, 1);
          throw new Error('abort');
        }),
        /abort/,
      );
      assert.deepEqual(await store.listRecipientPermissions({}), []);
    });

    it('deleting the trustee or the recipient removes its grants and tells the recipients that lost one', async () => {
      await store.transaction(async (tx) => {
        await tx.addRecipientPermission(grant(shared.guid, alice.guid));
        await tx.addRecipientPermission(grant(other.guid, alice.guid));
        await tx.addRecipientPermission(grant(shared.guid, team.guid));
        await tx.addRecipientPermission(grant(other.guid, team.guid));
      });
      const version = await store.currentVersion();
      await store.transaction((tx) => tx.deleteRecipient(alice.guid));
      assert.deepEqual(await store.listRecipientPermissions({ trusteeGuid: alice.guid }), []);
      assert.deepEqual((await store.changesSince(version)).map((c) => `${c.kind}:${c.guid}`).sort(), [`recipient:${alice.guid}`, `recipient:${other.guid}`, `recipient:${shared.guid}`].sort());

      await store.transaction((tx) => tx.deleteRecipient(shared.guid));
      assert.deepEqual(await store.listRecipientPermissions({}), [grant(other.guid, team.guid)]);
    });

    it('the foreign keys cascade when a recipient row goes away without the store', async () => {
      await store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, team.guid)));
      // Bypasses deleteRecipient's explicit clean-up: the schema itself must not leave orphans.
      await target.rawQuery(store, `delete from recipients where guid = '${team.guid}'`);
      assert.deepEqual(await store.listRecipientPermissions({}), []);
    });

    it('a second node sees grants and the change that announces them', async () => {
      const sibling = await target.openSibling(store);
      try {
        const version = await sibling.currentVersion();
        await store.transaction((tx) => tx.addRecipientPermission(grant(shared.guid, alice.guid)));
        assert.deepEqual(await sibling.listRecipientPermissions({ recipientGuid: shared.guid }), [grant(shared.guid, alice.guid)]);
        assert.deepEqual((await sibling.changesSince(version)).map((c) => `${c.kind}:${c.guid}`), [`recipient:${shared.guid}`]);
      } finally {
        await sibling.close();
      }
    });
  });
}
