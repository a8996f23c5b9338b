// The issuer's identity, kept in the store so every node signs and verifies alike: the RS256
// signing key (meta `oauth.signingKey`, a private JWK with its kid) and the tenant id (meta
// `oauth.tenantId`), created together on first use and cached in memory per runtime.
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { DeputyError } from '../../core/errors.ts';
import type { Runtime } from '../context.ts';

export const signingKeyMetaKey = 'oauth.signingKey';
export const tenantIdMetaKey = 'oauth.tenantId';
export const signingAlgorithm = 'RS256';

export interface IssuerKeys {
  /** The organization's tenant id: a stable GUID, the `tid` claim and part of the issuer. */
  tenantId: string;
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public half only (kty, n, e, kid, alg, use): what the JWKS serves. */
  publicJwk: JWK;
}

const loaded = new WeakMap<Runtime, Promise<IssuerKeys>>();

/** The signing key and tenant id, created in the store the first time any node asks. */
export function issuerKeys(runtime: Runtime): Promise<IssuerKeys> {
  const cached = loaded.get(runtime);
  if (cached) return cached;
  const keys = loadOrCreate(runtime);
  loaded.set(runtime, keys);
  // A failed load (the database briefly unreachable) must not stay cached for the runtime's life.
  keys.catch(() => {
    if (loaded.get(runtime) === keys) loaded.delete(runtime);
  });
  return keys;
}

async function loadOrCreate(runtime: Runtime): Promise<IssuerKeys> {
  const { store } = runtime;
  const [storedKey, storedTenant] = await Promise.all([store.getMeta(signingKeyMetaKey), store.getMeta(tenantIdMetaKey)]);
  if (storedKey && storedTenant) return fromStored(storedKey, storedTenant);
  // Generated before the transaction so the writers' lock is not held during RSA key generation;
  // a node that loses the race throws its key away.
  const candidate = storedKey ? undefined : await newSigningJwk();
  const { key, tenantId } = await store.transaction(async (tx) => {
    // Read again under the lock: another node may have created them since the read above.
    let key = await tx.getMeta(signingKeyMetaKey);
    let tenantId = await tx.getMeta(tenantIdMetaKey);
    if (!key) {
      key = JSON.stringify(candidate ?? (await newSigningJwk()));
      await tx.setMeta(signingKeyMetaKey, key);
    }
    if (!tenantId) {
      tenantId = randomUUID();
      await tx.setMeta(tenantIdMetaKey, tenantId);
    }
    return { key, tenantId };
  });
  return fromStored(key, tenantId);
}

async function newSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair(signingAlgorithm, { extractable: true, modulusLength: 2048 });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, n: jwk.n, e: jwk.e });
  return { ...jwk, kid, alg: signingAlgorithm, use: 'sig' };
}

async function fromStored(rawKey: string, tenantId: string): Promise<IssuerKeys> {
  const jwk = JSON.parse(rawKey) as JWK;
  if (jwk.kty !== 'RSA' || !jwk.d || !jwk.n || !jwk.e || !jwk.kid) {
    throw new DeputyError('Internal', `The stored OAuth signing key (meta '${signingKeyMetaKey}') is not an RSA private JWK with a kid.`);
  }
  // An explicit allow-list, so no private member can ever reach the JWKS.
  const publicJwk: JWK = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid: jwk.kid, alg: signingAlgorithm, use: 'sig' };
  return {
    tenantId,
    kid: jwk.kid,
    privateKey: asCryptoKey(await importJWK(jwk, signingAlgorithm)),
    publicKey: asCryptoKey(await importJWK(publicJwk, signingAlgorithm)),
    publicJwk,
  };
}

function asCryptoKey(key: CryptoKey | Uint8Array): CryptoKey {
  if (key instanceof Uint8Array) throw new DeputyError('Internal', 'The stored OAuth signing key imported as a symmetric secret.');
  return key;
}
