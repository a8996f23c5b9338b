// The OAuth endpoints over a real socket: token grants, JWKS checked with jose's remote key set, discovery, Entra error shapes, audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startServer, type RunningServer } from '../../src/server/server.ts';

const password = 'Passw0rd!oauth';
type Json = Record<string, unknown>;

describe('OAuth endpoints (token, JWKS, OpenID configuration)', () => {
  let server: RunningServer;
  let dir: string;
  let appId: string;
  let secret: string;
  let tenantId: string;

  const admin = async (name: string, parameters: Json = {}) => {
    const response = await fetch(`${server.url}/adminapi/v1.0/InvokeCommand`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`admin@contoso.com:${password}`).toString('base64')}` },
      body: JSON.stringify({ CmdletInput: { CmdletName: name, Parameters: parameters } }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { value: Json[] }).value;
  };
  const postToken = (form: Record<string, string>, options: { tenant?: string; headers?: Record<string, string> } = {}) =>
    fetch(`${server.url}/${options.tenant ?? 'contoso.com'}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
      body: new URLSearchParams(form).toString(),
    });
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${encodeURIComponent(user)}:${encodeURIComponent(pass)}`).toString('base64')}`;
  const clientCredentials = () => ({ grant_type: 'client_credentials', client_id: appId, client_secret: secret, scope: 'https://outlook.office365.com/.default' });

  /** Asserts an Entra-shaped OAuth error and returns its body. */
  const assertOAuthError = async (response: Response, status: number, error: string, code: number) => {
    assert.equal(response.status, status);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as Json;
    assert.deepEqual(Object.keys(body).sort(), ['correlation_id', 'error', 'error_codes', 'error_description', 'timestamp', 'trace_id']);
    assert.equal(body.error, error);
    assert.deepEqual(body.error_codes, [code]);
    assert.match(String(body.error_description), new RegExp(`^AADSTS${code}: `));
    assert.match(String(body.timestamp), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.match(String(body.trace_id), /^[0-9a-f-]{36}$/);
    return body;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-oauth-'));
    server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
    const [sp] = await admin('New-ServicePrincipal', { DisplayName: 'Mail sync' });
    appId = String(sp.AppId);
    await admin('New-ManagementRoleAssignment', { Role: 'Application EWS.AccessAsApp', App: appId });
    secret = String((await admin('New-ServicePrincipalCredential', { Identity: appId }))[0].SecretText);
    const configuration = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Json;
    tenantId = String(configuration.tenant_id);
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('issues an app token for client_secret_post that verifies against the served JWKS', async () => {
    const response = await postToken(clientCredentials());
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.equal(response.headers.get('pragma'), 'no-cache');
    const body = (await response.json()) as Json;
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 3599);
    assert.equal(body.ext_expires_in, 3599);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/${tenantId}/discovery/v2.0/keys`));
    const { payload, protectedHeader } = await jwtVerify(String(body.access_token), jwks, {
      issuer: `${server.url}/${tenantId}/v2.0`,
      audience: 'https://outlook.office365.com',
      algorithms: ['RS256'],
    });
    assert.equal(protectedHeader.typ, 'JWT');
    assert.equal(payload.appid, appId);
    assert.equal(payload.idtyp, 'app');
    assert.deepEqual(payload.roles, ['EWS.AccessAsApp', 'full_access_as_app']);
  });

  it('accepts client_secret_basic, with the tenant as id, domain, common or organizations', async () => {
    for (const tenant of [tenantId, 'contoso.com', 'CONTOSO.COM', 'common', 'organizations']) {
      const response = await postToken({ grant_type: 'client_credentials', scope: 'https://outlook.office365.com/.default' }, { tenant, headers: { authorization: basic(appId, secret) } });
      assert.equal(response.status, 200, `${tenant}: ${await response.clone().text()}`);
      assert.equal(decodeJwt(String(((await response.json()) as Json).access_token)).appid, appId);
    }
  });

  it('issues a user token for the password grant, with a charset on the content type', async () => {
    const response = await postToken(
      { grant_type: 'password', username: 'alice@contoso.com', password, scope: 'EWS.AccessAsUser.All openid offline_access', client_id: '14d82eec-204b-4c2f-b7e8-296a70dab67e' },
      { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' } },
    );
    assert.equal(response.status, 200);
    const claims = decodeJwt(String(((await response.json()) as Json).access_token));
    assert.equal(claims.idtyp, 'user');
    assert.equal(claims.upn, 'alice@contoso.com');
    assert.equal(claims.scp, 'EWS.AccessAsUser.All');
  });

  it('serves OpenID configuration at both paths, naming its own token endpoint and JWKS', async () => {
    for (const url of [`${server.url}/.well-known/openid-configuration`, `${server.url}/contoso.com/v2.0/.well-known/openid-configuration`]) {
      const response = await fetch(url);
      assert.equal(response.status, 200);
      const configuration = (await response.json()) as Json;
      assert.equal(configuration.issuer, `${server.url}/${tenantId}/v2.0`);
      assert.equal(configuration.token_endpoint, `${server.url}/${tenantId}/oauth2/v2.0/token`);
      assert.equal(configuration.jwks_uri, `${server.url}/${tenantId}/discovery/v2.0/keys`);
      assert.deepEqual(configuration.grant_types_supported, ['client_credentials', 'password']);
      assert.deepEqual(configuration.id_token_signing_alg_values_supported, ['RS256']);
      assert.ok(Array.isArray(configuration.response_types_supported));
      assert.ok(Array.isArray(configuration.subject_types_supported));
    }
    // Following the document leads to a working token endpoint.
    const configuration = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Json;
    const response = await fetch(String(configuration.token_endpoint), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(clientCredentials()) });
    assert.equal(response.status, 200);
  });

  it('serves only the public half of the signing key in the JWKS', async () => {
    const response = await fetch(`${server.url}/common/discovery/v2.0/keys`);
    assert.equal(response.status, 200);
    const { keys } = (await response.json()) as { keys: Json[] };
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0]).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
  });

  it('answers client authentication failures with 401 invalid_client, and a Basic challenge when Basic was used', async () => {
    const wrongSecret = await assertOAuthError(await postToken({ ...clientCredentials(), client_secret: 'not-the-secret' }), 401, 'invalid_client', 7000215);
    assert.match(String(wrongSecret.error_description), /Invalid client secret provided/);
    const viaBasic = await postToken({ grant_type: 'client_credentials' }, { headers: { authorization: basic(appId, 'not-the-secret') } });
    assert.match(viaBasic.headers.get('www-authenticate') ?? '', /^Basic realm="Deputy"/);
    await assertOAuthError(viaBasic, 401, 'invalid_client', 7000215);
    await assertOAuthError(await postToken({ ...clientCredentials(), client_id: '11111111-2222-3333-4444-555555555555' }), 401, 'invalid_client', 700016);
    await assertOAuthError(await postToken({ grant_type: 'client_credentials', client_id: appId }), 401, 'invalid_client', 7000218);
  });

  it('answers request errors with 400 and the matching RFC 6749 error code', async () => {
    await assertOAuthError(await postToken({ client_id: appId, client_secret: secret }), 400, 'invalid_request', 900144);
    await assertOAuthError(await postToken({ ...clientCredentials(), grant_type: 'authorization_code' }), 400, 'unsupported_grant_type', 70003);
    await assertOAuthError(await postToken({ ...clientCredentials(), scope: 'https://outlook.office365.com/.default Mail.Read' }), 400, 'invalid_scope', 70011);
    await assertOAuthError(await postToken({ grant_type: 'password', username: 'alice@contoso.com', password: 'wrong' }), 400, 'invalid_grant', 50126);
    await assertOAuthError(await postToken(clientCredentials(), { tenant: 'fabrikam.com' }), 400, 'invalid_request', 90002);
    const duplicated = await fetch(`${server.url}/common/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `${new URLSearchParams(clientCredentials())}&client_id=${appId}`,
    });
    await assertOAuthError(duplicated, 400, 'invalid_request', 9000411);
    const both = await postToken(clientCredentials(), { headers: { authorization: basic(appId, secret) } });
    assert.match(String((await assertOAuthError(both, 400, 'invalid_request', 90023)).error_description), /use one method/);
    const json = await fetch(`${server.url}/common/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(clientCredentials()) });
    assert.match(String((await assertOAuthError(json, 400, 'invalid_request', 90023)).error_description), /application\/x-www-form-urlencoded/);
    const xml = await fetch(`${server.url}/common/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: '<token/>' });
    await assertOAuthError(xml, 400, 'invalid_request', 90023);
    const tooLarge = await postToken({ ...clientCredentials(), scope: 'x'.repeat(20_000) });
    await assertOAuthError(tooLarge, 413, 'invalid_request', 90023);
  });

  it('echoes a client-request-id GUID as the correlation id', async () => {
    const clientRequestId = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const body = await assertOAuthError(await postToken({ ...clientCredentials(), client_secret: 'x' }, { headers: { 'client-request-id': clientRequestId } }), 401, 'invalid_client', 7000215);
    assert.equal(body.correlation_id, clientRequestId);
  });

  it('audits token requests in Search-AdminAuditLog without ever showing the secret or password', async () => {
    await postToken(clientCredentials());
    await postToken({ grant_type: 'password', username: 'bob@contoso.com', password: 'Typo-password-1' });
    const rows = await admin('Search-AdminAuditLog', { Cmdlets: ['OAuth-Token'], ResultSize: 'Unlimited' });
    const issued = rows.find((r) => r.Caller === 'Mail sync' && r.Succeeded === true);
    assert.ok(issued, 'an issued app token is audited');
    assert.equal(issued.Protocol, 'OAuth');
    assert.equal(issued.ClientAddress, '127.0.0.1');
    assert.deepEqual(issued.CmdletParameters, { grant_type: 'client_credentials', client_id: appId, scope: 'https://outlook.office365.com/.default' });
    const refused = rows.find((r) => r.Caller === 'bob@contoso.com');
    assert.equal(refused?.Result, 'Failed');
    const everything = JSON.stringify(await admin('Search-AdminAuditLog', { ResultSize: 'Unlimited' }));
    for (const hidden of [secret, 'not-the-secret', 'Typo-password-1', password]) assert.equal(everything.includes(hidden), false, 'a secret reached the audit log');
  });
});
