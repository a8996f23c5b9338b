// Keeps the in-memory directory model in step with the store: a full load at start, then
// only the entities named in the change log since the last version (ours or another node's).
import { DirectoryModel } from '../core/directory/model.ts';
import { Authorizer } from '../core/rbac/authorizer.ts';
import type { Store } from '../store/store.ts';

export class DirectoryState {
  readonly model = new DirectoryModel();
  readonly authorizer = new Authorizer(this.model);
  /** Lower-case domains addresses may use. */
  acceptedDomains: string[] = [];
  private storeVersion = 0;
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  private constructor(private readonly store: Store) {}

  static async load(store: Store): Promise<DirectoryState> {
    const state = new DirectoryState(store);
    // Read the version first: anything committed after it is replayed by the next sync.
    const version = await store.currentVersion();
    const [domains, recipients, memberships, assignments, scopes] = await Promise.all([
      store.listAcceptedDomains(),
      store.listRecipients(),
      store.listMemberships(),
      store.listAssignments(),
      store.listScopes(),
    ]);
    state.acceptedDomains = domains.map((d) => d.domainName.toLowerCase());
    for (const r of recipients) state.model.putRecipient(r);
    for (const m of memberships) state.model.addMember(m.groupGuid, m.memberGuid);
    for (const a of assignments) state.model.putAssignment(a);
    for (const s of scopes) state.model.putScope(s);
    state.storeVersion = version;
    return state;
  }

  /**
   * Applies every change committed before this call. Runs one at a time; callers that arrive
   * while a run is in progress share the next run, so none misses a commit made before it asked.
   */
  sync(): Promise<void> {
    if (this.queued) return this.queued;
    const previous = this.running ?? Promise.resolve();
    const start = () => {
      this.queued = null;
      this.running = run;
      return this.applyChanges();
    };
    const run: Promise<void> = previous.then(start, start).finally(() => {
      if (this.running === run) this.running = null;
    });
    this.queued = run;
    return run;
  }

  private async applyChanges(): Promise<void> {
    const changes = await this.store.changesSince(this.storeVersion);
    if (changes.length === 0) return;
    const seen = new Set<string>();
    for (const change of changes) {
      const key = `${change.kind}:${change.guid}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await this.reload(change.kind, change.guid);
    }
    this.storeVersion = changes[changes.length - 1].version;
  }

  private async reload(kind: string, guid: string): Promise<void> {
    const { store, model } = this;
    switch (kind) {
      case 'recipient': {
        const r = await store.getRecipient(guid);
        if (!r) {
          model.removeRecipient(guid);
          return;
        }
        // Memberships and assignments have change rows of their own.
        model.putRecipient(r);
        return;
      }
      case 'membership':
        model.setMembers(guid, await store.listGroupMembers(guid));
        return;
      case 'assignment': {
        const a = await store.getAssignment(guid);
        if (a) model.putAssignment(a);
        else model.removeAssignment(guid);
        return;
      }
      case 'scope': {
        const s = await store.getScope(guid);
        if (s) model.putScope(s);
        else model.removeScope(guid);
        return;
      }
      case 'org':
        this.acceptedDomains = (await store.listAcceptedDomains()).map((d) => d.domainName.toLowerCase());
        return;
      default:
        model.version++;
    }
  }
}
