// EWS end-to-end support: a demo server on port 0, ews-javascript-api services and raw SOAP posts
// against it, and xmllint validation of responses. Every response through ewsService() or rawEws()
// is recorded, so `afterEach(assertRecordedResponsesValid)` validates all of them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import {
  ConfigurationApi,
  ConnectingIdType,
  ExchangeService,
  ExchangeVersion,
  ImpersonatedUserId,
  OAuthCredentials,
  Uri,
  WebCredentials,
  XhrApi,
  type IXHRApi,
  type IXHROptions,
  type IXHRProgress,
} from 'ews-javascript-api';
import { startServer, type RunningServer } from '../../src/server/server.ts';
import type { Runtime } from '../../src/services/context.ts';
import { CmdletHost } from '../../src/cmdlets/runner.ts';
import { isResponseCode } from '../../src/protocols/ews/response-codes.ts';
import { escapeAttr, escapeText } from '../../src/protocols/ews/xml/writer.ts';
import { parseXml, child, type XmlElement } from '../../src/protocols/ews/xml/parse.ts';
import { errorsNs, messagesNs, soapNs, typesNs } from '../../src/protocols/ews/namespaces.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const messagesXsd = path.resolve(repoRoot, '../shared/ews-schema/messages.xsd');
export const ewsPassword = 'Passw0rd!ews-e2e';

// --- server -------------------------------------------------------------------------------------

export interface EwsServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  /** The EWS endpoint: `${url}/EWS/Exchange.asmx`. */
  ewsUrl: string;
  /** Every demo account's password. */
  password: string;
  runtime: Runtime;
  server: RunningServer;
  /** Cmdlets as admin@contoso.com (Organization Management), audited like any admin. */
  admin: CmdletHost;
  close(): Promise<void>;
}

