import { createLogger, type Logger, ProblemError, RcloneError, runRclone, type RcloneResult, type ToolIO } from '@rclone-b2/core';
import { levelVerbosity, parseLogLine, renderRecord, renderTail, type RcloneLogRecord } from './rclone-log.js';

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
}

export function createContext(io: ToolIO, verbosity: number, rcloneConfig: string | undefined, secrets: string[], now: () => number = Date.now): BackupContext {
  const logger = createLogger({ tool: 'rclone-backup', stream: io.stderr, verbosity, secrets });
  return { io, logger, verbosity, rcloneConfig, secrets, now };
}

/** rclone's notice for FIFOs and devices, which archive_specials covers (shown with -v). */
export const SPECIAL_NOISE = /^Can't transfer non file\/directory$/;
/** Matches nothing: show every record. */
export const NO_NOISE = /(?!)/;

export interface JsonRunOptions {
  /** Sees every JSON record; return false to keep it off the screen. */
  onRecord?: (record: RcloneLogRecord) => boolean | void;
  onStdoutLine?: (line: string) => void | Promise<void>;
  /** Hide records whose message matches this below -v (default SPECIAL_NOISE). */
  hideMessages?: RegExp;
  /** Hide plain-text lines matching this (expected noise). */
  hideText?: RegExp;
  okExitCodes?: readonly number[];
  /** Show records up to this verbosity (default the context's). */
  verbosity?: number;
}

/**
 * Runs rclone with `--use-json-log`, shows its records in rclone's text layout at the
 * user's verbosity, and hands each record to the caller (stats, dry-run deletions).
 */
export async function runRcloneJson(ctx: BackupContext, args: readonly string[], options: JsonRunOptions = {}): Promise<RcloneResult> {
  const verbosity = options.verbosity ?? ctx.verbosity;
  return runRclone(['--use-json-log', ...args], {
    configFile: ctx.rcloneConfig,
    env: { ...ctx.io.env },
    secrets: ctx.secrets,
    okExitCodes: options.okExitCodes,
    onStdoutLine: options.onStdoutLine,
    echo: (command) => ctx.logger.info(`running ${command}`),
    onStderrLine: (line) => {
      const record = parseLogLine(line);
      if (!record) {
        if (!options.hideText?.test(line)) ctx.io.stderr.write(`${line}\n`);
        return;
      }
      const show = options.onRecord?.(record) !== false;
      if (record.stats && verbosity < 1) return;
      if (record.msg.startsWith('Config file') && record.msg.includes('not found')) return;
      if (record.stats) {
        if (show) ctx.io.stderr.write(`${renderRecord({ ...record, level: 'info' })}\n`);
        return;
      }
      if ((options.hideMessages ?? SPECIAL_NOISE).test(record.msg) && verbosity < 1) return;
      if (show && verbosity >= levelVerbosity(record.level)) ctx.io.stderr.write(`${renderRecord(record)}\n`);
    },
  }).catch((error: unknown) => {
    if (!(error instanceof RcloneError)) throw error;
    // The tail is JSON records: say it in rclone's words.
    const tail = renderTail(error.stderrTail);
    const what = args[0] === 'config' ? 'config' : (args.find((a) => !a.startsWith('-')) ?? 'rclone');
    throw new ProblemError(`rclone ${what} failed (exit status ${error.rcloneExitCode})${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`, { cause: error });
  });
}
