// The OAuth 2.0 edge, shaped like Microsoft Entra so existing clients work: the token endpoint
// (client credentials and password grants, form-encoded, client_secret_post or _basic), the JWKS
// and the OpenID configuration; errors as RFC 6749 JSON with Entra's AADSTS codes.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DeputyError, isDeputyError } from '../../core/errors.ts';
import type { Runtime } from '../../services/context.ts';
import { issuerKeys } from '../../services/oauth/keys.ts';
import {
  exchangeResource,
  defaultUserScopes,
  issueAppToken,
  issueUserToken,
  quoted,
  recordTokenAttempt,
  type AttemptSummary,
  type TokenContext,
  type TokenRefusal,
} from '../../services/oauth/tokens.ts';
import { parseBasicAuthorization } from '../http/basic-auth.ts';

const formContentType = 'application/x-www-form-urlencoded';
/** Token requests are a handful of short parameters; anything bigger is not one. */
export const maxTokenRequestBytes = 16 * 1024;
const grantTypes = ['client_credentials', 'password'];
const basicScheme = /^basic\s/i;
/** Tenant names Entra accepts besides a tenant id or domain; there is one organization here. */
const anyTenant = new Set(['common', 'organizations']);

/** Refusals decided here, before a request reaches the token service. */
type RequestRefusal = 'MalformedRequest' | 'DuplicateParameter' | 'ConflictingClientAuthentication' | 'InvalidClientAuthorization' | 'MissingGrantType' | 'UnsupportedGrantType' | 'UnknownTenant';

interface OAuthErrorShape {
  error: string;
  status: number;
  /** Entra's AADSTS number for the same failure. */
  code: number;
}

const errorShapes: Record<TokenRefusal | RequestRefusal, OAuthErrorShape> = {
  MissingParameter: { error: 'invalid_request', status: 400, code: 900144 },
  MissingGrantType: { error: 'invalid_request', status: 400, code: 900144 },
  MalformedRequest: { error: 'invalid_request', status: 400, code: 90023 },
  ConflictingClientAuthentication: { error: 'invalid_request', status: 400, code: 90023 },
  DuplicateParameter: { error: 'invalid_request', status: 400, code: 9000411 },
  UnknownTenant: { error: 'invalid_request', status: 400, code: 90002 },
  UnsupportedGrantType: { error: 'unsupported_grant_type', status: 400, code: 70003 },
  InvalidScope: { error: 'invalid_scope', status: 400, code: 70011 },
  InvalidUserCredentials: { error: 'invalid_grant', status: 400, code: 50126 },
  MissingClientSecret: { error: 'invalid_client', status: 401, code: 7000218 },
  InvalidClientAuthorization: { error: 'invalid_client', status: 401, code: 7000218 },
  UnknownClient: { error: 'invalid_client', status: 401, code: 700016 },
  InvalidClientSecret: { error: 'invalid_client', status: 401, code: 7000215 },
  ExpiredClientSecret: { error: 'invalid_client', status: 401, code: 7000222 },
};
const serverError: OAuthErrorShape = { error: 'server_error', status: 500, code: 50000 };

