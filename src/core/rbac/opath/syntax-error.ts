// Builds the InvalidFilter errors the parser, lexer and compiler throw, in Exchange's wording.

import { DeputyError, positionAt } from '../../errors.ts';

const HELP = 'For a description of the filter parameter syntax see the command help.';

/** A syntax error at a 0-based `offset` of `text`; the message shows it 1-based. */
export function filterSyntaxError(text: string, offset: number, reason: string): DeputyError {
  const at = Math.max(0, Math.min(offset, text.length));
  return new DeputyError(
    'InvalidFilter',
    `Invalid filter syntax at position ${at + 1}: ${reason}. ${HELP}`,
    { filter: text, position: at, reason },
    positionAt(text, at),
  );
}

/** An error in a filter tree that has no source text (built in code or compiled from storage). */
export function invalidFilter(reason: string, details: Record<string, unknown> = {}): DeputyError {
  return new DeputyError('InvalidFilter', `Invalid filter: ${reason}. ${HELP}`, { ...details, reason });
}

/** Quotes a fragment of user text for a message, shortening very long ones. */
export function quoteFragment(s: string): string {
  return `'${shorten(s)}'`;
}

/** Shortens very long user text for a message. */
export function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
