// Maps DeputyErrors to the admin API's HTTP status and JSON error object.
import { DeputyError, errorCategoryFor, exceptionTypeFor, type ErrorCode } from '../../core/errors.ts';

const statusFor: Record<ErrorCode, number> = {
  ObjectNotFound: 404,
  AlreadyExists: 409,
  AccessDenied: 403,
  ImpersonateUserDenied: 403,
  NonExistentMailbox: 404,
  InvalidImpersonationHeader: 400,
  InvalidUserPrincipalName: 404,
  InvalidSid: 400,
  InvalidSmtpAddress: 400,
  InvalidArgument: 400,
  InvalidFilter: 400,
  MissingArgument: 400,
  ParameterNotFound: 400,
  ParameterBinding: 400,
  CommandNotFound: 400,
  ParseError: 400,
  InvalidOperation: 400,
  AuthenticationFailed: 401,
  NotImplemented: 501,
  Internal: 500,
};

export interface AdminErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details: Array<{ code: string; target?: string; message: string }>;
    innererror: { exceptionType: string; category: string; requestId: string | null };
  };
}

export function adminError(error: DeputyError, requestId: string | null): { status: number; body: AdminErrorBody } {
  const errorId = typeof error.details.errorId === 'string' ? error.details.errorId : error.code;
  const target = typeof error.details.parameter === 'string' ? error.details.parameter : undefined;
  return {
    status: statusFor[error.code],
    body: {
      error: {
        code: error.code,
        message: error.message,
        details: [{ code: errorId, ...(target ? { target } : {}), message: error.message }],
        innererror: { exceptionType: exceptionTypeFor[error.code], category: errorCategoryFor[error.code], requestId },
      },
    },
  };
}
