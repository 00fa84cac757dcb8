import { join } from 'node:path';
import { ExitCode, parseDuration, reportError, type B2Usage, type ToolIO } from '@rclone-b2/core';
import { BACKUP_DEFAULTS } from './backup-defaults.js';
import { lockBackup } from './lock.js';
import { newestLine, printNewest, stampOf } from './newest.js';
import { writeState, type BackupState } from './nightly-state.js';
import { openBackup } from './open-backup.js';
import { specialsCacheFor } from './specials-cache.js';
import { runSync, type SyncSummary } from './sync.js';
import { reportVerify } from './verify-report.js';
import { runVerify, type VerifySummary } from './verify.js';

export interface NightlyJob {
  name: string;
  /** The backup's config file. */
  file: string;
  /** This backup's share of the verification budget, bytes. */
  budget: number;
  state: BackupState;
}

export interface JobSettings {
  stateDir: string;
  lockDir: string;
  rcloneConfig: string | undefined;
  verbosity: number;
  dryRun: boolean;
  verifyMode: 'download' | 'hash';
  now: () => number;
}

const DAY_SECONDS = 86_400;

/** How one backup of the nightly run went, for --json (the typed summaries it produced). */
export interface NightlyJobResult {
  name: string;
  exitCode: number;
  sync?: SyncSummary;
  verify?: VerifySummary;
  /** B2 calls and bytes of this backup's rclone runs (see RcloneDumpMeter). */
  usage?: B2Usage;
}

/**
 * One backup of the nightly run, holding its per-config lock throughout (a manual run
 * cannot slip in between): sync; unless that failed, verify `data=<SHARE` of the files
 * changed since the last stamp (a day the first time), rotating through the ledger; then
 * record the newest file's time as the next stamp (only when verify passed) and the size.
 * Writes to `io` like `rclone-backup` does; every error becomes its exit status.
 */
export async function runNightlyJob(job: NightlyJob, io: ToolIO, settings: JobSettings): Promise<NightlyJobResult> {
  const result: NightlyJobResult = { name: job.name, exitCode: ExitCode.Ok };
  result.exitCode = await runSteps(job, io, settings, result);
  return result;
}

async function runSteps(job: NightlyJob, io: ToolIO, settings: JobSettings, result: NightlyJobResult): Promise<number> {
  const { now } = settings;
  try {
    const { config, ctx, copyLinks } = await openBackup(job.file, settings, io, now);
    result.usage = ctx.meter?.usage;
    const { lock, release } = await lockBackup(config, settings.lockDir, ctx);
    try {
      const synced = (result.sync = await runSync(config, ctx, { dryRun: settings.dryRun, copyLinks, force: false, strictGuards: BACKUP_DEFAULTS.strictGuards, specialsCache: specialsCacheFor(lock) }));
      if (synced.errors > 0) return ExitCode.Problem;
      if (settings.dryRun) return ExitCode.Ok;
      const ageSeconds = job.state.stamp ? Math.max(60, Math.ceil(now() / 1000 - job.state.stamp)) : DAY_SECONDS;
      const summary = (result.verify = await runVerify(config, ctx, {
        conditions: { all: false, data: { amount: job.budget, percent: false, hard: true }, age: { ms: ageSeconds * 1000, text: `${ageSeconds}s` } },
        mode: settings.verifyMode,
        copyLinks,
        ledger: join(settings.stateDir, `${job.name}.ledger.jsonl`),
        rotate: true,
        coverageWindowMs: parseDuration(BACKUP_DEFAULTS.coverageWindow),
        batchSize: BACKUP_DEFAULTS.batchSize,
      }));
      const verified = reportVerify(summary, ctx.logger);
      const newest = await printNewest(config, ctx, copyLinks);
      const status = verified !== ExitCode.Ok ? verified : newest ? ExitCode.Ok : ExitCode.Problem;
      await writeState(settings.stateDir, job.name, {
        stamp: verified === ExitCode.Ok && newest ? stampOf(newest) : job.state.stamp,
        newest: newest ? newestLine(newest) : job.state.newest,
        bytes: summary.total.bytes,
        files: summary.total.files,
        lastRun: new Date(now()).toISOString(),
        exitCode: status,
      });
      return status;
    } finally {
      await release();
    }
  } catch (error) {
    return reportError('rclone-backup', error, io, false);
  }
}
