// Deputy as its own OAuth 2.0 issuer, with Microsoft Entra's claims: access tokens for service
// principals (client credentials) and users (password grant), every issue or refusal audited, and
// bearer tokens verified back into a Principal.
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { DeputyError, isDeputyError, type ErrorCode } from '../../core/errors.ts';
import type { AuditEventInput } from '../../core/audit/event.ts';
import { kindOf, type Recipient } from '../../core/directory/recipient.ts';
import { impersonationEntry } from '../../core/rbac/roles.ts';
import { Authenticator } from '../authentication.ts';
import type { Runtime } from '../context.ts';
import { secretsEqual } from '../credentials.ts';
import type { Principal } from '../principal.ts';
import { issuerKeys, signingAlgorithm, type IssuerKeys } from './keys.ts';

/** The resource Exchange Online tokens name, by URI and by its well-known app id. */
export const exchangeResource = 'https://outlook.office365.com';
export const exchangeResourceAppId = '00000002-0000-0ff1-ce00-000000000000';
export const acceptedAudiences: readonly string[] = [exchangeResource, exchangeResourceAppId];
export const tokenLifetimeSeconds = 3600;
/** What the token response reports; Entra also answers 3599 for a one-hour token. */
export const expiresInSeconds = 3599;
export const defaultUserScopes: readonly string[] = ['EWS.AccessAsUser.All'];
/** Granted on top of the RBAC permissions to apps that may use EWS, as Exchange Online names it. */
export const fullAccessAsApp = 'full_access_as_app';
const clockToleranceSeconds = 60;
/** Audit actor of a refusal that names nobody we know. */
const nobody = '00000000-0000-0000-0000-000000000000';
/** OpenID Connect scopes that MSAL adds to every request; they never reach an access token's scp. */
const openIdScopes = new Set(['openid', 'profile', 'email', 'offline_access']);

/** Why a token request was refused; the OAuth edge maps each to an error code and status. */
export type TokenRefusal =
  | 'MissingParameter'
  | 'MissingClientSecret'
  | 'InvalidScope'
  | 'UnknownClient'
  | 'InvalidClientSecret'
  | 'ExpiredClientSecret'
  | 'InvalidUserCredentials';

/** Why a bearer token was not accepted (all are AuthenticationFailed). */
export type BearerRefusal =
  | 'Malformed'
  | 'UnsupportedAlgorithm'
  | 'UnknownKey'
  | 'BadSignature'
  | 'Expired'
  | 'NotYetValid'
  | 'WrongAudience'
  | 'WrongIssuer'
  | 'InvalidClaims'
  | 'PrincipalGone'
  | 'AccountDisabled';

export interface AppTokenRequest {
  /** The service principal's AppId. */
  clientId: string;
  clientSecret: string;
  /** `<resource>/.default` or space-separated scopes; absent means `https://outlook.office365.com/.default`. */
  scope?: string;
}

export interface UserTokenRequest {
  /** UPN or SMTP address. */
  username: string;
  password: string;
  /** Space-separated scopes or `<resource>/.default`; absent means EWS.AccessAsUser.All. */
  scope?: string;
  /** The public client the user signs in through; recorded in the audit only. */
  clientId?: string;
}

export interface TokenContext {
  /** Scheme and authority the request reached us at (`http://host:port`); the issuer is `<baseUrl>/<tid>/v2.0`. */
  baseUrl: string;
  clientAddress: string | null;
  requestId: string | null;
}

// Type aliases rather than interfaces, so the claims are assignable to jose's JWTPayload.
type CommonClaims = {
  iss: string;
  aud: string;
  tid: string;
  oid: string;
  sub: string;
  iat: number;
  nbf: number;
  exp: number;
  ver: '2.0';
};

export type AppTokenClaims = CommonClaims & {
  idtyp: 'app';
  appid: string;
  azp: string;
  roles: string[];
};

export type UserTokenClaims = CommonClaims & {
  idtyp: 'user';
  scp: string;
  upn: string;
  preferred_username: string;
};

export interface IssuedToken<C> {
  accessToken: string;
  expiresIn: number;
  claims: C;
}

// --- issuing ----------------------------------------------------------------