export function registerOAuth(app: FastifyInstance, runtime: Runtime): void {
  // An encapsulated plugin: the form parser and the OAuth error shape apply to these routes only.
  app.register(async (scope) => {
    if (scope.hasContentTypeParser(formContentType)) scope.removeContentTypeParser(formContentType);
    scope.addContentTypeParser(formContentType, { parseAs: 'string', bodyLimit: maxTokenRequestBytes }, (_request, body, done) => {
      done(null, new URLSearchParams(body as string));
    });
    scope.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
      // Raised by fastify before a handler ran: body too large, a content type with no parser.
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const clientError = error.statusCode !== undefined && error.statusCode < 500;
      if (!clientError) request.log.error({ err: error, requestId: request.id }, 'OAuth request failed');
      const refused = clientError
        ? requestRefusal('MalformedRequest', tooLarge ? `The request body is larger than ${maxTokenRequestBytes} bytes.` : `The request body must be ${formContentType}.`)
        : internalError(request);
      if (request.method === 'POST') {
        await recordTokenAttempt(runtime, { grantType: undefined, clientId: undefined, scope: undefined }, contextOf(request), refused).catch((auditError: unknown) => {
          request.log.error({ err: auditError, requestId: request.id }, 'could not audit a refused token request');
        });
      }
      return sendError(request, reply, refused, { status: tooLarge ? 413 : undefined });
    });

    scope.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/token', async (request, reply) => {
      const context = contextOf(request);
      const parsed = await readTokenRequest(runtime, request);
      if (parsed instanceof DeputyError) {
        await recordTokenAttempt(runtime, parsedSummary(request), context, parsed);
        return sendError(request, reply, parsed, { basicChallenge: hasBasicAuthorization(request) });
      }
      try {
        const issued =
          parsed.grantType === 'client_credentials'
            ? await issueAppToken(runtime, { clientId: parsed.clientId ?? '', clientSecret: parsed.clientSecret ?? '', scope: parsed.scope }, context)
            : await issueUserToken(runtime, { username: parsed.form.get('username') ?? '', password: parsed.form.get('password') ?? '', scope: parsed.scope, clientId: parsed.clientId }, context);
        return noStore(reply).send({ token_type: 'Bearer', expires_in: issued.expiresIn, ext_expires_in: issued.expiresIn, access_token: issued.accessToken });
      } catch (error) {
        if (isRefusal(error)) return sendError(request, reply, error, { basicChallenge: parsed.basic });
        request.log.error({ err: error, requestId: request.id }, 'token request failed');
        return sendError(request, reply, internalError(request));
      }
    });

    scope.get<{ Params: { tenant: string } }>('/:tenant/discovery/v2.0/keys', async (request, reply) => {
      const refused = await checkTenant(runtime, request.params.tenant);
      if (refused) return sendError(request, reply, refused);
      const keys = await issuerKeys(runtime);
      return reply.header('cache-control', 'public, max-age=3600').send({ keys: [keys.publicJwk] });
    });

    const openIdConfiguration = async (request: FastifyRequest<{ Params: { tenant?: string } }>, reply: FastifyReply) => {
      const refused = request.params.tenant === undefined ? undefined : await checkTenant(runtime, request.params.tenant);
      if (refused) return sendError(request, reply, refused);
      const { tenantId } = await issuerKeys(runtime);
      const base = `${baseUrlOf(request)}/${tenantId}`;
      return reply.send({
        issuer: `${base}/v2.0`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        grant_types_supported: grantTypes,
        // Required by RFC 8414 and OpenID discovery. There is no authorization endpoint; tokens come
        // only from the token endpoint.
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: [`${exchangeResource}/.default`, ...defaultUserScopes],
        claims_supported: ['iss', 'aud', 'tid', 'oid', 'sub', 'iat', 'nbf', 'exp', 'idtyp', 'appid', 'azp', 'roles', 'scp', 'upn', 'preferred_username'],
        tenant_id: tenantId,
      });
    };
    scope.get('/:tenant/v2.0/.well-known/openid-configuration', openIdConfiguration);
    scope.get('/.well-known/openid-configuration', openIdConfiguration);
  });
}

interface TokenRequest {
  grantType: 'client_credentials' | 'password';
  form: URLSearchParams;
  clientId?: string;
  clientSecret?: string;
  scope?: string;
  /** The client authenticated with HTTP Basic (client_secret_basic). */
  basic: boolean;
}

async function readTokenRequest(runtime: Runtime, request: FastifyRequest<{ Params: { tenant: string } }>): Promise<TokenRequest | DeputyError> {
  const form = request.body;
  if (!(form instanceof URLSearchParams)) return requestRefusal('MalformedRequest', `The request body must be ${formContentType}.`);
  // RFC 6749 §3.2: parameters must not be repeated (which value would count?).
  const duplicated = [...new Set(form.keys())].find((name) => form.getAll(name).length > 1);
  if (duplicated !== undefined) return requestRefusal('DuplicateParameter', `The request is not properly formatted. The parameter '${quoted(duplicated)}' is duplicated.`);
  const tenantRefused = await checkTenant(runtime, request.params.tenant);
  if (tenantRefused) return tenantRefused;
  const client = clientCredentials(request.headers.authorization, form);
  if (client instanceof DeputyError) return client;
  const grantType = form.get('grant_type') ?? '';
  if (!grantType) return requestRefusal('MissingGrantType', "The request body must contain the following parameter: 'grant_type'.");
  if (grantType !== 'client_credentials' && grantType !== 'password') {
    return requestRefusal('UnsupportedGrantType', `The grant type '${quoted(grantType)}' is not supported. Use ${grantTypes.join(' or ')}.`);
  }
  return { grantType, form, ...client, scope: form.get('scope') ?? undefined };
}

