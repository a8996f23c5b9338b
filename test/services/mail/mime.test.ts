// MIME parsing and building: round trips of headers, bodies and attachments (byte for byte),
// lenient parsing of malformed input, the Item fields derived from MIME, and header/attachment edits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DeputyError } from '../../../src/core/errors.ts';
import {
  addAttachment,
  buildMessage,
  headerValue,
  itemFieldsFromMime,
  parseMessage,
  readHeaderBlock,
  removeAttachment,
  setAttachments,
  topicOf,
  withHeaders,
  withoutBcc,
  type OutgoingMessage,
} from '../../../src/services/mail/mime.ts';

const crlf = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');

const alice = { name: 'Alice Example', address: 'alice@contoso.com' };
const bob = { name: 'Bob', address: 'bob@contoso.com' };

function base(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { from: alice, to: [bob], subject: 'Hello', text: 'Hi Bob', date: '2024-03-01T10:00:00.000Z', ...overrides };
}

/** Every line ends in CRLF and none is longer than RFC 5322's 998 characters. */
function assertWellFormed(mime: Buffer): void {
  const text = mime.toString('latin1');
  assert.equal(/(^|[^\r])\n/.test(text), false, 'bare LF');
  assert.equal(/\r(?!\n)/.test(text), false, 'bare CR');
  for (const line of text.split('\r\n')) assert.ok(line.length <= 998, `line of ${line.length} characters`);
  const { fields } = readHeaderBlock(mime);
  for (const f of fields) assert.match(f.name, /^[\x21-\x39\x3b-\x7e]+$/);
  assert.ok(fields.every((f) => [...f.value].every((c) => c.charCodeAt(0) < 0x80)), 'headers are ASCII (encoded words)');
}

