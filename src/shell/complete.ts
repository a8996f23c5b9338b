// Tab completion for the REPL: command names, then `-Parameter` names and allowed parameter values (node:readline completer semantics).
import type { CommandHost } from '../cmdlets/host.ts';
import { allParameters, resolveParameterName, type BindableParameter } from './binder.ts';
import { builtinCommands, findBuiltin } from './builtins/index.ts';
import { isDash, isQuote } from './chars.ts';

interface Word {
  text: string;
  start: number;
}

/** The words of the command being typed: text after the last unquoted `|`, `;`, `(` or `{`. */
function currentCommandWords(line: string): { words: Word[]; trailingBlank: boolean } {
  let segmentStart = 0;
  let quote: 'single' | 'double' | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if ((quote === 'single' && /['‘’‚‛]/.test(c)) || (quote === 'double' && /["“”„]/.test(c))) quote = undefined;
      continue;
    }
    if (isQuote(c)) quote = /['‘’‚‛]/.test(c) ? 'single' : 'double';
    else if ('|;({\n'.includes(c)) segmentStart = i + 1;
  }
  const segment = line.slice(segmentStart);
  const words: Word[] = [];
  const pattern = /(?:[^\s"'“”„‘’‚‛]+|"[^"]*"?|'[^']*'?|[“”„][^“”„]*[“”„]?|[‘’‚‛][^‘’‚‛]*[‘’‚‛]?)+/g;
  for (const match of segment.matchAll(pattern)) words.push({ text: match[0], start: segmentStart + (match.index ?? 0) });
  return { words, trailingBlank: /\s$/.test(segment) || segment === '' };
}

function commandNames(host: CommandHost): string[] {
  const names = new Map<string, string>();
  for (const command of [...host.listCommands(), ...builtinCommands]) names.set(command.name.toLowerCase(), command.name);
  return [...names.values()].sort((a, b) => a.localeCompare(b));
}

function parametersOf(name: string, host: CommandHost): readonly BindableParameter[] | undefined {
  const normalized = name.replace(/[\u2013\u2014\u2015]/g, '-');
  return findBuiltin(normalized)?.parameters ?? host.getCommand(normalized)?.parameters;
}

function startsWithIgnoringCase(text: string, prefix: string): boolean {
  return text.toLowerCase().startsWith(prefix.toLowerCase());
}

/** Values with blanks are offered quoted, so accepting them gives a valid argument. */
function quoteIfNeeded(value: string): string {
  return /[\s,;|(){}]/.test(value) ? `'${value.replace(/'/g, "''")}'` : value;
}

function valueCompletions(parameter: BindableParameter | undefined, partial: string): string[] {
  if (!parameter?.values) return [];
  const bare = partial.replace(/^['"]/, '');
  return parameter.values.filter((value) => startsWithIgnoringCase(value, bare)).map(quoteIfNeeded);
}

/** Returns `[completions, substringBeingCompleted]`, as node:readline's completer expects. */
export function completeLine(line: string, host: CommandHost): [string[], string] {
  const { words, trailingBlank } = currentCommandWords(line);
  if (words.length === 0 || (words.length === 1 && !trailingBlank)) {
    const partial = words[0]?.text ?? '';
    return [commandNames(host).filter((name) => startsWithIgnoringCase(name, partial)), partial];
  }
  const partial = trailingBlank ? '' : words[words.length - 1].text;
  const parameters = parametersOf(words[0].text, host);
  if (!parameters) return [[], partial];

  // `-Param:val` completes the value after the colon.
  const colonForm = /^([-\u2013\u2014\u2015])([\p{L}\p{N}_?]+):(.*)$/u.exec(partial);
  if (colonForm) {
    const resolution = resolveParameterName(colonForm[2], parameters);
    const parameter = resolution.kind === 'found' ? resolution.parameter : undefined;
    const head = `${colonForm[1]}${colonForm[2]}:`;
    return [valueCompletions(parameter, colonForm[3]).map((value) => head + value), partial];
  }
  if (isDash(partial[0])) {
    const prefix = partial.slice(1);
    const names = allParameters(parameters).map((parameter) => parameter.name).filter((name) => startsWithIgnoringCase(name, prefix));
    return [names.map((name) => `-${name}`), partial];
  }
  const previous = words[words.length - (trailingBlank ? 1 : 2)];
  if (previous && isDash(previous.text[0]) && !previous.text.includes(':')) {
    const resolution = resolveParameterName(previous.text.slice(1), parameters);
    if (resolution.kind === 'found') return [valueCompletions(resolution.parameter, partial), partial];
  }
  return [[], partial];
}
