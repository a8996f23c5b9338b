// Tests for the REPL: prompts, multi-line input, output and error printing, history file, exit.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { startRepl } from '../../src/shell/index.ts';
import { FakeHost } from './fake-host.ts';

async function drive(lines: string[], options: { historyFile?: string; endInput?: boolean } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const host = new FakeHost();
  const finished = startRepl({ host, input, output, historyFile: options.historyFile });
  input.write(lines.map((line) => `${line}\n`).join(''));
  if (options.endInput) input.end();
  await finished;
  return { text, host };
}

describe('startRepl', () => {
  it('runs commands, prints output and errors, continues multi-line input, and ends at exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deputy-repl-'));
    const historyFile = join(dir, 'history');
    writeFileSync(historyFile, 'old command\n');
    try {
      const { text, host } = await drive(
        [
          'Get-User alice |',
          '  Select-Object Name, Department',
          "$x = @{",
          "  Name = 'G' }",
          'New-RoleGroup -Name $x.Name `',
          '  -Roles A',
          'Get-Foo',
          'exit',
          'Write-Output never',
        ],
        { historyFile },
      );
      assert.ok(text.startsWith('PS Deputy> '));
      assert.ok(text.includes('>> '), 'continuation prompt');
      assert.ok(text.includes('Name  Department\n----  ----------\nAlice Sales'));
      assert.ok(text.includes("Get-Foo : The term 'Get-Foo' is not recognized"));
      assert.ok(text.includes('+ Get-Foo\n+ ~~~~~~~'));
      assert.ok(!text.includes('never'));
      assert.deepEqual(host.invocations.map((invocation) => invocation.name), ['Get-User', 'New-RoleGroup']);
      assert.deepEqual(host.invocations[1].parameters, { Name: 'G', Roles: 'A' });
      const history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean);
      assert.equal(history[0], 'old command');
      assert.equal(history[1], 'Get-User alice |');
      assert.equal(history[history.length - 1], 'exit');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends when the input closes, using a custom prompt', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    const finished = startRepl({ host: new FakeHost(), input, output, prompt: 'deputy> ' });
    input.end('Write-Output 42\n');
    await finished;
    assert.ok(text.startsWith('deputy> 42\n'));
  });

  it('submits an incomplete command on an empty continuation line and shows the parse error', async () => {
    const { text } = await drive(['Get-User |', '', 'exit']);
    assert.ok(text.includes('An empty pipe element is not allowed.'));
  });

  it('keeps only the last 1000 history lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deputy-repl-'));
    const historyFile = join(dir, 'history');
    writeFileSync(historyFile, Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    try {
      await drive(['Write-Output new', 'exit'], { historyFile });
      const history = readFileSync(historyFile, 'utf8').split('\n').filter(Boolean);
      assert.equal(history.length, 1000);
      assert.equal(history[history.length - 1], 'exit');
      assert.equal(history[0], 'line 2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
