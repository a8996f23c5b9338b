// POST /EWS/Exchange.asmx (any case): authenticate (Basic or Bearer) → parse (no DTDs, size-limited)
// → SOAP headers → acting mailbox (impersonation) → operation. Failures outside per-item handling
// are SOAP faults with HTTP 500; per-item ones are the operation's (HTTP 200). Serves the schema too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeputyError } from '../../core/errors.ts';
import type { AuditResult } from '../../core/audit/event.ts';
import { Authenticator } from '../../services/authentication.ts';
import type { Runtime } from '../../services/context.ts';
import { resolveActingMailbox } from '../../services/impersonation.ts';
import { verifyBearer } from '../../services/oauth/tokens.ts';
import type { Principal } from '../../services/principal.ts';
import { parseBasicAuthorization } from '../http/basic-auth.ts';
import { auditMailboxAccess, isAudited } from './audit.ts';
import { EwsError, internalError, isEwsError, toEwsError } from './errors.ts';
import { messagesNs } from './namespaces.ts';
import type { EwsContext, EwsOperation } from './operation.ts';
import { operationRegistry } from './operations/registry.ts';
import { beginResponse, endResponseBytes, faultResponse, readEnvelope } from './soap.ts';
import { parseXml, XmlParseError, type XmlElement } from './xml/parse.ts';

export const ewsPath = '/EWS/Exchange.asmx';
/** Exchange's own default request limit is in this range; MIME with attachments needs room. */
export const defaultEwsBodyLimit = 10 * 1024 * 1024;
/** DavMail compares the whole string and ignores the body on any difference. */
export const ewsContentType = 'text/xml; charset=utf-8';
/** The schema files, by the lower-cased name clients ask for (xml.xsd because types.xsd imports it). */
const schemaFiles: Record<string, string> = { 'services.wsdl': 'services.wsdl', 'messages.xsd': 'messages.xsd', 'types.xsd': 'types.xsd', 'xml.xsd': 'xml.xsd' };
/** ../shared/ews-schema next to the repository (this file is src/protocols/ews/endpoint.ts). */
export const defaultSchemaDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/ews-schema');

export interface EwsOptions {
  /** Share the app's authenticator so its verified-credential cache serves every protocol. */
  authenticator?: Authenticator;
  /** Where Services.wsdl, messages.xsd and types.xsd are; missing files answer 404. */
  schemaDir?: string;
  maxBodyBytes?: number;
  operations?: ReadonlyMap<string, EwsOperation>;
}

// Basic for every client (DavMail sends credentials only after this challenge); Bearer for tokens.
// Never NTLM: exchangelib would pick it over Basic.
const challenges = ['Basic realm="Deputy"', 'Bearer'];

export function registerEws(app: FastifyInstance, runtime: Runtime, options: EwsOptions = {}): void {
  const authenticator = options.authenticator ?? new Authenticator(runtime);
  const bodyLimit = options.maxBodyBytes ?? defaultEwsBodyLimit;
  const operations = options.operations ?? operationRegistry;
  const schemaDir = options.schemaDir ?? defaultSchemaDir;
  const principals = new WeakMap<FastifyRequest, Principal>();

  app.register(async (ews) => {
    // Every body is text for this endpoint whatever its content type (text/xml, application/soap+xml, or none).
    ews.removeAllContentTypeParsers();
    ews.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => done(null, body));

    // Authentication runs before the body is read, so the unauthenticated first try that DavMail
    // makes for every request is answered at once (Node discards the unread body, keeping the connection).
    ews.addHook('onRequest', async (request, reply) => {
      const principal = await authenticate(request).catch((error: unknown) => {
        if (isDeputyError(error) && error.code === 'AuthenticationFailed') return null;
        throw error;
      });
      if (principal) {
        principals.set(request, principal);
        return;
      }
      const bearer = /^Bearer\s/i.test(request.headers.authorization ?? '');
      await reply
        .code(401)
        .header('www-authenticate', bearer ? [challenges[0], 'Bearer error="invalid_token"'] : challenges)
        .header('content-type', 'text/plain; charset=utf-8')
        .send('Authentication required: send Basic credentials (UPN or SMTP address and password) or a Bearer token.');
      return reply;
    });

    ews.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
      // Errors fastify raises before the handler runs: a body over the limit, a broken content length.
      let fault: EwsError;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        // A 413 carries nothing EWS clients read, so this is a fault like any other. Its own code, not
        // ErrorInvalidRequest: exchangelib would resend the oversized request once per older version.
        fault = new EwsError('ErrorRequestStreamTooBig', `The request is too large. The limit is ${bodyLimit} bytes.`);
      } else if (error.statusCode && error.statusCode < 500) {
        fault = new EwsError('ErrorInvalidRequest', `The request is invalid. ${error.message}`);
      } else {
        request.log.error({ err: error, requestId: request.id }, 'EWS request failed');
        fault = internalError(request.id);
      }
      return sendXml(reply, request.id, 500, faultResponse(fault));
    });

    ews.post(ewsPath, { bodyLimit }, async (request, reply) => {
      const principal = principals.get(request);
      if (!principal) throw new Error('EWS request reached the handler unauthenticated');
      const { status, xml } = await handleSoap(runtime, operations, principal, request);
      return sendXml(reply, request.id, status, xml);
    });

    ews.get(ewsPath, async (request, reply) =>
      reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(`Deputy EWS endpoint. Signed in as ${principals.get(request)?.name ?? 'unknown'}; POST SOAP 1.1 requests here.`),
    );
  });

  // The schema files need no credentials: they are the published EWS contract.
  const cache = new Map<string, string>();
  app.get('/EWS/:file', async (request, reply) => {
    const requested = (request.params as { file: string }).file.toLowerCase();
    const file = schemaFiles[requested];
    const text = file ? (cache.get(file) ?? (await readFile(path.join(schemaDir, file), 'utf8').catch(() => undefined))) : undefined;
    if (!file || text === undefined) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send(`No schema file ${requested} here.`);
    cache.set(file, text);
    return reply.code(200).header('content-type', ewsContentType).send(text);
  });

  async function authenticate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (!header) return null;
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (bearer) return verifyBearer(runtime, bearer[1]);
    const credentials = parseBasicAuthorization(header);
    if (!credentials) return null;
    const user = await authenticator.verifyPassword(credentials.user, credentials.password);
    return { kind: 'user', guid: user.guid, name: user.userPrincipalName || user.primarySmtpAddress, authMethod: 'Basic', scopes: [] };
  }
}

