// The EWS endpoint on the wire (raw HTTP): the challenge clients need, the exact Content-Type,
// ServerVersionInfo everywhere, lenient headers, and specific faults for hostile or broken requests.
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { registerEws } from '../../src/protocols/ews/endpoint.ts';
import { assertRecordedResponsesValid, basicAuth, rawEws, soapEnvelope, startEwsServer, type EwsServer } from '../helpers/ews.ts';

const probe = '<m:ConvertId DestinationFormat="EntryId"><m:SourceIds><t:AlternateId Id="DUMMY" Format="EwsId" Mailbox="DUMMY"/></m:SourceIds></m:ConvertId>';
const resolveBob = '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>bob</m:UnresolvedEntry></m:ResolveNames>';

describe('EWS endpoint (raw SOAP)', () => {
  let ews: EwsServer;
  let alice: string;
  before(async () => {
    ews = await startEwsServer();
    alice = basicAuth('alice@contoso.com', ews.password);
  });
  after(() => ews?.close());
  afterEach(async () => {
    await assertRecordedResponsesValid();
  });

  describe('authentication', () => {
    it('answers an unauthenticated GET with 401 and a Basic challenge, keeping the connection open (DavMail\'s liveness probe)', async () => {
      const response = await fetch(ews.ewsUrl);
      assert.equal(response.status, 401);
      const challenge = response.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Basic realm="Deputy"/);
      assert.match(challenge, /Bearer/);
      assert.doesNotMatch(challenge, /NTLM|Negotiate/i);
      assert.notEqual(response.headers.get('connection'), 'close');
      await response.text();
    });

    it('answers an unauthenticated POST and a wrong password with 401, never 200', async () => {
      for (const auth of [null, basicAuth('alice@contoso.com', 'wrong'), basicAuth('nobody@contoso.com'), 'Basic !!!', 'Digest x']) {
        const response = await rawEws(ews.ewsUrl, auth, probe);
        assert.equal(response.status, 401, `with ${auth}`);
        assert.match(response.headers.get('www-authenticate') ?? '', /^Basic realm="Deputy"/);
      }
    });

    it('answers an invalid bearer token with 401 and error="invalid_token"', async () => {
      const response = await rawEws(ews.ewsUrl, 'Bearer aaa.bbb.ccc', probe);
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /Bearer error="invalid_token"/);
    });

    it('answers an authenticated GET with 200', async () => {
      const response = await fetch(ews.ewsUrl, { headers: { authorization: alice } });
      assert.equal(response.status, 200);
      assert.match(await response.text(), /EWS/);
    });

    it('signs in a user without a mailbox by UPN and runs directory operations as them', async () => {
      const svcUpn = await rawEws(ews.ewsUrl, basicAuth('svc@contoso.com', ews.password), resolveBob);
      assert.equal(svcUpn.status, 200);
    });
  });

  describe('the ConvertId version probe', () => {
    it('answers DUMMY with a per-item ErrorInvalidIdMalformed, HTTP 200, the exact Content-Type and ServerVersionInfo', async () => {
      const response = await rawEws(ews.ewsUrl, alice, probe, '<t:RequestServerVersion Version="Exchange2019"/>');
      assert.equal(response.status, 200);
      assert.equal(response.contentType, 'text/xml; charset=utf-8');
      assert.deepEqual(
        response.messages.map((m) => [m.responseClass, m.responseCode, m.messageText]),
        [['Error', 'ErrorInvalidIdMalformed', 'Id is malformed.']],
      );
      assert.match(response.body, /<h:ServerVersionInfo xmlns:h="http:\/\/schemas.microsoft.com\/exchange\/services\/2006\/types" MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="Exchange2016"\/>/);
    });

    it('accepts any RequestServerVersion, a missing one and a missing Header alike', async () => {
      for (const header of ['<t:RequestServerVersion Version="Exchange2019"/>', '<t:RequestServerVersion Version="V2017_07_11"/>', '<t:RequestServerVersion/>', '']) {
        const response = await rawEws(ews.ewsUrl, alice, probe, header);
        assert.equal(response.status, 200, header);
      }
      const noHeader = await rawEws(ews.ewsUrl, alice, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>${probe.replace('<m:ConvertId', '<m:ConvertId xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"')}</soap:Body></soap:Envelope>`, undefined, { verbatim: true });
      assert.equal(noHeader.status, 200);
    });

    it('serves the path case-insensitively, as DavMail spells it (/ews/exchange.asmx)', async () => {
      for (const path of ['/ews/exchange.asmx', '/EWS/EXCHANGE.ASMX', '/Ews/Exchange.asmx']) {
        const response = await rawEws(ews.url, alice, probe, '', { path });
        assert.equal(response.status, 200, path);
      }
      const get = await fetch(`${ews.url}/ews/exchange.asmx`);
      assert.equal(get.status, 401);
      await get.text();
    });

    it('matches by namespace, not prefix, and ignores unknown headers', async () => {
      const envelope =
        '<E:Envelope xmlns:E="http://schemas.xmlsoap.org/soap/envelope/"><E:Header>' +
        '<x:MailboxCulture xmlns:x="http://schemas.microsoft.com/exchange/services/2006/types">en-US</x:MailboxCulture>' +
        '<DateTimePrecision xmlns="http://schemas.microsoft.com/exchange/services/2006/types">Seconds</DateTimePrecision>' +
        '<Unknown xmlns="urn:something-else" E:mustUnderstand="0"/>' +
        '</E:Header><E:Body><ConvertId xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" DestinationFormat="EwsId"><SourceIds>' +
        '<AlternateId xmlns="http://schemas.microsoft.com/exchange/services/2006/types" Id="DUMMY" Format="EwsId" Mailbox="x@y"/></SourceIds></ConvertId></E:Body></E:Envelope>';
      const response = await rawEws(ews.ewsUrl, alice, envelope, undefined, { verbatim: true });
      assert.equal(response.status, 200);
      assert.equal(response.messages[0].responseCode, 'ErrorInvalidIdMalformed');
    });

    it('accepts application/soap+xml and a missing charset', async () => {
      for (const contentType of ['application/soap+xml; charset=utf-8', 'text/xml', 'application/xml']) {
        const response = await rawEws(ews.ewsUrl, alice, probe, '', { contentType });
        assert.equal(response.status, 200, contentType);
      }
    });
  });

  describe('faults', () => {
    const expectFault = (response: Awaited<ReturnType<typeof rawEws>>, code: string, message?: RegExp) => {
      assert.equal(response.status, 500);
      assert.equal(response.contentType, 'text/xml; charset=utf-8');
      assert.ok(response.fault, `expected a fault, got ${response.body.slice(0, 300)}`);
      assert.equal(response.fault.code, code);
      assert.equal(response.fault.faultcode, `a:${code}`);
      if (message) assert.match(response.fault.message, message);
      assert.match(response.body, /<h:ServerVersionInfo [^>]*MajorVersion="15"/);
    };

    it('answers XML that is not well-formed (unescaped & from ews-javascript-api) with ErrorInvalidRequest', async () => {
      const response = await rawEws(ews.ewsUrl, alice, '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>Tom & Jerry</m:UnresolvedEntry></m:ResolveNames>');
      expectFault(response, 'ErrorInvalidRequest', /^The request is invalid\. The XML is not well-formed/);
      assert.match(response.body, /<t:Value Name="LineNumber">1<\/t:Value>/);
    });

    it('refuses a DTD (billion laughs) with ErrorInvalidRequest naming the DTD, and stays healthy', async () => {
      const lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
        Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
        ']>' + soapEnvelope('<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>&lol9;</m:UnresolvedEntry></m:ResolveNames>').replace('<?xml version="1.0" encoding="utf-8"?>', '');
      const started = Date.now();
      const response = await rawEws(ews.ewsUrl, alice, lol, undefined, { verbatim: true });
      expectFault(response, 'ErrorInvalidRequest', /DTD/);
      assert.ok(Date.now() - started < 2000, 'answered without expanding anything');
      assert.equal((await rawEws(ews.ewsUrl, alice, probe)).status, 200);
    });

    it('refuses entity references other than the predefined ones', async () => {
      const response = await rawEws(ews.ewsUrl, alice, '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>&xxe;</m:UnresolvedEntry></m:ResolveNames>');
      expectFault(response, 'ErrorInvalidRequest', /'&xxe;' is not allowed/);
      const predefined = await rawEws(ews.ewsUrl, alice, '<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>&#98;&#x6f;b&amp;</m:UnresolvedEntry></m:ResolveNames>');
      assert.equal(predefined.status, 200);
    });

    it('refuses elements nested too deeply', async () => {
      const response = await rawEws(ews.ewsUrl, alice, `<m:ResolveNames ReturnFullContactData="false">${'<x>'.repeat(200)}${'</x>'.repeat(200)}</m:ResolveNames>`);
      expectFault(response, 'ErrorInvalidRequest', /nested more than 100 levels/);
    });

    it('answers a body over the limit with ErrorRequestStreamTooBig (HTTP 500, so clients read the fault)', async () => {
      const response = await rawEws(ews.ewsUrl, alice, `<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>${'x'.repeat(11 * 1024 * 1024)}</m:UnresolvedEntry></m:ResolveNames>`);
      expectFault(response, 'ErrorRequestStreamTooBig', /too large/);
    });

    it('answers an operation Deputy does not implement with ErrorInvalidOperation', async () => {
      expectFault(await rawEws(ews.ewsUrl, alice, '<m:Bogus/>'), 'ErrorInvalidOperation', /'Bogus' is not supported/);
      expectFault(await rawEws(ews.ewsUrl, alice, '<m:PlayOnPhone/>'), 'ErrorInvalidOperation', /'PlayOnPhone'/);
    });

    it('answers requests that are not one SOAP 1.1 operation with ErrorInvalidRequest', async () => {
      expectFault(await rawEws(ews.ewsUrl, alice, '<ResolveNames/>', undefined, { verbatim: true }), 'ErrorInvalidRequest', /SOAP 1\.1 Envelope/);
      expectFault(await rawEws(ews.ewsUrl, alice, '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>', undefined, { verbatim: true }), 'ErrorInvalidRequest', /SOAP 1\.2/);
      expectFault(await rawEws(ews.ewsUrl, alice, ''), 'ErrorInvalidRequest', /exactly one operation/);
      expectFault(await rawEws(ews.ewsUrl, alice, `${resolveBob}${resolveBob}`), 'ErrorInvalidRequest', /exactly one operation/);
      expectFault(await rawEws(ews.ewsUrl, alice, '', undefined, { verbatim: true }), 'ErrorInvalidRequest');
      expectFault(await rawEws(ews.ewsUrl, alice, '<x:ResolveNames xmlns:x="urn:other"/>'), 'ErrorInvalidRequest', /namespace/);
    });
  });

  describe('schema files', () => {
    it('serves Services.wsdl, messages.xsd and types.xsd without credentials', async () => {
      for (const [file, marker] of [['Services.wsdl', /wsdl:definitions/], ['messages.xsd', /ResponseCodeType/], ['types.xsd', /ServerVersionInfo/], ['services.wsdl', /wsdl/]] as const) {
        const response = await fetch(`${ews.url}/EWS/${file}`);
        assert.equal(response.status, 200, file);
        assert.equal(response.headers.get('content-type'), 'text/xml; charset=utf-8');
        assert.match(await response.text(), marker);
      }
      const missing = await fetch(`${ews.url}/EWS/other.xsd`);
      assert.equal(missing.status, 404);
      await missing.text();
    });

    it('starts without the schema files and answers 404 for them', async () => {
      const app = Fastify({ routerOptions: { caseSensitive: false } });
      registerEws(app, ews.runtime, { schemaDir: '/nonexistent/ews-schema' });
      await app.ready();
      const response = await app.inject({ method: 'GET', url: '/EWS/Services.wsdl' });
      assert.equal(response.statusCode, 404);
      const soap = await app.inject({ method: 'POST', url: '/ews/exchange.asmx', headers: { authorization: alice, 'content-type': 'text/xml' }, payload: soapEnvelope(probe) });
      assert.equal(soap.statusCode, 200);
      await app.close();
    });
  });
});
