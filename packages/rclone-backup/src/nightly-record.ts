import { redact } from '@rclone-b2/core';
import type { NightlyJobResult } from './nightly-job.js';
import type { PrefixTarget } from './prefix-stream.js';
import { RUN_RECORD_VERSION, type RunRecord } from './run-history.js';

/**
 * Remembers the first line of the last `rclone-backup: …` message a job wrote to stderr
 * (an error's continuation lines are indented, rclone's own lines are not ours): the
 * error line a run record keeps.
 */
export class LastToolLine implements PrefixTarget {
  private last: string | undefined;
  constructor(private readonly prefix: string) {}
  write(line: string): void {
    const text = line.startsWith(this.prefix) ? line.slice(this.prefix.length) : line;
    if (text.startsWith('rclone-backup: ')) this.last = text.trimEnd();
  }
  get line(): string | undefined {
    return this.last;
  }
}

/** The history record of one config's run, from what the job reported. */
export function runRecordOf(
  result: NightlyJobResult,
  times: { start: number; end: number },
  errorLine: string | undefined,
  secrets: readonly string[],
): RunRecord {
  const { sync, verify } = result;
  const coverage = verify?.coverage;
  return {
    v: RUN_RECORD_VERSION,
    config: result.name,
    start: new Date(times.start).toISOString(),
    end: new Date(times.end).toISOString(),
    durationMs: Math.max(0, times.end - times.start),
    exitCode: result.exitCode,
    dryRun: false,
    transferred: { files: sync?.files.transferred ?? 0, bytes: sync?.bytes ?? 0 },
    deleted: { files: sync?.files.deleted ?? 0, bytes: null },
    verified: { files: verify?.checked.files ?? 0, bytes: verify?.checked.bytes ?? 0 },
    coverage:
      coverage && verify
        ? {
            windowMs: coverage.windowMs,
            filesPercent: coverage.filesPercent,
            bytesPercent: coverage.bytesPercent,
            totalFiles: verify.total.files,
            totalBytes: verify.total.bytes,
          }
        : null,
    transactions: result.usage ? { ...result.usage.transactions, bytesUp: result.usage.bytesUp, bytesDown: result.usage.bytesDown } : null,
    error: result.exitCode === 0 ? null : redact(errorLine ?? `exit status ${result.exitCode}`, [...secrets]),
  };
}
