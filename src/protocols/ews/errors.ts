// EWS errors: EwsError carries a ResponseCodeType value for the wire, and DeputyError codes map to
// the EWS code a client expects. Used both for faults (header stage, whole request) and per item.
import { DeputyError, isDeputyError, type ErrorCode } from '../../core/errors.ts';
import type { ResponseCode } from './response-codes.ts';

/** A MessageXml value: <t:Value Name="…">…</t:Value>. */
export interface MessageXmlValue {
  name: string;
  value: string;
}

export class EwsError extends Error {
  constructor(
    readonly code: Exclude<ResponseCode, 'NoError'>,
    message: string,
    readonly messageXml: readonly MessageXmlValue[] = [],
  ) {
    super(message);
    this.name = 'EwsError';
  }
}

export function isEwsError(e: unknown): e is EwsError {
  return e instanceof EwsError;
}

/**
 * The EWS code for each Deputy error code. Choices where EWS has no exact twin:
 * - InvalidArgument, MissingArgument, ParameterNotFound, ParameterBinding → ErrorInvalidArgument /
 *   ErrorMissingArgument rather than ErrorInvalidRequest, because exchangelib answers an
 *   ErrorInvalidRequest fault by retrying the request with every older server version.
 * - AlreadyExists → ErrorFolderExists: the one "already exists" code for mailbox objects (and one
 *   DavMail tolerates); operations needing another throw an EwsError themselves.
 * - ObjectNotFound → ErrorItemNotFound; folder operations that know better throw ErrorFolderNotFound.
 * - NotImplemented, CommandNotFound → ErrorInvalidOperation ("the operation is not valid here"),
 *   which exchangelib tolerates in multi-folder GetFolder.
 * - AuthenticationFailed → ErrorAccessDenied (the endpoint answers 401 before this can happen).
 * - ParseError → ErrorInvalidRequest, as Exchange does for requests it cannot read.
 */
export const ewsCodeFor: Record<ErrorCode, Exclude<ResponseCode, 'NoError'>> = {
  ObjectNotFound: 'ErrorItemNotFound',
  AlreadyExists: 'ErrorFolderExists',
  AccessDenied: 'ErrorAccessDenied',
  ImpersonateUserDenied: 'ErrorImpersonateUserDenied',
  NonExistentMailbox: 'ErrorNonExistentMailbox',
  InvalidImpersonationHeader: 'ErrorInvalidExchangeImpersonationHeaderData',
  InvalidUserPrincipalName: 'ErrorInvalidUserPrincipalName',
  InvalidSid: 'ErrorInvalidSid',
  InvalidSmtpAddress: 'ErrorInvalidSmtpAddress',
  InvalidArgument: 'ErrorInvalidArgument',
  InvalidFilter: 'ErrorInvalidRestriction',
  MissingArgument: 'ErrorMissingArgument',
  ParameterNotFound: 'ErrorInvalidArgument',
  ParameterBinding: 'ErrorInvalidArgument',
  CommandNotFound: 'ErrorInvalidOperation',
  ParseError: 'ErrorInvalidRequest',
  InvalidOperation: 'ErrorInvalidOperation',
  AuthenticationFailed: 'ErrorAccessDenied',
  NotImplemented: 'ErrorInvalidOperation',
  Internal: 'ErrorInternalServerError',
};

/** The EWS form of a DeputyError (internal errors never carry their cause to the client). */
export function fromDeputyError(error: DeputyError, requestId: string): EwsError {
  if (error.code === 'Internal') return internalError(requestId);
  return new EwsError(ewsCodeFor[error.code], error.message);
}

/** EwsError and DeputyError become an EwsError; anything else is an internal error (log it first). */
export function toEwsError(error: unknown, requestId: string): EwsError {
  if (isEwsError(error)) return error;
  if (isDeputyError(error)) return fromDeputyError(error, requestId);
  return internalError(requestId);
}

export function internalError(requestId: string): EwsError {
  return new EwsError('ErrorInternalServerError', `An internal server error occurred. The operation failed. Request id: ${requestId}.`, [{ name: 'RequestId', value: requestId }]);
}

/** Exchange's wording for the common codes, for operations that have nothing more specific to say. */
export const standardMessages = {
  ErrorInvalidRequest: 'The request is invalid.',
  ErrorInvalidIdMalformed: 'Id is malformed.',
  ErrorItemNotFound: 'The specified object was not found in the store.',
  ErrorFolderNotFound: 'The specified folder could not be found in the store.',
  ErrorAccessDenied: 'Access is denied. Check credentials and try again.',
  ErrorNonExistentMailbox: 'The SMTP address has no mailbox associated with it.',
  ErrorImpersonateUserDenied: 'The account does not have permission to impersonate the requested user.',
  ErrorNameResolutionNoResults: 'No results were found.',
  ErrorNameResolutionMultipleResults: 'Multiple results were found.',
} as const satisfies Partial<Record<ResponseCode, string>>;
