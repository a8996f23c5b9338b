// The XML layer on its own: the request parser refuses what hostile clients send and never throws
// anything but XmlParseError; the writer never emits invalid XML; ids and envelopes round-trip.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { attr, child, children, childText, parseXml, serializeChildren, serializeElement, XmlParseError } from '../../src/protocols/ews/xml/parse.ts';
import { declare, escapeAttr, escapeText, XmlWriter } from '../../src/protocols/ews/xml/writer.ts';
import { changeKeyOf, decodeId, decodeIdAs, encodeFolderId, encodeIdAs, encodeItemId, idFormats, versionOfChangeKey } from '../../src/protocols/ews/ids.ts';
import { faultResponse, readEnvelope } from '../../src/protocols/ews/soap.ts';
import { EwsError, ewsCodeFor } from '../../src/protocols/ews/errors.ts';
import { isResponseCode } from '../../src/protocols/ews/response-codes.ts';
import { writeResponseMessages } from '../../src/protocols/ews/operation.ts';
import { messagesNs, typesNs } from '../../src/protocols/ews/namespaces.ts';
import { readResponse, soapEnvelope, validateEwsResponse } from '../helpers/ews.ts';

const kindOf = (run: () => unknown): string => {
  try {
    run();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof XmlParseError, `threw ${String(error)}`);
    return error.kind;
  }
};

