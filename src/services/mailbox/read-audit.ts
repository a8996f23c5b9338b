// Audit of reads by other accounts and applications (like MailItemsAccessed): events are queued
// and written in batches, one transaction per batch, so reads do not pay for an audit write
// each. Writes are audited in their own transaction instead (see audit.ts).
import type { AuditEventInput } from '../../core/audit/event.ts';
import type { Store } from '../../store/store.ts';

export class ReadAuditBatcher {
  private queue: AuditEventInput[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly maxDelayMs = 200,
    private readonly maxBatch = 500,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  record(event: AuditEventInput): void {
    this.queue.push(event);
    if (this.queue.length >= this.maxBatch) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.maxDelayMs);
  }

  /** Writes everything queued so far; resolves when it is committed. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        await this.store.transaction(async (tx) => {
          for (const event of batch) await tx.appendAudit(event);
        });
      } catch (error) {
        this.onError(error);
      }
    });
    return this.flushing;
  }
}

const batchers = new WeakMap<Store, ReadAuditBatcher>();

/** The read-audit batcher of a store (one per process and store). */
export function readAuditFor(store: Store): ReadAuditBatcher {
  let batcher = batchers.get(store);
  if (!batcher) batchers.set(store, (batcher = new ReadAuditBatcher(store)));
  return batcher;
}

/** Writes pending read-audit events; called before the store closes. */
export async function flushReadAudit(store: Store): Promise<void> {
  await batchers.get(store)?.flush();
}
