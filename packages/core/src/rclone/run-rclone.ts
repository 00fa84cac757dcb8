import { ToolError } from '../cli/errors.js';
import { ExitCode } from '../cli/exit-codes.js';
import { programEnding, programNotStarted } from '../cli/program-end.js';
import { redact } from '../cli/logger.js';
import { interruptSignal, InterruptedError } from '../cli/interrupt.js';
import { readLines } from '../text/lines.js';
import { StdoutSpool } from './stdout-spool.js';

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
  /**
   * With onStdoutChunk: rclone's stdout goes to a temporary file in this directory (unlinked
   * at once) instead of a pipe, and is read back in large blocks into one reused buffer
   * while rclone writes it (see stdout-spool.ts). A chunk's bytes are then valid only until
   * its callback returns. For outputs of many megabytes (listings, check reports).
   */
  stdoutSpoolDir?: string;
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
  /** rclone's exit status; -1 when it has none (killed by a signal). */
  readonly rcloneExitCode: number;
  readonly stderrTail: string[];
  /** How rclone ended, in words: `exit status 3`, `killed by SIGKILL`. */
  readonly ending: string;
  constructor(command: string, rcloneExitCode: number, stderrTail: string[], ending = `exit status ${rcloneExitCode}`) {
    const tail = stderrTail.length ? `:\n  ${stderrTail.join('\n  ')}` : '';
    super(`${command} failed (${ending})${tail}`, ExitCode.Problem);
    this.rcloneExitCode = rcloneExitCode;
    this.stderrTail = stderrTail;
    this.ending = ending;
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
  // Loaded on first use: execa and its ~100 modules cost ~70 ms of every tool's start-up.
  const { execa } = await import('execa');
  const signal = options.signal ?? interruptSignal();
  signal?.throwIfAborted();
  const spool = options.onStdoutChunk && options.stdoutSpoolDir !== undefined ? await StdoutSpool.create(options.stdoutSpoolDir) : undefined;
  const child = execa(program, fullArgs, {
    ...(signal ? { cancelSignal: signal } : {}),
    forceKillAfterDelay: 5_000,
    env: options.env as NodeJS.ProcessEnv | undefined,
    extendEnv: options.env === undefined,
    cwd: options.cwd,
    stdin: 'ignore',
    stdout: spool ? spool.stdout() : 'pipe',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
  const readStdout = (async () => {
    if (spool && options.onStdoutChunk) {
      try {
        await spool.drain(child, options.onStdoutChunk);
      } catch (error) {
        // A pipe would have stopped rclone at its next write (EPIPE); a file does not.
        child.kill();
        throw error;
      } finally {
        await spool.close();
      }
      return;
    }
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
  const [result] = await Promise.all([child, readStdout, readStderr]);
  if (result.isCanceled) {
    const reason: unknown = signal?.reason;
    throw reason instanceof Error ? reason : new InterruptedError('interrupted');
  }
  const exitCode = result.exitCode ?? (result.failed ? -1 : 0);
  if (result.failed && result.exitCode === undefined) {
    // An rclone that cannot be run is the set-up's error (exit 2), named; one killed by a signal ran and failed.
    const notStarted = programNotStarted(program, result);
    if (notStarted) throw notStarted;
    throw new RcloneError(command, -1, tail, programEnding(result));
  }
  if (!(options.okExitCodes ?? [0]).includes(exitCode)) throw new RcloneError(command, exitCode, tail);
  return { exitCode, stderrTail: tail };
}
