// The shell's public API: sessions, one-shot scripts, rendering, completion and the REPL.
export { completeLine } from './complete.ts';
export { renderError, type ShellErrorRecord } from './errors.ts';
export { renderOutput } from './format.ts';
export { startRepl, type ReplOptions } from './repl.ts';
export { runScript, ShellSession, type ScriptResult } from './session.ts';
