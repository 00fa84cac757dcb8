import { createReadStream } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readLines } from '@rclone-b2/core';

/**
 * The nightly runner's record of every run, one JSON line per run and config in
 * STATE-DIR/NAME.history.jsonl. Append-only: a line is written once, whole, at the end of
 * the config's run, so a crash loses at most that run's line and never an earlier one.
 * Readers (`--status`, `--metrics-file`, the HTML status page) fold over it.
 *
 * The format is versioned (`v`); fields are only ever added. A reader skips lines it
 * cannot use (a torn last line after a crash, a newer version's record) and says so
 * through `onSkip`, so one damaged line never hides the history.
 */
export const RUN_RECORD_VERSION = 1;

export interface TransactionTotals {
  /** B2 class A (uploads, deletes, hides), B (downloads), C (listings, authorize). */
  A: number;
  B: number;
  C: number;
}

export interface RunRecord {
  v: typeof RUN_RECORD_VERSION;
  /** The config's name (its file name without `.conf`). */
  config: string;
  /** ISO 8601 UTC. */
  start: string;
  end: string;
  durationMs: number;
  /** The config's exit status: 0 ok, 1 problem, 2 usage/config, 3 guard refused. */
  exitCode: number;
  dryRun: boolean;
  /** What the sync uploaded (rclone's transfers and bytes). */
  transferred: { files: number; bytes: number };
  /**
   * What the sync deleted at the destination. rclone's stats count deleted files, not
   * their size: `bytes` is null unless it was measured.
   */
  deleted: { files: number; bytes: number | null };
  /** Content compared by this run's verify. */
  verified: { files: number; bytes: number };
  /**
   * Share of the backup (percent, 0-100) verified within the ledger's window after this
   * run, and the backup's size then; null when verify did not run.
   */
  coverage: { windowMs: number; filesPercent: number; bytesPercent: number; totalFiles: number; totalBytes: number } | null;
  /**
   * B2 transactions this run spent, by class, and bytes moved; null when not counted (the
   * destination is not B2, or the run stopped before rclone ran).
   */
  transactions: (TransactionTotals & { bytesUp: number; bytesDown: number }) | null;
  /** The first line of what went wrong (secrets redacted); null on success. */
  error: string | null;
}

export const runHistoryPath = (stateDir: string, config: string): string => join(stateDir, `${config}.history.jsonl`);

const SUFFIX = '.history.jsonl';

/** The configs that have a history in stateDir, sorted (a config never run has none). */
export async function listRunHistories(stateDir: string): Promise<string[]> {
  const names = await readdir(stateDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return names
    .filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.'))
    .map((n) => n.slice(0, -SUFFIX.length))
    .sort();
}

/**
 * Appends one record with a single write on an O_APPEND descriptor, then fsyncs: two runs
 * appending at once interleave whole lines, and a line reported written survives a crash.
 */
export async function appendRunRecord(stateDir: string, record: RunRecord): Promise<void> {
  const handle = await open(runHistoryPath(stateDir, record.config), 'a', 0o644);
  try {
    await handle.write(`${JSON.stringify(record)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Why a line was skipped, for the reader's `onSkip`. */
export interface SkippedLine {
  line: number;
  reason: string;
}

/**
 * The records of one config's history file, oldest first, streamed (a history of years
 * is read line by line, never whole). A missing file yields nothing: never run.
 */
export async function* readRunHistory(file: string, onSkip: (skipped: SkippedLine) => void = () => undefined): AsyncGenerator<RunRecord> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const opened = await new Promise<boolean>((resolve, reject) => {
    stream.once('open', () => resolve(true));
    stream.once('error', (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? resolve(false) : reject(error)));
  });
  if (!opened) return;
  let number = 0;
  for await (const line of readLines(stream)) {
    number++;
    if (line.trim() === '') continue;
    const record = parseRunRecord(line);
    if (typeof record === 'string') onSkip({ line: number, reason: record });
    else yield record;
  }
}

/** A record, or why the line is not one. */
export function parseRunRecord(line: string): RunRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON (a torn line?)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = (value as { v?: unknown }).v;
  if (v !== RUN_RECORD_VERSION) return `record version ${JSON.stringify(v)}, this reader knows ${RUN_RECORD_VERSION}`;
  const r = value as Partial<RunRecord>;
  const number = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (typeof r.config !== 'string' || typeof r.start !== 'string' || typeof r.end !== 'string') return 'config, start or end missing';
  if (!number(r.exitCode) || !number(r.durationMs)) return 'exitCode or durationMs missing';
  if (Number.isNaN(Date.parse(r.start)) || Number.isNaN(Date.parse(r.end))) return 'start or end is not a time';
  if (!r.transferred || !r.deleted || !r.verified) return 'transferred, deleted or verified missing';
  return value as RunRecord;
}
