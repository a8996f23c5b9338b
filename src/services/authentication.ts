// Verifying who is calling: Basic credentials (UPN or SMTP address + password) for users, with a
// cache of recent successes so scrypt is not recomputed on every request.
import { DeputyError } from '../core/errors.ts';
import { kindOf, type Recipient } from '../core/directory/recipient.ts';
import type { Runtime } from './context.ts';
import { VerifiedCredentialCache, verifyPassword } from './credentials.ts';

export class Authenticator {
  private readonly cache = new VerifiedCredentialCache();

  constructor(private readonly runtime: Runtime) {}

  /** The user the credentials name, or AuthenticationFailed (same message whatever was wrong). */
  async verifyPassword(login: string, password: string): Promise<Recipient> {
    const { state, store } = this.runtime;
    await state.sync();
    // Built only on failure: an Error captures a stack trace, too dear for every request.
    const failed = () => new DeputyError('AuthenticationFailed', 'The user name or password is incorrect.');
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