/** The demo organization (contoso.com: admin, helpdesk, alice, bob (Sales), carol (Finance), svc without mailbox) on a fresh SQLite store. */
export async function startEwsServer(): Promise<EwsServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-ews-'));
  const server = await startServer({ storage: { kind: 'sqlite', dir }, host: '127.0.0.1', port: 0, demo: true, demoPassword: ewsPassword });
  const adminUser = server.runtime.state.model.lookup('admin@contoso.com')[0];
  const admin = new CmdletHost(server.runtime, { guid: adminUser.guid, name: adminUser.userPrincipalName, protocol: 'Test', clientAddress: '127.0.0.1', requestId: null });
  return {
    url: server.url,
    ewsUrl: `${server.url}/EWS/Exchange.asmx`,
    password: ewsPassword,
    runtime: server.runtime,
    server,
    admin,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// --- recording ----------------------------------------------------------------------------------

export interface RecordedResponse {
  url: string;
  status: number;
  contentType: string | null;
  body: string;
}

const recorded: RecordedResponse[] = [];

/** Every response recorded since the last call, oldest first; the record is emptied. */
export function takeRecordedResponses(): RecordedResponse[] {
  return recorded.splice(0, recorded.length);
}

/** Validates (and forgets) every recorded response; fails with each problem, naming the response. */
export async function assertRecordedResponsesValid(): Promise<number> {
  const responses = takeRecordedResponses();
  await validateEwsResponses(responses.map((r) => ({ body: r.body, status: r.status, contentType: r.contentType, label: `${r.status} from ${r.url}` })));
  return responses.length;
}

type XhrResult = { status?: number; responseText?: string; getResponseHeader?: (name: string) => string | null };

/** Records what ews-javascript-api receives, then hands it on unchanged. */
class RecordingXhrApi implements IXHRApi {
  readonly apiName = 'deputy-test-recorder';
  constructor(private readonly inner: IXHRApi) {}

  async xhr(options: IXHROptions, progress?: (data: IXHRProgress) => void): Promise<XMLHttpRequest> {
    try {
      const response = await this.inner.xhr(options, progress);
      this.record(options, response as unknown as XhrResult);
      return response;
    } catch (error) {
      if (error && typeof error === 'object' && 'status' in error) this.record(options, error as XhrResult);
      throw error;
    }
  }

  xhrStream(options: IXHROptions, progress: (data: IXHRProgress) => void): Promise<XMLHttpRequest> {
    return this.inner.xhrStream(options, progress);
  }

  disconnect(): void {
    this.inner.disconnect();
  }

  private record(options: IXHROptions, response: XhrResult): void {
    // A 401 carries a challenge, not SOAP: nothing to validate.
    if (typeof response.status !== 'number' || typeof response.responseText !== 'string' || response.status === 401) return;
    recorded.push({ url: options.url, status: response.status, contentType: response.getResponseHeader?.('content-type') ?? null, body: response.responseText });
  }
}

let recorderInstalled = false;
function installRecorder(): void {
  if (recorderInstalled) return;
  recorderInstalled = true;
  ConfigurationApi.ConfigureXHR(new RecordingXhrApi(new XhrApi()));
}

// --- clients ------------------------------------------------------------------------------------

export interface EwsServiceOptions {
  /** The server's base URL or its EWS URL. */
  url: string;
  user?: string;
  password?: string;
  /** A bearer token instead of user + password. */
  token?: string;
  /** The mailbox to impersonate (ConnectingIdType.SmtpAddress unless idType says otherwise). */
  impersonate?: string;
  idType?: ConnectingIdType;
  version?: ExchangeVersion;
}

/** An ews-javascript-api ExchangeService as ews-wire.md §11 sets it up; its responses are recorded. */
export function ewsService(options: EwsServiceOptions): ExchangeService {
  installRecorder();
  const service = new ExchangeService(options.version ?? ExchangeVersion.Exchange2013_SP1);
  service.Url = new Uri(endpointUrl(options.url));
  if (options.token) service.Credentials = new OAuthCredentials(options.token);
  else service.Credentials = new WebCredentials(options.user ?? '', options.password ?? ewsPassword);
  if (options.impersonate) service.ImpersonatedUserId = new ImpersonatedUserId(options.idType ?? ConnectingIdType.SmtpAddress, options.impersonate);
  return service;
}

function endpointUrl(url: string): string {
  return /\.asmx$/i.test(url) ? url : `${url.replace(/\/$/, '')}/EWS/Exchange.asmx`;
}

export function basicAuth(user: string, password = ewsPassword): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface ParsedMessage {
  element: XmlElement;
  responseClass: string;
  responseCode: string;
  messageText: string | undefined;
}

export interface RawEwsResponse {
  status: number;
  contentType: string | null;
  headers: Headers;
  body: string;
  /** The parsed envelope, when the body is XML. */
  envelope: XmlElement | null;
  /** detail/e:ResponseCode and e:Message of a fault. */
  fault: { code: string; message: string; faultcode: string; faultstring: string } | null;
  /** The soap:Body child (the <Op>Response element, or the Fault). */
  bodyElement: XmlElement | null;
  /** Every m:*ResponseMessage in the response, in order. */
  messages: ParsedMessage[];
}

export interface RawEwsOptions {
  /** Path under the base URL; default /EWS/Exchange.asmx. */
  path?: string;
  contentType?: string;
  /** Send `bodyXml` as the whole request body, without an envelope around it. */
  verbatim?: boolean;
}

/** The envelope ews-javascript-api would send, with prefixes soap:, t:, m:. */
export function soapEnvelope(bodyXml: string, headersXml = ''): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<soap:Envelope xmlns:soap="${soapNs}" xmlns:t="${typesNs}" xmlns:m="${messagesNs}">` +
    `<soap:Header>${headersXml}</soap:Header><soap:Body>${bodyXml}</soap:Body></soap:Envelope>`
  );
}

/** POSTs a SOAP request (auth: an Authorization header value, or null for none) and records the response. */
export async function rawEws(url: string, auth: string | null, bodyXml: string, headersXml?: string, options: RawEwsOptions = {}): Promise<RawEwsResponse> {
  const target = options.path ? `${url.replace(/\/EWS\/Exchange\.asmx$/i, '')}${options.path}` : endpointUrl(url);
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': options.contentType ?? 'text/xml; charset=utf-8', ...(auth ? { authorization: auth } : {}) },
    body: options.verbatim ? bodyXml : soapEnvelope(bodyXml, headersXml),
  });
  const body = await response.text();
  const contentType = response.headers.get('content-type');
  if (response.status !== 401) recorded.push({ url: target, status: response.status, contentType, body });
  return { status: response.status, contentType, headers: response.headers, body, ...readResponse(body) };
}

/** The parts of a response tests look at. */
export function readResponse(body: string): Pick<RawEwsResponse, 'envelope' | 'fault' | 'bodyElement' | 'messages'> {
  let envelope: XmlElement | null = null;
  try {
    envelope = parseXml(body);
  } catch {
    return { envelope: null, fault: null, bodyElement: null, messages: [] };
  }
  const bodyElement = child(envelope, soapNs, 'Body')?.children[0] ?? null;
  let fault: RawEwsResponse['fault'] = null;
  if (bodyElement && bodyElement.ns === soapNs && bodyElement.local === 'Fault') {
    const detail = child(bodyElement, '', 'detail');
    fault = {
      code: (detail && child(detail, errorsNs, 'ResponseCode')?.text) ?? '',
      message: (detail && child(detail, errorsNs, 'Message')?.text) ?? '',
      faultcode: child(bodyElement, '', 'faultcode')?.text ?? '',
      faultstring: child(bodyElement, '', 'faultstring')?.text ?? '',
    };
  }
  const messages: ParsedMessage[] = [];
  const list = bodyElement ? child(bodyElement, messagesNs, 'ResponseMessages') : undefined;
  for (const element of list?.children ?? []) {
    messages.push({
      element,
      responseClass: element.attrs.ResponseClass ?? '',
      responseCode: child(element, messagesNs, 'ResponseCode')?.text ?? '',
      messageText: child(element, messagesNs, 'MessageText')?.text,
    });
  }
  return { envelope, fault, bodyElement, messages };
}

// --- validation ---------------------------------------------------------------------------------

export interface ResponseToValidate {
  body: string;
  /** When given: 500 for faults, 200 otherwise. */
  status?: number;
  /** When given: must be exactly text/xml; charset=utf-8. */
  contentType?: string | null;
  label?: string;
}

/** Validates one response body (see validateEwsResponses). */
export async function validateEwsResponse(xmlText: string, expect: Omit<ResponseToValidate, 'body'> = {}): Promise<void> {
  await validateEwsResponses([{ body: xmlText, ...expect }]);
}

/**
 * Validates responses with one xmllint run: every soap:Body child (faults structurally) and every
 * EWS header child against messages.xsd, each as a standalone document with its in-scope
 * namespace declarations. Every response must carry ServerVersionInfo. Throws listing all problems.
 */
export async function validateEwsResponses(responses: readonly ResponseToValidate[]): Promise<void> {
  const problems: string[] = [];
  const parts: Array<{ response: number; name: string; xml: string }> = [];
  responses.forEach((response, index) => {
    const label = response.label ?? `response ${index + 1}`;
    const problem = (text: string) => problems.push(`${label}: ${text}`);
    if (response.contentType !== undefined && response.contentType !== 'text/xml; charset=utf-8') problem(`Content-Type is '${response.contentType}'`);
    let root: RawNode;
    try {
      root = parseRaw(response.body);
    } catch (error) {
      problem(`not well-formed XML: ${(error as Error).message}\n${response.body.slice(0, 500)}`);
      return;
    }
    if (root.uri !== soapNs || root.local !== 'Envelope') return problem(`root is <${root.name}>, not a SOAP 1.1 Envelope`);
    const header = elementChildren(root).find((c) => c.uri === soapNs && c.local === 'Header');
    const body = elementChildren(root).find((c) => c.uri === soapNs && c.local === 'Body');
    const headerParts = header ? elementChildren(header).filter((c) => c.uri === messagesNs || c.uri === typesNs) : [];
    if (!headerParts.some((h) => h.local === 'ServerVersionInfo')) problem('no ServerVersionInfo header');
    if (!body) return problem('no soap:Body');
    const bodyParts = elementChildren(body);
    if (bodyParts.length !== 1) problem(`soap:Body has ${bodyParts.length} children`);
    for (const part of [...headerParts, ...bodyParts]) {
      if (part.uri === soapNs && part.local === 'Fault') {
        for (const p of checkFault(part)) problem(p);
        if (response.status !== undefined && response.status !== 500) problem(`a fault with HTTP ${response.status}, not 500`);
        continue;
      }
      if (part.uri === messagesNs && response.status !== undefined && response.status !== 200) problem(`HTTP ${response.status} for a non-fault response`);
      parts.push({ response: index, name: `r${index}-p${parts.length}-${part.local}.xml`, xml: serializeStandalone(part) });
    }
  });
  if (parts.length) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'deputy-ews-validate-'));
    try {
      await Promise.all(parts.map((p) => writeFile(path.join(dir, p.name), p.xml)));
      const { code, output } = await run('xmllint', ['--noout', '--schema', messagesXsd, ...parts.map((p) => p.name)], dir);
      for (const p of parts) {
        const lines = output.split('\n').filter((l) => l.startsWith(p.name) && !l.endsWith(' validates'));
        if (lines.length) problems.push(`${responses[p.response].label ?? `response ${p.response + 1}`}: ${p.xml.length > 3000 ? `${p.xml.slice(0, 3000)}…` : p.xml}\n  ${lines.join('\n  ')}`);
      }
      if (code !== 0 && problems.length === 0) problems.push(`xmllint failed (exit ${code}): ${output}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (problems.length) assert.fail(`EWS responses failed validation:\n${problems.join('\n')}`);
}

