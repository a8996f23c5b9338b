// The interactive shell: readline prompt, history file, tab completion, multi-line input, printing output and errors.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { CommandHost } from '../cmdlets/host.ts';
import { completeLine } from './complete.ts';
import { isIncompleteInputError, renderError } from './errors.ts';
import { renderOutput } from './format.ts';
import { parseScript } from './parser.ts';
import { ShellSession } from './session.ts';

export interface ReplOptions {
  host: CommandHost;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where typed lines are kept between sessions (the last 1000). */
  historyFile?: string;
  prompt?: string;
}

const historyLimit = 1000;
const continuationPrompt = '>> ';

/** True when the text so far cannot be complete: open brace or string, trailing `|` or backtick. */
export function needsMoreInput(source: string): boolean {
  try {
    parseScript(source);
    return false;
  } catch (error) {
    return isIncompleteInputError(error);
  }
}

class History {
  private readonly file: string | undefined;
  private lines: string[];

  constructor(file: string | undefined) {
    this.file = file;
    this.lines = [];
    if (file && existsSync(file)) {
      try {
        this.lines = readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').slice(-historyLimit);
      } catch {
        this.lines = []; // An unreadable history file must not keep the shell from starting.
      }
    }
  }

  /** Most recent first, as readline's `history` option expects. */
  newestFirst(): string[] {
    return [...this.lines].reverse();
  }

  add(line: string): void {
    if (!this.file || line.trim() === '') return;
    this.lines.push(line);
    try {
      if (this.lines.length > historyLimit) {
        this.lines = this.lines.slice(-historyLimit);
        writeFileSync(this.file, `${this.lines.join('\n')}\n`);
      } else {
        appendFileSync(this.file, `${line}\n`);
      }
    } catch {
      // History is a convenience; a full disk or read-only home must not break the session.
    }
  }
}

/** Runs the REPL until the user types `exit` or the input ends. */
export async function startRepl(options: ReplOptions): Promise<void> {
  const { host, input, output } = options;
  const prompt = options.prompt ?? 'PS Deputy> ';
  const session = new ShellSession(host);
  const history = new History(options.historyFile);
  const lines = createInterface({
    input,
    output,
    prompt,
    completer: (line: string) => completeLine(line, host),
    history: history.newestFirst(),
    historySize: historyLimit,
  });

  let buffer: string[] = [];
  const write = (text: string) => output.write(`${text}\n`);
  lines.on('SIGINT', () => {
    // Ctrl+C abandons the command being typed, as in PowerShell.
    buffer = [];
    output.write('^C\n');
    lines.setPrompt(prompt);
    lines.prompt();
  });

  const runBuffered = async (): Promise<void> => {
    const source = buffer.join('\n');
    buffer = [];
    if (source.trim() === '') return;
    const result = await session.run(source);
    const text = renderOutput(result.output);
    if (text !== '') write(text);
    for (const error of result.errors) write(renderError(error));
  };

  lines.prompt();
  for await (const line of lines) {
    history.add(line);
    if (buffer.length === 0 && line.trim().toLowerCase() === 'exit') break;
    const continuing = buffer.length > 0;
    buffer.push(line);
    // In a continuation, an empty line submits what was typed (PowerShell does the same).
    if (needsMoreInput(buffer.join('\n')) && !(continuing && line.trim() === '')) {
      lines.setPrompt(continuationPrompt);
      lines.prompt();
      continue;
    }
    await runBuffered();
    if (session.exited) break;
    lines.setPrompt(prompt);
    lines.prompt();
  }
  if (buffer.length > 0) await runBuffered();
  lines.close();
}
