import { createLogger, type Logger, ProblemError, RcloneDumpMeter, RcloneError, runRclone, type RcloneResult, type ToolIO } from '@rclone-b2/core';
import { levelVerbosity, parseLogLine, renderRecord, renderTail, type RcloneLogRecord } from './rclone-log.js';
import { createTrace, type Trace } from './trace.js';

/** What every command needs to run rclone: streams, logger, secrets, the rclone.conf. */
export interface BackupContext {
  io: ToolIO;
  logger: Logger;
  verbosity: number;
  /** `--rclone-config FILE`, passed to rclone as `--config FILE`. */
  rcloneConfig: string | undefined;
  secrets: string[];
  /** Injectable clock (ms since epoch). */
  now: () => number;
  /** Counts the B2 calls of every rclone run (see meteredArgs). */
  meter?: RcloneDumpMeter;
  /** Phase timestamps for RCLONE_BACKUP_TRACE (trace.ts). */
  trace?: Trace;
  /** Marker of the per-config lock once held (core's lockMarkerEnv), in every rclone's environment. */
  lockEnv?: Record<string, string>;
}

export function createContext(io: ToolIO, verbosity: number, rcloneConfig: string | undefined, secrets: string[], now: () => number = Date.now, meter = true): BackupContext {
  const logger = createLogger({ tool: 'rclone-backup', stream: io.stderr, verbosity, secrets });
  return { io, logger, verbosity, rcloneConfig, secrets, now, trace: createTrace(io.env, io.stderr), ...(meter ? { meter: new RcloneDumpMeter() } : {}) };
}

/**
 * With a meter, rclone dumps its HTTP headers (which it does at -vv, so -q, which it then
 * refuses, is dropped: what reaches the screen is filtered by our verbosity anyway).
 */
function meteredArgs(ctx: BackupContext, args: readonly string[]): readonly string[] {
  return ctx.meter ? [...args.filter((a) => a !== '-q' && a !== '--quiet'), ...RcloneDumpMeter.ARGS] : args;
}

/** rclone's plain-text warning that --dump raised the log level. */
const DUMP_NOTICE = /Automatically setting -vv as --dump is enabled/;

/** A line only there because the meter raised rclone's log level: the dump itself, or debug the user did not ask for. */
function meteredNoise(ctx: BackupContext, line: string): boolean {
  if (!ctx.meter) return false;
  const record = parseLogLine(line);
  if (!record) return DUMP_NOTICE.test(line);
  return RcloneDumpMeter.isDump(record.msg) || (record.level === 'debug' && ctx.verbosity < 2);
}

/** rclone's notice for FIFOs and devices, which archive_specials covers (shown with -v). */
export const SPECIAL_NOISE = /^Can't transfer non file\/directory$/;
/** Matches nothing: show every record. */
export const NO_NOISE = /(?!)/;

export interface JsonRunOptions {
  /** Sees every JSON record; return false to keep it off the screen. */
  onRecord?: (record: RcloneLogRecord) => boolean | void;
  onStdoutLine?: (line: string) => void | Promise<void>;
  /** Instead of onStdoutLine: stdout's raw chunks (for listings of millions of lines). */
  onStdoutChunk?: (chunk: Buffer) => void | Promise<void>;
  /** With onStdoutChunk: stdout through a temporary file in this directory, not a pipe (core's runRclone). */
  stdoutSpoolDir?: string;
  /** Hide records whose message matches this below -v (default SPECIAL_NOISE). */
  hideMessages?: RegExp;
  /** Hide plain-text lines matching this (expected noise). */
  hideText?: RegExp;
  okExitCodes?: readonly number[];
  /** Show records up to this verbosity (default the context's). */
  verbosity?: number;
}

/** The last few stderr lines' fate (shown or not), newest last. */
class ShownLines {
  private readonly flags: boolean[] = [];
  add(shown: string | undefined): void {
    this.flags.push(shown !== undefined);
    if (this.flags.length > 256) this.flags.splice(0, 128);
  }
  /** `offset` from the end: -1 is the last line. Lines too old to know count as not shown. */
  wasShown(offset: number): boolean {
    return this.flags[this.flags.length + offset] ?? false;
  }
}

/**
 * Runs rclone with `--use-json-log`, shows its records in rclone's text layout at the
 * user's verbosity, and hands each record to the caller (stats, dry-run deletions).
 */
export interface JsonRunResult extends RcloneResult {
  /** The stderr tail without the lines already shown (and the stats record), in rclone's text layout. */
  unshownTail: string[];
}

export async function runRcloneJson(ctx: BackupContext, args: readonly string[], options: JsonRunOptions = {}): Promise<JsonRunResult> {
  const verbosity = options.verbosity ?? ctx.verbosity;
  // Whether each of the last stderr lines was shown, so a failure repeats only the rest.
  const recent = new ShownLines();
  /** The text to show for one stderr line at the user's verbosity, or undefined. */
  const showStderrLine = (line: string): string | undefined => {
    const record = parseLogLine(line);
    if (!record) return options.hideText?.test(line) || meteredNoise(ctx, line) ? undefined : line;
    if (ctx.meter?.read(record.msg)) return undefined;
    const show = options.onRecord?.(record) !== false;
    if (record.stats && verbosity < 1) return undefined;
    if (record.msg.startsWith('Config file') && record.msg.includes('not found')) return undefined;
    if (record.stats) return show ? renderRecord({ ...record, level: 'info' }) : undefined;
    if ((options.hideMessages ?? SPECIAL_NOISE).test(record.msg) && verbosity < 1) return undefined;
    return show && verbosity >= levelVerbosity(record.level) ? renderRecord(record) : undefined;
  };
  // The stderr tail, leaving out what was shown already (and the stats record, which
  // was not shown below -v for a reason): a failure repeats only what is new.
  const unshown = (tail: readonly string[]): string[] => renderTail(tail.filter((line, i) => !recent.wasShown(i - tail.length) && !parseLogLine(line)?.stats));
  let first = true;
  const result = await runRclone(['--use-json-log', ...meteredArgs(ctx, args)], {
    configFile: ctx.rcloneConfig,
    env: { ...ctx.io.env, ...ctx.lockEnv },
    secrets: ctx.secrets,
    okExitCodes: options.okExitCodes,
    keepInTail: (line) => !meteredNoise(ctx, line),
    onStdoutLine: options.onStdoutLine,
    onStdoutChunk: options.onStdoutChunk,
    stdoutSpoolDir: options.stdoutSpoolDir,
    echo: (command) => {
      ctx.trace?.(`spawn rclone ${args[0] ?? ''}`);
      ctx.logger.info(`running ${command}`);
    },
    onStderrLine: (line) => {
      if (first) ctx.trace?.(`rclone ${args[0] ?? ''}: first log line`);
      first = false;
      const shown = showStderrLine(line);
      // Only lines the tail keeps are counted, so an offset from the tail's end finds its own line.
      if (!meteredNoise(ctx, line)) recent.add(shown);
      if (shown !== undefined) ctx.io.stderr.write(`${shown}\n`);
    },
  }).catch((error: unknown) => {
    if (!(error instanceof RcloneError)) throw error;
    // The tail is JSON records: say it in rclone's words.
    const tail = unshown(error.stderrTail);
    const what = args[0] === 'config' ? 'config' : (args.find((a) => !a.startsWith('-')) ?? 'rclone');
    throw new ProblemError(`rclone ${what} failed (${error.ending})${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`, { cause: error });
  });
  ctx.trace?.(`rclone ${args[0] ?? ''} exited ${result.exitCode}`);
  return { ...result, unshownTail: unshown(result.stderrTail) };
}
