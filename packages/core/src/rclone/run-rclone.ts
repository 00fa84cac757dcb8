import { spawn, type ChildProcess } from 'node:child_process';
import { ToolError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { redact } from '../cli/logger.js';
import { interruptSignal, InterruptedError } from '../cli/interrupt.js';
import { readLines } from '../text/lines.js';

export interface RunRcloneOptions {
  /** The rclone binary (default: env RCLONE, else `rclone` on PATH). */
  rclone?: string;
  /** Passed as `--config FILE` before the other arguments. */
  configFile?: string;
  /** Environment for rclone (default: this process's). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Strings redacted from the command echo, forwarded lines and errors. */
  secrets?: readonly string[];
  /** Called for every stdout line, in order; its promise is awaited (back-pressure). */
  onStdoutLine?: (line: string) => void | Promise<void>;
  /** Instead of onStdoutLine: every stdout chunk as rclone wrote it (see ByteLines), awaited likewise. */
  onStdoutChunk?: (chunk: Buffer) => void | Promise<void>;
  /** Called for every stderr line (already redacted). */
  onStderrLine?: (line: string) => void;
  /** Receives the redacted, shell-quoted command line before rclone starts (for -v echoes). */
  echo?: (commandLine: string) => void;
  /** How many of rclone's last stderr lines to keep for the error message (default 20). */
  stderrTailLines?: number;
  /** Which stderr lines may enter that tail (default all): instrumentation such as HTTP dumps stays out. */
  keepInTail?: (line: string) => boolean;
  /** Exit statuses that are not an error (default [0]). */
  okExitCodes?: readonly number[];
  /**
   * Stops rclone (SIGTERM, SIGKILL 5 s later) when aborted; the call then rejects with the
   * signal's reason. Default: the running tool's interrupt signal (see runTool).
   */
  signal?: AbortSignal;
}

export interface RcloneResult {
  exitCode: number;
  /** The last lines of rclone's stderr (redacted). */
  stderrTail: string[];
}

/** rclone exited with a status we did not expect; the message ends with the tail of its stderr. */
export class RcloneError extends ToolError {
  readonly rcloneExitCode: number;
  readonly stderrTail: string[];
  constructor(command: string, rcloneExitCode: number, stderrTail: string[]) {
    const tail = stderrTail.length ? `:\n  ${stderrTail.join('\n  ')}` : '';
    super(`${command} failed with exit status ${rcloneExitCode}${tail}`, ExitCode.Problem);
    this.rcloneExitCode = rcloneExitCode;
    this.stderrTail = stderrTail;
  }
}

const SAFE_WORD = /^[\w@%+=:,./-]+$/;

/** Quotes one argument the way a POSIX shell would read it back (for display only). */
export function shellQuote(arg: string): string {
  if (arg !== '' && SAFE_WORD.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The command as a user could paste it, with every secret replaced by `***`. */
export function formatCommand(program: string, args: readonly string[], secrets: readonly string[] = []): string {
  return redact([program, ...args].map(shellQuote).join(' '), secrets);
}

export function rcloneBinary(env: Record<string, string | undefined> = process.env): string {
  return env.RCLONE && env.RCLONE.length > 0 ? env.RCLONE : 'rclone';
}

/**
 * Runs rclone with an argument array (never a shell), streaming its stdout and stderr
 * line by line to the callbacks. stderr's tail is kept so a failure can say why rclone
 * failed; everything shown is redacted. Resolves with the exit status when it is one of
 * okExitCodes, otherwise rejects with an RcloneError.
 */
export async function runRclone(args: readonly string[], options: RunRcloneOptions = {}): Promise<RcloneResult> {
  const program = options.rclone ?? rcloneBinary(options.env ?? process.env);
  const fullArgs = options.configFile ? ['--config', options.configFile, ...args] : [...args];
  const secrets = options.secrets ?? [];
  const command = formatCommand(program, fullArgs, secrets);
  options.echo?.(command);
  const tailSize = options.stderrTailLines ?? 20;
  const tail: string[] = [];
  const signal = options.signal ?? interruptSignal();
  signal?.throwIfAborted();
  // node:child_process itself, not execa: execa's ~100 modules cost ~35 ms of CPU before
  // rclone could start (issue 14), and this needs only a spawn, a kill and the exit status.
  const child = spawn(program, fullArgs, { env: (options.env ?? process.env) as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = childExit(child, signal);
  const readStdout = (async () => {
    if (!child.stdout) return;
    const onChunk = options.onStdoutChunk;
    if (onChunk) {
      for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
        const waiting = onChunk(chunk);
        if (waiting) await waiting;
      }
      return;
    }
    if (!options.onStdoutLine) {
      child.stdout.resume();
      return;
    }
    for await (const line of readLines(child.stdout)) await options.onStdoutLine(line);
  })();
  const readStderr = (async () => {
    if (!child.stderr) return;
    for await (const raw of readLines(child.stderr)) {
      const line = redact(raw, secrets);
      if (options.keepInTail?.(line) !== false) tail.push(line);
      if (tail.length > tailSize) tail.shift();
      options.onStderrLine?.(line);
    }
  })();
  const [result] = await Promise.all([exited, readStdout, readStderr]);
  if (result.canceled) {
    const reason: unknown = signal?.reason;
    throw reason instanceof Error ? reason : new InterruptedError('interrupted');
  }
  if (result.exitCode === undefined) {
    const reason = result.error?.code === 'ENOENT' ? `${program}: not found (is rclone installed?)` : result.error ? `${program}: ${result.error.message}` : `rclone was killed by ${result.signal ?? 'a signal'}`;
    throw new RcloneError(command, -1, [...tail, reason]);
  }
  const exitCode = result.exitCode;
  if (!(options.okExitCodes ?? [0]).includes(exitCode)) throw new RcloneError(command, exitCode, tail);
  return { exitCode, stderrTail: tail };
}

/** The rclone processes running now, killed if this process exits first (one 'exit' listener for all). */
const running = new Set<ChildProcess>();
function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

interface ChildEnd {
  /** The exit status; undefined when rclone did not start or was killed by a signal. */
  exitCode?: number;
  signal?: NodeJS.Signals;
  /** Why it did not start (ENOENT: no such program). */
  error?: NodeJS.ErrnoException;
  /** Stopped by `stop` (SIGTERM, then SIGKILL after 5 s). */
  canceled: boolean;
}

/**
 * How the child ended, once its output streams are closed. `stop` ends it (SIGTERM, SIGKILL
 * 5 s later); so does this process's exit, as execa's cleanup did, so that no rclone outlives
 * a tool ended by a second signal or a fatal error.
 */
function childExit(child: ChildProcess, stop: AbortSignal | undefined): Promise<ChildEnd> {
  let canceled = false;
  let force: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    canceled = true;
    child.kill('SIGTERM');
    force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    force.unref();
  };
  stop?.addEventListener('abort', onAbort, { once: true });
  if (running.size === 0) process.once('exit', killRunning);
  running.add(child);
  return new Promise<ChildEnd>((resolve) => {
    const done = (end: Omit<ChildEnd, 'canceled'>): void => {
      stop?.removeEventListener('abort', onAbort);
      running.delete(child);
      if (running.size === 0) process.removeListener('exit', killRunning);
      if (force) clearTimeout(force);
      resolve({ ...end, canceled });
    };
    // A failed spawn emits 'error' and may not emit 'close'; a running child's errors (a failed kill) change nothing here.
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) done({ error });
    });
    child.once('close', (code, signal) => done(code === null ? { signal: signal ?? undefined } : { exitCode: code }));
  });
}
