// The `deputy` command as a user runs it: start (port 0, demo), exec remote and local, shell,
// init, clean stop on SIGTERM.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const deputyBin = path.resolve('bin/deputy.mjs');
const password = 'Passw0rd!cli';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function deputy(args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [deputyBin, ...args], { env: { ...process.env, DEPUTY_DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

describe('deputy CLI', () => {
  let dir: string;
  let server: ChildProcessWithoutNullStreams;
  let url: string;
  let startOutput = '';

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-cli-'));
    server = spawn(process.execPath, [deputyBin, 'start', '--data', path.join(dir, 'data'), '--http', '127.0.0.1:0', '--demo', '--demo-password', password], {
      env: { ...process.env, DEPUTY_DATABASE_URL: '' },
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${startOutput}`)), 30_000);
      server.stdout.on('data', (d) => {
        startOutput += d;
        const match = /Listening on (http:\/\/\S+)/.exec(startOutput);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      server.stderr.on('data', (d) => (startOutput += d));
      server.on('exit', () => reject(new Error(`server exited: ${startOutput}`)));
    });
  });

  after(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('start prints the chosen address and the demo accounts once', () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const login of ['admin@contoso.com', 'helpdesk@contoso.com', 'alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com', 'svc@contoso.com']) {
      assert.match(startOutput, new RegExp(`${login}\\s+${password.replace(/[!]/g, '\\$&')}`));
    }
  });

  it('exec --url runs the how-to verbatim against the running server', async () => {
    const remote = ['--url', url, '--user', 'admin@contoso.com', '--password', password];
    const created = await deputy(['exec', ...remote, 'New-RoleGroup -Name “Application Impersonation Group” -Roles ApplicationImpersonation -Members svc@contoso.com']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Application Impersonation Group/);
    const shown = await deputy(['exec', ...remote, 'Get-RoleGroup “Application Impersonation Group” | Format-List Name,Roles,Members,RoleAssignments']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Roles\s+: \{ApplicationImpersonation\}/);
    assert.match(shown.stdout, /Members\s+: \{svc\}/);
    assert.match(shown.stdout, /RoleAssignments\s+: \{ApplicationImpersonation-Application Impersonation Group\}/);
  });

  it('exec reports PowerShell-style errors on stderr and exits 1', async () => {
    const failed = await deputy(['exec', '--url', url, '--user', 'admin@contoso.com', '--password', password, 'New-RoleGroup -Name “Other” -Roles ApplicationImpersonation -Members']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /Missing an argument for parameter 'Members'/);
    assert.match(failed.stderr, /FullyQualifiedErrorId : MissingArgument,New-RoleGroup/);
    const unknown = await deputy(['exec', '--url', url, '--user', 'admin@contoso.com', '--password', password, 'Get-Mailboxx']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /The term 'Get-Mailboxx' is not recognized/);
  });

  it('exec -f --data runs a script file locally as the built-in administrator, audited as such', async () => {
    const script = path.join(dir, 'scope.ps1');
    await writeFile(
      script,
      [
        '# Narrow the impersonation group to Sales',
        'New-ManagementScope -Name "Sales" `',
        "  -RecipientRestrictionFilter \"Department -eq 'Sales'\"",
        'Set-ManagementRoleAssignment "ApplicationImpersonation-Application Impersonation Group" -CustomRecipientWriteScope Sales',
        'Test-ImpersonationAccess svc -Mailbox carol@contoso.com | Select-Object -ExpandProperty AccessCheckResult',
      ].join('\n'),
    );
    const local = await deputy(['exec', '-f', script, '--data', path.join(dir, 'data')]);
    assert.equal(local.code, 0, local.stderr);
    assert.match(local.stdout, /Denied/);
    const audit = await deputy(['exec', '--url', url, '--user', 'admin@contoso.com', '--password', password, 'Search-AdminAuditLog -Cmdlets New-ManagementScope | Select-Object -ExpandProperty Caller']);
    assert.match(audit.stdout, /administrator@contoso\.com \(local administrator\)/);
  });

  it('shell reads commands from standard input until exit', async () => {
    const session = await deputy(['shell', '--url', url, '--user', 'admin@contoso.com', '--password', password], '$m = Get-Mailbox alice\n$m.PrimarySmtpAddress\nexit\n');
    assert.equal(session.code, 0, session.stderr);
    assert.match(session.stdout, /alice@contoso\.com/);
  });

  it('init creates an organization once and says so the second time', async () => {
    const data = path.join(dir, 'other');
    const first = await deputy(['init', '--data', data, '--domain', 'fabrikam.com']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /admin@fabrikam\.com\s+\S+\s+Organization Management/);
    const second = await deputy(['init', '--data', data]);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /already initialized for fabrikam\.com/);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
    let tail = '';
    server.stdout.on('data', (d) => (tail += d));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
    assert.match(tail, /Deputy stopped/);
  });
});