describe('buildMessage and parseMessage', () => {
  it('round-trips non-ASCII subjects and names with commas and quotes as encoded words', async () => {
    const mime = await buildMessage(
      base({
        from: { name: 'Müller, "Hans" Jürgen', address: 'hans@contoso.com' },
        to: [{ name: 'Doe, Jane', address: 'jane@contoso.com' }, { name: null, address: 'plain@contoso.com' }, { name: '日本 太郎', address: 'taro@contoso.com' }],
        cc: [{ name: 'O\'Brien "Ob" \\ back', address: 'ob@contoso.com' }],
        replyTo: [{ name: 'Replies', address: 'replies@contoso.com' }],
        sender: { name: 'Secretary', address: 'sec@contoso.com' },
        subject: 'Grüße aus Köln — 日本語のテスト 🎉 with a rather long subject that has to be folded over several lines',
      }),
    );
    assertWellFormed(mime);
    const parsed = await parseMessage(mime);
    assert.equal(parsed.subject, 'Grüße aus Köln — 日本語のテスト 🎉 with a rather long subject that has to be folded over several lines');
    assert.deepEqual(parsed.from, { name: 'Müller, "Hans" Jürgen', address: 'hans@contoso.com' });
    assert.deepEqual(parsed.sender, { name: 'Secretary', address: 'sec@contoso.com' });
    assert.deepEqual(parsed.to, [
      { name: 'Doe, Jane', address: 'jane@contoso.com' },
      { name: null, address: 'plain@contoso.com' },
      { name: '日本 太郎', address: 'taro@contoso.com' },
    ]);
    assert.deepEqual(parsed.cc, [{ name: 'O\'Brien "Ob" \\ back', address: 'ob@contoso.com' }]);
    assert.deepEqual(parsed.replyTo, [{ name: 'Replies', address: 'replies@contoso.com' }]);
    assert.equal(parsed.date, '2024-03-01T10:00:00.000Z');
  });

  it('round-trips text and HTML bodies', async () => {
    const text = 'Line one\nLine two with ümlauts and a very long line '.padEnd(300, 'x') + '\n\n-- \nAlice';
    const html = '<html><body><p>Hello <b>Bob</b> — ü</p><p>' + 'y'.repeat(2000) + '</p></body></html>';
    const parsed = await parseMessage(await buildMessage(base({ text, html })));
    assert.equal(parsed.textBody, text);
    assert.equal(parsed.htmlBody, html);
    const htmlOnly = await parseMessage(await buildMessage(base({ text: null, html })));
    assert.equal(htmlOnly.textBody, null);
    // A single-part body ends with the message's final line break, which may read back as content.
    assert.equal(htmlOnly.htmlBody?.trimEnd(), html);
    const textOnly = await parseMessage(await buildMessage(base({ text: 'just text' })));
    assert.equal(textOnly.textBody?.trimEnd(), 'just text');
    assert.equal(textOnly.htmlBody, null);
  });

  it('generates a Message-ID at the sender domain, keeps a given one, and writes ids and importance', async () => {
    const generated = await parseMessage(await buildMessage(base({ from: { name: null, address: 'x@Fabrikam.COM' } })));
    assert.match(generated.messageId!, /^<[0-9a-f-]{36}@fabrikam\.com>$/);
    const mime = await buildMessage(base({ messageId: 'given@contoso.com', inReplyTo: '<parent@contoso.com>', references: ['<root@contoso.com>', 'parent@contoso.com'], importance: 'High' }));
    const parsed = await parseMessage(mime);
    assert.equal(parsed.messageId, '<given@contoso.com>');
    assert.equal(parsed.inReplyTo, '<parent@contoso.com>');
    assert.deepEqual(parsed.references, ['<root@contoso.com>', '<parent@contoso.com>']);
    assert.equal(parsed.importance, 'High');
    assert.equal((await parseMessage(await buildMessage(base({ importance: 'Low' })))).importance, 'Low');
    assert.equal((await parseMessage(await buildMessage(base({ importance: 'Normal' })))).importance, 'Normal');
  });

  it('keeps extra header fields but never lets them replace the structural ones', async () => {
    const mime = await buildMessage(base({ headers: { 'X-Mailer': 'Deputy', 'Thread-Topic': 'Grüße', 'Content-Type': 'text/evil', Subject: 'other' } }));
    const parsed = await parseMessage(mime);
    const names = parsed.headers.map(([name]) => name.toLowerCase());
    assert.equal(names.filter((n) => n === 'content-type').length, 1);
    assert.equal(parsed.subject, 'Hello');
    assert.ok(parsed.headers.some(([n, v]) => n === 'X-Mailer' && v === 'Deputy'));
    assert.match(headerValue(readHeaderBlock(mime).fields, 'thread-topic')!, /^=\?UTF-8\?/);
  });

  it('round-trips binary attachments byte for byte, including NUL and 0xff bytes and a 3 MB file', async () => {
    const small = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x0a, 0x0d, 0x00, 0x2e, 0x0d, 0x0a, 0x2e, 0xfe]);
    const random = randomBytes(64 * 1024);
    random[0] = 0x00;
    random[1] = 0xff;
    const large = randomBytes(3 * 1024 * 1024);
    const textFile = Buffer.from('a,b\r\nc,d\nno final newline', 'utf8');
    const mime = await buildMessage(
      base({
        attachments: [
          { name: 'small.bin', contentType: 'application/octet-stream', content: small },
          { name: 'random.dat', contentType: 'application/x-random', content: random },
          { name: 'Größe 3MB, "quoted".zip', contentType: 'application/zip', content: large },
          { name: 'data.csv', contentType: 'text/csv', content: textFile },
          { name: 'empty.txt', contentType: 'text/plain', content: Buffer.alloc(0) },
        ],
      }),
    );
    assertWellFormed(mime);
    const parsed = await parseMessage(mime);
    assert.deepEqual(
      parsed.attachments.map((a) => [a.name, a.contentType, a.size, a.kind, a.isInline]),
      [
        ['small.bin', 'application/octet-stream', small.length, 'file', false],
        ['random.dat', 'application/x-random', random.length, 'file', false],
        ['Größe 3MB, "quoted".zip', 'application/zip', large.length, 'file', false],
        ['data.csv', 'text/csv', textFile.length, 'file', false],
        ['empty.txt', 'text/plain', 0, 'file', false],
      ],
    );
    assert.ok(parsed.attachments[0].content.equals(small));
    assert.ok(parsed.attachments[1].content.equals(random));
    assert.ok(parsed.attachments[2].content.equals(large));
    assert.ok(parsed.attachments[3].content.equals(textFile));
    assert.equal(parsed.textBody, 'Hi Bob');
  });

  it('round-trips any attachment bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.string({ minLength: 1, maxLength: 40 }), async (bytes, name) => {
        const content = Buffer.from(bytes);
        const parsed = await parseMessage(await buildMessage(base({ attachments: [{ name: name.trim() || 'x', contentType: 'application/octet-stream', content }] })));
        assert.equal(parsed.attachments.length, 1);
        assert.ok(parsed.attachments[0].content.equals(content));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps an inline image with its Content-ID next to the HTML that refers to it', async () => {
    const png = randomBytes(500);
    const html = '<p>Logo: <img src="cid:logo@contoso.com"></p>';
    const mime = await buildMessage(
      base({ html, attachments: [{ name: 'logo.png', contentType: 'image/png', content: png, isInline: true, contentId: 'logo@contoso.com' }, { name: 'report.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4') }] }),
    );
    assert.match(mime.toString(), /multipart\/related/);
    const parsed = await parseMessage(mime);
    assert.equal(parsed.htmlBody, html, 'cid: links stay as they are');
    const [logo, report] = parsed.attachments;
    assert.deepEqual([logo.name, logo.isInline, logo.contentId, logo.contentType], ['logo.png', true, 'logo@contoso.com', 'image/png']);
    assert.ok(logo.content.equals(png));
    assert.deepEqual([report.name, report.isInline, report.contentId], ['report.pdf', false, null]);
    const fields = itemFieldsFromMime(parsed, mime.length);
    assert.equal(fields.hasAttachments, true);
    const onlyInline = await parseMessage(await buildMessage(base({ html, attachments: [{ name: 'logo.png', contentType: 'image/png', content: png, isInline: true, contentId: 'logo@contoso.com' }] })));
    assert.equal(itemFieldsFromMime(onlyInline, 0).hasAttachments, false);
  });

  it('writes an item attachment as message/rfc822 and reads it back as the same message', async () => {
    const inner = await buildMessage(base({ subject: 'Inner — ü', text: 'inner body', attachments: [{ name: 'x.bin', content: randomBytes(300) }] }));
    const mime = await buildMessage(base({ subject: 'Fwd: Inner', attachments: [{ kind: 'item', name: 'Inner message', content: inner }] }));
    assertWellFormed(mime);
    const parsed = await parseMessage(mime);
    assert.equal(parsed.attachments.length, 1);
    const [item] = parsed.attachments;
    assert.deepEqual([item.kind, item.name, item.contentType, item.isInline], ['item', 'Inner message', 'message/rfc822', false]);
    assert.ok(item.content.equals(inner));
    assert.equal(parsed.textBody, 'Hi Bob', 'the attached message does not leak into the body');
    const again = await parseMessage(item.content);
    assert.equal(again.subject, 'Inner — ü');
    assert.equal(again.attachments.length, 1);
  });

  it('names an attached message without a file name after its subject', async () => {
    const inner = crlf('Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nFrom: a@b.c\n\nbody\n');
    const mime = crlf(`From: a@b.c\nSubject: outer\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nouter body\n--b\nContent-Type: message/rfc822\n\n${inner.toString()}\n--b--\n`);
    const parsed = await parseMessage(mime);
    assert.equal(parsed.attachments[0].kind, 'item');
    assert.equal(parsed.attachments[0].name, 'Grüße');
  });

  it('rejects messages over 50 MB with InvalidArgument', async () => {
    await assert.rejects(parseMessage(Buffer.alloc(50 * 1024 * 1024 + 1, 0x61)), (e: unknown) => e instanceof DeputyError && e.code === 'InvalidArgument');
  });
});

