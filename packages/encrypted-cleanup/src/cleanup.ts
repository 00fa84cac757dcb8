import { DeletionExecutor, escapeName, spareLocked, type B2Api, type B2FileVersion, type Logger, type CryptFileHistory } from '@rclone-b2/core';
import { versionsToDelete } from './plan.js';
import { describeVersion, type CleanupReport } from './report.js';

export interface CleanupOptions {
  client: B2Api;
  purge: boolean;
  dryRun: boolean;
  transfers: number;
  logger: Logger;
  /** Where a dry run's plan goes. */
  report: CleanupReport;
  /** "Now" for Object Lock retention (ms). */
  now: number;
}

export interface CleanupStats {
  /** Files the paths matched. */
  files: number;
  versions: number;
  deleted: number;
  failed: number;
  /** Stored (encrypted) bytes freed. */
  bytes: number;
  /** Versions to delete that Object Lock (retention, legal hold) keeps: left alone, reported. */
  locked: number;
}

export const emptyStats = (): CleanupStats => ({ files: 0, versions: 0, deleted: 0, failed: 0, bytes: 0, locked: 0 });

/**
 * Deletes the chosen versions of each file through core's crash-safe executor (within a
 * file: uploads oldest first, then the hide markers; a hide marker stays if an upload
 * below it could not be deleted), several files at once.
 */
export async function cleanup(histories: AsyncIterable<CryptFileHistory>, options: CleanupOptions, stats: CleanupStats): Promise<void> {
  const { logger } = options;
  // Plain paths of files in flight, for messages (executor callbacks see B2 names only).
  const inFlight = new Map<string, { path: string; remaining: number }>();
  const settle = (v: B2FileVersion): string => {
    const entry = inFlight.get(v.fileName);
    if (!entry) return v.fileName;
    entry.remaining -= 1;
    if (entry.remaining === 0) inFlight.delete(v.fileName);
    return entry.path;
  };
  const executor = new DeletionExecutor({
    client: options.client,
    concurrency: options.transfers,
    onDeleted: (v) => logger.info(`deleted ${describeVersion(settle(v), v)}`),
    onFailed: (v, error) => logger.error(`${escapeName(settle(v))}: could not delete ${v.action} of ${new Date(v.uploadTimestamp).toISOString()}: ${error.message}`),
  });
  for await (const history of histories) {
    stats.files += 1;
    stats.versions += history.versions.length;
    const { deletable: doomed, locked } = spareLocked(versionsToDelete(history.versions, options.purge), options.now);
    stats.locked += locked.length;
    for (const l of locked) logger.warn(`${escapeName(history.path)}: ${l.version.action} of ${new Date(l.version.uploadTimestamp).toISOString()} is under Object Lock (${l.reason}), left alone`);
    if (doomed.length === 0) {
      logger.debug(`${escapeName(history.path)}: nothing to delete (only the current version)`);
      continue;
    }
    if (options.dryRun) {
      await options.report.plan(history.path, doomed);
      stats.deleted += doomed.length;
      stats.bytes += doomed.reduce((sum, v) => sum + v.contentLength, 0);
      continue;
    }
    inFlight.set(history.fileName, { path: history.path, remaining: doomed.length });
    await executor.submit(doomed);
  }
  const totals = await executor.drain();
  stats.deleted += totals.deleted;
  stats.bytes += totals.bytes;
  stats.failed += totals.failures.length;
}