/** Client-credentials grant: a token for the service principal whose AppId is `clientId`. */
export async function issueAppToken(runtime: Runtime, request: AppTokenRequest, context: Partial<TokenContext> = {}): Promise<IssuedToken<AppTokenClaims>> {
  const ctx = contextWithDefaults(runtime, context);
  const attempt: AttemptSummary = { grantType: 'client_credentials', clientId: request.clientId, scope: request.scope };
  return audited(runtime, attempt, ctx, async () => {
    if (!request.clientId?.trim()) throw missingParameter('client_id');
    if (!request.clientSecret) throw refusal('AuthenticationFailed', 'MissingClientSecret', "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    parseScope(request.scope);
    await runtime.state.sync();
    const sp = servicePrincipalByAppId(runtime, request.clientId);
    if (!sp) {
      throw refusal('AuthenticationFailed', 'UnknownClient', `Application with identifier '${quoted(request.clientId)}' was not found in the directory '${runtime.organization.name}'. You may have sent your authentication request to the wrong tenant.`);
    }
    await checkClientSecret(runtime, sp, request.clientSecret);
    const keys = await issuerKeys(runtime);
    const claims: AppTokenClaims = { ...commonClaims(runtime, keys, ctx, sp.guid), idtyp: 'app', appid: sp.appId!, azp: sp.appId!, roles: applicationRolesOf(runtime, sp.guid) };
    return { actor: { guid: sp.guid, name: sp.displayName }, token: await signed(claims, keys) };
  });
}

/** Password grant: a delegated token for the user the credentials name. */
export async function issueUserToken(runtime: Runtime, request: UserTokenRequest, context: Partial<TokenContext> = {}): Promise<IssuedToken<UserTokenClaims>> {
  const ctx = contextWithDefaults(runtime, context);
  const attempt: AttemptSummary = { grantType: 'password', clientId: request.clientId, scope: request.scope, username: request.username };
  return audited(runtime, attempt, ctx, async () => {
    if (!request.username?.trim()) throw missingParameter('username');
    if (!request.password) throw missingParameter('password');
    const scopes = delegatedScopes(parseScope(request.scope));
    const user = await authenticatorFor(runtime)
      .verifyPassword(request.username.trim(), request.password)
      .catch((error: unknown) => {
        // Unknown user, wrong password and disabled account look alike, as Basic sign-in does.
        if (isDeputyError(error) && error.code === 'AuthenticationFailed') {
          throw refusal('AuthenticationFailed', 'InvalidUserCredentials', 'Error validating credentials due to invalid username or password.');
        }
        throw error;
      });
    const keys = await issuerKeys(runtime);
    const claims: UserTokenClaims = {
      ...commonClaims(runtime, keys, ctx, user.guid),
      idtyp: 'user',
      scp: scopes.join(' '),
      upn: user.userPrincipalName,
      preferred_username: user.userPrincipalName,
    };
    return { actor: { guid: user.guid, name: user.userPrincipalName }, token: await signed(claims, keys) };
  });
}

/**
 * The application permissions a service principal's enabled Regular assignments grant, sorted:
 * what the roles claim carries. EWS-capable apps also get full_access_as_app, as in Exchange Online.
 */
export function applicationRolesOf(runtime: Runtime, servicePrincipalGuid: string): string[] {
  const granted = new Set<string>();
  for (const { assignment, role } of runtime.state.authorizer.effectiveAssignments(servicePrincipalGuid)) {
    if (!assignment.enabled || assignment.delegationType !== 'Regular') continue;
    for (const entry of role.entries) if (entry.type === 'ApplicationPermission') granted.add(entry.name);
  }
  if (granted.has('EWS.AccessAsApp') || granted.has(impersonationEntry)) granted.add(fullAccessAsApp);
  return [...granted].sort();
}

function servicePrincipalByAppId(runtime: Runtime, clientId: string): Recipient | undefined {
  const appId = clientId.trim().toLowerCase();
  return runtime.state.model.lookup(appId).find((r) => r.typeDetails === 'ServicePrincipal' && r.appId?.toLowerCase() === appId);
}

async function checkClientSecret(runtime: Runtime, sp: Recipient, secret: string): Promise<void> {
  const matching = (await runtime.store.listClientSecrets(sp.guid)).filter((s) => secretsEqual(secret, s.secretHash));
  if (matching.length === 0) {
    throw refusal('AuthenticationFailed', 'InvalidClientSecret', `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${sp.appId}'.`);
  }
  const now = runtime.now().getTime();
  if (!matching.some((s) => Date.parse(s.expiresAt) > now)) {
    throw refusal('AuthenticationFailed', 'ExpiredClientSecret', `The provided client secret keys for app '${sp.appId}' are expired. Issue a new one with New-ServicePrincipalCredential.`);
  }
}

// One Authenticator per runtime, so repeated password grants share its cache of verified credentials.
const authenticators = new WeakMap<Runtime, Authenticator>();

function authenticatorFor(runtime: Runtime): Authenticator {
  let authenticator = authenticators.get(runtime);
  if (!authenticator) authenticators.set(runtime, (authenticator = new Authenticator(runtime)));
  return authenticator;
}

function commonClaims(runtime: Runtime, keys: IssuerKeys, ctx: TokenContext, oid: string): CommonClaims {
  const now = Math.floor(runtime.now().getTime() / 1000);
  return {
    iss: `${ctx.baseUrl}/${keys.tenantId}/v2.0`,
    aud: exchangeResource,
    tid: keys.tenantId,
    oid,
    sub: oid,
    iat: now,
    nbf: now,
    exp: now + tokenLifetimeSeconds,
    ver: '2.0',
  };
}

async function signed<C extends CommonClaims>(claims: C, keys: IssuerKeys): Promise<IssuedToken<C>> {
  const accessToken = await new SignJWT({ ...claims }).setProtectedHeader({ alg: signingAlgorithm, typ: 'JWT', kid: keys.kid }).sign(keys.privateKey);
  return { accessToken, expiresIn: expiresInSeconds, claims };
}

function contextWithDefaults(runtime: Runtime, context: Partial<TokenContext>): TokenContext {
  return {
    // Only the HTTP edge knows the address it was reached at; other callers name the organization.
    baseUrl: (context.baseUrl ?? `https://${runtime.organization.defaultDomain}`).replace(/\/+$/, ''),
    clientAddress: context.clientAddress ?? null,
    requestId: context.requestId ?? null,
  };
}

// --- scopes -----------------------------------------------------------------

/** `.default` (everything granted to the resource) or a list of named scopes. */
export type RequestedScope = { kind: 'default'; resource: string } | { kind: 'named'; scopes: string[] };

/** RFC 6749 §3.3 scope-token characters. */
const scopeTokenPattern = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const maxScopeLength = 2048;
const maxScopeCount = 50;

/** Parses the `scope` parameter; absent or blank means Exchange's `.default`. */
export function parseScope(raw: string | undefined): RequestedScope {
  const invalid = (why: string) => refusal('InvalidArgument', 'InvalidScope', `The provided value for the input parameter 'scope' is not valid. ${why}`);
  if (raw === undefined || raw.trim() === '') return { kind: 'default', resource: exchangeResource };
  if (raw.length > maxScopeLength) throw invalid(`It is longer than ${maxScopeLength} characters.`);
  const tokens = raw.split(' ').filter(Boolean);
  if (tokens.length > maxScopeCount) throw invalid(`It names more than ${maxScopeCount} scopes.`);
  const bad = tokens.find((t) => !scopeTokenPattern.test(t));
  if (bad !== undefined) throw invalid(`Scopes are separated by single spaces and contain no control characters, quotes or backslashes.`);
  const resourceScopes = tokens.filter((t) => !openIdScopes.has(t));
  const defaults = resourceScopes.filter((t) => t === '.default' || t.endsWith('/.default'));
  if (defaults.length > 0) {
    if (resourceScopes.length > 1) throw invalid(`The scope '${quoted(defaults[0])}' can't be combined with other resource scopes.`);
    const resource = defaults[0].slice(0, -'/.default'.length);
    if (!resource) throw invalid(`The '.default' scope must name its resource, e.g. '${exchangeResource}/.default'.`);
    return { kind: 'default', resource };
  }
  // A scope may carry its resource (https://outlook.office365.com/EWS.AccessAsUser.All); scp holds the name alone.
  const names = resourceScopes.map((t) => t.slice(t.lastIndexOf('/') + 1));
  if (names.some((n) => n === '')) throw invalid('A scope ends with a slash and names no permission.');
  return { kind: 'named', scopes: [...new Set(names)] };
}

function delegatedScopes(requested: RequestedScope): string[] {
  if (requested.kind === 'default' || requested.scopes.length === 0) return [...defaultUserScopes];
  return requested.scopes;
}

// --- verifying ---------------------------------------------------------------

/**
 * The principal a bearer token (the JWT alone, without "Bearer ") stands for. Checks the signature
 * with our current key, the audience, expiry and not-before (60 s tolerance), the tenant, and that
 * the app or user still exists (and the user is not disabled). Any failure: AuthenticationFailed.
 */
export async function verifyBearer(runtime: Runtime, token: string): Promise<Principal> {
  const keys = await issuerKeys(runtime);
  const claims = await verifiedClaims(runtime, keys, token);
  await runtime.state.sync();
  return claims.idtyp === 'app' ? appPrincipal(runtime, claims) : userPrincipal(runtime, claims);
}

function rejected(reason: BearerRefusal, message: string): DeputyError {
  return new DeputyError('AuthenticationFailed', message, { reason });
}

type VerifiedClaims = { idtyp: 'app'; oid: string; appid: string; roles: string[] } | { idtyp: 'user'; oid: string; scp: string };

async function verifiedClaims(runtime: Runtime, keys: IssuerKeys, token: string): Promise<VerifiedClaims> {
  let header: { alg?: string; kid?: string };
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw rejected('Malformed', 'The bearer token is malformed: it is not a signed JWT.');
  }
  if (header.alg !== signingAlgorithm) throw rejected('UnsupportedAlgorithm', `The bearer token is not signed with ${signingAlgorithm}.`);
  if (header.kid !== keys.kid) throw rejected('UnknownKey', 'The bearer token was signed with a key this server does not hold.');
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keys.publicKey, {
      algorithms: [signingAlgorithm],
      audience: [...acceptedAudiences],
      clockTolerance: clockToleranceSeconds,
      currentDate: runtime.now(),
      requiredClaims: ['iss', 'aud', 'exp', 'nbf', 'tid', 'oid', 'idtyp'],
    }));
  } catch (error) {
    throw joseRefusal(error);
  }
  checkIssuer(payload, keys);
  return claimsOf(payload);
}