describe('parseXml', () => {
  it('builds a namespace-aware tree: elements and attributes by local name, text, CDATA and references resolved', () => {
    const root = parseXml('<a xmlns="urn:x" xmlns:p="urn:p" p:q="1" r="2" xml:lang="en"><p:b>t&amp;&#65;&#x42;<![CDATA[<c>]]></p:b><b/>tail</a>');
    assert.equal(root.ns, 'urn:x');
    assert.equal(root.local, 'a');
    assert.deepEqual(root.attrs, { r: '2', q: '1', lang: 'en' });
    assert.equal(child(root, 'urn:p', 'b')?.text, 't&AB<c>');
    assert.equal(children(root, 'urn:x', 'b').length, 1);
    assert.equal(childText(root, 'urn:p', 'b'), 't&AB<c>');
    assert.equal(childText(root, 'urn:x', 'missing'), undefined);
    assert.equal(attr(root, 'r'), '2');
    assert.equal(root.text, 'tail');
  });

  it('refuses DTDs, undefined entities, deep nesting and element floods with specific errors', () => {
    assert.equal(kindOf(() => parseXml('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')), 'Dtd');
    assert.equal(kindOf(() => parseXml('<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>')), 'Dtd');
    assert.equal(kindOf(() => parseXml('<a>&xxe;</a>')), 'Entity');
    assert.match((() => { try { parseXml('<a>&amp;&xxe;</a>'); } catch (e) { return (e as Error).message; } return ''; })(), /'&xxe;'/);
    assert.equal(kindOf(() => parseXml(`${'<a>'.repeat(101)}${'</a>'.repeat(101)}`)), 'TooDeep');
    assert.equal(kindOf(() => parseXml(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`)), 'ok');
    assert.equal(kindOf(() => parseXml(`<a>${'<b/>'.repeat(100)}</a>`, { maxElements: 100 })), 'TooManyElements');
    for (const bad of ['', 'Tom & Jerry', '<a>Tom & Jerry</a>', '<a><b></a>', '<a/><b/>', '<x:a/>', '<a>&#1;</a>', '<a>\u0001</a>', '<?xml version="1.1"?><a>&#1;</a>', '<a b="1" b="2"/>']) {
      assert.equal(kindOf(() => parseXml(bad)), 'Malformed', JSON.stringify(bad));
    }
  });

  it('throws only XmlParseError, whatever the input (property)', () => {
    const fragments = fc.constantFrom('<a>', '</a>', '<b x="1">', '</b>', '&amp;', '&x;', '&#', '<!DOCTYPE', '<![CDATA[', ']]>', '<?', '?>', 'xmlns:p="u"', '<p:c/>', '"', "'", '=', '\u0000', '\uD800', 'text');
    fc.assert(
      fc.property(fc.array(fc.oneof(fragments, fc.string()), { maxLength: 30 }), (parts) => {
        kindOf(() => parseXml(parts.join('')));
      }),
      { numRuns: 2000 },
    );
  });

  it('re-serialises an HTML body sent as child elements, text and children in order', () => {
    const body = parseXml('<t:Body xmlns:t="urn:t" BodyType="HTML"><p class="x">Hello <b>bold &amp; brave</b> <i>world</i>!</p><br/></t:Body>');
    assert.equal(serializeChildren(body), '<p class="x">Hello <b>bold &amp; brave</b> <i>world</i>!</p><br/>');
    assert.equal(serializeElement(body.children[1]), '<br/>');
    assert.equal(serializeChildren(parseXml('<a>just &lt;text&gt;</a>')), 'just &lt;text&gt;');
  });
});

describe('XmlWriter', () => {
  it('escapes text and attributes and replaces characters XML 1.0 forbids, so the output always parses back', () => {
    const out = new XmlWriter();
    out.open('m:R', declare('m', 't')).leaf('t:A', { Name: 'a"b<c>&\t\n\r', Skip: null, Absent: undefined, N: 3, B: true }, 'x < y & z > w ]]>').leaf('t:B', null, 'bad\u0001\uFFFE\uD800 ok 😀\r\n').leaf('t:C').leaf('t:D', null, '').close();
    const xml = out.toString();
    const root = parseXml(xml);
    assert.deepEqual(root.children[0].attrs, { Name: 'a"b<c>&\t\n\r', N: '3', B: 'true' });
    assert.equal(root.children[0].text, 'x < y & z > w ]]>');
    assert.equal(root.children[1].text, 'bad\uFFFD\uFFFD\uFFFD ok 😀\r\n');
    assert.match(xml, /<t:C\/><t:D><\/t:D>/);
  });

  it('round-trips any string through text and attributes (property)', () => {
    const legal = (s: string) => s.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (text, value) => {
        const root = parseXml(new XmlWriter().leaf('a', { v: value }, text).toString());
        assert.equal(root.text, legal(text));
        assert.equal(root.attrs.v, legal(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('writes bytes as base64 without escaping, the same as text or as UTF-8 bytes, around any text', () => {
    const bytes = Buffer.from('From: a\r\n\r\nGrüße <&> \u0001\r\n', 'utf8');
    for (const length of [0, 1, 2, 3, bytes.length]) {
      const out = new XmlWriter();
      out.open('m:R', declare('m', 't')).leaf('t:Before', null, 'ä & 😀').open('t:MimeContent').base64(bytes.subarray(0, length)).close().leaf('t:After', { A: 'x"y' }, 'z').close();
      const text = out.toString();
      assert.ok(out.toBuffer().equals(Buffer.from(text, 'utf8')));
      const root = parseXml(text);
      assert.ok(Buffer.from(root.children[1].text, 'base64').equals(bytes.subarray(0, length)));
      assert.equal(root.children[0].text, 'ä & 😀');
      assert.equal(root.children[2].attrs.A, 'x"y');
    }
  });

  it('leaves clean strings alone (the fast path) and refuses to finish an unclosed document', () => {
    const plain = 'QUJD'.repeat(1000);
    assert.equal(escapeText(plain), plain);
    assert.equal(escapeAttr(plain), plain);
    assert.throws(() => new XmlWriter().open('a').toString(), /unclosed/);
    assert.throws(() => new XmlWriter().open('a').toBuffer(), /unclosed/);
    assert.throws(() => new XmlWriter().close(), /without an open element/);
  });
});

describe('ids', () => {
  it('encode folder and item ids that decode back, and reject anything else', () => {
    const uuid = randomUUID();
    assert.deepEqual(decodeId(encodeFolderId({ id: uuid })), { kind: 'folder', uuid });
    assert.deepEqual(decodeId(encodeItemId({ id: uuid })), { kind: 'item', uuid });
    assert.equal(encodeItemId({ id: uuid }), encodeItemId({ id: uuid }), 'stable');
    for (const bad of ['', 'DUMMY', 'AAMkAGI2TG93AAA=', Buffer.from(`X:${uuid}:1`).toString('base64url'), Buffer.from(`I:${uuid}:9`).toString('base64url'), 'a'.repeat(1000)]) {
      assert.equal(decodeId(bad), null, bad);
    }
  });

  it('convert between every IdFormat and back', () => {
    const id = { kind: 'item' as const, uuid: randomUUID() };
    for (const format of idFormats) assert.deepEqual(decodeIdAs(format, encodeIdAs(format, id)), id, format);
    assert.equal(encodeIdAs('EwsId', id), encodeItemId({ id: id.uuid }));
  });

  it('change keys carry the version', () => {
    assert.equal(versionOfChangeKey(changeKeyOf(42)), 42);
    assert.equal(versionOfChangeKey('DUMMY'), null);
  });
});

describe('SOAP envelope and errors', () => {
  it('reads headers by namespace, ignoring unknown ones, and refuses anything but one operation', () => {
    const request = readEnvelope(
      parseXml(
        soapEnvelope(
          '<m:GetFolder/>',
          '<t:RequestServerVersion Version="Exchange2019"/><t:MailboxCulture>en-US</t:MailboxCulture><t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>' +
            '<t:ExchangeImpersonation><t:ConnectingSID><t:SID>S-1-5-21-1-2-3-1001</t:SID></t:ConnectingSID></t:ExchangeImpersonation>',
        ),
      ),
    );
    assert.equal(request.operation.local, 'GetFolder');
    assert.equal(request.operation.ns, messagesNs);
    assert.deepEqual(request.header, { requestServerVersion: 'Exchange2019', timeZoneId: 'W. Europe Standard Time', impersonation: { type: 'SID', value: 'S-1-5-21-1-2-3-1001' } });
    assert.throws(() => readEnvelope(parseXml(soapEnvelope(''))), (e: unknown) => e instanceof EwsError && e.code === 'ErrorInvalidRequest');
  });

  it('maps every Deputy error code to a code in ResponseCodeType', () => {
    for (const [deputy, ews] of Object.entries(ewsCodeFor)) assert.ok(isResponseCode(ews), `${deputy} → ${ews}`);
  });

  it('writes faults and response messages that validate', async () => {
    await validateEwsResponse(faultResponse(new EwsError('ErrorServerBusy', 'The server cannot service this request right now. Try again later.', [{ name: 'BackOffMilliseconds', value: '297749' }])), { status: 500 });
    const out = new XmlWriter();
    out.raw('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>');
    out.leaf('t:ServerVersionInfo', { 'xmlns:t': typesNs, MajorVersion: 15, MinorVersion: 1, MajorBuildNumber: 2507, MinorBuildNumber: 6 });
    out.raw('</s:Header><s:Body>');
    writeResponseMessages(out, 'GetItem', [
      { ok: true, write: (w) => w.leaf('m:Items') },
      { ok: false, error: new EwsError('ErrorItemNotFound', 'The specified object was not found in the store.', [{ name: 'Id', value: 'x' }]), write: (w) => w.leaf('m:Items') },
    ]);
    out.raw('</s:Body></s:Envelope>');
    const xml = out.toString();
    await validateEwsResponse(xml, { status: 200 });
    const { messages } = readResponse(xml);
    assert.deepEqual(messages.map((m) => [m.responseClass, m.responseCode]), [['Success', 'NoError'], ['Error', 'ErrorItemNotFound']]);
  });

  it('the validator catches schema violations, missing ServerVersionInfo and bad faults', async () => {
    await assert.rejects(validateEwsResponse(soapEnvelope('<m:GetItemResponse><m:Bogus/></m:GetItemResponse>')), /Bogus|not expected/);
    const noVersion = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>a</faultcode></s:Fault></s:Body></s:Envelope>';
    await assert.rejects(validateEwsResponse(noVersion), /no ServerVersionInfo[\s\S]*detail\/e:ResponseCode/);
    await assert.rejects(validateEwsResponse(faultResponse(new EwsError('ErrorAccessDenied', 'x')), { status: 200 }), /HTTP 200/);
  });
});
