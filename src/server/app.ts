// The HTTP application: admin API and health check, with body limits and a JSON error shape
// for requests that fail before reaching a route.
import Fastify, { type FastifyInstance } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DeputyError } from '../core/errors.ts';
import type { Runtime } from '../services/context.ts';
import { Authenticator } from '../services/authentication.ts';
import { registerAdminApi } from '../protocols/admin/invoke-command.ts';
import { registerEws } from '../protocols/ews/endpoint.ts';
import { registerOAuth } from '../protocols/oauth/routes.ts';
import { adminError } from '../protocols/admin/errors.ts';

export const maxBodyBytes = 1024 * 1024;

export function buildApp(runtime: Runtime, options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: maxBodyBytes,
    genReqId: () => randomUUID(),
    // Case-insensitive paths: clients differ in how they spell /EWS/Exchange.asmx and /adminapi.
    routerOptions: { caseSensitive: false },
  });
  const authenticator = new Authenticator(runtime);
  app.get('/healthz', async () => ({ status: 'ok', organization: runtime.organization.defaultDomain }));
  registerAdminApi(app, runtime, authenticator);
  registerEws(app, runtime, { authenticator });
  registerOAuth(app, runtime);
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = adminError(new DeputyError('ObjectNotFound', `No resource at ${request.method} ${request.url}.`), request.id);
    reply.code(status).send(body);
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // Errors raised by fastify itself before a handler ran: malformed JSON, body too large, wrong content type.
    const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) request.log.error({ err: error }, 'request failed');
    const message =
      error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `The request body is larger than the limit of ${maxBodyBytes} bytes.`
        : status === 500
          ? `An internal error occurred. Request id: ${request.id}.`
          : error.message;
    const { body } = adminError(new DeputyError(status === 500 ? 'Internal' : 'InvalidArgument', message), request.id);
    reply.code(status).send(body);
  });
  return app;
}