function joseRefusal(error: unknown): DeputyError {
  if (error instanceof joseErrors.JWTExpired) return rejected('Expired', 'The bearer token has expired.');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return rejected('BadSignature', 'The bearer token signature is invalid.');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return rejected('WrongAudience', `The bearer token is not meant for this server: its audience must be ${acceptedAudiences.join(' or ')}.`);
    if (error.claim === 'nbf') return rejected('NotYetValid', 'The bearer token is not valid yet.');
    if (error.reason === 'missing') return rejected('InvalidClaims', `The bearer token lacks the '${error.claim}' claim.`);
    return rejected('InvalidClaims', `The bearer token's '${error.claim}' claim is invalid.`);
  }
  return rejected('Malformed', 'The bearer token is malformed.');
}

/**
 * The issuer is `<base>/<tid>/v2.0`, where <base> is whatever address the client reached us at
 * when the token was issued (localhost, a LAN name, a proxy; Deputy has no configured public URL).
 * So only the path suffix and the tenant are compared, never the host: trusting the Host header
 * of the verifying request would add nothing, and the signature already proves we issued it.
 */
function checkIssuer(payload: JWTPayload, keys: IssuerKeys): void {
  const suffix = `/${keys.tenantId}/v2.0`;
  if (payload.tid !== keys.tenantId || typeof payload.iss !== 'string' || !payload.iss.endsWith(suffix)) {
    throw rejected('WrongIssuer', 'The bearer token was issued for another tenant or by another issuer.');
  }
}

