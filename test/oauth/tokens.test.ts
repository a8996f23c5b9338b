// Token issuing and verification on every dialect: Entra claims, RBAC-derived roles, each refusal, one key per store, audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, decodeJwt, generateKeyPair } from 'jose';
import { storeTargets } from '../helpers/stores.ts';
import { demoPassword, openDemo, type DemoOrganization } from '../helpers/deputy.ts';
import { DeputyError } from '../../src/core/errors.ts';
import { hashSecret } from '../../src/services/credentials.ts';
import { openRuntime } from '../../src/services/organization.ts';
import { bootstrap } from '../../src/server/bootstrap.ts';
import type { Runtime } from '../../src/services/context.ts';
import { issuerKeys, signingKeyMetaKey, tenantIdMetaKey } from '../../src/services/oauth/keys.ts';
import { issueAppToken, issueUserToken, parseScope, verifyBearer } from '../../src/services/oauth/tokens.ts';

type Row = Record<string, unknown>;
const hour = 3600_000;
const baseUrl = 'http://deputy.test:8080';

/** Asserts an AuthenticationFailed (or other code) whose details name `reason` and whose message matches. */
async function refused(promise: Promise<unknown>, reason: string, message: RegExp, code = 'AuthenticationFailed'): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof DeputyError, `expected a DeputyError, got ${e}`);
    assert.equal(e.code, code, e.message);
    assert.equal(e.details.reason, reason, e.message);
    assert.match(e.message, message);
    return true;
  });
}

/** The same runtime seen from another moment, e.g. to issue a token that is already expired. */
const at = (runtime: Runtime, offsetMs: number): Runtime => ({ ...runtime, now: () => new Date(Date.now() + offsetMs) });

