// Reading messages to import: an mbox file (mboxrd or mboxo, LF or CRLF), streamed, or a
// directory of .eml files in name order.
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { maxMessageBytes } from './mime-parse.ts';

export interface SourceMessage {
  /** 0-based position in the source. */
  index: number;
  /** The message bytes as stored (mbox escaping undone); cut short when larger than the import limit. */
  mime: Buffer;
  /** The message's real size in bytes (larger than mime.length when it was cut short). */
  size: number;
  /** Where it came from: "file.mbox#12" or the .eml file's path. */
  source: string;
}

export interface MessageSource {
  kind: 'mbox' | 'eml';
  messages: AsyncIterable<SourceMessage>;
  /** How many messages there are (one streaming pass for an mbox). */
  count(): Promise<number>;
}

const fromLine = Buffer.from('From ');
const chunkSize = 1024 * 1024;

/** An mbox file or a directory of .eml files, whichever `pathname` is. */
export async function openMessageSource(pathname: string): Promise<MessageSource> {
  const info = await stat(pathname);
  if (info.isDirectory()) {
    return { kind: 'eml', messages: readEmlDirectory(pathname), count: async () => (await emlFiles(pathname)).length };
  }
  return { kind: 'mbox', messages: readMbox(pathname), count: () => countMboxMessages(pathname) };
}

/**
 * Splits mbox bytes into messages. A message starts at a line beginning with "From " that is the
 * first line or follows a blank line; the blank line before it belongs to the separator. Lines
 * of the form ">From ", ">>From " … lose one '>' (mboxrd).
 */
export class MboxSplitter {
  private partial: Buffer[] = [];
  private partialSize = 0;
  private lines: Buffer[] = [];
  private size = 0;
  private retained = 0;
  private previousBlank = true;
  private lastLineBlank = false;
  private lastLineLength = 0;
  private open = false;

  /** `retain` false only counts messages (their bytes are not kept). */
  constructor(
    private readonly options: { retain: boolean; maxBytes: number } = { retain: true, maxBytes: maxMessageBytes + 1 },
  ) {}

  /** Feeds a chunk; returns the messages it completed, as [bytes, real size]. */
  push(chunk: Buffer): Array<[Buffer, number]> {
    const done: Array<[Buffer, number]> = [];
    let pos = 0;
    for (let lf = chunk.indexOf(0x0a); lf >= 0; lf = chunk.indexOf(0x0a, pos)) {
      const piece = chunk.subarray(pos, lf + 1);
      if (this.partial.length || this.partialSize) {
        this.keepPartial(piece);
        this.line(Buffer.concat(this.partial), this.partialSize, done);
        this.partial = [];
        this.partialSize = 0;
      } else {
        this.line(piece, piece.length, done);
      }
      pos = lf + 1;
    }
    if (pos < chunk.length) this.keepPartial(chunk.subarray(pos));
    return done;
  }

  /** Ends the input; returns the last message if there is one. */
  end(): Array<[Buffer, number]> {
    const done: Array<[Buffer, number]> = [];
    if (this.partialSize) this.line(Buffer.concat(this.partial), this.partialSize, done);
    this.partial = [];
    this.partialSize = 0;
    this.finish(done);
    return done;
  }

  /** Buffers an unfinished line, but never more of it than a message may hold. */
  private keepPartial(piece: Buffer): void {
    const kept = this.partial.reduce((n, b) => n + b.length, 0);
    const room = Math.max(this.options.maxBytes, 16) - kept;
    if (room > 0) this.partial.push(Buffer.from(piece.subarray(0, room)));
    this.partialSize += piece.length;
  }

  /** One line, line break included; `length` is its real length when `line` was cut short. */
  private line(line: Buffer, length: number, done: Array<[Buffer, number]>): void {
    const blank = length === 1 || (length === 2 && line[0] === 0x0d);
    if (this.previousBlank && line.subarray(0, 5).equals(fromLine)) {
      this.finish(done);
      this.open = true;
      this.previousBlank = false;
      return;
    }
    this.previousBlank = blank;
    if (!this.open) {
      // Text before the first "From " line: kept as a message only when it is not just blank lines.
      if (blank) return;
      this.open = true;
    }
    const content = unescapeFrom(line);
    const contentLength = length - (line.length - content.length);
    this.lastLineBlank = blank;
    this.lastLineLength = contentLength;
    this.size += contentLength;
    if (this.options.retain && this.retained < this.options.maxBytes) {
      const kept = content.subarray(0, this.options.maxBytes - this.retained);
      this.lines.push(kept);
      this.retained += kept.length;
    }
  }

  private finish(done: Array<[Buffer, number]>): void {
    if (!this.open) return;
    let size = this.size;
    // The blank line before the next "From " (or at the end) is the separator, not content.
    if (this.lastLineBlank) {
      size -= this.lastLineLength;
      if (this.options.retain && this.retained === this.size) this.lines.pop();
    }
    const mime = this.options.retain ? Buffer.concat(this.lines) : Buffer.alloc(0);
    done.push([mime, size]);
    this.lines = [];
    this.size = 0;
    this.retained = 0;
    this.lastLineBlank = false;
    this.open = false;
  }
}

/** ">From " → "From ", ">>From " → ">From " …; any other line as it is. */
function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  let i = 0;
  while (line[i] === 0x3e) i++;
  return line.subarray(i, i + 5).equals(fromLine) ? line.subarray(1) : line;
}

/** The messages of an mbox file, read in chunks (never the whole file at once). */
export async function* readMbox(file: string): AsyncGenerator<SourceMessage> {
  const splitter = new MboxSplitter();
  const name = path.basename(file);
  let index = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkSize })) {
    for (const [mime, size] of splitter.push(chunk as Buffer)) {
      yield { index, mime, size, source: `${name}#${index + 1}` };
      index++;
    }
  }
  for (const [mime, size] of splitter.end()) {
    yield { index, mime, size, source: `${name}#${index + 1}` };
    index++;
  }
}

/** Counts the messages of an mbox file in one streaming pass. */
export async function countMboxMessages(file: string): Promise<number> {
  const splitter = new MboxSplitter({ retain: false, maxBytes: 0 });
  let count = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: chunkSize })) count += splitter.push(chunk as Buffer).length;
  return count + splitter.end().length;
}

async function emlFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.eml'))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The .eml files of a directory (not its subdirectories), sorted by name. */
export async function* readEmlDirectory(dir: string): AsyncGenerator<SourceMessage> {
  let index = 0;
  for (const name of await emlFiles(dir)) {
    const file = path.join(dir, name);
    const { size } = await stat(file);
    const mime = size > maxMessageBytes ? Buffer.alloc(0) : await readFile(file);
    yield { index: index++, mime, size, source: file };
  }
}
