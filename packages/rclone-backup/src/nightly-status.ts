import { readRunHistory, runHistoryPath, type RunRecord } from './run-history.js';

/** One config's standing, folded from its run history. */
export interface BackupStatus {
  config: string;
  runs: number;
  lastRun: RunRecord | null;
  /** End of the last run that exited 0, epoch ms. */
  lastSuccessMs: number | null;
  /** Failed runs since the last success (all of them if it never succeeded). */
  consecutiveFailures: number;
  /** The latest verification coverage any run reported. */
  coverage: RunRecord['coverage'];
  /** History lines that could not be read (torn, newer format). */
  skippedLines: number;
}

/** Folds a config's history, streamed: memory stays one record whatever its length. */
export async function readStatus(stateDir: string, config: string): Promise<BackupStatus> {
  const status: BackupStatus = { config, runs: 0, lastRun: null, lastSuccessMs: null, consecutiveFailures: 0, coverage: null, skippedLines: 0 };
  for await (const record of readRunHistory(runHistoryPath(stateDir, config), () => status.skippedLines++)) {
    status.runs++;
    status.lastRun = record;
    if (record.coverage) status.coverage = record.coverage;
    if (record.exitCode === 0) {
      status.lastSuccessMs = Date.parse(record.end);
      status.consecutiveFailures = 0;
    } else {
      status.consecutiveFailures++;
    }
  }
  return status;
}

export interface Judgement {
  /** ok: succeeded within max-age; stale: last success older (or never); failing: last run failed, success still recent. */
  state: 'ok' | 'failing' | 'stale' | 'never-run';
  /** Age of the last success, ms (null: never). */
  ageMs: number | null;
  /** Scheduled runs that did not happen since the last run (a run is missed once 1.1 intervals pass). */
  missedRuns: number;
}

/**
 * Judges a status at `now` against the schedule (`intervalMs`, daily for the shipped
 * timer) and `maxAgeMs`: stale when the last success is older than max-age or there is
 * none; a failed last run within max-age is "failing" but not yet stale.
 */
export function judge(status: BackupStatus, now: number, intervalMs: number, maxAgeMs: number): Judgement {
  const ageMs = status.lastSuccessMs === null ? null : Math.max(0, now - status.lastSuccessMs);
  const lastStart = status.lastRun ? Date.parse(status.lastRun.start) : null;
  const missedRuns = lastStart === null ? 0 : Math.max(0, Math.floor((now - lastStart - 0.1 * intervalMs) / intervalMs));
  if (!status.lastRun) return { state: 'never-run', ageMs, missedRuns };
  if (ageMs === null || ageMs > maxAgeMs) return { state: 'stale', ageMs, missedRuns };
  return { state: status.lastRun.exitCode === 0 ? 'ok' : 'failing', ageMs, missedRuns };
}
