import { ExitCode, formatDuration, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { listConfigs } from './nightly.js';
import { judge, readStatus, type BackupStatus, type Judgement } from './nightly-status.js';

export interface StatusOptions {
  configDir: string;
  stateDir: string;
  /** The expected schedule (the shipped timer runs daily). */
  intervalMs: number;
  /** A backup whose last success is older than this (or that never succeeded) is stale. */
  maxAgeMs: number;
  json: boolean;
  now: number;
}

const STATE_TEXT: Record<Judgement['state'], string> = { ok: 'ok', failing: 'FAILING', stale: 'STALE', 'never-run': 'NEVER RUN' };

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One line per config: state; last success and age; last result; failures; missed runs; coverage. */
export function statusLine(s: BackupStatus, j: Judgement, maxAgeMs: number): string {
  const parts = [`${s.config}: ${STATE_TEXT[j.state]}`];
  if (!s.lastRun) return `${parts[0]}; no run recorded`;
  const limit = j.state === 'stale' ? `, max ${formatDuration(maxAgeMs)}` : '';
  parts.push(s.lastSuccessMs === null ? 'never succeeded' : `last success ${iso(s.lastSuccessMs)} (${formatDuration(j.ageMs ?? 0)} ago${limit})`);
  const r = s.lastRun;
  parts.push(r.exitCode === 0 ? 'last run ok' : `last run failed (exit ${r.exitCode})${r.error ? `: ${r.error}` : ''}`);
  parts.push(`${s.consecutiveFailures} consecutive failure${s.consecutiveFailures === 1 ? '' : 's'}`);
  parts.push(`${j.missedRuns} run${j.missedRuns === 1 ? '' : 's'} missed`);
  const c = s.coverage;
  parts.push(c ? `coverage ${c.bytesPercent}% of bytes, ${c.filesPercent}% of files within ${formatDuration(c.windowMs)}` : 'no coverage yet');
  return parts.join('; ');
}

/**
 * `rclone-backup-nightly --status`: the standing of every config in CONFIG-DIR from its
 * run history. Exit 1 when any is stale (no success within max-age, or none ever), so it
 * works as a monitoring check; 0 otherwise (a recent failure is shown, not yet stale).
 */
export async function runStatus(options: StatusOptions, io: ToolIO): Promise<number> {
  const { names } = await listConfigs(options.configDir);
  const configs = names.map((n) => n.replace(/\.conf$/, ''));
  const rows = await Promise.all(
    configs.map(async (config) => {
      const status = await readStatus(options.stateDir, config);
      return { status, judgement: judge(status, options.now, options.intervalMs, options.maxAgeMs) };
    }),
  );
  const stale = rows.filter((r) => r.judgement.state === 'stale' || r.judgement.state === 'never-run').length;
  if (options.json) {
    const backups = rows.map(({ status: s, judgement: j }) => ({
      config: s.config,
      state: j.state,
      lastSuccess: s.lastSuccessMs === null ? null : iso(s.lastSuccessMs),
      ageSeconds: j.ageMs === null ? null : Math.round(j.ageMs / 1000),
      lastRun: s.lastRun,
      consecutiveFailures: s.consecutiveFailures,
      missedRuns: j.missedRuns,
      runs: s.runs,
      coverage: s.coverage,
    }));
    await writeWithBackpressure(io.stdout, `${JSON.stringify({ command: 'status', maxAgeSeconds: options.maxAgeMs / 1000, stale, backups })}\n`);
  } else {
    for (const { status, judgement } of rows) await writeWithBackpressure(io.stdout, `${statusLine(status, judgement, options.maxAgeMs)}\n`);
  }
  for (const { status } of rows) {
    if (status.skippedLines)
      io.stderr.write(`rclone-backup-nightly: ${status.config}: ${status.skippedLines} unreadable line(s) in its run history were skipped\n`);
  }
  return stale > 0 ? ExitCode.Problem : ExitCode.Ok;
}