/** client_secret_basic or client_secret_post, never both (RFC 6749 §2.3). */
function clientCredentials(authorization: string | undefined, form: URLSearchParams): { clientId?: string; clientSecret?: string; basic: boolean } | DeputyError {
  const postedId = form.get('client_id') ?? undefined;
  const postedSecret = form.get('client_secret') ?? undefined;
  if (!basicScheme.test(authorization ?? '')) return { clientId: postedId, clientSecret: postedSecret, basic: false };
  const basic = parseBasicAuthorization(authorization);
  const clientId = basic && formDecoded(basic.user);
  const clientSecret = basic && formDecoded(basic.password);
  if (!clientId || clientSecret === undefined) return requestRefusal('InvalidClientAuthorization', 'The Authorization header does not hold Basic credentials of the form client_id:client_secret.');
  if (postedSecret !== undefined) return requestRefusal('ConflictingClientAuthentication', 'The client authenticated both with the Authorization header and with client_secret in the body; use one method.');
  if (postedId !== undefined && postedId !== clientId) return requestRefusal('ConflictingClientAuthentication', 'The client_id in the body differs from the one in the Authorization header.');
  return { clientId, clientSecret, basic: true };
}

/** RFC 6749 §2.3.1: Basic credentials are form-encoded before base64; clients that skip that still decode alike. */
function formDecoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

async function checkTenant(runtime: Runtime, tenant: string): Promise<DeputyError | undefined> {
  // Accepted domains can change on another node.
  await runtime.state.sync();
  const name = tenant.toLowerCase();
  if (anyTenant.has(name) || name === runtime.organization.defaultDomain.toLowerCase() || runtime.state.acceptedDomains.includes(name)) return undefined;
  if (name === (await issuerKeys(runtime)).tenantId) return undefined;
  return requestRefusal('UnknownTenant', `Tenant '${quoted(tenant)}' not found. Use the tenant id, ${runtime.organization.defaultDomain}, common or organizations.`);
}

function requestRefusal(reason: RequestRefusal, message: string): DeputyError {
  return new DeputyError(reason === 'InvalidClientAuthorization' ? 'AuthenticationFailed' : 'InvalidArgument', message, { reason });
}

function internalError(request: FastifyRequest): DeputyError {
  return new DeputyError('Internal', `An internal error occurred. Request id: ${request.id}.`);
}

/** A refusal the token service or this edge decided, as opposed to something that broke. */
function isRefusal(error: unknown): error is DeputyError {
  return isDeputyError(error) && typeof error.details.reason === 'string' && Object.hasOwn(errorShapes, error.details.reason);
}

/** What the audit records of a request refused here: never client_secret or password. */
function parsedSummary(request: FastifyRequest): AttemptSummary {
  const form = request.body instanceof URLSearchParams ? request.body : undefined;
  const basic = parseBasicAuthorization(request.headers.authorization);
  return {
    grantType: form?.get('grant_type') ?? undefined,
    clientId: form?.get('client_id') ?? (basic ? formDecoded(basic.user) : undefined),
    scope: form?.get('scope') ?? undefined,
    username: form?.get('username') ?? undefined,
  };
}

function hasBasicAuthorization(request: FastifyRequest): boolean {
  return basicScheme.test(request.headers.authorization ?? '');
}

function contextOf(request: FastifyRequest): TokenContext {
  return { baseUrl: baseUrlOf(request), clientAddress: request.ip, requestId: request.id };
}

const hostPattern = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The address the client reached us at, for `iss` and the discovery documents. A Host header that
 * is not a plain host[:port] falls back to localhost rather than being echoed into documents.
 */
function baseUrlOf(request: FastifyRequest): string {
  const host = request.headers.host;
  return `${request.protocol}://${host && hostPattern.test(host) ? host : 'localhost'}`;
}

function noStore(reply: FastifyReply): FastifyReply {
  // RFC 6749 §5.1: token responses (and their errors) must not be cached.
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sendError(request: FastifyRequest, reply: FastifyReply, error: DeputyError, options: { basicChallenge?: boolean; status?: number } = {}) {
  const shape = isRefusal(error) ? errorShapes[error.details.reason as TokenRefusal | RequestRefusal] : serverError;
  const status = options.status ?? shape.status;
  // Entra echoes the client's client-request-id as the correlation id.
  const clientRequestId = request.headers['client-request-id'];
  const correlationId = typeof clientRequestId === 'string' && guidPattern.test(clientRequestId) ? clientRequestId : randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  // RFC 6749 §5.2: a client that tried HTTP Basic gets a 401 with a matching challenge.
  if (status === 401 && options.basicChallenge) reply.header('www-authenticate', 'Basic realm="Deputy", charset="UTF-8"');
  return noStore(reply)
    .code(status)
    .send({
      error: shape.error,
      error_description: `AADSTS${shape.code}: ${error.message}\r\nTrace ID: ${request.id}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [shape.code],
      timestamp,
      trace_id: request.id,
      correlation_id: correlationId,
    });
}
