import { ConfigError, ProblemError, programEnding, programNotStarted } from '@rclone-b2/core';
import type { BackupContext } from './context.js';

/**
 * Splits a command line the way a POSIX shell splits words — 'single' and "double"
 * quotes, backslash escapes — but without running a shell: no variables, globs,
 * pipes or redirections. Anything needing those belongs in a script that pre_command names.
 */
export function splitCommandLine(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] as string)) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new ConfigError(`pre_command: unterminated ${quote} quote`);
  if (inWord) words.push(word);
  return words;
}

/** Runs pre_command with its output on our stderr (with -q only when it fails); a failure aborts the backup (exit 1). */
export async function runPreCommand(commandLine: string, ctx: BackupContext): Promise<void> {
  const [program, ...args] = splitCommandLine(commandLine);
  if (!program) throw new ConfigError('pre_command is empty');
  ctx.logger.info(`running pre_command ${commandLine}`);
  const { execa } = await import('execa');
  const result = await execa(program, args, { reject: false, stdin: 'ignore', all: true, env: { ...ctx.io.env }, extendEnv: false });
  const output = String(result.all ?? '').trim();
  // -q hides a successful command's chatter; a failure's output explains the failure
  if (output && (ctx.verbosity >= 0 || result.failed)) ctx.io.stderr.write(`${output}\n`);
  if (result.failed) {
    // A program that cannot be run is the config's error (exit 2), as a missing rclone is.
    const notStarted = programNotStarted(program, result);
    if (notStarted) throw new ConfigError(`pre_command: ${notStarted.message}; not syncing`, undefined, { cause: result.cause });
    const why = result.exitCode === undefined ? programEnding(result) : `exit status ${result.exitCode}`;
    throw new ProblemError(`pre_command failed (${why}); not syncing`);
  }
}
