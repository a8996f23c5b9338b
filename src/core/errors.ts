// The one error catalogue: every failure Deputy reports is a DeputyError with a code
// from this list; each protocol edge maps codes to its own wire format.

export type ErrorCode =
  | 'ObjectNotFound'
  | 'AlreadyExists'
  | 'AccessDenied'
  | 'ImpersonateUserDenied'
  | 'NonExistentMailbox'
  /** The ExchangeImpersonation header is missing where required, empty, or names nobody. */
  | 'InvalidImpersonationHeader'
  /** No user has this user principal name. */
  | 'InvalidUserPrincipalName'
  /** Not a SID in SDDL form (S-1-5-21-…). */
  | 'InvalidSid'
  /** Not a syntactically valid SMTP address. */
  | 'InvalidSmtpAddress'
  | 'InvalidArgument'
  | 'InvalidFilter'
  | 'MissingArgument'
  | 'ParameterNotFound'
  | 'ParameterBinding'
  | 'CommandNotFound'
  | 'ParseError'
  | 'InvalidOperation'
  | 'AuthenticationFailed'
  | 'NotImplemented'
  | 'Internal';

/** The .NET exception type Exchange would raise for each code (shown in PowerShell error records). */
export const exceptionTypeFor: Record<ErrorCode, string> = {
  ObjectNotFound: 'ManagementObjectNotFoundException',
  AlreadyExists: 'ADObjectAlreadyExistsException',
  AccessDenied: 'OperationRequiresGroupManagerException',
  ImpersonateUserDenied: 'ImpersonateUserDeniedException',
  NonExistentMailbox: 'NonExistentMailboxException',
  InvalidImpersonationHeader: 'InvalidExchangeImpersonationHeaderException',
  InvalidUserPrincipalName: 'InvalidUserPrincipalNameException',
  InvalidSid: 'InvalidSidException',
  InvalidSmtpAddress: 'InvalidSmtpAddressException',
  InvalidArgument: 'ArgumentException',
  InvalidFilter: 'ParserException',
  MissingArgument: 'ParameterBindingException',
  ParameterNotFound: 'ParameterBindingException',
  ParameterBinding: 'ParameterBindingException',
  CommandNotFound: 'CommandNotFoundException',
  ParseError: 'ParseException',
  InvalidOperation: 'InvalidOperationException',
  AuthenticationFailed: 'AuthenticationException',
  NotImplemented: 'NotImplementedException',
  Internal: 'InternalServerException',
};

/** PowerShell ErrorCategory for each code. */
export const errorCategoryFor: Record<ErrorCode, string> = {
  ObjectNotFound: 'NotSpecified',
  AlreadyExists: 'NotSpecified',
  AccessDenied: 'PermissionDenied',
  ImpersonateUserDenied: 'PermissionDenied',
  NonExistentMailbox: 'ObjectNotFound',
  InvalidImpersonationHeader: 'InvalidArgument',
  InvalidUserPrincipalName: 'ObjectNotFound',
  InvalidSid: 'InvalidArgument',
  InvalidSmtpAddress: 'InvalidArgument',
  InvalidArgument: 'InvalidArgument',
  InvalidFilter: 'InvalidArgument',
  MissingArgument: 'InvalidArgument',
  ParameterNotFound: 'InvalidArgument',
  ParameterBinding: 'InvalidArgument',
  CommandNotFound: 'ObjectNotFound',
  ParseError: 'ParserError',
  InvalidOperation: 'InvalidOperation',
  AuthenticationFailed: 'AuthenticationError',
  NotImplemented: 'NotImplemented',
  Internal: 'NotSpecified',
};

export interface ErrorPosition {
  /** 1-based line and column in the source text the error refers to. */
  line: number;
  column: number;
  /** 0-based offset into the source text. */
  offset: number;
}

export class DeputyError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;
  readonly position?: ErrorPosition;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, position?: ErrorPosition) {
    super(message);
    this.name = 'DeputyError';
    this.code = code;
    this.details = details;
    this.position = position;
  }
}

export function isDeputyError(e: unknown): e is DeputyError {
  return e instanceof DeputyError;
}

/** Computes a 1-based line/column for a 0-based offset in `text`. */
export function positionAt(text: string, offset: number): ErrorPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}

/** Exchange's wording for an identity that resolves to nothing. */
export function objectNotFound(identity: string): DeputyError {
  return new DeputyError(
    'ObjectNotFound',
    `The operation couldn't be performed because object '${identity}' couldn't be found on 'deputy.local'.`,
    { identity },
  );
}
