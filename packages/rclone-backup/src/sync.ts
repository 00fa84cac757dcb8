import { appendFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GuardError, ProblemError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { NO_NOISE, runRcloneJson, SPECIAL_NOISE, type JsonRunResult } from './context.js';
import { checkSource, countSourceFiles, deleteLimitBroken, type PlannedDeletes } from './guards.js';
import { runPreCommand } from './pre-command.js';
import { linkArgs, syncArgs, verbosityArgs } from './rclone-args.js';
import { emptyStats, type RcloneLogRecord, type RcloneStats } from './rclone-log.js';
import { prepareSource, type PreparedSource } from './source-prep.js';

export interface SyncOptions {
  dryRun: boolean;
  copyLinks: boolean;
  force: boolean;
  /** Phase one with --delete-before, so a tripped max_delete leaves the destination wholly untouched. */
  strictGuards?: boolean;
  /** Called after the max_delete plan is accepted, before anything is deleted (tests change SOURCE here to race the plan). */
  onPlanned?: (plan: PlannedDeletes) => Promise<void>;
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

interface Collector {
  onRecord: (r: RcloneLogRecord) => boolean;
  stats: () => RcloneStats;
  deletes: PlannedDeletes;
  thresholdHit: () => boolean;
  /** Errors about single files other than the withheld deletions (rclone's own count includes those). */
  fileErrors: () => number;
}

/** Collects a run's final stats and (in dry runs) the deletions rclone would make, each also handed to onDelete. */
function collector(onDelete?: (path: string) => void): Collector {
  let stats = emptyStats();
  let threshold = false;
  let fileErrors = 0;
  const deletes: PlannedDeletes = { files: 0, bytes: 0, destinationFiles: 0, examples: [] };
  return {
    onRecord: (record) => {
      if (record.stats) stats = record.stats;
      if (THRESHOLD.test(record.msg)) threshold = true;
      else if (record.level === 'error' && record.object && !THRESHOLD_NOISE.test(record.msg)) fileErrors += 1;
      if (record.skipped === 'delete' && record.object) {
        deletes.files += 1;
        deletes.bytes += record.size ?? 0;
        if (deletes.examples.length < 10) deletes.examples.push(record.object);
        onDelete?.(record.object);
      }
      return true;
    },
    stats: () => stats,
    deletes,
    thresholdHit: () => threshold,
    fileErrors: () => fileErrors,
  };
}

/**
 * Asks rclone (`dryArgs`: the sync with --dry-run) what the sync would delete, keeping the full list in `listFile`
 * (one path a line, for --files-from-raw) and the totals in memory.
 */
async function planDeletes(ctx: BackupContext, dryArgs: readonly string[], listFile: string): Promise<PlannedDeletes> {
  // rclone's records arrive in a synchronous callback: append in chunks, synchronously, so memory stays bounded.
  let chunk = '';
  writeFileSync(listFile, '');
  const plan = collector((path) => {
    // One path a line: a name with a newline would read as other names, so it is left in place.
    if (path.includes('\n')) {
      ctx.logger.warn(`not deleting ${JSON.stringify(path)}: a file name with a newline cannot be listed for rclone delete`);
      return;
    }
    chunk += `${path}\n`;
    if (chunk.length >= 64 * 1024) {
      appendFileSync(listFile, chunk);
      chunk = '';
    }
  });
  await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: (r) => (plan.onRecord(r), false) });
  appendFileSync(listFile, chunk);
  plan.deletes.destinationFiles = plan.stats().checks;
  return plan.deletes;
}

function syncFailed(result: JsonRunResult): ProblemError {
  // rclone's own error lines are above already; repeat only what was not shown
  const tail = result.unshownTail;
  return new ProblemError(`rclone sync failed (exit status ${result.exitCode})${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`);
}

/** `rclone sync … --max-delete 0`: transfers, deletes nothing; withheld deletions are expected, not shown. */
async function syncWithoutDeleting(ctx: BackupContext, args: readonly string[], noise: RegExp): Promise<{ run: Collector; result: JsonRunResult }> {
  const run = collector();
  const result = await runRcloneJson(ctx, [...args, '--max-delete', '0', '--stats-log-level', 'ERROR'], {
    onRecord: (record) => run.onRecord(record) && !THRESHOLD_NOISE.test(record.msg),
    hideText: THRESHOLD_NOISE,
    hideMessages: noise,
    okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  });
  return { run, result };
}

