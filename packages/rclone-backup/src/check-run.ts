import { createReadStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { ByteLines, readLines } from '@rclone-b2/core';
import type { BackupContext } from './context.js';
import { runRcloneJson, type JsonRunOptions } from './context.js';
import { renderTail } from './rclone-log.js';

/** rclone's --combined report: `=` equal, `*` differ, `+` only in SOURCE (missing at the destination), `-` only in the destination, `!` error. */
export type CheckSymbol = '=' | '*' | '+' | '-' | '!';

export interface CheckOutcome {
  /** Lines the report gave. */
  reported: number;
  /** Set when rclone itself failed (exit status above 1, or 1 without a difference): the report may be incomplete. */
  problem?: string;
}

/** rclone's own per-file lines for what the report names anyway (our stderr names each file once). */
const PER_FILE = /file not in |sizes differ|contents differ|hash(es)? differ|differ$/;
/** The report's first byte: `=`, `*`, `+`, `-`, `!`. */
const SYMBOLS: Partial<Record<number, CheckSymbol>> = { 61: '=', 42: '*', 43: '+', 45: '-', 33: '!' };
const SUMMARY = /differences found|matching files|errors while checking|files missing|hashes could not be checked|^Using .* for hash/;

/**
 * Runs `rclone check`/`cryptcheck` over SOURCE and DESTINATION in both directions (never
 * --one-way) with `--combined -`, and hands each report line to `onLine` as rclone
 * writes it — nothing of the report is kept here, so a tree of any size streams through.
 * With `onEqual`, `=` lines go there instead, as their path's bytes buf[start, end): a
 * check of a whole tree is mostly `=` lines, and most callers only count them.
 * The report is read as bytes (ByteLines), with no async step per line.
 * Records matching `expected` are known noise of this particular check, shown only with -v.
 */
export async function runCheck(
  ctx: BackupContext,
  args: readonly string[],
  onLine: (symbol: CheckSymbol, path: string) => void,
  expected?: RegExp,
  onEqual?: (buf: Buffer, start: number, end: number) => void,
  /** Where rclone's report is spooled instead of a pipe (runRcloneJson's stdoutSpoolDir). */
  spoolDir?: string,
): Promise<CheckOutcome> {
  let reported = 0;
  let failures = 0;
  const lines = new ByteLines((buf, start, end) => {
    const symbol = SYMBOLS[buf[start] as number];
    if (symbol === undefined || end - start < 2 || buf[start + 1] !== 32) return;
    reported += 1;
    if (symbol !== '=') failures += 1;
    if (symbol === '=' && onEqual) onEqual(buf, start + 2, end);
    else onLine(symbol, buf.toString('utf8', start + 2, end));
  });
  const { exitCode, stderrTail } = await runRcloneJson(ctx, [...args, '--combined', '-'], {
    ...checkRunOptions(ctx, expected),
    onStdoutChunk: (chunk) => lines.push(chunk),
    stdoutSpoolDir: spoolDir,
  });
  lines.end();
  return outcome(args, exitCode, stderrTail, reported, failures);
}

/**
 * How every check run is started: exit 1 means differences, others (e.g. a failed download
 * or listing) are reported by `outcome`; rclone's summary, its per-file lines (the report
 * names each file) and `expected` noise are shown only with -v. `onRecord` sees each record first.
 */
function checkRunOptions(ctx: BackupContext, expected: RegExp | undefined, onRecord?: (msg: string) => void): JsonRunOptions {
  return {
    okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    onRecord: (r) => {
      onRecord?.(r.msg);
      return ctx.verbosity >= 1 || !(SUMMARY.test(r.msg) || (r.object !== undefined && PER_FILE.test(r.msg)) || expected?.test(r.msg));
    },
    hideText: /Failed to (check|cryptcheck)/,
  };
}

/** The kinds of difference rclone check writes to a file each (`--differ FILE`...), and their report symbol. */
const KIND_REPORTS: ReadonlyArray<[flag: string, symbol: CheckSymbol]> = [
  ['--missing-on-dst', '+'],
  ['--missing-on-src', '-'],
  ['--differ', '*'],
  ['--error', '!'],
];
/** rclone check's notice of how many files were equal (none: no notice). */
const MATCHING = /^(\d+) matching files$/;

/**
 * runCheck for a check whose equal files only count (a whole tree's size check): rclone
 * writes its report a line per system call, so a million equal files cost it a million
 * writes and this process a million lines to read. Here only the differences are written,
 * each kind to its own file in a new directory under `dir` (read when rclone has exited),
 * and the equal files are counted by rclone's own notice ("N matching files").
 */
export async function runCheckCountingMatches(
  ctx: BackupContext,
  args: readonly string[],
  onLine: (symbol: CheckSymbol, path: string) => void,
  expected: RegExp | undefined,
  dir: string,
): Promise<CheckOutcome & { matches: number }> {
  const folder = await mkdtemp(join(dir, 'check-'));
  const reports = KIND_REPORTS.map(([flag, symbol], i) => ({ flag, symbol, file: join(folder, `kind-${i}`) }));
  let matches = 0;
  const { exitCode, stderrTail } = await runRcloneJson(
    ctx,
    [...args, ...reports.flatMap((r) => [r.flag, r.file])],
    checkRunOptions(ctx, expected, (msg) => {
      const matching = MATCHING.exec(msg);
      if (matching) matches = Number(matching[1]);
    }),
  );
  let failures = 0;
  for (const { symbol, file } of reports) {
    try {
      for await (const path of readLines(createReadStream(file))) {
        failures += 1;
        onLine(symbol, path);
      }
    } catch (error) {
      // A report rclone did not get to write (it failed first) is empty: the exit status says why.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return { ...outcome(args, exitCode, stderrTail, matches + failures, failures), matches };
}

/** What a check run's exit status says, with rclone's last words when it failed. */
function outcome(args: readonly string[], exitCode: number, stderrTail: readonly string[], reported: number, failures: number): CheckOutcome {
  // Exit 1 with nothing wrong in the report means rclone failed before comparing (e.g. an unknown remote).
  if (exitCode === 0 || (exitCode === 1 && failures > 0)) return { reported };
  // rclone's last words are plain text with a date in front; the date says nothing here.
  const tail = renderTail(stderrTail, 3).map((line) => line.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, ''));
  return { reported, problem: `rclone ${args[0] ?? 'check'} failed (exit status ${exitCode})${tail.length ? `: ${tail.join(' / ')}` : ''}` };
}
