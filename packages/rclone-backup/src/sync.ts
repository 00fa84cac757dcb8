import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GuardError, ProblemError } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { DeletionList } from './deletion-list.js';
import { NO_NOISE, runRcloneJson, SPECIAL_NOISE, type JsonRunResult } from './context.js';
import { checkSource, countSourceFiles, deleteLimitBroken, type PlannedDeletes } from './guards.js';
import { runPreCommand } from './pre-command.js';
import { isLocalPath, linkArgs, SPECIALS_ARCHIVE, syncArgs, verbosityArgs } from './rclone-args.js';
import { emptyStats, type RcloneLogRecord, type RcloneStats } from './rclone-log.js';
import type { LinkFilterNotices } from './link-filters.js';
import { linkNamesCacheFor } from './link-names-cache.js';
import { checkLinkNames, prepareSource, type PreparedSource } from './source-prep.js';
import { readSpecialsCache, writeSpecialsCache, type SpecialsCache } from './specials-cache.js';
import { SpecialsWatch } from './specials-watch.js';
import type { SpecialFile } from './specials.js';

export interface SyncOptions {
  dryRun: boolean;
  copyLinks: boolean;
  force: boolean;
  /** Phase one with --delete-before, so a tripped max_delete leaves the destination wholly untouched. */
  strictGuards?: boolean;
  /** Called after the max_delete plan is accepted, before anything is deleted (tests change SOURCE here to race the plan). */
  onPlanned?: (plan: PlannedDeletes) => Promise<void>;
  /**
   * Where to remember the special files between runs (specials-cache.ts), and beside it the
   * --links check's directory stamps (link-names-cache.ts); without it SOURCE is walked every run.
   */
  specialsCache?: string;
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

interface Collector {
  onRecord: (r: RcloneLogRecord) => boolean;
  stats: () => RcloneStats;
  deletes: PlannedDeletes;
  /** Dry run: every change rclone would make (copies, deletions, directories, modification times). */
  actions: () => number;
  /** Dry run: the files rclone would copy (new or replacing one). */
  copies: () => number;
  thresholdHit: () => boolean;
  /** Errors about single files other than the withheld deletions (rclone's own count includes those). */
  fileErrors: () => number;
}

/** Collects a run's final stats and (in dry runs) the changes rclone would make, each deletion also handed to onDelete. */
function collector(onDelete?: (path: string) => void, watch?: SpecialsWatch): Collector {
  let stats = emptyStats();
  let threshold = false;
  let fileErrors = 0;
  let actions = 0;
  let copies = 0;
  const deletes: PlannedDeletes = { files: 0, bytes: 0, destinationFiles: 0, examples: [] };
  return {
    onRecord: (record) => {
      watch?.record(record);
      if (record.stats) stats = record.stats;
      if (THRESHOLD.test(record.msg)) threshold = true;
      else if (record.level === 'error' && record.object && !THRESHOLD_NOISE.test(record.msg)) fileErrors += 1;
      if (record.skipped) actions += 1;
      if (record.skipped === 'copy') copies += 1;
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
    actions: () => actions,
    copies: () => copies,
    thresholdHit: () => threshold,
    fileErrors: () => fileErrors,
  };
}

/** What one dry run of the sync found: the deletions (full list in a file), every other change, and how it ended. */
interface SyncPlan {
  run: Collector;
  result: JsonRunResult;
}

/**
 * Asks rclone (`dryArgs`: the sync with --dry-run) what the sync would do — one listing of
 * each side — keeping the deletions' full list in `list` (one path a line, for
 * --files-from-raw) and the totals in memory.
 */
async function planSync(ctx: BackupContext, dryArgs: readonly string[], list: DeletionList, watch?: SpecialsWatch): Promise<SyncPlan> {
  const run = collector((path) => {
    // One path a line: a name with a newline would read as other names, so it is left in place.
    if (path.includes('\n')) {
      ctx.logger.warn(`not deleting ${JSON.stringify(path)}: a file name with a newline cannot be listed for rclone delete`);
      return;
    }
    list.add(path);
  }, watch);
  // The plan's records are not the user's business (the real run shows its own); a failure is judged by the caller.
  const result = await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: (r) => (run.onRecord(r), false), okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
  run.deletes.destinationFiles = run.stats().checks;
  return { run, result };
}

/**
 * min_files judged from the plan's counts, without another listing of SOURCE: rclone
 * checks every destination file once (a pair or a deletion), so the pairs are
 * checks − deletions, and SOURCE holds the pairs plus the copies that are new. Which copies
 * are new the dry run does not say: only when the answer depends on it (or the dry run
 * failed) is SOURCE counted with rclone lsf.
 */
async function checkMinFiles(config: BackupConfig, ctx: BackupContext, copyLinks: boolean, plan: Collector, failed: boolean, archived: boolean, minFiles: number): Promise<void> {
  const pairs = plan.stats().checks - plan.deletes.files;
  const copies = plan.copies();
  // The special-files archive is in the synced tree but is not a file of SOURCE.
  const own = archived ? 1 : 0;
  const low = Math.max(pairs, copies) - own;
  const high = pairs + copies - own;
  if (!failed && low >= minFiles) return;
  const exact = failed || high >= minFiles;
  const count = exact ? await countSourceFiles(config, ctx, copyLinks) : high;
  if (count < minFiles) {
    throw new GuardError(`source ${config.source} has ${exact || low === high ? '' : 'at most '}${count} files to back up, fewer than min_files = ${minFiles}; refusing to sync`);
  }
}

function syncFailed(result: JsonRunResult): ProblemError {
  // rclone's own error lines are above already; repeat only what was not shown
  const tail = result.unshownTail;
  return new ProblemError(`rclone sync failed (exit status ${result.exitCode})${tail.length ? `:\n  ${tail.join('\n  ')}` : ''}`);
}

/** `rclone sync … --max-delete 0`: transfers, deletes nothing; withheld deletions are expected, not shown. */
async function syncWithoutDeleting(ctx: BackupContext, args: readonly string[], noise: RegExp, watch?: SpecialsWatch): Promise<{ run: Collector; result: JsonRunResult }> {
  const run = collector(undefined, watch);
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
async function deletePlanned(config: BackupConfig, ctx: BackupContext, copyLinks: boolean, list: DeletionList, plan: PlannedDeletes): Promise<{ deletes: number; errors: number }> {
  if (plan.files === 0) return { deletes: 0, errors: 0 };
  // rclone delete logs no final stats: count its per-file records (info level, hence at least -v).
  let deletes = 0;
  let errors = 0;
  const result = await runRcloneJson(
    ctx,
    ['delete', config.destination, '--files-from-raw', list.file(), '--max-delete', String(plan.files), ...linkArgs(copyLinks), ...verbosityArgs(Math.max(ctx.verbosity, 1))],
    {
      onRecord: (record) => {
        if (record.object && record.msg === 'Deleted') deletes += 1;
        else if (record.level === 'error' && record.object) errors += 1;
      },
      okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    },
  );
  const missed = plan.files - deletes;
  if (missed > 0 && list.unnameable.length > 0) {
    // Not done is never silent: such names need rclone's own sync (--force) or a hand.
    ctx.logger.error(`${missed} of the ${plan.files} planned deletions were not made; rclone's log shows bytes that are not UTF-8 as U+FFFD, so these names cannot be given back to it exactly: ${list.unnameable.map((path) => JSON.stringify(path)).join(', ')} (delete them at ${config.destination} by hand, or run once with --force: rclone's own sync deletes them)`);
    errors = Math.max(errors, missed);
  } else if (missed > 0) {
    ctx.logger.notice(`${missed} of the ${plan.files} planned deletions found nothing to delete (gone from ${config.destination} already?)`);
  }
  return { deletes, errors: result.exitCode === 0 ? errors : Math.max(errors, 1) };
}

function refuse(config: BackupConfig, plan: PlannedDeletes, reason: string): GuardError {
  const examples = plan.examples.map((p) => `\n  ${p}`).join('');
  return new GuardError(`refusing to sync ${config.name}: it would delete ${reason}; nothing was deleted (use --force if this is intended)${examples}`);
}

/** The special files rclone named differ from the archive's: build it again and start over (once). */
class SpecialsChanged extends Error {
  constructor(readonly members: SpecialFile[]) {
    super('the special files changed');
  }
}

/**
 * What the first rclone run that lists SOURCE feeds (watch), and what is called after it
 * with its exit status (after): judges what its log said about special files and --links
 * names. Returns when the run may go on; throws SpecialsChanged (start over with the new
 * set) or a GuardError.
 */
interface ListingCheck {
  watch: SpecialsWatch;
  after: (exitCode: number) => Promise<void>;
}

/**
 * The guarded sync. Guards on SOURCE run first. Then one dry run of the sync (one listing
 * of each side, as plain `rclone sync` makes) answers min_files and max_delete; if it finds
 * nothing to change, that was the whole run. Otherwise rclone syncs with --max-delete 0:
 * new and changed files go up, nothing is deleted (rclone deletes no file, and no
 * directory, once a deletion is withheld), and then exactly the planned deletions are
 * made (deletePlanned), so the run's total can never exceed max_delete, whatever SOURCE
 * does meanwhile. When a guard trips nothing has been changed (strictGuards, the default);
 * `--no-strict-guards` uploads new and changed files before refusing, and without
 * min_files skips the dry run: its one --max-delete 0 pass plans only if rclone withheld deletions.
 *
 * Special files: the archive is built from the set the last run found (specialsCache),
 * without a walk of SOURCE; the first listing's log names the set as it is now
 * (SpecialsWatch). If it differs, the archive is built again from it and the run starts
 * over before the destination is touched (a run that plans first) or runs again (one that
 * does not), so an archive never lacks a special file rclone named.
 */
export async function runSync(config: BackupConfig, ctx: BackupContext, options: SyncOptions): Promise<SyncSummary> {
  const started = ctx.now();
  if (config.preCommand && !options.dryRun) await runPreCommand(config.preCommand, ctx);
  if (config.preCommand && options.dryRun) ctx.logger.notice(`would run pre_command ${config.preCommand}`);
  const local = isLocalPath(config.source);
  const cached = local && options.specialsCache ? readSpecialsCache(options.specialsCache, config.source, options.copyLinks) : undefined;
  if (!options.force) await checkSource(config, ctx);
  ctx.trace?.('source checked');
  const guarded = !options.force && (config.maxDelete.length > 0 || config.minFiles !== undefined);
  // Modes that list with a dry run before changing anything can check --links names after it.
  const planFirst = options.dryRun || (guarded && (options.strictGuards || config.minFiles !== undefined));
  const known = await cached;
  let members: SpecialFile[] | undefined;
  let linksJudged = false;
  // The symlinks that the filters drop under one of their two names, judged as soon as a walk
  // has found them (beside rclone's run, not after it); said once a run.
  const judgeLinks = async (links: readonly string[], specialsDir: string | undefined): Promise<LinkFilterNotices> => {
    // Without symlinks nothing is judged, and the matcher is not even loaded.
    if (links.length === 0) return { warnings: [] };
    const notices = await import('./link-filters.js')
      .then(({ linkFilterNotices }) => linkFilterNotices(config, links, specialsDir))
      .catch((error: unknown) => ({ warnings: [`the symlinks of SOURCE could not be checked against the filters: ${(error as Error).message}`] }));
    ctx.trace?.(`link filters judged (${links.length} symlinks)`);
    return notices;
  };
  const warnFilteredLinks = (notices: LinkFilterNotices | undefined): void => {
    if (linksJudged || notices === undefined) return;
    linksJudged = true;
    for (const warning of notices.warnings) ctx.logger.warn(warning);
    if (notices.unchecked) ctx.logger.info(notices.unchecked);
    ctx.trace?.('link filters checked');
  };
  for (let attempt = 1; ; attempt++) {
    const prepared = await prepareSource(config, ctx, { copyLinks: options.copyLinks, force: options.force, now: ctx.now(), known, members, walkLinks: options.force || !planFirst });
    ctx.trace?.('source prepared');
    if (prepared.linksChecked && prepared.links) warnFilteredLinks(await judgeLinks(prepared.links, prepared.specialsDir));
    const watch = new SpecialsWatch();
    let accepted: SpecialFile[] | undefined;
    // The --links name check walks SOURCE while rclone's dry run lists it (rclone waits on the
    // network meanwhile); its verdict is awaited before any guard is judged or anything changes.
    const names =
      local && !options.copyLinks && !prepared.linksChecked
        ? checkLinkNames(config, ctx, options.force, options.specialsCache ? linkNamesCacheFor(options.specialsCache) : undefined, !options.dryRun).then(
            async (links) => ({ notices: await judgeLinks(links, prepared.specialsDir), refused: undefined }),
            (error: unknown) => ({ notices: undefined, refused: error }),
          )
        : undefined;
    const after = async (exitCode: number): Promise<void> => {
      const checked = await names;
      ctx.trace?.('link names checked');
      if (checked?.refused !== undefined) throw checked.refused;
      warnFilteredLinks(checked?.notices);
      // A failed listing may have stopped early: it says nothing about what is missing.
      if (exitCode !== 0 || !prepared.members) return;
      const missing: string[] = [];
      const named = await watch.specials(config.source, (path) => missing.push(path));
      if (!sameSpecialPaths(named, prepared.members)) {
        if (attempt === 1 && !options.dryRun) throw new SpecialsChanged(named);
        // -n does not list again (its output is shown), but the real run's refusals still apply.
        if (options.dryRun) await (await prepareSource(config, ctx, { copyLinks: options.copyLinks, force: options.force, now: ctx.now(), members: named, walkLinks: false })).cleanup();
        // rclone names more through the union than without it (name rules do not hide special
        // files there): the next run starts from this set, without a walk.
        else if (options.specialsCache) await writeSpecialsCache(options.specialsCache, { source: config.source, copyLinks: options.copyLinks, members: named, archive: '' });
        ctx.logger.notice(`the special files changed while this ${options.dryRun ? 'dry run was being prepared; a real run archives' : 'run went on; the next run archives'} the ${named.length} that rclone names`);
        return;
      }
      ctx.trace?.('special files compared');
      for (const path of missing) ctx.logger.warn(`${path}: rclone names it as a special file, but it is not in SOURCE under that name (rclone shows some characters encoded); not archived`);
      accepted = prepared.members;
    };
    try {
      const summary = await syncPrepared(config, ctx, options, started, prepared, local ? { watch, after } : undefined);
      if (accepted && !options.dryRun && options.specialsCache) await rememberSpecials(options.specialsCache, config, options.copyLinks, prepared, known);
      return summary;
    } catch (error) {
      if (!(error instanceof SpecialsChanged)) throw error;
      ctx.logger.info(`the special files changed since the last run: archiving the ${error.members.length} that rclone names`);
      members = error.members;
    } finally {
      await prepared.cleanup();
    }
  }
}

const sameSpecialPaths = (a: readonly SpecialFile[], b: readonly SpecialFile[]): boolean => a.length === b.length && a.every((m, i) => m.path === b[i]?.path);

/** Writes the cache for the next run when what was archived differs from what it held. */
async function rememberSpecials(file: string, config: BackupConfig, copyLinks: boolean, prepared: PreparedSource, known: SpecialsCache | undefined): Promise<void> {
  const members = prepared.members ?? [];
  const archived = prepared.specials === 'archived' && prepared.specialsDir !== undefined;
  const same = known !== undefined && JSON.stringify(known.members) === JSON.stringify(members);
  // The same members give the same archive (its bytes depend on them only): nothing to read.
  if (same && (known.archive !== '') === archived) return;
  const archive = archived && prepared.specialsDir ? (await readFile(join(prepared.specialsDir, SPECIALS_ARCHIVE))).toString('base64') : '';
  if (same && known.archive === archive) return;
  await writeSpecialsCache(file, { source: config.source, copyLinks, members, archive });
}

interface Synced {
  stats: RcloneStats;
  plannedDeletes?: number;
}

/** rclone must log at notice level (not -q) for the watch to hear of special files; what is shown is filtered by our verbosity anyway. */
const listingVerbosity = (ctx: BackupContext, check: ListingCheck | undefined): number => (check ? Math.max(ctx.verbosity, 0) : ctx.verbosity);

/** A sync with no guard: one plain rclone run. */
async function syncPlain(ctx: BackupContext, args: readonly string[], noise: RegExp, check?: ListingCheck): Promise<Synced> {
  const run = collector(undefined, check?.watch);
  const result = await runRcloneJson(ctx, [...args, '--stats-log-level', 'ERROR'], { onRecord: run.onRecord, hideMessages: noise });
  await check?.after(result.exitCode);
  return { stats: run.stats() };
}

/** The user's --dry-run: rclone's own dry run, shown, judged by max_delete. */
async function syncDryRun(config: BackupConfig, ctx: BackupContext, options: SyncOptions, { specialsDir, specials }: PreparedSource, noise: RegExp, check?: ListingCheck): Promise<Synced> {
  const run = collector(undefined, check?.watch);
  // rclone's -q would hide the dry run's "Skipped delete" lines, the plan itself
  const dryArgs = syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: Math.max(ctx.verbosity, 0), specialsDir });
  const result = await runRcloneJson(ctx, [...dryArgs, '--stats-log-level', 'ERROR'], { onRecord: run.onRecord, verbosity: Math.max(ctx.verbosity, 0), hideMessages: noise });
  await check?.after(result.exitCode);
  run.deletes.destinationFiles = run.stats().checks;
  if (config.minFiles !== undefined && !options.force) await checkMinFiles(config, ctx, options.copyLinks, run, false, specials === 'archived', config.minFiles);
  const broken = !options.force && config.maxDelete.length > 0 ? deleteLimitBroken(config.maxDelete, run.deletes) : undefined;
  if (broken) throw refuse(config, run.deletes, broken);
  return { stats: run.stats(), plannedDeletes: run.deletes.files };
}

/** Transfers with --max-delete 0, then deletes exactly the plan's files: the run deletes no more than planned. */
async function transferThenDelete(config: BackupConfig, ctx: BackupContext, options: SyncOptions, args: readonly string[], noise: RegExp, list: DeletionList, plan: PlannedDeletes): Promise<RcloneStats> {
  const { run, result } = await syncWithoutDeleting(ctx, args, noise);
  if (!run.thresholdHit() && result.exitCode !== 0) throw syncFailed(result);
  // With --max-delete 0 rclone deletes no file (its "Deleted" count still counts the withheld ones).
  const stats = { ...run.stats(), deletes: 0, errors: run.thresholdHit() ? run.fileErrors() : run.stats().errors };
  const deleted = await deletePlanned(config, ctx, options.copyLinks, list, plan);
  return { ...stats, deletes: deleted.deletes, errors: stats.errors + deleted.errors };
}

/** Plans with one dry run, judges the guards on it, and changes the destination only if the plan has changes. */
async function syncFromPlan(config: BackupConfig, ctx: BackupContext, options: SyncOptions, { specialsDir, specials }: PreparedSource, noise: RegExp, check?: ListingCheck): Promise<Synced> {
  const args = syncArgs(config, { copyLinks: options.copyLinks, dryRun: false, verbosity: ctx.verbosity, specialsDir });
  const list = new DeletionList();
  try {
    const plan = await planSync(ctx, syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: 0, specialsDir }), list, check?.watch);
    // Before any guard or change: a changed set of special files starts the run over.
    await check?.after(plan.result.exitCode);
    if (config.minFiles !== undefined) await checkMinFiles(config, ctx, options.copyLinks, plan.run, plan.result.exitCode !== 0, specials === 'archived', config.minFiles);
    const limited = config.maxDelete.length > 0;
    const broken = limited ? deleteLimitBroken(config.maxDelete, plan.run.deletes) : undefined;
    if (broken) {
      if (!options.strictGuards) {
        // --no-strict-guards: new and changed files still go up, nothing is deleted.
        const { run, result } = await syncWithoutDeleting(ctx, args, noise);
        if (!run.thresholdHit() && result.exitCode !== 0) throw syncFailed(result);
      }
      throw refuse(config, plan.run.deletes, broken);
    }
    // Nothing to change: the dry run's listing was the whole run, as one plain rclone sync would be.
    if (plan.result.exitCode === 0 && plan.run.actions() === 0) return { stats: { ...plan.run.stats(), transfers: 0, deletes: 0, bytes: 0 }, plannedDeletes: 0 };
    if (!limited) return syncPlain(ctx, args, noise);
    await options.onPlanned?.(plan.run.deletes);
    return { stats: await transferThenDelete(config, ctx, options, args, noise, list, plan.run.deletes), plannedDeletes: plan.run.deletes.files };
  } finally {
    await list.remove();
  }
}

