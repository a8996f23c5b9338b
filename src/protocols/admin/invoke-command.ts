// POST /adminapi/v1.0/InvokeCommand: runs one cmdlet, EXO admin API style:
// {"CmdletInput":{"CmdletName":…,"Parameters":{…}}} → {"value":[…]} or an error object.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DeputyError, isDeputyError } from '../../core/errors.ts';
import type { Runtime } from '../../services/context.ts';
import type { Authenticator } from '../../services/authentication.ts';
import { CmdletHost } from '../../cmdlets/runner.ts';
import { getDisplayColumns } from '../../cmdlets/host.ts';
import { adminError } from './errors.ts';
import { parseBasicAuthorization } from '../http/basic-auth.ts';

export const displayColumnsAnnotation = '@deputy.displayColumns';

interface InvokeCommandBody {
  CmdletInput?: { CmdletName?: unknown; Parameters?: unknown };
}

export function registerAdminApi(app: FastifyInstance, runtime: Runtime, authenticator: Authenticator): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const requestId = request.id;
    const fail = (error: DeputyError) => {
      const { status, body } = adminError(error, requestId);
      if (status === 401) reply.header('WWW-Authenticate', 'Basic realm="Deputy", charset="UTF-8"');
      return reply.code(status).header('request-id', requestId).send(body);
    };
    try {
      const credentials = parseBasicAuthorization(request.headers.authorization);
      if (!credentials) throw new DeputyError('AuthenticationFailed', 'Authentication is required: send Basic credentials (UPN or SMTP address and password).');
      const user = await authenticator.verifyPassword(credentials.user, credentials.password);
      const { name, parameters } = readBody(request.body);
      const host = new CmdletHost(
        runtime,
        { guid: user.guid, name: user.userPrincipalName, protocol: 'AdminApi', clientAddress: request.ip, requestId },
        (error, id) => request.log.error({ err: error, requestId: id }, 'cmdlet failed with an internal error'),
      );
      const value = await host.invoke(name, parameters);
      // The default table columns travel as a collection annotation (JSON drops the symbol that carries them).
      const columns = getDisplayColumns(value[0]);
      return reply.header('request-id', requestId).send({
        '@odata.context': `${request.protocol}://${request.host}/adminapi/v1.0/$metadata#Collection(Edm.PrimitiveType)`,
        ...(columns ? { [displayColumnsAnnotation]: columns } : {}),
        value,
      });
    } catch (error) {
      if (isDeputyError(error)) return fail(error);
      request.log.error({ err: error, requestId }, 'admin API request failed');
      return fail(new DeputyError('Internal', `An internal error occurred. Request id: ${requestId}.`));
    }
  };
  app.post('/adminapi/v1.0/InvokeCommand', handler);
  // Exchange Online's form carries a tenant segment; there is one organization here, so it is accepted and ignored.
  app.post('/adminapi/:version/:tenant/InvokeCommand', handler);
}

function readBody(body: unknown): { name: string; parameters: Record<string, unknown> } {
  const input = (body as InvokeCommandBody | undefined)?.CmdletInput;
  if (!input || typeof input !== 'object') {
    throw new DeputyError('InvalidArgument', 'The request body must be JSON of the form {"CmdletInput":{"CmdletName":"Get-Mailbox","Parameters":{…}}}.');
  }
  if (typeof input.CmdletName !== 'string' || !input.CmdletName.trim()) throw new DeputyError('InvalidArgument', 'CmdletInput.CmdletName must be a non-empty string.');
  const parameters = input.Parameters ?? {};
  if (typeof parameters !== 'object' || Array.isArray(parameters) || parameters === null) {
    throw new DeputyError('InvalidArgument', 'CmdletInput.Parameters must be an object of parameter names to values.');
  }
  return { name: input.CmdletName.trim(), parameters: parameters as Record<string, unknown> };
}
