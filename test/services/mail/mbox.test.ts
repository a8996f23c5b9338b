// Reading import sources: mbox files (mboxrd and mboxo, LF and CRLF, streamed in chunks) and
// directories of .eml files. Fixtures are written to a temp directory by the tests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  MboxSplitter,
  countMboxMessages,
  openMessageSource,
  readEmlDirectory,
  readMbox,
  type SourceMessage,
} from '../../../src/services/mail/mbox.ts';
import { parseMessage } from '../../../src/services/mail/mime.ts';

let dir: string;

async function collect(source: AsyncIterable<SourceMessage>): Promise<SourceMessage[]> {
  const all: SourceMessage[] = [];
  for await (const m of source) all.push(m);
  return all;
}

async function mboxFile(name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  return file;
}

/** Splits with chunks of every size from 1 byte up, to exercise lines cut across chunks. */
function splitInChunks(data: Buffer, size: number): Buffer[] {
  const splitter = new MboxSplitter();
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(...splitter.push(data.subarray(i, i + size)).map(([m]) => m));
  out.push(...splitter.end().map(([m]) => m));
  return out;
}

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-mbox-'));
});
after(() => rm(dir, { recursive: true, force: true }));

describe('mbox', () => {
  it('splits on From lines at the start or after a blank line, and drops the separator line', async () => {
    const file = await mboxFile(
      'simple.mbox',
      'From alice@contoso.com Mon Jan  1 00:00:00 2024\nFrom: alice@contoso.com\nSubject: one\n\nFirst body\nFrom the start, this line is not a separator\n\nFrom bob@contoso.com Mon Jan  1 00:00:01 2024\nFrom: bob@contoso.com\nSubject: two\n\nSecond body\n\n',
    );
    const messages = await collect(readMbox(file));
    assert.deepEqual(
      messages.map((m) => m.mime.toString()),
      [
        'From: alice@contoso.com\nSubject: one\n\nFirst body\nFrom the start, this line is not a separator\n',
        'From: bob@contoso.com\nSubject: two\n\nSecond body\n',
      ],
    );
    assert.deepEqual(messages.map((m) => [m.index, m.source, m.size]), [[0, 'simple.mbox#1', messages[0].mime.length], [1, 'simple.mbox#2', messages[1].mime.length]]);
    assert.equal(await countMboxMessages(file), 2);
  });

  it('undoes mboxrd escaping: a body line "From me" written as ">From me" reads back as "From me"', async () => {
    const body = 'Hello\n\nFrom me, with love\n>From the quoted reply\n>>From deeper\n> From with a space stays\n';
    const escaped = body.replace(/^(>*From )/gm, '>$1');
    const file = await mboxFile('escaped.mbox', `From x Mon Jan  1 00:00:00 2024\nSubject: escaped\n\n${escaped}\nFrom y Mon Jan  1 00:00:00 2024\nSubject: next\n\nnext\n`);
    const messages = await collect(readMbox(file));
    assert.equal(messages.length, 2, 'the escaped From line does not start a message');
    assert.equal(messages[0].mime.toString(), `Subject: escaped\n\n${body}`);
    assert.equal((await parseMessage(messages[0].mime)).textBody?.includes('\nFrom me, with love\n'), true);
  });

  it('reads mboxo (only ">From " escaped) the same way', async () => {
    const file = await mboxFile('o.mbox', 'From x Mon Jan  1 00:00:00 2024\nSubject: o\n\nquoted:\n\n>From here\n');
    const [message] = await collect(readMbox(file));
    assert.equal(message.mime.toString(), 'Subject: o\n\nquoted:\n\nFrom here\n');
  });

  it('handles CRLF files and keeps their line breaks', async () => {
    const crlf = 'From a Mon Jan  1 00:00:00 2024\r\nSubject: one\r\n\r\nbody one\r\n>From escaped\r\n\r\nFrom b Mon Jan  1 00:00:00 2024\r\nSubject: two\r\n\r\nbody two\r\n\r\n';
    const file = await mboxFile('crlf.mbox', crlf);
    const messages = await collect(readMbox(file));
    assert.deepEqual(
      messages.map((m) => m.mime.toString()),
      ['Subject: one\r\n\r\nbody one\r\nFrom escaped\r\n', 'Subject: two\r\n\r\nbody two\r\n'],
    );
    assert.deepEqual(messages.map((m) => m.size), messages.map((m) => m.mime.length));
    assert.equal((await parseMessage(messages[1].mime)).subject, 'two');
  });

  it('finds the same messages whatever the chunk boundaries', () => {
    const data = Buffer.from('From a\r\nSubject: 1\r\n\r\n>From x\r\n\r\nFrom b\nSubject: 2\n\nlong line ' + 'z'.repeat(300) + '\n\nFrom c\nSubject: 3\n\nno final newline');
    const expected = splitInChunks(data, data.length).map((b) => b.toString());
    assert.equal(expected.length, 3);
    assert.equal(expected[2], 'Subject: 3\n\nno final newline');
    for (const size of [1, 2, 3, 5, 7, 64]) assert.deepEqual(splitInChunks(data, size).map((b) => b.toString()), expected, `chunks of ${size}`);
  });

  it('yields nothing for an empty file or a file of blank lines', async () => {
    assert.deepEqual(await collect(readMbox(await mboxFile('empty.mbox', ''))), []);
    assert.deepEqual(await collect(readMbox(await mboxFile('blank.mbox', '\n\r\n\n'))), []);
    assert.equal(await countMboxMessages(path.join(dir, 'empty.mbox')), 0);
  });

  it('takes a file without any From line as one message', async () => {
    const messages = await collect(readMbox(await mboxFile('single.eml', 'Subject: lone\r\n\r\nbody\r\n')));
    assert.deepEqual(messages.map((m) => m.mime.toString()), ['Subject: lone\r\n\r\nbody\r\n']);
  });

  it('keeps binary bytes as they are', async () => {
    const bytes = randomBytes(5000).map((b) => (b === 0x0a ? 0x0d : b));
    const file = await mboxFile('binary.mbox', Buffer.concat([Buffer.from('From a\nSubject: bin\n\n'), bytes, Buffer.from('\n\nFrom b\nSubject: b\n\nx\n')]));
    const messages = await collect(readMbox(file));
    assert.equal(messages.length, 2);
    assert.ok(messages[0].mime.equals(Buffer.concat([Buffer.from('Subject: bin\n\n'), bytes, Buffer.from('\n')])));
  });

  it('streams 1,000 messages from a file written in pieces, without reading it whole', async () => {
    const file = path.join(dir, 'many.mbox');
    const out = createWriteStream(file);
    const filler = 'lorem ipsum dolor sit amet '.repeat(40);
    for (let i = 0; i < 1000; i++) {
      const ok = out.write(`From sender${i}@contoso.com Mon Jan  1 00:00:00 2024\nFrom: sender${i}@contoso.com\nSubject: Message ${i}\nMessage-ID: <m${i}@contoso.com>\n\nBody ${i}\n${filler}\n\nFrom me to you\n\n`.replace('\nFrom me', '\n>From me'));
      if (!ok) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    assert.equal(await countMboxMessages(file), 1000);
    let count = 0;
    for await (const m of readMbox(file)) {
      assert.equal(m.index, count);
      const text = m.mime.toString();
      assert.ok(text.startsWith(`From: sender${count}@contoso.com\nSubject: Message ${count}\n`), text.slice(0, 80));
      assert.ok(text.endsWith('\nFrom me to you\n'));
      count++;
    }
    assert.equal(count, 1000);
  });

  it('cuts a message larger than the import limit short but reports its real size', async () => {
    const splitter = new MboxSplitter({ retain: true, maxBytes: 100 });
    const parts = splitter.push(Buffer.from(`From a\nSubject: big\n\n${'x'.repeat(500)}\n\nFrom b\nSubject: small\n\ny\n`));
    const [[big, bigSize]] = parts;
    const [[small, smallSize]] = splitter.end();
    assert.equal(big.length, 100);
    assert.equal(bigSize, 'Subject: big\n\n'.length + 501);
    assert.equal(small.toString(), 'Subject: small\n\ny\n');
    assert.equal(smallSize, small.length);
    // A huge line without line breaks, fed in small chunks, is not buffered whole either.
    const chunked = new MboxSplitter({ retain: true, maxBytes: 100 });
    const data = Buffer.from(`From a\nSubject: huge\n\n${'y'.repeat(10_000)}`);
    for (let i = 0; i < data.length; i += 7) assert.deepEqual(chunked.push(data.subarray(i, i + 7)), []);
    const [[huge, hugeSize]] = chunked.end();
    assert.equal(huge.length, 100);
    assert.equal(hugeSize, 'Subject: huge\n\n'.length + 10_000);
  });
});

describe('.eml directories', () => {
  it('reads the .eml files of a directory in name order, ignoring other files', async () => {
    const emlDir = path.join(dir, 'eml');
    await mkdir(emlDir);
    await mkdir(path.join(emlDir, 'sub.eml'));
    for (const n of [10, 2, 1]) await writeFile(path.join(emlDir, `${n}.eml`), `Subject: ${n}\r\n\r\nbody\r\n`);
    await writeFile(path.join(emlDir, 'notes.txt'), 'not mail');
    await writeFile(path.join(emlDir, 'UPPER.EML'), 'Subject: upper\r\n\r\nx\r\n');
    const messages = await collect(readEmlDirectory(emlDir));
    assert.deepEqual(messages.map((m) => path.basename(m.source)), ['1.eml', '2.eml', '10.eml', 'UPPER.EML']);
    assert.deepEqual(messages.map((m) => m.index), [0, 1, 2, 3]);
    assert.equal(messages[2].mime.toString(), 'Subject: 10\r\n\r\nbody\r\n');
    const source = await openMessageSource(emlDir);
    assert.equal(source.kind, 'eml');
    assert.equal(await source.count(), 4);
    const mbox = await openMessageSource(path.join(dir, 'simple.mbox'));
    assert.equal(mbox.kind, 'mbox');
    assert.equal(await mbox.count(), 2);
  });
});