/** --no-strict-guards with max_delete only: one --max-delete 0 pass; a dry run plans the deletions only if rclone withheld some. */
async function syncOnePass(config: BackupConfig, ctx: BackupContext, options: SyncOptions, { specialsDir }: PreparedSource, noise: RegExp, check?: ListingCheck): Promise<Synced> {
  const args = syncArgs(config, { copyLinks: options.copyLinks, dryRun: false, verbosity: listingVerbosity(ctx, check), specialsDir });
  const { run: first, result } = await syncWithoutDeleting(ctx, args, noise, check?.watch);
  await check?.after(result.exitCode);
  if (!first.thresholdHit()) {
    if (result.exitCode !== 0) throw syncFailed(result);
    return { stats: { ...first.stats(), deletes: 0 } };
  }
  const list = new DeletionList();
  try {
    const plan = await planSync(ctx, syncArgs(config, { copyLinks: options.copyLinks, dryRun: true, verbosity: 0, specialsDir }), list);
    const broken = deleteLimitBroken(config.maxDelete, plan.run.deletes);
    if (broken) throw refuse(config, plan.run.deletes, broken);
    await options.onPlanned?.(plan.run.deletes);
    const deleted = await deletePlanned(config, ctx, options.copyLinks, list, plan.run.deletes);
    return { stats: { ...first.stats(), deletes: deleted.deletes, errors: first.fileErrors() + deleted.errors }, plannedDeletes: plan.run.deletes.files };
  } finally {
    await list.remove();
  }
}

async function syncPrepared(config: BackupConfig, ctx: BackupContext, options: SyncOptions, started: number, prepared: PreparedSource, check?: ListingCheck): Promise<SyncSummary> {
  const { specials, specialsDir } = prepared;
  const noise = config.archiveSpecials ? SPECIAL_NOISE : NO_NOISE;
  const guarded = !options.force && (config.maxDelete.length > 0 || config.minFiles !== undefined);
  let synced: Synced;
  if (options.dryRun) synced = await syncDryRun(config, ctx, options, prepared, noise, check);
  else if (!guarded) synced = await syncPlain(ctx, syncArgs(config, { copyLinks: options.copyLinks, dryRun: false, verbosity: listingVerbosity(ctx, check), specialsDir }), noise, check);
  else if (options.strictGuards || config.minFiles !== undefined) synced = await syncFromPlan(config, ctx, options, prepared, noise, check);
  else synced = await syncOnePass(config, ctx, options, prepared, noise, check);
  const { stats, plannedDeletes } = synced;
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