function sendXml(reply: FastifyReply, requestId: string, status: number, xml: string | Buffer): FastifyReply {
  return reply.code(status).header('content-type', ewsContentType).header('request-id', requestId).send(xml);
}

/** One SOAP request to one response document: 200 with the operation's response, or 500 with a fault. */
async function handleSoap(runtime: Runtime, operations: ReadonlyMap<string, EwsOperation>, principal: Principal, request: FastifyRequest): Promise<{ status: number; xml: string | Buffer }> {
  const requestId = request.id;
  let ctx: EwsContext | null = null;
  let operationName = 'Unknown';
  try {
    if (typeof request.body !== 'string' || request.body.length === 0) throw new EwsError('ErrorInvalidRequest', 'The request is invalid. Send a SOAP 1.1 envelope as text/xml.');
    const { header, operation: element } = readEnvelope(parseRequest(request.body));
    operationName = element.local;
    const operation = element.ns === messagesNs ? operations.get(element.local) : undefined;
    if (!operation) throw unknownOperation(element);
    const acting = await resolveActingMailbox(runtime, principal, header.impersonation, { requestId, clientAddress: request.ip, operation: operation.name });
    ctx = {
      runtime,
      principal,
      mailbox: acting.mailbox,
      logonType: acting.logonType,
      requestId,
      clientAddress: request.ip,
      requestServerVersion: header.requestServerVersion,
      timeZoneId: header.timeZoneId,
    };
    const out = beginResponse();
    await operation.run(ctx, element, out);
    const xml = endResponseBytes(out);
    await completeAudit(ctx, operationName, 'Succeeded', null);
    return { status: 200, xml };
  } catch (error) {
    if (!isEwsError(error) && !isDeputyError(error)) request.log.error({ err: error, requestId }, 'EWS operation failed with an internal error');
    const fault = toEwsError(error, requestId);
    if (ctx) {
      const result: AuditResult = fault.code === 'ErrorAccessDenied' ? 'Denied' : 'Failed';
      await completeAudit(ctx, operationName, result, fault.message).catch((auditError: unknown) => request.log.error({ err: auditError, requestId }, 'EWS audit failed'));
    }
    return { status: 500, xml: faultResponse(fault) };
  }
}

/** Requests on someone else's mailbox are always audited, even by operations that did not do it themselves. */
async function completeAudit(ctx: EwsContext, operation: string, result: AuditResult, error: string | null): Promise<void> {
  if (isAudited(ctx)) return;
  await auditMailboxAccess(ctx.runtime, ctx, { operation, result, error });
}

function parseRequest(text: string): XmlElement {
  try {
    return parseXml(text);
  } catch (error) {
    if (!(error instanceof XmlParseError)) throw error;
    const where = error.line ? ` (line ${error.line}, position ${error.column})` : '';
    const why = (error.kind === 'Malformed' ? `The XML is not well-formed: ${error.message}` : error.message).replace(/\.$/, '');
    throw new EwsError('ErrorInvalidRequest', `The request is invalid. ${why}${where}.`, [
      { name: 'LineNumber', value: String(error.line) },
      { name: 'LinePosition', value: String(error.column) },
      { name: 'Violation', value: error.message },
    ]);
  }
}

/**
 * An operation Deputy does not implement: ErrorInvalidOperation rather than ErrorInvalidRequest,
 * because exchangelib answers ErrorInvalidRequest by retrying with every older server version.
 */
function unknownOperation(element: XmlElement): EwsError {
  if (element.ns !== messagesNs) {
    return new EwsError('ErrorInvalidRequest', `The request is invalid. The SOAP Body holds <${element.name}> in namespace '${element.ns}'; EWS operations are in ${messagesNs}.`);
  }
  return new EwsError('ErrorInvalidOperation', `The operation '${element.local}' is not supported by this server.`);
}
