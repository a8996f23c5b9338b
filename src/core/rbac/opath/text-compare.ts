// Allocation-free case-insensitive string comparisons for the compiled predicates' hot path.

// Each compares value.slice(from).toLowerCase() with an already lower-cased constant, taking an
// ASCII fast path and falling back to toLowerCase() when a non-ASCII character is met.

function lowerFrom(value: string, from: number): string {
  return (from === 0 ? value : value.slice(from)).toLowerCase();
}

/** value.slice(from).toLowerCase() === lower */
export function equalsLower(value: string, from: number, lower: string): boolean {
  const n = value.length - from;
  const m = lower.length;
  for (let i = 0; i < n; i++) {
    let c = value.charCodeAt(from + i);
    if (c > 127) return lowerFrom(value, from) === lower;
    if (c >= 65 && c <= 90) c += 32;
    if (i >= m || c !== lower.charCodeAt(i)) return false;
  }
  return n === m;
}

/** value.slice(from).toLowerCase().startsWith(lowerPrefix) */
export function startsWithLower(value: string, from: number, lowerPrefix: string): boolean {
  const n = value.length - from;
  const m = lowerPrefix.length;
  for (let i = 0; i < m; i++) {
    if (i >= n) return false;
    let c = value.charCodeAt(from + i);
    if (c > 127) return lowerFrom(value, from).startsWith(lowerPrefix);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lowerPrefix.charCodeAt(i)) return false;
  }
  return true;
}

/** Sign of the ordinal (UTF-16 code unit) comparison of value.slice(from).toLowerCase() with lower. */
export function compareLower(value: string, from: number, lower: string): number {
  const n = value.length - from;
  const m = lower.length;
  for (let i = 0; i < n; i++) {
    let c = value.charCodeAt(from + i);
    if (c > 127) {
      const s = lowerFrom(value, from);
      return s < lower ? -1 : s > lower ? 1 : 0;
    }
    if (i >= m) return 1;
    if (c >= 65 && c <= 90) c += 32;
    const d = c - lower.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return n === m ? 0 : -1;
}

/** value.slice(from) is an optionally negative decimal integer: -?[0-9]+ */
export function isIntegerText(value: string, from: number): boolean {
  let i = from;
  if (i < value.length && value.charCodeAt(i) === 45) i++;
  if (i >= value.length) return false;
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** value starts with "smtp:" in any case. */
export function hasSmtpPrefix(value: string): boolean {
  return (
    value.length >= 5 &&
    (value.charCodeAt(0) | 32) === 115 &&
    (value.charCodeAt(1) | 32) === 109 &&
    (value.charCodeAt(2) | 32) === 116 &&
    (value.charCodeAt(3) | 32) === 112 &&
    value.charCodeAt(4) === 58
  );
}