describe('parseMessage on malformed input', () => {
  const samples: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['only a blank line', Buffer.from('\r\n')],
    ['no header block', Buffer.from('just some text without any header\r\n')],
    ['binary garbage', randomBytes(4096)],
    ['no From', crlf('Subject: hi\n\nbody')],
    ['broken addresses', crlf('From: <<<@@>>>, "unterminated\nTo: ,,,;;;\nCc: group:;\n\nbody')],
    ['broken multipart', crlf('From: a@b.c\nContent-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\npart one\n--x\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n!!!not base64!!!')],
    ['multipart without boundary', crlf('From: a@b.c\nContent-Type: multipart/mixed\n\nbody')],
    ['bad encodings', crlf('From: =?x-unknown?Q?=ZZ?= <a@b.c>\nSubject: =?utf-8?B?###?=\nContent-Type: text/plain; charset=no-such-charset\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n')],
    ['bad date and ids', crlf('From: a@b.c\nDate: the day after tomorrow\nMessage-ID: not an id\nIn-Reply-To:\nReferences: <a> <b\n\nbody')],
    ['LF only and no final newline', Buffer.from('From: a@b.c\nSubject: lf\n\nline1\nline2')],
    ['NUL bytes in headers', Buffer.from('From: a@b.c\r\nSubject: a\u0000b\r\n\r\nbody\u0000')],
    ['header too large', Buffer.concat([Buffer.from('From: a@b.c\r\nX-Big: '), Buffer.alloc(2 * 1024 * 1024, 0x61), Buffer.from('\r\n\r\nbody')])],
  ];
  for (const [name, mime] of samples) {
    it(`reads what it can without throwing: ${name}`, async () => {
      const parsed = await parseMessage(mime);
      assert.equal(typeof parsed.subject, 'string');
      assert.ok(Array.isArray(parsed.to) && Array.isArray(parsed.attachments) && Array.isArray(parsed.headers));
      assert.ok(parsed.date === null || !Number.isNaN(Date.parse(parsed.date)));
      const fields = itemFieldsFromMime(parsed, mime.length);
      assert.equal(fields.conversationId.length, 22);
    });
  }

  it('reports a missing From as null and an unreadable Date as null', async () => {
    const parsed = await parseMessage(crlf('Subject: hi\nDate: someday\n\nbody'));
    assert.equal(parsed.from, null);
    assert.equal(parsed.date, null);
    assert.equal(parsed.subject, 'hi');
    assert.equal(parsed.textBody, 'body');
  });

  it('never throws on arbitrary bytes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        await parseMessage(Buffer.concat([Buffer.from('From: a@b.c\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n'), Buffer.from(bytes)]));
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseMessage details', () => {
  it('reads importance from Importance, X-Priority, X-MSMail-Priority and Priority', async () => {
    const importance = async (header: string) => (await parseMessage(crlf(`From: a@b.c\n${header}\n\nx`))).importance;
    assert.equal(await importance('Importance: high'), 'High');
    assert.equal(await importance('Importance: Low'), 'Low');
    assert.equal(await importance('X-Priority: 1 (Highest)'), 'High');
    assert.equal(await importance('X-Priority: 2'), 'High');
    assert.equal(await importance('X-Priority: 3 (Normal)'), 'Normal');
    assert.equal(await importance('X-Priority: 5'), 'Low');
    assert.equal(await importance('X-MSMail-Priority: High'), 'High');
    assert.equal(await importance('Priority: urgent'), 'High');
    assert.equal(await importance('Priority: non-urgent'), 'Low');
    assert.equal(await importance('X-Other: 1'), 'Normal');
    assert.equal(await importance('Importance: low\nX-Priority: 1'), 'Low', 'Importance wins');
  });

  it('keeps the header fields in order, as written, folding included', async () => {
    const mime = crlf('Received: from a\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\nFrom: a@b.c\nX-Custom:  spaced value\nSubject: s\n\nbody');
    const parsed = await parseMessage(mime);
    assert.deepEqual(parsed.headers, [
      ['Received', 'from a\r\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000'],
      ['From', 'a@b.c'],
      ['X-Custom', ' spaced value'],
      ['Subject', 's'],
    ]);
  });

  it('reads dates with time zones and comments, and ids without brackets', async () => {
    const parsed = await parseMessage(crlf('From: a@b.c\nDate: Tue, 1 Jul 2003 10:52:37 +0200 (CEST)\nMessage-ID: plain@id.example\nReferences: <r1@x>\n <r2@x>\nIn-Reply-To: <r2@x> (comment)\n\nx'));
    assert.equal(parsed.date, '2003-07-01T08:52:37.000Z');
    assert.equal(parsed.messageId, '<plain@id.example>');
    assert.deepEqual(parsed.references, ['<r1@x>', '<r2@x>']);
    assert.equal(parsed.inReplyTo, '<r2@x>');
  });

  it('keeps the case of addresses as given and trims them', async () => {
    const parsed = await parseMessage(crlf('From: "  Alice  " <Alice.Smith@Contoso.com>\nTo: Bob@CONTOSO.com\n\nx'));
    assert.deepEqual(parsed.from, { name: 'Alice', address: 'Alice.Smith@Contoso.com' });
    assert.deepEqual(parsed.to, [{ name: null, address: 'Bob@CONTOSO.com' }]);
  });
});

