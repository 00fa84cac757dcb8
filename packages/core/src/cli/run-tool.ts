import { ExitCode } from './exit-codes.js';
import { isToolError } from './errors.js';
import { InterruptedError, setInterruptSignal, SIGNAL_EXIT_CODES } from './interrupt.js';
import { processIO, type ToolIO } from './io.js';
import { preloadYargs } from './parser.js';
import { describeSystemError, isSystemError, systemErrorReason } from './system-errors.js';

/** A tool's pure entry: argv (without node and script) and streams in, exit status out. */
export type ToolMain = (argv: readonly string[], io: ToolIO) => Promise<number>;

export interface RunToolOptions {
  /**
   * The tool changes things (deletes, uploads, writes files). Then a closed standard output
   * or SIGINT/SIGTERM does not end the process at once: io.signal is aborted, main finishes
   * or rolls back its current step, and the status is 1 (stdout closed) or 128+N (signal).
   * A read-only tool ends at once: quietly with 0 on a closed pipe (`tool | head`).
   * A function decides from argv (a tool whose listings and dry runs change nothing).
   */
  changes?: boolean | ((argv: readonly string[]) => boolean);
  /** How long a changing tool may take to stop after the first signal before it is ended anyway. */
  graceMs?: number;
  /** The tool handles SIGINT/SIGTERM itself (a server that shuts down cleanly and exits 0). */
  ownSignals?: boolean;
  /** main calls preloadYargs() itself, only when it parses with yargs (a fast path that reads argv alone skips its ~20 ms). */
  lazyYargs?: boolean;
}

/** Maps any error to `tool: message` on stderr and an exit code; stacks only with --debug. */
export function reportError(tool: string, error: unknown, io: ToolIO, debug: boolean): number {
  const message = isToolError(error) ? error.message : isSystemError(error) ? describeSystemError(error) : error instanceof Error ? error.message : String(error);
  io.stderr.write(`${tool}: ${message}\n`);
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return isToolError(error) ? error.exitCode : ExitCode.Problem;
}

const isBrokenPipe = (error: unknown): boolean => isSystemError(error) && error.code === 'EPIPE';

/**
 * The only function that touches `process`: runs main with the real streams and sets
 * process.exitCode (never process.exit after normal output, which would cut off pending
 * pipe writes). It owns the process-level ends of a run:
 * - a failed standard output (EPIPE from `tool | head`, ENOSPC from `> /dev/full`, EIO);
 * - SIGINT and SIGTERM (a second one, or the grace period running out, ends at once);
 * - uncaught errors, reported as one line without a stack (unless --debug).
 * Child processes started with execa (rclone) are killed when the process ends: runRclone
 * passes the interrupt signal as execa's cancelSignal, and execa's cleanup kills the rest.
 */
export async function runTool(tool: string, main: ToolMain, toolOptions: RunToolOptions = {}): Promise<void> {
  const argv = process.argv.slice(2);
  const options = { ...toolOptions, changes: typeof toolOptions.changes === 'function' ? toolOptions.changes(argv) : toolOptions.changes };
  const controller = new AbortController();
  setInterruptSignal(controller.signal);
  const io = processIO(controller.signal);
  const debug = process.argv.includes('--debug');
  let finalCode: number | undefined;
  const say = (line: string): void => void process.stderr.write(`${tool}: ${line}\n`);
  let mainDone = false;
  const stop = (reason: InterruptedError, code: number): void => {
    if (finalCode === undefined || finalCode === ExitCode.Ok) finalCode = code;
    // The failure may surface only after main returned (its last write): the status must still say so.
    if (mainDone) process.exitCode = finalCode;
    if (!controller.signal.aborted) controller.abort(reason);
  };

  process.stderr.on('error', () => undefined); // nowhere left to complain
  process.stdout.on('error', (error) => {
    if (isBrokenPipe(error)) {
      if (!options.changes) process.exit(finalCode ?? 0);
      say('standard output was closed; stopping');
      stop(new InterruptedError('standard output was closed'), ExitCode.Problem);
      return;
    }
    say(`cannot write to standard output: ${isSystemError(error) ? systemErrorReason(error) : error.message}`);
    if (!options.changes) process.exit(ExitCode.Problem);
    stop(new InterruptedError('cannot write to standard output'), ExitCode.Problem);
  });

  const onSignal = (signal: NodeJS.Signals): void => {
    const code = SIGNAL_EXIT_CODES[signal] ?? ExitCode.Problem;
    if (!options.changes || controller.signal.aborted) process.exit(code);
    say(`${signal} received; stopping after the current step (again to stop at once)`);
    finalCode = code;
    controller.abort(new InterruptedError(`interrupted by ${signal}`, signal));
    setTimeout(() => process.exit(code), options.graceMs ?? 30_000).unref();
  };
  if (!options.ownSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const fatal = (error: unknown): void => {
    if (isBrokenPipe(error)) process.exit(finalCode ?? 0);
    reportError(tool, error, io, debug);
    process.exit(finalCode ?? ExitCode.Problem);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  let code: number;
  try {
    if (!options.lazyYargs) await preloadYargs();
    code = await main(argv, io);
  } catch (error) {
    if (controller.signal.aborted && (error === controller.signal.reason || isAbortError(error))) {
      if (!(error instanceof InterruptedError) || !error.signal) say(`stopped: ${(controller.signal.reason as Error).message}`);
      code = ExitCode.Problem;
    } else if (isBrokenPipe(error) && !options.changes) {
      code = finalCode ?? ExitCode.Ok;
    } else {
      code = reportError(tool, error, io, debug);
    }
  }
  // A stop (signal, failed stdout) wins over what main returned: it did not do all it says.
  mainDone = true;
  process.exitCode = finalCode ?? code;
}

/**
 * `changes` for a tool that changes things unless one of `flags` is given (`-n`, `--ls`):
 * long flags match as `--flag` or `--flag=...`, a short one also inside `-vn`.
 */
export function changesUnless(...flags: string[]): (argv: readonly string[]) => boolean {
  const long = flags.filter((f) => f.startsWith('--'));
  const short = flags.filter((f) => /^-[a-zA-Z]$/.test(f)).map((f) => f[1]!);
  return (argv) => {
    const end = argv.indexOf('--');
    const words = end < 0 ? argv : argv.slice(0, end);
    return !words.some((w) => long.some((f) => w === f || w.startsWith(`${f}=`)) || (/^-[a-zA-Z]+$/.test(w) && short.some((c) => w.includes(c))));
  };
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error instanceof InterruptedError);
}
