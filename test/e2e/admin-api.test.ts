// The admin API over a real socket: InvokeCommand with Basic auth, RBAC, error objects, audit.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/server/server.ts';

const password = 'Passw0rd!api';

describe('admin API (InvokeCommand)', () => {
  let server: RunningServer;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-api-'));
    server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: password });
  });
  after(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const invoke = (login: string | null, body: unknown, pass = password, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/adminapi/v1.0/InvokeCommand`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(login ? { authorization: `Basic ${Buffer.from(`${login}:${pass}`).toString('base64')}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const cmd = (name: string, parameters: Record<string, unknown> = {}) => ({ CmdletInput: { CmdletName: name, Parameters: parameters } });

  it('listens on the port it printed (port 0 picks a free one)', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(server.url.endsWith(':0'), true);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
  });

  it('runs a cmdlet for an authorized caller and returns {"value":[…]}', async () => {
    const response = await invoke('admin@contoso.com', cmd('New-RoleGroup', { Name: 'Application Impersonation Group', Roles: ['ApplicationImpersonation'], Members: ['svc@contoso.com'] }));
    assert.equal(response.status, 200);
    const body = (await response.json()) as { value: Array<Record<string, unknown>>; '@odata.context': string };
    assert.ok(body['@odata.context'].startsWith(`${server.url}/adminapi/v1.0/$metadata`), body['@odata.context']);
    assert.equal(body.value.length, 1);
    assert.deepEqual(body.value[0].RoleAssignments, ['ApplicationImpersonation-Application Impersonation Group']);
    const check = (await (await invoke('admin@contoso.com', cmd('Test-ImpersonationAccess', { Identity: 'svc@contoso.com', Mailbox: 'carol@contoso.com' }))).json()) as { value: Array<Record<string, unknown>> };
    assert.equal(check.value[0].AccessCheckResult, 'Allowed');
  });

  it('answers 401 with a Basic challenge without credentials or with a wrong password', async () => {
    for (const response of [await invoke(null, cmd('Get-Mailbox')), await invoke('admin@contoso.com', cmd('Get-Mailbox'), 'wrong')]) {
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="Deputy"/);
      const body = (await response.json()) as { error: { code: string } };
      assert.equal(body.error.code, 'AuthenticationFailed');
    }
  });

  it('denies a cmdlet outside the caller\'s roles with 403 and a reason naming the role', async () => {
    const response = await invoke('helpdesk@contoso.com', cmd('New-ManagementScope', { Name: 'x', RecipientRestrictionFilter: "Department -eq 'x'" }));
    assert.equal(response.status, 403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'AccessDenied');
    assert.match(body.error.message, /Role Management/);
  });

  it('gives specific errors for unknown cmdlets, unknown parameters, bad values and malformed bodies', async () => {
    const unknown = await invoke('admin@contoso.com', cmd('Get-Nothing'));
    assert.equal(unknown.status, 400);
    assert.match(((await unknown.json()) as { error: { message: string } }).error.message, /The term 'Get-Nothing' is not recognized/);

    const badParam = await invoke('admin@contoso.com', cmd('Get-Mailbox', { Bogus: 1 }));
    assert.equal(badParam.status, 400);
    const badParamBody = (await badParam.json()) as { error: { message: string; details: Array<{ code: string }> } };
    assert.equal(badParamBody.error.message, "A parameter cannot be found that matches parameter name 'Bogus'.");
    assert.equal(badParamBody.error.details[0].code, 'NamedParameterNotFound');

    const notFound = await invoke('admin@contoso.com', cmd('Get-Mailbox', { Identity: 'nobody' }));
    assert.equal(notFound.status, 404);

    const badFilter = await invoke('admin@contoso.com', cmd('New-ManagementScope', { Name: 'bad', RecipientRestrictionFilter: "Departmnt -eq 'Sales'" }));
    assert.equal(badFilter.status, 400);
    assert.match(((await badFilter.json()) as { error: { message: string } }).error.message, /Department/);

    const malformed = await invoke('admin@contoso.com', '{"CmdletInput":');
    assert.equal(malformed.status, 400);
    const shape = await invoke('admin@contoso.com', { Cmdlet: 'Get-Mailbox' });
    assert.equal(shape.status, 400);
    assert.match(((await shape.json()) as { error: { message: string } }).error.message, /CmdletInput/);
  });

  it('rejects bodies over the size limit with 413', async () => {
    const response = await invoke('admin@contoso.com', cmd('Get-Mailbox', { Identity: 'x'.repeat(1_100_000) }));
    assert.equal(response.status, 413);
  });

  it('audits every call with caller, protocol and parameters, secrets redacted', async () => {
    const created = await invoke('admin@contoso.com', cmd('New-Mailbox', { Name: 'dave', PrimarySmtpAddress: 'dave@contoso.com', Password: 'S3cret-value!' }));
    assert.equal(created.status, 200);
    const response = await invoke('admin@contoso.com', cmd('Search-AdminAuditLog', { Cmdlets: ['New-Mailbox'], UserIds: ['admin@contoso.com'] }));
    const rows = ((await response.json()) as { value: Array<Record<string, unknown>> }).value;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].Protocol, 'AdminApi');
    assert.equal(rows[0].ClientAddress, '127.0.0.1');
    assert.deepEqual(rows[0].CmdletParameters, { Name: 'dave', PrimarySmtpAddress: 'dave@contoso.com', Password: '********' });
    const all = await invoke('admin@contoso.com', cmd('Search-AdminAuditLog', { ResultSize: 'Unlimited' }));
    assert.doesNotMatch(await all.text(), /S3cret-value!/);
  });

  it('accepts the Exchange Online path form with a tenant segment, case-insensitively', async () => {
    const response = await fetch(`${server.url}/AdminApi/beta/contoso.com/InvokeCommand`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`admin@contoso.com:${password}`).toString('base64')}` },
      body: JSON.stringify(cmd('Get-AcceptedDomain')),
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { value: Array<Record<string, unknown>> };
    assert.equal(body.value[0].DomainName, 'contoso.com');
  });
});
