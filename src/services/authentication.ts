// Verifying who is calling: Basic credentials (UPN or SMTP address + password) for users, with a
// cache of recent successes so scrypt is not recomputed on every request, and a throttle on
// repeated failures so a login cannot be guessed at scrypt's pace.
import { DeputyError } from '../core/errors.ts';
import { kindOf, type Recipient } from '../core/directory/recipient.ts';
import type { Runtime } from './context.ts';
import { VerifiedCredentialCache, verifyPassword } from './credentials.ts';

/** Failed sign-ins per login within a sliding window; past the limit the login is refused until the window moves on. */
export class FailedSignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly maxFailures = 10,
    readonly windowMs = 60_000,
    private readonly maxLogins = 10_000,
  ) {}

  private recent(login: string, now: number): number[] {
    const key = login.toLowerCase();
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Milliseconds until the login may try again, or 0. */
  retryAfter(login: string, now = Date.now()): number {
    const list = this.recent(login, now);
    return list.length >= this.maxFailures ? list[list.length - this.maxFailures] + this.windowMs - now : 0;
  }

  recordFailure(login: string, now = Date.now()): void {
    if (this.failures.size >= this.maxLogins && !this.failures.has(login.toLowerCase())) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(login.toLowerCase(), [...this.recent(login, now), now]);
  }
}

const throttles = new WeakMap<Runtime, FailedSignInThrottle>();

/** One throttle per runtime, so every entry point (admin API, EWS, token endpoint) counts the same failures. */
function throttleFor(runtime: Runtime): FailedSignInThrottle {
  let throttle = throttles.get(runtime);
  if (!throttle) throttles.set(runtime, (throttle = new FailedSignInThrottle()));
  return throttle;
}

export class Authenticator {
  private readonly cache = new VerifiedCredentialCache();

  constructor(
    private readonly runtime: Runtime,
    private readonly throttle = throttleFor(runtime),
  ) {}

  /** The user the credentials name, or AuthenticationFailed (same message whatever was wrong). */
  async verifyPassword(login: string, password: string): Promise<Recipient> {
    const { state, store } = this.runtime;
    await state.sync();
    const wait = this.throttle.retryAfter(login);
    if (wait > 0) {
      throw new DeputyError('AuthenticationFailed', `Too many failed sign-in attempts for this account; try again in ${Math.ceil(wait / 1000)} seconds.`, { reason: 'Throttled', retryAfterSeconds: Math.ceil(wait / 1000) });
    }
    // Built only on failure: an Error captures a stack trace, too dear for every request.
    const failed = () => {
      this.throttle.recordFailure(login);
      return new DeputyError('AuthenticationFailed', 'The user name or password is incorrect.');
    };
    const candidates = state.model.lookup(login).filter((r) => kindOf[r.typeDetails] === 'User' && (r.userPrincipalName.toLowerCase() === login.toLowerCase() || r.emailAddresses.some((p) => p.replace(/^smtp:/i, '').toLowerCase() === login.toLowerCase())));
    if (candidates.length !== 1) throw failed();
    const user = candidates[0];
    if (user.accountDisabled) throw failed();
    const hash = await store.getPasswordHash(user.guid);
    if (!hash) throw failed();
    if (this.cache.has(login, password, hash)) return user;
    if (!(await verifyPassword(password, hash))) throw failed();
    this.cache.add(login, password, hash);
    return user;
  }
}
