// Reads by another account are audited in batches; stopping the server writes the pending batch,
// so no accepted read goes unrecorded on a clean shutdown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Folder, WellKnownFolderName } from 'ews-javascript-api';
import { startServer } from '../../src/server/server.ts';
import { openStore } from '../../src/store/index.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { localAdministrator } from '../../src/services/organization.ts';
import { ewsService } from '../helpers/ews.ts';

describe('read audit', () => {
  it('writes batched read events when the server stops', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-readaudit-'));
    try {
      const password = 'Passw0rd!audit';
      const server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
      await new CmdletHost(server.runtime, localAdministrator(server.runtime)).invoke('New-ManagementRoleAssignment', { Role: 'ApplicationImpersonation', User: 'svc@contoso.com' });
      const folder = await Folder.Bind(ewsService({ url: server.url, user: 'svc@contoso.com', password, impersonate: 'carol@contoso.com' }), WellKnownFolderName.Inbox);
      assert.equal(folder.DisplayName, 'Inbox');
      await server.close();
      const store = await openStore({ kind: 'sqlite', dir });
      try {
        const events = await store.searchAudit({ kind: 'Mailbox', operations: ['FolderBind'] });
        assert.equal(events.length, 1);
        assert.equal(events[0].actor, 'svc@contoso.com');
        assert.equal(events[0].actedFor, 'carol@contoso.com');
        assert.equal(events[0].logonType, 'Impersonation');
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
