import { normalize } from 'node:path';
import { escapeName, localPathOf, TaskPool, type B2Api, type ContentCipher, type Logger, type CryptFileHistory } from '@rclone-b2/core';
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
  files: number;
  deletions: number;
}

/**
 * Restores the chosen versions of every file in the stream, downloading up to
 * `transfers` at once. A failed file is reported and counted; the others go on.
 */
export async function restore(histories: AsyncIterable<CryptFileHistory>, options: RestoreOptions): Promise<RestoreStats> {
  const stats: RestoreStats = { restored: 0, skipped: 0, failed: 0, bytes: 0, files: 0, deletions: 0 };
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
  for await (const history of histories) {
    const shown = escapeName(history.path);
    for (const item of selectVersions(history.relative, history.versions, options.mode)) {
      const linkName = options.links === false ? undefined : linkRestoreName(history.relative, item.target);
      // The crypt remote's names are rclone's standard names (`a␊b`); on disk they become
      // what `rclone copy` writes (`a<LF>b`), byte-exact even when not valid UTF-8.
      const local = localPathOf(linkName ?? item.target);
      if (!isSafeRelative(local)) {
        logger.error(`${shown}: refusing unsafe name "${escapeName(local)}"`);
        stats.failed += 1;
        continue;
      }
      // join(target, local) normalises; with target normalised once, a safe relative name has nothing left to normalise.
      const path = target.endsWith('/') ? target + local : `${target}/${local}`;
      if (item.kind === 'deletion') stats.deletions += 1;
      else stats.files += 1;
      if (options.dryRun) {
        await options.report.plan(
          item.kind === 'file'
            ? { path: history.path, kind: 'file', size: options.plainSize(item.version.contentLength), to: path }
            : { path: history.path, kind: 'deletion', to: path },
        );
        continue;
      }
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
          stats[outcome] += 1;
          if (outcome === 'restored' && item.kind === 'file') stats.bytes += options.plainSize(item.version.contentLength);
          logger.info(`${outcome === 'restored' ? 'restored' : 'already complete'}: ${escapeName(local)}`);
        } catch (error) {
          stats.failed += 1;
          logger.error(`${shown}: ${(error as Error).message}`);
        }
        options.progress?.update(stats);
      });
    }
  }
}