/** ews-schema/README.md: unqualified faultcode and faultstring, detail/e:ResponseCode (a known code) and e:Message. */
function checkFault(fault: RawNode): string[] {
  const problems: string[] = [];
  const kids = elementChildren(fault);
  const faultcode = kids.find((c) => c.uri === '' && c.local === 'faultcode');
  const faultstring = kids.find((c) => c.uri === '' && c.local === 'faultstring');
  const detail = kids.find((c) => c.uri === '' && c.local === 'detail');
  if (!faultcode) problems.push('fault without an unqualified faultcode');
  if (!faultstring) problems.push('fault without an unqualified faultstring');
  const responseCode = detail && elementChildren(detail).find((c) => c.uri === errorsNs && c.local === 'ResponseCode');
  const message = detail && elementChildren(detail).find((c) => c.uri === errorsNs && c.local === 'Message');
  if (!responseCode) problems.push('fault without detail/e:ResponseCode');
  if (!message) problems.push('fault without detail/e:Message');
  const code = responseCode ? textOf(responseCode) : '';
  if (responseCode && !isResponseCode(code)) problems.push(`fault code '${code}' is not in ResponseCodeType`);
  if (faultcode && responseCode && textOf(faultcode) !== `a:${code}`) problems.push(`faultcode '${textOf(faultcode)}' does not match e:ResponseCode '${code}'`);
  return problems;
}