/**
 * Deletes exactly the planned files — `rclone delete DEST --files-from-raw LIST` — and
 * never more than planned (`--max-delete`), so the whole run stays within max_delete
 * in every form (count, %, size) even if SOURCE changed after the plan: deletions that
 * appeared since are withheld until the next run, which plans them anew. (rclone 1.60
 * has no --max-delete-size, so capping a second `rclone sync` could not bound the size.)
 */
async function deletePlanned(config: BackupConfig, ctx: BackupContext, copyLinks: boolean, listFile: string, plan: PlannedDeletes): Promise<{ deletes: number; errors: number }> {
  if (plan.files === 0) return { deletes: 0, errors: 0 };
  // rclone delete logs no final stats: count its per-file records (info level, hence at least -v).
  let deletes = 0;
  let errors = 0;
  const result = await runRcloneJson(
    ctx,
    ['delete', config.destination, '--files-from-raw', listFile, '--max-delete', String(plan.files), ...linkArgs(copyLinks), ...verbosityArgs(Math.max(ctx.verbosity, 1))],
    {
      onRecord: (record) => {
        if (record.object && record.msg === 'Deleted') deletes += 1;
        else if (record.level === 'error' && record.object) errors += 1;
      },
      okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
  );
  return { deletes, errors: result.exitCode === 0 ? errors : Math.max(errors, 1) };
}

function refuse(config: BackupConfig, plan: PlannedDeletes, reason: string): GuardError {
  const examples = plan.examples.map((p) => `\n  ${p}`).join('');
  return new GuardError(`refusing to sync ${config.name}: it would delete ${reason}; nothing was deleted (use --force if this is intended)${examples}`);
}

/**
 * The guarded sync. Guards on SOURCE run first. Then rclone syncs with --max-delete 0:
 * new and changed files go up, but nothing is deleted (rclone deletes no file, and no
 * directory, once a deletion is withheld). Only if rclone reports that it withheld
 * deletions do we ask a dry run what exactly it would delete, compare that with
 * max_delete, and — if within limits — delete exactly those files (deletePlanned), so
 * the run's total can never exceed max_delete, whatever SOURCE does meanwhile. An
 * unchanged or deletion-free backup therefore costs one rclone run, like plain `rclone sync`.
 * When the guard trips nothing has been deleted, but new and changed files may already
 * be uploaded; strictGuards (the default; `--no-strict-guards` turns it off) makes rclone
 * attempt the deletions before any transfer, so a refusal leaves the destination exactly
 * as it was; accepted, it then transfers in a second --max-delete 0 pass before deleting.
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
    // rclone's -q would hide the dry run's "Skipped delete" lines, the plan itself
    const dryArgs = syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: Math.max(ctx.verbosity, 0), specialsDir });
    await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: run.onRecord, verbosity: Math.max(ctx.verbosity, 0), hideMessages: noise });
    run.deletes.destinationFiles = run.stats().checks;
    plannedDeletes = run.deletes.files;
    const broken = guarded ? deleteLimitBroken(config.maxDelete, run.deletes) : undefined;
    if (broken) throw refuse(config, run.deletes, broken);
    stats = run.stats();
  } else if (guarded) {
    const { run: first, result: firstResult } = await syncWithoutDeleting(ctx, [...args, ...(options.strictGuards ? ['--delete-before'] : [])], noise);
    // With --max-delete 0 rclone deletes no file (its "Deleted" count still counts the withheld ones).
    stats = { ...first.stats(), deletes: 0 };
    if (first.thresholdHit()) {
      stats.errors = first.fileErrors();
      const dir = await mkdtemp(join(tmpdir(), 'rclone-backup-plan-'));
      try {
        const listFile = join(dir, 'deletions.txt');
        const plan = await planDeletes(ctx, syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: 0, specialsDir }), listFile);
        const broken = deleteLimitBroken(config.maxDelete, plan);
        if (broken) throw refuse(config, plan, broken);
        plannedDeletes = plan.files;
        await options.onPlanned?.(plan);
        if (options.strictGuards) {
          // The first pass stopped before any transfer; now transfer, still deleting nothing.
          const { run: transfer, result } = await syncWithoutDeleting(ctx, args, noise);
          if (!transfer.thresholdHit() && result.exitCode !== 0) throw syncFailed(result);
          stats = { ...addStats(stats, { ...transfer.stats(), deletes: 0 }), errors: transfer.thresholdHit() ? transfer.fileErrors() : transfer.stats().errors };
        }
        const deleted = await deletePlanned(config, ctx, options.copyLinks, listFile, plan);
        stats = { ...stats, deletes: deleted.deletes, errors: stats.errors + deleted.errors };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else if (firstResult.exitCode !== 0) {
      throw syncFailed(firstResult);
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
