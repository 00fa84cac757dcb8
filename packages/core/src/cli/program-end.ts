import { UsageError } from './errors.js';
import { describeSystemError, isSystemError } from './system-errors.js';

/** How a program run through execa with `reject: false` ended (the fields read here). */
export interface ProgramResult {
  exitCode?: number | undefined;
  signal?: string | undefined;
  failed?: boolean;
  isCanceled?: boolean;
  cause?: unknown;
  shortMessage?: string;
}

/**
 * A program that could not be started at all (not found, not executable) has no exit
 * status, so "exit undefined" is all a caller would have to say. The program named (by a
 * flag, a config or PATH) cannot be used: a usage or configuration error (exit 2),
 * `cannot run "/usr/bin/rsync3": no such file or directory`. Undefined when the program ran.
 */
export function programNotStarted(program: string, result: ProgramResult): UsageError | undefined {
  if (result.exitCode !== undefined || result.signal !== undefined || !result.failed || result.isCanceled) return undefined;
  const cause = result.cause;
  if (!isSystemError(cause) || !cause.syscall?.startsWith('spawn')) return undefined;
  const hint = cause.code === 'ENOENT' && !program.includes('/') ? ' (not found in PATH: is it installed?)' : '';
  return new UsageError(`${describeSystemError(cause)}${hint}`, { cause });
}

/**
 * How a program that ran ended, in words: `exit 11`, `killed by SIGKILL`; never `exit
 * undefined` (a signal leaves no exit status).
 */
export function programEnding(result: ProgramResult): string {
  if (result.exitCode !== undefined) return `exit ${result.exitCode}`;
  if (result.signal !== undefined) return `killed by ${result.signal}`;
  return result.shortMessage?.split('\n')[0] ?? 'ended without an exit status';
}
