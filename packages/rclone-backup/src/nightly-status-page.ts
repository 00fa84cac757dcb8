import type { NightlyConfig, NightlyReportData, NightlyRun } from '@rclone-b2/report';
import { listConfigs } from './nightly.js';
import { judge, readStatus } from './nightly-status.js';
import { readRunHistory, runHistoryPath, type RunRecord } from './run-history.js';

/** Runs per backup drawn on the page (the chart and the table); older ones are only counted. */
const SHOWN_RUNS = 90;

export interface StatusPageOptions {
  configDir: string;
  stateDir: string;
  intervalMs: number;
  maxAgeMs: number;
  now: number;
}

function pageRun(record: RunRecord): NightlyRun {
  return {
    started: record.start,
    seconds: record.durationMs / 1000,
    exitCode: record.exitCode,
    bytes: record.transferred.bytes,
    verifiedBytes: record.verified.bytes,
    ...(record.coverage ? { coverage: record.coverage.bytesPercent } : {}),
    ...(record.error ? { error: record.error } : {}),
  };
}

/** The status page's data: each config judged as `--status` judges it, with its newest runs. */
export async function statusPageData(options: StatusPageOptions): Promise<NightlyReportData> {
  const { names } = await listConfigs(options.configDir);
  const configs: NightlyConfig[] = [];
  for (const config of names.map((n) => n.replace(/\.conf$/, ''))) {
    const status = await readStatus(options.stateDir, config);
    const judgement = judge(status, options.now, options.intervalMs, options.maxAgeMs);
    // Streamed: only the newest SHOWN_RUNS records are held.
    const runs: NightlyRun[] = [];
    for await (const record of readRunHistory(runHistoryPath(options.stateDir, config))) {
      runs.push(pageRun(record));
      if (runs.length > SHOWN_RUNS) runs.shift();
    }
    configs.push({
      name: config,
      state: judgement.state,
      ...(status.lastSuccessMs !== null ? { lastSuccess: new Date(status.lastSuccessMs).toISOString() } : {}),
      missedRuns: judgement.missedRuns,
      consecutiveFailures: status.consecutiveFailures,
      totalRuns: status.runs,
      runs: runs.reverse(),
      ...(status.coverage ? { coverageWindowDays: Math.round(status.coverage.windowMs / 86_400_000) } : {}),
    });
  }
  return {
    kind: 'nightly',
    tool: 'rclone-backup-nightly',
    title: 'Backups: nightly status',
    generated: new Date(options.now).toISOString(),
    maxAgeHours: Math.round(options.maxAgeMs / 3_600_000),
    configs,
  };
}