describe('itemFieldsFromMime', () => {
  it('derives the item fields', async () => {
    const mime = await buildMessage(
      base({ subject: 'RE: Fwd: Budget', cc: [alice], bcc: [bob], importance: 'Low', attachments: [{ name: 'a.txt', contentType: 'text/plain', content: Buffer.from('abc') }] }),
    );
    const parsed = await parseMessage(mime);
    const fields = itemFieldsFromMime(parsed, mime.length);
    assert.equal(fields.itemClass, 'IPM.Note');
    assert.equal(fields.subject, 'RE: Fwd: Budget');
    assert.equal(fields.conversationTopic, 'Budget');
    assert.deepEqual(fields.from, alice);
    assert.deepEqual(fields.to, [bob]);
    assert.deepEqual(fields.cc, [alice]);
    assert.deepEqual(fields.bcc, [], 'buildMessage drops Bcc unless keepBcc');
    assert.equal(fields.sentAt, '2024-03-01T10:00:00.000Z');
    assert.equal(fields.internetMessageId, parsed.messageId);
    assert.equal(fields.importance, 'Low');
    assert.equal(fields.hasAttachments, true);
    assert.deepEqual(fields.attachments, [{ index: 0, kind: 'file', name: 'a.txt', contentType: 'text/plain', size: 3, isInline: false, contentId: null }]);
    assert.equal(fields.preview, 'Hi Bob');
    assert.equal(fields.size, mime.length);
    assert.match(fields.conversationId, /^[A-Za-z0-9_-]{22}$/);
  });

  it('strips repeated reply and forward prefixes from the topic', () => {
    assert.equal(topicOf('Re: RE: Fw: FWD: AW: WG: Plans'), 'Plans');
    assert.equal(topicOf('re:fw:  Plans '), 'Plans');
    assert.equal(topicOf('Re[2]: Plans'), 'Plans');
    assert.equal(topicOf('Plans: Re: later'), 'Plans: Re: later');
    assert.equal(topicOf('Reply needed'), 'Reply needed');
    assert.equal(topicOf(''), '');
  });

  it('gives every message of a reply chain the same conversation id, and other threads another', async () => {
    const root = await parseMessage(await buildMessage(base({ subject: 'Plans', messageId: '<root@contoso.com>' })));
    const reply = await parseMessage(await buildMessage(base({ subject: 'Re: Plans', messageId: '<r1@contoso.com>', inReplyTo: '<root@contoso.com>', references: ['<root@contoso.com>'] })));
    const replyToReply = await parseMessage(
      await buildMessage(base({ subject: 'RE: Re: Plans', messageId: '<r2@fabrikam.com>', inReplyTo: '<r1@contoso.com>', references: ['<root@contoso.com>', '<r1@contoso.com>'] })),
    );
    const onlyInReplyTo = await parseMessage(await buildMessage(base({ subject: 'Re: Plans', messageId: '<r3@contoso.com>', inReplyTo: '<root@contoso.com>' })));
    const other = await parseMessage(await buildMessage(base({ subject: 'Plans', messageId: '<other@contoso.com>' })));
    const ids = [root, reply, replyToReply, onlyInReplyTo, other].map((p) => itemFieldsFromMime(p, 0).conversationId);
    assert.equal(new Set(ids.slice(0, 4)).size, 1);
    assert.notEqual(ids[4], ids[0]);
    const noIds = (subject: string) => parseMessage(crlf(`From: a@b.c\nSubject: ${subject}\n\nx`));
    assert.equal(itemFieldsFromMime(await noIds('Re: Lunch'), 0).conversationId, itemFieldsFromMime(await noIds('Lunch'), 0).conversationId, 'without ids the topic decides');
  });

  it('previews the text body, else the HTML as text, whitespace collapsed, at most 255 characters', async () => {
    const long = await parseMessage(await buildMessage(base({ text: `  Dear   Bob,\n\n${'word '.repeat(200)}` })));
    const preview = itemFieldsFromMime(long, 0).preview;
    assert.equal(preview.length, 255);
    assert.ok(preview.startsWith('Dear Bob, word word'));
    const html = await parseMessage(
      await buildMessage(base({ text: null, html: '<html><head><style>p { color: red }</style><title>T</title></head><body><p>Hello&nbsp;<b>Bob</b> &amp; &#x263A;</p>\n<script>alert(1)</script><div>Next</div></body></html>' })),
    );
    assert.equal(itemFieldsFromMime(html, 0).preview, 'Hello Bob & ☺ Next');
    const empty = await parseMessage(crlf('From: a@b.c\n\n'));
    assert.equal(itemFieldsFromMime(empty, 0).preview, '');
  });
});

