import { mkdir } from 'node:fs/promises';
import { normalize } from 'node:path';
import { ConfigError, escapeName, localPathOf, TaskPool, type B2Api, type ContentCipher, type Logger, type CryptFileHistory } from '@rclone-b2/core';
import type { RestoreCounts, RestoreProgress } from './progress.js';
import { markDeletion, restoreFile } from './restore-file.js';
import { linkRestoreName, restoreLink } from './restore-link.js';
import { isSafeRelative, selectVersions, type RestoreMode } from './select.js';
import { withFileRetries } from './retry-file.js';
import type { RestoreReport } from './report.js';

export interface RestoreOptions {
  client: B2Api;
  content: ContentCipher;
  plainSize: (stored: number) => number;
  mode: RestoreMode;
  /** Absolute target directory. */
  target: string;
  transfers: number;
  /** Whole-file attempts on transient failures (rclone's --retries; default 3). */
  retries?: number;
  dryRun: boolean;
  /** `.rclonelink` objects become the symlinks they stand for, as with `rclone copy -l` (default true). */
  links?: boolean;
  /** Where --dry-run's plan goes. */
  report: RestoreReport;
  logger: Logger;
  progress?: RestoreProgress;
  signal?: AbortSignal;
}

export interface RestoreStats extends RestoreCounts {
  /** File versions chosen (restored, already complete or failed). */
  files: number;
  /** Deletion marks chosen (--all). */
  deletions: number;
  /** Deletion marks written (`restored` counts files only). */
  marked: number;
  /** Of `restored` and `marked`, how many were written over a different file already in TARGET. */
  replaced: number;
}

/**
 * Creates TARGET (with parents) when the first file is about to be written, not before: a
 * remote that is refused, a wrong password or a PATH that matched nothing leave no empty
 * directory behind.
 */
async function createTarget(target: string): Promise<void> {
  try {
    await mkdir(target, { recursive: true });
  } catch (error) {
    throw new ConfigError(`cannot create target ${target}: ${(error as Error).message}`, undefined, { cause: error });
  }
}

/**
 * Restores the chosen versions of every file in the stream, downloading up to
 * `transfers` at once. A failed file is reported and counted; the others go on.
 */
export async function restore(histories: AsyncIterable<CryptFileHistory>, options: RestoreOptions): Promise<RestoreStats> {
  const stats: RestoreStats = { restored: 0, skipped: 0, failed: 0, bytes: 0, files: 0, deletions: 0, marked: 0, replaced: 0 };
  const pool = new TaskPool(options.transfers);
  try {
    await planAndRestore(histories, options, stats, pool);
  } finally {
    // The plan so far reaches stdout even when the listing fails part-way.
    await options.report.flush();
  }
  await pool.drain();
  if (!options.dryRun) options.progress?.done(stats);
  return stats;
}

async function planAndRestore(histories: AsyncIterable<CryptFileHistory>, options: RestoreOptions, stats: RestoreStats, pool: TaskPool): Promise<void> {
  const { logger } = options;
  const target = normalize(options.target);
  let targetCreated: Promise<void> | undefined;
  for await (const history of histories) {
    const shown = escapeName(history.path);
    for (const item of selectVersions(history.relative, history.versions, options.mode)) {
      const linkName = options.links === false ? undefined : linkRestoreName(history.relative, item.target);
      // The crypt remote's names are rclone's standard names (`a␊b`); on disk they become
      // what `rclone copy` writes (`a<LF>b`), byte-exact even when not valid UTF-8.
      const local = localPathOf(linkName ?? item.target);
      // counted as chosen first, so restored + marked + skipped + failed = files + deletions
      if (item.kind === 'deletion') stats.deletions += 1;
      else stats.files += 1;
      if (!isSafeRelative(local)) {
        logger.error(`${shown}: refusing unsafe name "${escapeName(local)}"`);
        stats.failed += 1;
        continue;
      }
      // join(target, local) normalises; with target normalised once, a safe relative name has nothing left to normalise.
      const path = target.endsWith('/') ? target + local : `${target}/${local}`;
      if (options.dryRun) {
        await options.report.plan(
          item.kind === 'file'
            ? { path: history.path, kind: 'file', size: options.plainSize(item.version.contentLength), to: path }
            : { path: history.path, kind: 'deletion', to: path },
        );
        continue;
      }
      targetCreated ??= createTarget(target);
      await targetCreated;
      await pool.add(async () => {
        try {
          const outcome =
            item.kind === 'deletion'
              ? await markDeletion(path)
              : await withFileRetries(options.retries ?? 3, () => (linkName ? restoreLink : restoreFile)({
                  client: options.client,
                  content: options.content,
                  version: item.version,
                  path,
                  plainSize: options.plainSize,
                  label: shown,
                  ...(options.signal ? { signal: options.signal } : {}),
                }), (error, attempt) => logger.info(`${shown}: attempt ${attempt} failed (${(error as Error).message}); retrying`));
          // each item counted once: a file written, a mark written, or already complete
          if (outcome === 'skipped') stats.skipped += 1;
          else if (item.kind === 'file') {
            stats.restored += 1;
            stats.bytes += options.plainSize(item.version.contentLength);
          } else stats.marked += 1;
          // rclone copy overwrites too (and a restore over a partial earlier one must), but
          // never silently: a file that was there and differed is named at default verbosity
          if (outcome === 'replaced') {
            stats.replaced += 1;
            logger.notice(`replaced ${escapeName(path)} (it differed from the backup)`);
          }
          logger.info(`${outcome === 'skipped' ? 'already complete' : item.kind === 'file' ? 'restored' : 'marked deletion'}: ${escapeName(local)}`);
        } catch (error) {
          stats.failed += 1;
          logger.error(`${shown}: ${(error as Error).message}`);
        }
        options.progress?.update(stats);
      });
    }
  }
}