// A small tree that, unlike the request parser's, keeps qualified names and namespace declarations
// so each part can be written out as a standalone document.
interface RawNode {
  name: string;
  uri: string;
  local: string;
  /** Attributes as written, declarations included. */
  attributes: Array<[string, string]>;
  /** Every namespace binding in scope here (prefix '' is the default namespace). */
  scope: Record<string, string>;
  content: Array<RawNode | string>;
}

function parseRaw(text: string): RawNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: RawNode[] = [];
  let root: RawNode | null = null;
  parser.on('opentag', (tag: SaxesTagNS) => {
    const parent = stack[stack.length - 1];
    const node: RawNode = {
      name: tag.name,
      uri: tag.uri,
      local: tag.local,
      attributes: Object.values(tag.attributes).map((a) => [a.name, a.value]),
      scope: { ...(parent?.scope ?? {}), ...tag.ns },
      content: [],
    };
    if (parent) parent.content.push(node);
    else root = node;
    stack.push(node);
  });
  const onText = (t: string) => stack[stack.length - 1]?.content.push(t);
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => stack.pop());
  parser.write(text).close();
  if (!root) throw new Error('no root element');
  return root;
}

function elementChildren(node: RawNode): RawNode[] {
  return node.content.filter((c): c is RawNode => typeof c !== 'string');
}

function textOf(node: RawNode): string {
  return node.content.filter((c): c is string => typeof c === 'string').join('');
}

function serializeStandalone(node: RawNode): string {
  const declared = new Set(node.attributes.map(([n]) => n));
  let decls = '';
  for (const [prefix, uri] of Object.entries(node.scope)) {
    const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
    if (!declared.has(attr)) decls += ` ${attr}="${escapeAttr(uri)}"`;
  }
  return serializeNode(node, decls);
}

function serializeNode(node: RawNode, extra = ''): string {
  let out = `<${node.name}${extra}`;
  for (const [name, value] of node.attributes) out += ` ${name}="${escapeAttr(value)}"`;
  if (!node.content.length) return `${out}/>`;
  out += '>';
  for (const c of node.content) out += typeof c === 'string' ? escapeText(c) : serializeNode(c);
  return `${out}</${node.name}>`;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** The response codes of a response's messages (or of its fault), for compact assertions. */
export function responseCodesOf(response: Pick<RawEwsResponse, 'fault' | 'messages'>): string[] {
  return response.fault ? [response.fault.code] : response.messages.map((m) => m.responseCode);
}