describe('Bcc and header edits', () => {
  it('keeps Bcc only when asked', async () => {
    const kept = await buildMessage(base({ bcc: [{ name: 'Hidden, Person', address: 'hidden@contoso.com' }], keepBcc: true }));
    assert.deepEqual((await parseMessage(kept)).bcc, [{ name: 'Hidden, Person', address: 'hidden@contoso.com' }]);
    const dropped = await buildMessage(base({ bcc: [{ name: null, address: 'hidden@contoso.com' }] }));
    assert.deepEqual((await parseMessage(dropped)).bcc, []);
    assert.doesNotMatch(dropped.toString(), /hidden@/);
  });

  it('withoutBcc removes every Bcc field, folded lines included, and nothing else', async () => {
    const body = Buffer.concat([crlf('\nBcc: in the body stays\n'), randomBytes(200)]);
    const head = crlf('From: a@b.c\nBcc: one@b.c,\n two@b.c,\n\tthree@b.c\nTo: x@b.c\nbcc: four@b.c\nSubject: s\nBCC:\n');
    const mime = Buffer.concat([head, body]);
    const stripped = withoutBcc(mime);
    assert.ok(stripped.equals(Buffer.concat([crlf('From: a@b.c\nTo: x@b.c\nSubject: s\n'), body])));
    assert.deepEqual((await parseMessage(stripped)).bcc, []);
    const noBcc = crlf('From: a@b.c\n\nBcc: not a header\n');
    assert.equal(withoutBcc(noBcc), noBcc, 'unchanged input is returned as is');
    const lf = Buffer.from('From: a@b.c\nBcc: x@y.z\n\nbody\n');
    assert.equal(withoutBcc(lf).toString(), 'From: a@b.c\n\nbody\n');
    const onlyHeaders = Buffer.from('From: a@b.c\r\nBcc: x@y.z');
    assert.equal(withoutBcc(onlyHeaders).toString(), 'From: a@b.c\r\n');
  });

  it('withHeaders replaces, adds and removes fields and leaves the rest untouched', async () => {
    const mime = crlf('From: a@b.c\nX-Flag: 1\nSubject: old\n folded\nX-Flag: 2\n\nbody\n');
    const edited = withHeaders(mime, { subject: 'Grüße', 'X-Flag': null, 'X-New': 'yes' });
    assert.equal(edited.toString(), crlf('From: a@b.c\nsubject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\nX-New: yes\n\nbody\n').toString());
    assert.equal((await parseMessage(edited)).subject, 'Grüße');
  });
});