for (const target of storeTargets()) {
  describe(`OAuth tokens (${target.name})`, { skip: target.skip }, () => {
    let org: DemoOrganization;
    const admin = (name: string, params: Record<string, unknown> = {}) => org.hostFor('admin@contoso.com').invoke(name, params) as Promise<Row[]>;
    /** A new service principal with one client secret, optionally holding application roles. */
    const newApp = async (displayName: string, roles: string[] = []) => {
      const [sp] = await admin('New-ServicePrincipal', { DisplayName: displayName });
      for (const role of roles) await admin('New-ManagementRoleAssignment', { Role: role, App: sp.AppId });
      const [credential] = await admin('New-ServicePrincipalCredential', { Identity: sp.AppId });
      return { appId: String(sp.AppId), guid: String(sp.Guid), secret: String(credential.SecretText) };
    };

    before(async () => {
      org = await openDemo(target);
    });
    after(() => org?.close());

    it('issues an app token with Entra claims and verifies it back to the service principal', async () => {
      const app = await newApp('Mail sync', ['Application EWS.AccessAsApp']);
      const issued = await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret, scope: 'https://outlook.office365.com/.default' }, { baseUrl });
      const { tenantId } = await issuerKeys(org.runtime);
      const claims = decodeJwt(issued.accessToken);
      assert.equal(claims.iss, `${baseUrl}/${tenantId}/v2.0`);
      assert.equal(claims.aud, 'https://outlook.office365.com');
      assert.equal(claims.tid, tenantId);
      assert.equal(claims.oid, app.guid);
      assert.equal(claims.sub, app.guid);
      assert.equal(claims.appid, app.appId);
      assert.equal(claims.azp, app.appId);
      assert.equal(claims.idtyp, 'app');
      assert.equal(claims.exp! - claims.iat!, 3600);
      assert.equal(claims.nbf, claims.iat);
      assert.equal(issued.expiresIn, 3599);
      assert.deepEqual(await verifyBearer(org.runtime, issued.accessToken), {
        kind: 'app',
        guid: app.guid,
        appId: app.appId,
        name: 'Mail sync',
        authMethod: 'Bearer',
        roles: ['EWS.AccessAsApp', 'full_access_as_app'],
      });
    });

    it('issues a user token for the password grant and verifies it back to the user with its scopes', async () => {
      const issued = await issueUserToken(org.runtime, { username: 'alice@contoso.com', password: demoPassword }, { baseUrl });
      const claims = decodeJwt(issued.accessToken);
      const alice = org.runtime.state.model.lookup('alice@contoso.com')[0];
      assert.equal(claims.idtyp, 'user');
      assert.equal(claims.scp, 'EWS.AccessAsUser.All');
      assert.equal(claims.upn, 'alice@contoso.com');
      assert.equal(claims.preferred_username, 'alice@contoso.com');
      assert.equal(claims.oid, alice.guid);
      assert.equal(claims.appid, undefined);
      assert.deepEqual(await verifyBearer(org.runtime, issued.accessToken), {
        kind: 'user',
        guid: alice.guid,
        name: 'alice@contoso.com',
        authMethod: 'Bearer',
        scopes: ['EWS.AccessAsUser.All'],
      });
    });

    it('puts the requested scopes in scp, without resource prefixes or the OpenID scopes MSAL adds', async () => {
      const scp = async (scope: string) => decodeJwt((await issueUserToken(org.runtime, { username: 'bob@contoso.com', password: demoPassword, scope })).accessToken).scp;
      assert.equal(await scp('Mail.Read Mail.Send'), 'Mail.Read Mail.Send');
      assert.equal(await scp('https://outlook.office365.com/EWS.AccessAsUser.All openid profile offline_access'), 'EWS.AccessAsUser.All');
      // .default means "whatever is granted", which for a user is the default delegated scope.
      assert.equal(await scp('https://outlook.office365.com/.default offline_access'), 'EWS.AccessAsUser.All');
    });

    it('accepts .default for any resource or named scopes, and refuses malformed scope values', () => {
      assert.deepEqual(parseScope(undefined), { kind: 'default', resource: 'https://outlook.office365.com' });
      assert.deepEqual(parseScope('00000002-0000-0ff1-ce00-000000000000/.default'), { kind: 'default', resource: '00000002-0000-0ff1-ce00-000000000000' });
      assert.deepEqual(parseScope('Mail.Read  Mail.Read'), { kind: 'named', scopes: ['Mail.Read'] });
      const invalid = (scope: string, message: RegExp) => assert.throws(() => parseScope(scope), (e: unknown) => e instanceof DeputyError && e.details.reason === 'InvalidScope' && message.test(e.message));
      invalid('https://outlook.office365.com/.default Mail.Read', /can't be combined/);
      invalid('/.default', /must name its resource/);
      invalid('Mail.Read\tMail.Send', /separated by single spaces/);
      invalid('"Mail.Read"', /quotes/);
      invalid('https://outlook.office365.com/', /names no permission/);
      invalid('x'.repeat(3000), /longer than 2048/);
    });

    it('derives roles from RBAC: enabled Regular application roles, full_access_as_app for EWS or impersonation, nothing without assignments', async () => {
      const roles = async (app: { appId: string; secret: string }) => decodeJwt((await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret })).accessToken).roles;
      const bare = await newApp('No roles');
      assert.deepEqual(await roles(bare), []);
      const reader = await newApp('Reader', ['Application Mail.Read', 'Application Mail Full Access']);
      assert.deepEqual(await roles(reader), ['Mail.Read', 'Mail.ReadWrite', 'Mail.Send']);
      const impersonator = await newApp('Impersonator', ['ApplicationImpersonation']);
      assert.deepEqual(await roles(impersonator), ['Impersonate-ExchangeUser', 'full_access_as_app']);
      // A disabled assignment grants nothing, and the change shows in the very next token.
      const [mailRead] = await admin('Get-ManagementRoleAssignment', { RoleAssignee: reader.appId, Role: 'Application Mail.Read' });
      await admin('Set-ManagementRoleAssignment', { Identity: mailRead.Name, Enabled: false });
      assert.deepEqual(await roles(reader), ['Mail.ReadWrite', 'Mail.Send']);
    });

    it('refuses a client credentials request with a specific reason for each failure', async () => {
      const app = await newApp('Refusals');
      await refused(issueAppToken(org.runtime, { clientId: app.appId, clientSecret: `${app.secret}x` }), 'InvalidClientSecret', /^Invalid client secret provided/);
      await refused(issueAppToken(org.runtime, { clientId: randomUUID(), clientSecret: app.secret }), 'UnknownClient', /was not found in the directory/);
      // An AppId must match exactly: the display name also resolves as an identity, but is not a client id.
      await refused(issueAppToken(org.runtime, { clientId: 'Refusals', clientSecret: app.secret }), 'UnknownClient', /'Refusals' was not found/);
      await refused(issueAppToken(org.runtime, { clientId: app.appId, clientSecret: '' }), 'MissingClientSecret', /client_secret/);
      await refused(issueAppToken(org.runtime, { clientId: ' ', clientSecret: app.secret }), 'MissingParameter', /'client_id'/, 'MissingArgument');
      await refused(issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret, scope: '/.default' }), 'InvalidScope', /scope/, 'InvalidArgument');
    });

    it('refuses an expired client secret but accepts a valid one of the same app', async () => {
      const app = await newApp('Rotating');
      const expiredText = 'expired-secret-expired-secret-expired-secret';
      const yesterday = new Date(Date.now() - 24 * hour).toISOString();
      await org.store.transaction((tx) =>
        tx.addClientSecret({ id: randomUUID(), servicePrincipalGuid: app.guid, hint: 'exp', secretHash: hashSecret(expiredText), displayName: 'old', createdAt: yesterday, expiresAt: yesterday }),
      );
      await refused(issueAppToken(org.runtime, { clientId: app.appId, clientSecret: expiredText }), 'ExpiredClientSecret', /are expired/);
      await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret });
    });

    it('refuses the password grant alike for a wrong password, an unknown user and a disabled account', async () => {
      const invalid = /invalid username or password/;
      await refused(issueUserToken(org.runtime, { username: 'carol@contoso.com', password: 'wrong' }), 'InvalidUserCredentials', invalid);
      await refused(issueUserToken(org.runtime, { username: 'nobody@contoso.com', password: demoPassword }), 'InvalidUserCredentials', invalid);
      await admin('New-Mailbox', { Name: 'dora', PrimarySmtpAddress: 'dora@contoso.com', Password: demoPassword });
      await admin('Set-User', { Identity: 'dora', AccountDisabled: true });
      await refused(issueUserToken(org.runtime, { username: 'dora@contoso.com', password: demoPassword }), 'InvalidUserCredentials', invalid);
      await refused(issueUserToken(org.runtime, { username: 'carol@contoso.com', password: '' }), 'MissingParameter', /'password'/, 'MissingArgument');
    });

    it('rejects a tampered token, a foreign key, a wrong audience, another tenant and garbage', async () => {
      const app = await newApp('Verifier', ['Application Mail.Read']);
      const { accessToken } = await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret });
      const [header, payload, signature] = accessToken.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const escalated = Buffer.from(JSON.stringify({ ...claims, roles: ['Mail.ReadWrite'] })).toString('base64url');
      await refused(verifyBearer(org.runtime, `${header}.${escalated}.${signature}`), 'BadSignature', /signature is invalid/);

      const keys = await issuerKeys(org.runtime);
      const sign = (overrides: Record<string, unknown>, key = keys.privateKey, kid = keys.kid) =>
        new SignJWT({ ...claims, ...overrides }).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid }).sign(key);
      const foreign = await generateKeyPair('RS256');
      await refused(verifyBearer(org.runtime, await sign({}, foreign.privateKey)), 'BadSignature', /signature/);
      await refused(verifyBearer(org.runtime, await sign({}, foreign.privateKey, 'another-kid')), 'UnknownKey', /key this server does not hold/);
      await refused(verifyBearer(org.runtime, await sign({ aud: 'https://graph.microsoft.com' })), 'WrongAudience', /audience/);
      await refused(verifyBearer(org.runtime, await sign({ tid: randomUUID() })), 'WrongIssuer', /another tenant/);
      await refused(verifyBearer(org.runtime, await sign({ iss: `https://login.microsoftonline.com/${randomUUID()}/v2.0` })), 'WrongIssuer', /another issuer/);
      await refused(verifyBearer(org.runtime, await sign({ idtyp: 'device' })), 'InvalidClaims', /neither/);
      await refused(verifyBearer(org.runtime, await sign({ oid: undefined })), 'InvalidClaims', /'oid'/);
      await refused(verifyBearer(org.runtime, 'not-a-jwt'), 'Malformed', /malformed/);
      // alg "none" would let anyone write their own roles.
      await refused(verifyBearer(org.runtime, new UnsecuredJWT(claims).encode()), 'UnsupportedAlgorithm', /RS256/);
      // The Exchange resource's app id is an accepted audience too, whatever the host in iss.
      const principal = await verifyBearer(org.runtime, await sign({ aud: '00000002-0000-0ff1-ce00-000000000000', iss: `https://elsewhere.example/${keys.tenantId}/v2.0` }));
      assert.equal(principal.kind, 'app');
    });

    it('rejects an expired token after the 60-second tolerance and a token not valid yet', async () => {
      const token = async (offsetMs: number) => (await issueUserToken(at(org.runtime, offsetMs), { username: 'bob@contoso.com', password: demoPassword })).accessToken;
      await refused(verifyBearer(org.runtime, await token(-hour - 120_000)), 'Expired', /has expired/);
      // 30 s past exp is within the clock tolerance.
      assert.equal((await verifyBearer(org.runtime, await token(-hour - 30_000))).kind, 'user');
      await refused(verifyBearer(org.runtime, await token(10 * 60_000)), 'NotYetValid', /not valid yet/);
    });

    it('rejects tokens of a removed service principal, a disabled user and a removed user', async () => {
      const app = await newApp('Short-lived');
      const appToken = (await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret })).accessToken;
      await admin('Remove-ServicePrincipal', { Identity: app.appId });
      await refused(verifyBearer(org.runtime, appToken), 'PrincipalGone', /application .* no longer exists/);

      await admin('New-Mailbox', { Name: 'erin', PrimarySmtpAddress: 'erin@contoso.com', Password: demoPassword });
      const userToken = (await issueUserToken(org.runtime, { username: 'erin@contoso.com', password: demoPassword })).accessToken;
      await admin('Set-User', { Identity: 'erin', AccountDisabled: true });
      await refused(verifyBearer(org.runtime, userToken), 'AccountDisabled', /disabled/);
      await admin('Remove-Mailbox', { Identity: 'erin' });
      await refused(verifyBearer(org.runtime, userToken), 'PrincipalGone', /user .* no longer exists/);
    });

    it('audits issued and refused tokens without the secret or the password', async () => {
      const app = await newApp('Audited');
      await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: app.secret, scope: 'https://outlook.office365.com/.default' }, { clientAddress: '192.0.2.7', requestId: 'req-1' });
      await issueAppToken(org.runtime, { clientId: app.appId, clientSecret: 'wrong-secret-value' }).catch(() => {});
      await issueUserToken(org.runtime, { username: 'carol@contoso.com', password: 'wrong-password-value' }).catch(() => {});
      const events = await org.store.searchAudit({ operations: ['OAuth-Token'], limit: 1000 });
      const ofApp = events.filter((e) => e.actorGuid === app.guid);
      assert.deepEqual(ofApp.map((e) => e.result).sort(), ['Failed', 'Succeeded']);
      const success = ofApp.find((e) => e.result === 'Succeeded')!;
      assert.equal(success.kind, 'Admin');
      assert.equal(success.logonType, 'App');
      assert.equal(success.protocol, 'OAuth');
      assert.equal(success.actor, 'Audited');
      assert.equal(success.clientAddress, '192.0.2.7');
      assert.equal(success.requestId, 'req-1');
      assert.deepEqual(success.parameters, { grant_type: 'client_credentials', client_id: app.appId, scope: 'https://outlook.office365.com/.default' });
      const carol = events.find((e) => e.actor === 'carol@contoso.com')!;
      assert.equal(carol.logonType, 'Owner');
      assert.equal(carol.result, 'Failed');
      assert.match(carol.error ?? '', /invalid username or password/);
      const text = JSON.stringify(events);
      for (const secret of [app.secret, 'wrong-secret-value', 'wrong-password-value', demoPassword]) assert.equal(text.includes(secret), false);
    });

    it('creates one signing key and tenant id per store, even when two runtimes race for it', async () => {
      const store = await target.open();
      try {
        await bootstrap(store, { demo: false, demoPassword });
        const [first, second] = await Promise.all([openRuntime(store), openRuntime(store)]);
        const [a, b] = await Promise.all([issuerKeys(first), issuerKeys(second)]);
        assert.equal(a.kid, b.kid);
        assert.equal(a.tenantId, b.tenantId);
        const stored = JSON.parse((await store.getMeta(signingKeyMetaKey))!) as { kid: string; d?: string };
        assert.equal(stored.kid, a.kid);
        assert.ok(stored.d, 'the private key is kept so every node can sign');
        assert.equal(await store.getMeta(tenantIdMetaKey), a.tenantId);
        // The same runtime asks the store only once; a third runtime (a restart) finds the same key.
        assert.equal(issuerKeys(first), issuerKeys(first));
        assert.equal((await issuerKeys(await openRuntime(store))).kid, a.kid);
        assert.deepEqual(Object.keys(a.publicJwk).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
      } finally {
        await store.close();
      }
    });
  });
}
