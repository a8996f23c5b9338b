// Deciding whose mailbox a request acts on: the caller's own, or the one an impersonation header
// names (validate → resolve → authorize through checkImpersonation), auditing every attempt by an
// application and every refusal, so each act on behalf of someone is on record with its reason.
import { DeputyError, isDeputyError } from '../core/errors.ts';
import type { AuditResult } from '../core/audit/event.ts';
import { isMailbox, type Recipient } from '../core/directory/recipient.ts';
import type { Runtime } from './context.ts';
import type { Principal } from './principal.ts';
import { checkImpersonation } from './rbac.ts';

/** The four ways an ExchangeImpersonation header can name its target. */
export type ConnectingSidType = 'PrimarySmtpAddress' | 'SmtpAddress' | 'PrincipalName' | 'SID';

export interface ConnectingSid {
  type: ConnectingSidType;
  value: string;
}

export type MailboxLogonType = 'Owner' | 'Impersonation' | 'App';

export interface ActingMailbox {
  /** The mailbox the request acts on; null for a user without a mailbox acting as themselves. */
  mailbox: Recipient | null;
  logonType: MailboxLogonType;
}

export interface ImpersonationRequest {
  requestId: string;
  clientAddress: string | null;
  /** The operation asked for (e.g. 'GetFolder'), for the audit record. */
  operation: string;
  /** Defaults to 'EWS'. */
  protocol?: string;
}

export const nonExistentSmtpMessage = 'The SMTP address has no mailbox associated with it.';
export const impersonateUserDeniedMessage = 'The account does not have permission to impersonate the requested user.';
export const appTokenNeedsHeaderMessage = 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.';

/**
 * Resolves the acting mailbox in the order of ews-wire.md §3.4. Throws DeputyError with codes
 * InvalidImpersonationHeader, InvalidSmtpAddress, InvalidSid, InvalidUserPrincipalName,
 * NonExistentMailbox, ImpersonateUserDenied or AuthenticationFailed (the caller no longer exists).
 */
export async function resolveActingMailbox(runtime: Runtime, principal: Principal, connectingSid: ConnectingSid | null, request: ImpersonationRequest): Promise<ActingMailbox> {
  // RBAC and directory changes made a moment ago must apply to this very request.
  await runtime.state.sync();
  const { model } = runtime.state;
  const actor = model.get(principal.guid);
  if (!actor) throw new DeputyError('AuthenticationFailed', 'The account that signed in no longer exists.');
  const logonType = principal.kind === 'app' ? 'App' : 'Impersonation';

  let target: Recipient | undefined;
  try {
    if (!connectingSid) {
      if (principal.kind === 'app') throw new DeputyError('InvalidImpersonationHeader', appTokenNeedsHeaderMessage);
      return { mailbox: isMailbox(actor) ? actor : null, logonType: 'Owner' };
    }
    target = resolveTarget(runtime, connectingSid);
    // Acting as oneself needs no role: exchangelib sends the header naming the token's own user.
    if (target.guid === actor.guid) return { mailbox: target, logonType: 'Owner' };
    const check = checkImpersonation(runtime.state, actor, target);
    if (!check.allowed) {
      throw new DeputyError('ImpersonateUserDenied', `${impersonateUserDeniedMessage} ${check.reason}`, { reason: check.reason });
    }
    return { mailbox: target, logonType };
  } catch (error) {
    if (isDeputyError(error)) {
      await audit(runtime, principal, connectingSid, target, logonType, request, error.code === 'ImpersonateUserDenied' ? 'Denied' : 'Failed', error.message);
    }
    throw error;
  }
}

function resolveTarget(runtime: Runtime, sid: ConnectingSid): Recipient {
  const value = sid.value.trim();
  const { model } = runtime.state;
  switch (sid.type) {
    case 'PrimarySmtpAddress':
    case 'SmtpAddress': {
      if (!isSmtpAddress(value)) throw new DeputyError('InvalidSmtpAddress', `'${value}' isn't a valid SMTP address.`, { value });
      const key = value.toLowerCase();
      const found = model.lookup(value).find((r) => r.primarySmtpAddress.toLowerCase() === key || r.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === key));
      if (!found || !isMailbox(found)) throw new DeputyError('NonExistentMailbox', nonExistentSmtpMessage, { value });
      return found;
    }
    case 'PrincipalName': {
      const key = value.toLowerCase();
      const found = model.lookup(value).find((r) => r.userPrincipalName.toLowerCase() === key);
      if (!found) throw new DeputyError('InvalidUserPrincipalName', `No user has the user principal name '${value}'.`, { value });
      if (!isMailbox(found)) throw new DeputyError('NonExistentMailbox', `The user '${value}' has no mailbox associated with it.`, { value });
      return found;
    }
    case 'SID': {
      if (!/^S-1-\d+(-\d+)+$/i.test(value)) throw new DeputyError('InvalidSid', `'${value}' isn't a security identifier in SDDL form (S-1-5-21-…).`, { value });
      const key = value.toUpperCase();
      const found = model.lookup(value).find((r) => r.sid.toUpperCase() === key);
      if (!found || !isMailbox(found)) throw new DeputyError('NonExistentMailbox', `The security identifier '${value}' has no mailbox associated with it.`, { value });
      return found;
    }
  }
}

/** Deliberately loose (clients and Exchange accept far more than RFC 5321 mailboxes); rejects only what cannot be an address. */
function isSmtpAddress(value: string): boolean {
  return /^[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+$/.test(value);
}

async function audit(
  runtime: Runtime,
  principal: Principal,
  sid: ConnectingSid | null,
  target: Recipient | undefined,
  logonType: 'App' | 'Impersonation',
  request: ImpersonationRequest,
  result: AuditResult,
  error: string,
): Promise<void> {
  // Users failing to name a mailbox for themselves are ordinary client errors, not acts on behalf of anyone.
  if (!sid && principal.kind !== 'app') return;
  await runtime.store.transaction((tx) =>
    tx.appendAudit({
      time: runtime.now().toISOString(),
      kind: 'Mailbox',
      actorGuid: principal.guid,
      actor: principal.name,
      actedForGuid: target?.guid ?? null,
      actedFor: target ? target.primarySmtpAddress || target.userPrincipalName || target.name : (sid?.value ?? null),
      logonType,
      protocol: request.protocol ?? 'EWS',
      operation: request.operation,
      parameters: sid ? { connectingSid: { [sid.type]: sid.value } } : {},
      result,
      error,
      clientAddress: request.clientAddress,
      requestId: request.requestId,
    }),
  );
}
