// Audit event shape shared by admin (cmdlet) and mailbox audit, and the hash chain that links them.
import { createHash } from 'node:crypto';

export type AuditKind = 'Admin' | 'Mailbox';
export type LogonType = 'Owner' | 'Delegate' | 'Impersonation' | 'App' | 'Admin';
export type AuditResult = 'Succeeded' | 'Failed' | 'Denied';

export interface AuditEventInput {
  /** ISO 8601 UTC. */
  time: string;
  kind: AuditKind;
  /** The real actor: guid and a readable name (UPN, or app display name). */
  actorGuid: string;
  actor: string;
  /** The user acted for; equals the actor when acting as oneself; null for org-level admin acts. */
  actedForGuid: string | null;
  actedFor: string | null;
  logonType: LogonType;
  /** Shell, AdminApi, Local, EWS, Graph, SMTP … */
  protocol: string;
  /** Cmdlet name or mailbox operation. */
  operation: string;
  /** Parameters (secrets redacted) or operation details such as item ids. */
  parameters: Record<string, unknown>;
  result: AuditResult;
  error: string | null;
  clientAddress: string | null;
  requestId: string | null;
}

export interface AuditEvent extends AuditEventInput {
  /** Monotonic sequence number assigned by the store. */
  id: number;
  prevHash: string;
  hash: string;
}

export const genesisHash = '0'.repeat(64);

/** Deterministic JSON (sorted keys) so the hash does not depend on property order. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The hash of an event given the previous event's hash: tampering with any event breaks every later link. */
export function chainHash(prevHash: string, id: number, event: AuditEventInput): string {
  return createHash('sha256').update(prevHash).update(String(id)).update(canonicalJson(event)).digest('hex');
}

/** Verifies a contiguous run of events; returns the id of the first broken link, or null. */
export function findBrokenLink(events: readonly AuditEvent[], prevHash = genesisHash): number | null {
  let prev = prevHash;
  for (const e of events) {
    const { id, prevHash: storedPrev, hash, ...input } = e;
    if (storedPrev !== prev || chainHash(prev, id, input) !== hash) return id;
    prev = hash;
  }
  return null;
}