function claimsOf(payload: JWTPayload): VerifiedClaims {
  const invalid = () => rejected('InvalidClaims', 'The bearer token is neither a valid application token nor a valid user token.');
  if (typeof payload.oid !== 'string') throw invalid();
  if (payload.idtyp === 'app') {
    const { appid, roles } = payload;
    if (typeof appid !== 'string' || !Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw invalid();
    return { idtyp: 'app', oid: payload.oid, appid, roles: roles as string[] };
  }
  if (payload.idtyp === 'user' && typeof payload.scp === 'string') return { idtyp: 'user', oid: payload.oid, scp: payload.scp };
  throw invalid();
}

function appPrincipal(runtime: Runtime, claims: Extract<VerifiedClaims, { idtyp: 'app' }>): Principal {
  const sp = runtime.state.model.get(claims.oid);
  if (!sp || sp.typeDetails !== 'ServicePrincipal' || sp.appId?.toLowerCase() !== claims.appid.toLowerCase()) {
    throw rejected('PrincipalGone', 'The application this bearer token was issued to no longer exists.');
  }
  return { kind: 'app', guid: sp.guid, appId: sp.appId, name: sp.displayName, authMethod: 'Bearer', roles: claims.roles };
}

function userPrincipal(runtime: Runtime, claims: Extract<VerifiedClaims, { idtyp: 'user' }>): Principal {
  const user = runtime.state.model.get(claims.oid);
  if (!user || kindOf[user.typeDetails] !== 'User') throw rejected('PrincipalGone', 'The user this bearer token was issued to no longer exists.');
  if (user.accountDisabled) throw rejected('AccountDisabled', 'The account this bearer token was issued to is disabled.');
  return { kind: 'user', guid: user.guid, name: user.userPrincipalName, authMethod: 'Bearer', scopes: claims.scp.split(' ').filter(Boolean) };
}

// --- refusals and audit --------------------------------------------------------

function refusal(code: ErrorCode, reason: TokenRefusal, message: string): DeputyError {
  return new DeputyError(code, message, { reason });
}

function missingParameter(name: string): DeputyError {
  return refusal('MissingArgument', 'MissingParameter', `The request body must contain the following parameter: '${name}'.`);
}

/** Client-supplied text echoed in a message: bounded, printable. */
export function quoted(text: string, max = 100): string {
  const printable = text.replace(/[^\x20-\x7E]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

/** What an audit event records of a token request: never the secret or password. */
export interface AttemptSummary {
  grantType: string | undefined;
  clientId: string | undefined;
  scope: string | undefined;
  /** Password grant: used only to name a known user as the actor, never recorded as typed. */
  username?: string;
}

interface Actor {
  guid: string;
  name: string;
}

async function audited<C>(runtime: Runtime, attempt: AttemptSummary, ctx: TokenContext, issue: () => Promise<{ actor: Actor; token: IssuedToken<C> }>): Promise<IssuedToken<C>> {
  let issued: { actor: Actor; token: IssuedToken<C> };
  try {
    issued = await issue();
  } catch (error) {
    // Internal failures (the store down) are the edge's to log; recording them would likely fail too.
    if (isDeputyError(error)) await recordTokenAttempt(runtime, attempt, ctx, error);
    throw error;
  }
  // The token leaves only after its audit record has committed.
  await recordTokenAttempt(runtime, attempt, ctx, null, issued.actor);
  return issued.token;
}

/**
 * Records a token request as an Admin audit event (operation OAuth-Token, protocol OAuth). The OAuth
 * edge calls it for requests refused before they reach issueAppToken/issueUserToken.
 */
export async function recordTokenAttempt(runtime: Runtime, attempt: AttemptSummary, context: Partial<TokenContext>, error: DeputyError | null, knownActor?: Actor): Promise<void> {
  const actor = knownActor ?? actorOf(runtime, attempt);
  const parameters: Record<string, unknown> = { grant_type: attempt.grantType ?? null, client_id: attempt.clientId === undefined ? null : quoted(attempt.clientId) };
  if (attempt.scope !== undefined) parameters.scope = quoted(attempt.scope, 512);
  const event: AuditEventInput = {
    time: runtime.now().toISOString(),
    kind: 'Admin',
    actorGuid: actor.guid,
    actor: actor.name,
    actedForGuid: null,
    actedFor: null,
    logonType: attempt.grantType === 'password' ? 'Owner' : 'App',
    protocol: 'OAuth',
    operation: 'OAuth-Token',
    parameters,
    result: error ? 'Failed' : 'Succeeded',
    error: error?.message ?? null,
    clientAddress: context.clientAddress ?? null,
    requestId: context.requestId ?? null,
  };
  await runtime.store.transaction((tx) => tx.appendAudit(event));
}

/**
 * Who a refused request claimed to be, when that names a known app or user. An unknown user name
 * is not recorded: people type passwords into the user name field.
 */
function actorOf(runtime: Runtime, attempt: AttemptSummary): Actor {
  if (attempt.grantType === 'password') {
    const login = attempt.username?.trim().toLowerCase() ?? '';
    const users = login
      ? runtime.state.model.lookup(login).filter((r) => kindOf[r.typeDetails] === 'User' && (r.userPrincipalName.toLowerCase() === login || r.primarySmtpAddress.toLowerCase() === login))
      : [];
    return users.length === 1 ? { guid: users[0].guid, name: users[0].userPrincipalName } : { guid: nobody, name: 'Unknown user' };
  }
  const sp = attempt.clientId ? servicePrincipalByAppId(runtime, attempt.clientId) : undefined;
  if (sp) return { guid: sp.guid, name: sp.displayName };
  return { guid: nobody, name: attempt.clientId?.trim() ? `Unknown application '${quoted(attempt.clientId.trim())}'` : 'Unknown application' };
}