describe('attachment edits', () => {
  const original = () =>
    buildMessage(
      base({
        messageId: '<keep@contoso.com>',
        date: '2023-12-24T18:00:00.000Z',
        subject: 'Grüße',
        html: '<p>Hi <img src="cid:pic@x"></p>',
        bcc: [bob],
        keepBcc: true,
        headers: { 'X-Custom': 'kept' },
        attachments: [
          { name: 'pic.png', contentType: 'image/png', content: randomBytes(100), isInline: true, contentId: 'pic@x' },
          { name: 'one.bin', content: randomBytes(1000) },
        ],
      }),
    );

  it('adds an attachment and keeps the other fields byte for byte', async () => {
    const mime = await original();
    const added = randomBytes(5000);
    const next = await addAttachment(mime, { name: 'two.dat', contentType: 'application/x-two', content: added });
    assertWellFormed(next);
    const before = readHeaderBlock(mime).fields.filter((f) => !/^(content-|mime-version)/i.test(f.name));
    const after = readHeaderBlock(next).fields.filter((f) => !/^(content-|mime-version)/i.test(f.name));
    assert.deepEqual(after.map((f) => [f.name, f.value]), before.map((f) => [f.name, f.value]));
    const was = await parseMessage(mime);
    const now = await parseMessage(next);
    assert.equal(now.messageId, '<keep@contoso.com>');
    assert.equal(now.date, '2023-12-24T18:00:00.000Z');
    assert.deepEqual(now.bcc, [bob]);
    assert.equal(now.textBody, was.textBody);
    assert.equal(now.htmlBody, was.htmlBody);
    assert.deepEqual(now.attachments.map((a) => a.name), ['pic.png', 'one.bin', 'two.dat']);
    assert.ok(now.attachments[1].content.equals(was.attachments[1].content));
    assert.ok(now.attachments[2].content.equals(added));
    assert.equal(now.attachments[0].contentId, 'pic@x');
  });

  it('keeps the order given, so an added inline image is the last attachment too', async () => {
    const mime = await original();
    const png = randomBytes(64);
    const next = await addAttachment(mime, { name: 'late.png', contentType: 'image/png', content: png, isInline: true, contentId: 'late@x' });
    const parsed = await parseMessage(next);
    assert.deepEqual(parsed.attachments.map((a) => [a.name, a.isInline, a.contentId]), [['pic.png', true, 'pic@x'], ['one.bin', false, null], ['late.png', true, 'late@x']]);
    assert.ok(parsed.attachments[2].content.equals(png));
    const mixed = await parseMessage(
      await buildMessage(base({ html: '<img src="cid:b@x">', attachments: [{ name: 'a.txt', content: Buffer.from('a') }, { name: 'b.png', contentType: 'image/png', content: png, isInline: true, contentId: 'b@x' }] })),
    );
    assert.deepEqual(mixed.attachments.map((a) => [a.name, a.isInline]), [['a.txt', false], ['b.png', true]]);
  });

  it('removes an attachment by index, and rejects an index out of range', async () => {
    const mime = await original();
    const next = await removeAttachment(mime, 1);
    const now = await parseMessage(next);
    assert.deepEqual(now.attachments.map((a) => a.name), ['pic.png']);
    assert.equal(now.messageId, '<keep@contoso.com>');
    assert.equal(itemFieldsFromMime(now, next.length).hasAttachments, false);
    const none = await parseMessage(await removeAttachment(next, 0));
    assert.deepEqual(none.attachments, []);
    assert.equal(none.htmlBody, '<p>Hi <img src="cid:pic@x"></p>');
    await assert.rejects(removeAttachment(mime, 2), (e: unknown) => e instanceof DeputyError && e.code === 'ObjectNotFound');
    await assert.rejects(removeAttachment(mime, -1), (e: unknown) => e instanceof DeputyError && e.code === 'ObjectNotFound');
  });

  it('sets the whole list, item attachments included, on a message that had none', async () => {
    const plain = crlf('Received: from x by y\nFrom: a@b.c\nMessage-ID: <plain@b.c>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nSubject: plain\n\nHello\n');
    const inner = await buildMessage(base({ subject: 'inner' }));
    const next = await setAttachments(plain, [{ kind: 'item', name: 'inner', content: inner }, { name: 'z.bin', content: Buffer.from([0, 255]) }]);
    assert.ok(next.toString('latin1').startsWith('Received: from x by y\r\nFrom: a@b.c\r\nMessage-ID: <plain@b.c>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: plain\r\n'));
    const parsed = await parseMessage(next);
    assert.equal(parsed.textBody?.trim(), 'Hello');
    assert.deepEqual(parsed.attachments.map((a) => [a.kind, a.name]), [['item', 'inner'], ['file', 'z.bin']]);
    assert.ok(parsed.attachments[0].content.equals(inner));
  });
});
