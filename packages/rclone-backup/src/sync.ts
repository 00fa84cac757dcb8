import { GuardError, ProblemError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { NO_NOISE, runRcloneJson, SPECIAL_NOISE } from './context.js';
import { checkSource, countSourceFiles, deleteLimitBroken, type PlannedDeletes } from './guards.js';
import { runPreCommand } from './pre-command.js';
import { syncArgs } from './rclone-args.js';
import { emptyStats, renderTail, type RcloneLogRecord, type RcloneStats } from './rclone-log.js';
import { prepareSource, type PreparedSource } from './source-prep.js';

export interface SyncOptions {
  dryRun: boolean;
  copyLinks: boolean;
  force: boolean;
  /** Phase one with --delete-before, so a tripped max_delete leaves the destination wholly untouched. */
  strictGuards?: boolean;
}

export interface SyncSummary {
  command: 'sync';
  config: string;
  dryRun: boolean;
  files: { checked: number; transferred: number; deleted: number };
  bytes: number;
  errors: number;
  durationMs: number;
  specials: PreparedSource['specials'];
  /** Deletions the max_delete guard let through (or that a dry run would do). */
  plannedDeletes?: number;
}

const THRESHOLD = /--max-delete threshold reached/;
const THRESHOLD_NOISE = /max-delete threshold|failed to delete \d+ files?|not deleting (files|directories)|Fatal error received|Failed to sync/;

function addStats(total: RcloneStats, more: RcloneStats): RcloneStats {
  return {
    bytes: total.bytes + more.bytes,
    checks: Math.max(total.checks, more.checks),
    deletes: total.deletes + more.deletes,
    errors: total.errors + more.errors,
    transfers: total.transfers + more.transfers,
    elapsedTime: total.elapsedTime + more.elapsedTime,
    fatalError: total.fatalError || more.fatalError,
  };
}

/** Collects a run's final stats and (in dry runs) the deletions rclone would make. */
function collector(): { onRecord: (r: RcloneLogRecord) => boolean; stats: () => RcloneStats; deletes: PlannedDeletes; thresholdHit: () => boolean } {
  let stats = emptyStats();
  let threshold = false;
  const deletes: PlannedDeletes = { files: 0, bytes: 0, destinationFiles: 0, examples: [] };
  return {
    onRecord: (record) => {
      if (record.stats) stats = record.stats;
      if (THRESHOLD.test(record.msg)) threshold = true;
      if (record.skipped === 'delete' && record.object) {
        deletes.files += 1;
        deletes.bytes += record.size ?? 0;
        if (deletes.examples.length < 10) deletes.examples.push(record.object);
      }
      return true;
    },
    stats: () => stats,
    deletes,
    thresholdHit: () => threshold,
  };
}

function refuse(config: BackupConfig, plan: PlannedDeletes, reason: string): GuardError {
  const examples = plan.examples.map((p) => `\n  ${p}`).join('');
  return new GuardError(`refusing to sync ${config.name}: it would delete ${reason}; nothing was deleted (use --force if this is intended)${examples}`);
}

/**
 * The guarded sync. Guards on SOURCE run first. Then rclone syncs with --max-delete 0:
 * new and changed files go up, but nothing is deleted. Only if rclone reports that it
 * withheld deletions do we ask a dry run what exactly it would delete, compare that with
 * max_delete, and — if within limits — sync again to delete. An unchanged or
 * deletion-free backup therefore costs one rclone run, like plain `rclone sync`.
 * When the guard trips nothing has been deleted, but new and changed files may already
 * be uploaded; strictGuards (the default; `--no-strict-guards` turns it off) makes rclone attempt the deletions before
 * any transfer, so a refusal leaves the destination exactly as it was (one extra pass).
 */
export async function runSync(config: BackupConfig, ctx: BackupContext, options: SyncOptions): Promise<SyncSummary> {
  const started = ctx.now();
  if (config.preCommand && !options.dryRun) await runPreCommand(config.preCommand, ctx);
  if (config.preCommand && options.dryRun) ctx.logger.notice(`would run pre_command ${config.preCommand}`);
  if (!options.force) await checkSource(config, ctx);
  const prepared = await prepareSource(config, ctx, { copyLinks: options.copyLinks, force: options.force, now: ctx.now() });
  try {
    return await syncPrepared(config, ctx, options, started, prepared);
  } finally {
    await prepared.cleanup();
  }
}

async function syncPrepared(config: BackupConfig, ctx: BackupContext, options: SyncOptions, started: number, prepared: PreparedSource): Promise<SyncSummary> {
  const { specials, specialsDir } = prepared;
  if (config.minFiles !== undefined && !options.force) {
    const count = await countSourceFiles(config, ctx, options.copyLinks);
    if (count < config.minFiles) throw new GuardError(`source ${config.source} has ${count} files to back up, fewer than min_files = ${config.minFiles}; refusing to sync`);
  }
  const noise = config.archiveSpecials ? SPECIAL_NOISE : NO_NOISE;
  const guarded = !options.force && config.maxDelete.length > 0;
  const args = syncArgs(config, { copyLinks: options.copyLinks, dryRun: options.dryRun, verbosity: ctx.verbosity, specialsDir });
  let plannedDeletes: number | undefined;
  let stats: RcloneStats;
  if (options.dryRun) {
    const run = collector();
    const dryArgs = args.filter((a) => a !== '-q');
    await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: run.onRecord, verbosity: Math.max(ctx.verbosity, 0), hideMessages: noise });
    run.deletes.destinationFiles = run.stats().checks;
    plannedDeletes = run.deletes.files;
    const broken = guarded ? deleteLimitBroken(config.maxDelete, run.deletes) : undefined;
    if (broken) throw refuse(config, run.deletes, broken);
    stats = run.stats();
  } else if (guarded) {
    const first = collector();
    const firstResult = await runRcloneJson(ctx, [...args, ...(options.strictGuards ? ['--delete-before'] : []), '--max-delete', '0', '--stats-log-level', 'ERROR'], {
      onRecord: (record) => first.onRecord(record) && !THRESHOLD_NOISE.test(record.msg),
      hideText: THRESHOLD_NOISE,
      hideMessages: noise,
      okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    stats = { ...first.stats(), deletes: 0 };
    if (first.thresholdHit()) {
      const plan = collector();
      const dryArgs = syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: 0, specialsDir });
      await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: (r) => (plan.onRecord(r), false) });
      plan.deletes.destinationFiles = plan.stats().checks;
      const broken = deleteLimitBroken(config.maxDelete, plan.deletes);
      if (broken) throw refuse(config, plan.deletes, broken);
      plannedDeletes = plan.deletes.files;
      const second = collector();
      await runRcloneJson(ctx, [...args, '--stats-log-level', 'ERROR'], { onRecord: second.onRecord, hideMessages: noise });
      stats = addStats(stats, second.stats());
      stats.errors = second.stats().errors;
    } else if (firstResult.exitCode !== 0) {
      const tail = renderTail(firstResult.stderrTail);
      throw new ProblemError(`rclone sync failed (exit status ${firstResult.exitCode}):\n  ${tail.join('\n  ')}`);
    }
  } else {
    const run = collector();
    await runRcloneJson(ctx, [...args, '--stats-log-level', 'ERROR'], { onRecord: run.onRecord, hideMessages: noise });
    stats = run.stats();
  }
  return {
    command: 'sync',
    config: config.name,
    dryRun: options.dryRun,
    files: { checked: stats.checks, transferred: stats.transfers, deleted: options.dryRun ? 0 : stats.deletes },
    bytes: stats.bytes,
    errors: stats.errors,
    durationMs: ctx.now() - started,
    specials,
    ...(plannedDeletes !== undefined ? { plannedDeletes } : {}),
  };
}
