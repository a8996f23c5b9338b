// `deputy import` as a user runs it: an mbox and a directory of .eml files into a demo
// organization's SQLite data directory, the summary line, exit codes and errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const deputyBin = path.resolve('bin/deputy.mjs');

function deputy(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [deputyBin, ...args], { env: { ...process.env, DEPUTY_DATABASE_URL: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

describe('deputy import', () => {
  let dir: string;
  let data: string;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-import-cli-'));
    data = path.join(dir, 'data');
    const init = await deputy(['init', '--demo', '--demo-password', 'Passw0rd!cli', '--data', data]);
    assert.equal(init.code, 0, init.stderr);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('imports an mbox into the inbox and prints a summary', async () => {
    const file = path.join(dir, 'mail.mbox');
    const messages = Array.from({ length: 25 }, (_, i) => `From x Mon Jan  1 00:00:00 2024\nFrom: x@fabrikam.com\nSubject: m${i}\n\nbody ${i}\n\n`);
    await writeFile(file, messages.join(''));
    const run = await deputy(['import', '--mailbox', 'alice@contoso.com', '--data', data, file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Imported 25 messages into alice@contoso\.com\/Inbox in \d+\.\d s\n$/);
    assert.equal(run.stderr, '', 'no progress bar when stderr is not a terminal');
  });

  it('imports a directory of .eml files into a named folder', async () => {
    const emlDir = path.join(dir, 'eml');
    await mkdir(emlDir);
    for (let i = 1; i <= 3; i++) await writeFile(path.join(emlDir, `${i}.eml`), `From: y@fabrikam.com\r\nSubject: eml ${i}\r\n\r\nbody\r\n`);
    const run = await deputy(['import', '--mailbox', 'bob@contoso.com', '--folder', 'archive', '--data', data, emlDir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Imported 3 messages into bob@contoso\.com\/Archive in /);
  });

  it('skips a message over the size limit, names it in the summary and exits 1', async () => {
    const file = path.join(dir, 'big.mbox');
    const out = createWriteStream(file);
    out.write('From a Mon Jan  1 00:00:00 2024\nSubject: small\n\nsmall\n\nFrom b Mon Jan  1 00:00:00 2024\nSubject: huge\n\n');
    const line = `${'x'.repeat(999)}\n`;
    for (let written = 0; written <= 51 * 1024 * 1024; written += line.length) {
      if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    const run = await deputy(['import', '--mailbox', 'carol@contoso.com', '--data', data, file]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^Imported 1 message into carol@contoso\.com\/Inbox in \d+\.\d s \(1 skipped: #2: The message is \d+ bytes; the limit is 52428800 bytes\.\)\n$/);
  });

  it('reports usage errors without touching the store', async () => {
    const noMailbox = await deputy(['import', '--data', data, path.join(dir, 'mail.mbox')]);
    assert.equal(noMailbox.code, 1);
    assert.match(noMailbox.stderr, /--mailbox/);
    const missing = await deputy(['import', '--mailbox', 'alice@contoso.com', '--data', data, path.join(dir, 'missing.mbox')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such file or directory/);
    const noMailboxUser = await deputy(['import', '--mailbox', 'svc@contoso.com', '--data', data, path.join(dir, 'mail.mbox')]);
    assert.equal(noMailboxUser.code, 1);
    assert.match(noMailboxUser.stderr, /has no mailbox/);
    const help = await deputy(['--help']);
    assert.match(help.stdout, /deputy import --mailbox SMTP/);
  });
});
