// Import progress for a terminal: the bar line (redrawn at most ten times a second on a TTY)
// and the summary line printed at the end.
import type { ImportResult } from './import.ts';

const barWidth = 20;
const number = new Intl.NumberFormat('en-US');

/** `Importing  [#########-----------]  45%  4,500/10,000  1,234 msg/s` (no bar without a total). */
export function formatProgress(done: number, total: number | undefined, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
  const speed = `${number.format(rate)} msg/s`;
  if (!total) return `Importing  ${number.format(done)}  ${speed}`;
  const ratio = Math.min(1, done / total);
  const filled = Math.floor(ratio * barWidth);
  const bar = '#'.repeat(filled) + '-'.repeat(barWidth - filled);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `Importing  [${bar}] ${percent}  ${number.format(done)}/${number.format(total)}  ${speed}`;
}

/** `Imported 10,000 messages into alice@contoso.com/Inbox in 8.1 s (1 skipped: #17: …)`. */
export function formatSummary(result: ImportResult, elapsedMs: number): string {
  const count = `${number.format(result.imported)} message${result.imported === 1 ? '' : 's'}`;
  const line = `Imported ${count} into ${result.mailbox}/${result.folder} in ${(elapsedMs / 1000).toFixed(1)} s`;
  if (!result.failed.length) return line;
  const shown = result.failed.slice(0, 3).map((f) => `#${f.index + 1}: ${f.error}`);
  if (result.failed.length > shown.length) shown.push('…');
  return `${line} (${number.format(result.failed.length)} skipped: ${shown.join('; ')})`;
}

/** Draws the progress line on a TTY stream, throttled; does nothing on other streams. */
export class ProgressLine {
  private lastDraw = -Infinity;
  private drawn = false;
  private readonly started: number;

  constructor(
    private readonly stream: { isTTY?: boolean; write(text: string): unknown },
    private readonly clock: () => number = () => Date.now(),
    private readonly minIntervalMs = 100,
  ) {
    this.started = clock();
  }

  update(done: number, total?: number): void {
    if (!this.stream.isTTY) return;
    const now = this.clock();
    if (now - this.lastDraw < this.minIntervalMs) return;
    this.lastDraw = now;
    this.stream.write(`\r${formatProgress(done, total, now - this.started)}\x1b[K`);
    this.drawn = true;
  }

  /** Removes the line so the summary starts on a clean line. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }

  elapsedMs(): number {
    return this.clock() - this.started;
  }
}
