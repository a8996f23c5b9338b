// Character classes of the PowerShell tokenizer, including the typographic quotes and dashes PowerShell accepts.

/** PowerShell treats the en dash, em dash and horizontal bar as `-` (they arrive in copied how-tos). */
export function isDash(c: string | undefined): boolean {
  return c === '-' || c === '\u2013' || c === '\u2014' || c === '\u2015';
}

/** `'` and the typographic single quotes ‘ ’ ‚ ‛, interchangeable as PowerShell treats them. */
export function isSingleQuote(c: string | undefined): boolean {
  return c === "'" || c === '\u2018' || c === '\u2019' || c === '\u201A' || c === '\u201B';
}

/** `"` and the typographic double quotes “ ” „. */
export function isDoubleQuote(c: string | undefined): boolean {
  return c === '"' || c === '\u201C' || c === '\u201D' || c === '\u201E';
}

export function isQuote(c: string | undefined): boolean {
  return isSingleQuote(c) || isDoubleQuote(c);
}

export function isNewline(c: string | undefined): boolean {
  return c === '\n' || c === '\r';
}

export function isBlank(c: string | undefined): boolean {
  return c !== undefined && !isNewline(c) && /\s/u.test(c);
}

/** Characters that end a bare word whatever comes before them (PowerShell's ForceStartNewToken set). */
export function endsBareWord(c: string | undefined): boolean {
  return c === undefined || isBlank(c) || isNewline(c) || '{}();,|&'.includes(c);
}

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isIdentifierStart(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || /\p{L}/u.test(c));
}

export function isIdentifierChar(c: string | undefined): boolean {
  return c !== undefined && (c === '_' || /[\p{L}\p{N}]/u.test(c));
}

/** Characters allowed in an unbraced variable name after `$`. */
export function isVariableNameChar(c: string | undefined): boolean {
  return isIdentifierChar(c) || c === '?';
}

const numberPattern = /^(0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(kb|mb|gb|tb|pb)?$/i;
const multipliers: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };

/** Parses PowerShell numeric literal text (`42`, `1.5`, `0x1F`, `10GB`, `-3`); undefined when it is not one. */
export function parseNumberLiteral(text: string): number | undefined {
  let sign = 1;
  let body = text;
  if (isDash(body[0]) || body[0] === '+') {
    if (isDash(body[0])) sign = -1;
    body = body.slice(1);
  }
  const match = numberPattern.exec(body);
  if (!match) return undefined;
  const digits = match[1];
  const value = /^0x/i.test(digits) ? parseInt(digits.slice(2), 16) : Number(digits);
  const multiplier = match[2] ? multipliers[match[2].toLowerCase()] : 1;
  const result = sign * value * multiplier;
  return Number.isFinite(result) ? result : undefined;
}
