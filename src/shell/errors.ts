// Error records: building located DeputyErrors for the shell, turning any failure into a ShellErrorRecord, and PowerShell 5.1 error text.
import {
  DeputyError,
  errorCategoryFor,
  exceptionTypeFor,
  isDeputyError,
  positionAt,
  type ErrorCode,
  type ErrorPosition,
} from '../core/errors.ts';
import type { Extent } from './ast.ts';

export interface ShellErrorRecord {
  message: string;
  /** The command the error belongs to (PowerShell prints it before the message). */
  command?: string;
  position?: ErrorPosition;
  /** The source line the position points into. */
  line?: string;
  /** How many characters the `~~~` marker underlines. */
  length?: number;
  category: string;
  exceptionType: string;
  errorId: string;
  code: ErrorCode;
}

/** Creates a DeputyError that remembers where in `source` it happened and PowerShell's error id. */
export function locatedError(
  code: ErrorCode,
  message: string,
  errorId: string,
  source: string,
  extent: Extent,
  extraDetails: Record<string, unknown> = {},
): DeputyError {
  return new DeputyError(
    code,
    message,
    { ...extraDetails, errorId, length: Math.max(0, extent.end - extent.start), shellSource: source },
    positionAt(source, extent.start),
  );
}

/**
 * A parse error. `incomplete` marks errors caused by reaching the end of the input
 * (unclosed brace, string, trailing pipe …): the REPL keeps reading lines instead of failing.
 */
export function parseError(
  source: string,
  extent: Extent,
  message: string,
  errorId: string,
  incomplete = false,
): DeputyError {
  return locatedError('ParseError', message, errorId, source, extent, { incomplete });
}

export function isIncompleteInputError(error: unknown): boolean {
  return isDeputyError(error) && error.code === 'ParseError' && error.details.incomplete === true;
}

/** Where a failure happened, for errors that do not carry their own position (host errors). */
export interface ErrorLocation {
  source: string;
  extent?: Extent;
  command?: string;
}

/**
 * A failure on its way up to the statement that records it, carrying the command it
 * belongs to. Binding and host errors are wrapped so the statement loop knows the command.
 */
export class CommandFailure extends Error {
  readonly error: DeputyError;
  readonly location: ErrorLocation;

  constructor(error: DeputyError, location: ErrorLocation) {
    super(error.message);
    this.name = 'CommandFailure';
    this.error = error;
    this.location = location;
  }
}

function asDeputyError(error: unknown): DeputyError {
  if (isDeputyError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new DeputyError('Internal', message, { errorId: 'Internal' });
}

function sourceLineAt(source: string, offset: number): string {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = source.indexOf('\n', offset);
  if (lineEnd < 0) lineEnd = source.length;
  return source.slice(lineStart, lineEnd).replace(/\r$/, '');
}

/** Builds the record PowerShell would put in $Error for a failure at `location`. */
export function toErrorRecord(failure: unknown, fallbackLocation: ErrorLocation): ShellErrorRecord {
  const location = failure instanceof CommandFailure ? failure.location : fallbackLocation;
  const error = asDeputyError(failure instanceof CommandFailure ? failure.error : failure);
  const errorId = typeof error.details.errorId === 'string' ? error.details.errorId : error.code;
  const record: ShellErrorRecord = {
    message: error.message,
    category: errorCategoryFor[error.code],
    exceptionType: exceptionTypeFor[error.code],
    errorId,
    code: error.code,
  };
  if (location.command !== undefined) record.command = location.command;

  // Errors the shell raised know their own source (a script block may come from an earlier run).
  const ownSource = typeof error.details.shellSource === 'string' ? error.details.shellSource : undefined;
  if (error.position && ownSource !== undefined) {
    record.position = error.position;
    record.line = sourceLineAt(ownSource, error.position.offset);
    record.length = typeof error.details.length === 'number' ? error.details.length : 1;
  } else if (location.extent) {
    record.position = positionAt(location.source, location.extent.start);
    record.line = sourceLineAt(location.source, location.extent.start);
    record.length = location.extent.end - location.extent.start;
  }
  return record;
}

function positionLines(record: ShellErrorRecord): string[] {
  if (!record.position || record.line === undefined) return [];
  const column = record.position.column;
  const available = Math.max(1, record.line.length - (column - 1));
  const underline = '~'.repeat(Math.max(1, Math.min(record.length ?? 1, available)));
  return [
    `At line:${record.position.line} char:${column}`,
    `+ ${record.line}`,
    `+ ${' '.repeat(column - 1)}${underline}`,
  ];
}

/** PowerShell 5.1's default error view (ConciseView arrived only in PowerShell 7). */
export function renderError(record: ShellErrorRecord): string {
  if (record.code === 'ParseError') {
    // Parse errors print the location first and have no command.
    return [
      ...positionLines(record),
      record.message,
      `    + CategoryInfo          : ${record.category}: (:) [], ${record.exceptionType}`,
      `    + FullyQualifiedErrorId : ${record.errorId}`,
    ].join('\n');
  }
  const command = record.command;
  const head = command !== undefined ? `${command} : ${record.message}` : record.message;
  // An unknown command has no command object: PowerShell names it as the error's target instead.
  const notFound = record.code === 'CommandNotFound' && command !== undefined;
  const target = notFound ? `(${command}:String)` : '(:)';
  const bracket = notFound ? '' : (command ?? '');
  const qualifiedId = command !== undefined && !notFound ? `${record.errorId},${command}` : record.errorId;
  return [
    head,
    ...positionLines(record),
    `    + CategoryInfo          : ${record.category}: ${target} [${bracket}], ${record.exceptionType}`,
    `    + FullyQualifiedErrorId : ${qualifiedId}`,
  ].join('\n');
}
