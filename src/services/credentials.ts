// Password hashing (scrypt), client secrets (random, SHA-256 at rest), and the short-lived cache
// of verified credentials that keeps scrypt off the hot path of every request.
import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCallback) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const scryptParams = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, scryptParams);
  return `scrypt$${scryptParams.N}$${scryptParams.r}$${scryptParams.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 });
  return timingSafeEqual(expected, actual);
}

/** A random password that satisfies common complexity rules (shown once to the administrator). */
export function generatePassword(): string {
  return `Dp-${randomBytes(12).toString('base64url')}9a`;
}

/** Client secrets are 40 random characters; a fast hash suffices for that much entropy. */
export function generateClientSecret(): string {
  return randomBytes(30).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretsEqual(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Remembers successful verifications for a short time so repeated Basic-auth requests cost one
 * SHA-256 instead of one scrypt. The key includes the stored hash, so a password change
 * (on any node) invalidates every remembered success at once.
 */
export class VerifiedCredentialCache {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly ttlMs = 60_000, private readonly maxEntries = 10_000) {}

  private key(login: string, password: string, storedHash: string): string {
    return createHash('sha256').update(login.toLowerCase()).update('\0').update(password).update('\0').update(storedHash).digest('hex');
  }

  has(login: string, password: string, storedHash: string, now = Date.now()): boolean {
    const k = this.key(login, password, storedHash);
    const expires = this.expiries.get(k);
    if (expires === undefined) return false;
    if (expires >= now) return true;
    this.expiries.delete(k);
    return false;
  }

  add(login: string, password: string, storedHash: string, now = Date.now()): void {
    if (this.expiries.size >= this.maxEntries) this.expiries.delete(this.expiries.keys().next().value!);
    this.expiries.set(this.key(login, password, storedHash), now + this.ttlMs);
  }
}
