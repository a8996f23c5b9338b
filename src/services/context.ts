// What every use case runs with: the runtime (store + directory state), the caller, and for
// writes the open transaction. Use cases follow one order: authorize → transaction → audit.
import type { Store, StoreTx } from '../store/store.ts';
import type { DirectoryState } from './directory-state.ts';
import type { DirectoryModel } from '../core/directory/model.ts';
import type { Authorizer } from '../core/rbac/authorizer.ts';

export interface Organization {
  name: string;
  defaultDomain: string;
  /** The three sub-authorities of synthesized SIDs: S-1-5-21-a-b-c-RID. */
  sidPrefix: string;
}

export interface Runtime {
  store: Store;
  state: DirectoryState;
  organization: Organization;
  now(): Date;
}

/** Who is acting, and from where. */
export interface Caller {
  guid: string;
  /** Readable name for audit (UPN or display name). */
  name: string;
  /** Shell, AdminApi, Local … */
  protocol: string;
  clientAddress: string | null;
  requestId: string | null;
}

/** One use case in progress inside a transaction. */
export interface Operation {
  runtime: Runtime;
  tx: StoreTx;
  caller: Caller;
  model: DirectoryModel;
  authorizer: Authorizer;
  /** ISO time the operation started; every object it writes carries it. */
  now: string;
}
