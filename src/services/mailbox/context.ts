// What a mailbox use case runs with: the runtime, the open transaction, who acts (and how), and
// the mailbox acted on. Access to that mailbox was decided before (impersonation or ownership).
import type { Recipient } from '../../core/directory/recipient.ts';
import type { LogonType } from '../../core/audit/event.ts';
import type { StoreTx } from '../../store/store.ts';
import type { Runtime } from '../context.ts';
import type { Principal } from '../principal.ts';

export interface MailboxActor {
  principal: Principal;
  logonType: LogonType;
  protocol: string;
  requestId: string | null;
  clientAddress: string | null;
}

export interface MailboxOperation {
  runtime: Runtime;
  tx: StoreTx;
  actor: MailboxActor;
  mailbox: Recipient;
  /** ISO time the operation started. */
  now: string;
}

/** Runs a mailbox use case in one transaction (its audit record commits with it). */
export function inMailboxTransaction<T>(runtime: Runtime, actor: MailboxActor, mailbox: Recipient, work: (op: MailboxOperation) => Promise<T>): Promise<T> {
  const now = runtime.now().toISOString();
  return runtime.store.transaction((tx) => work({ runtime, tx, actor, mailbox, now }));
}
