import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { DeletionExecutor, escapeName, fsPath, localPathOf, type B2Api, type Logger, type CryptFileHistory } from '@rclone-b2/core';
import { hideMarkersToRemove } from './plan.js';
import type { RecoverReport } from './report.js';

export interface RecoverOptions {
  client: B2Api;
  /** Undelete only files that exist here (relative to the backup directory). */
  localDirectory?: string;
  hiddenAfter?: number;
  dryRun: boolean;
  transfers: number;
  logger: Logger;
  /** Where a dry run's plan goes. */
  report: RecoverReport;
}

export interface RecoverStats {
  files: number;
  hidden: number;
  recovered: number;
  /** Hidden files left alone (not present locally, or hidden before --hidden-after). */
  leftHidden: number;
  failed: number;
}

const exists = (path: string): Promise<boolean> => lstat(fsPath(path)).then(() => true, () => false);

/**
 * Where `rclone sync` read a file from: the crypt remote holds rclone's standard names
 * (`a␊b`), the local disk the real ones (`a<LF>b`, even bytes that are not UTF-8).
 */
const localFile = (directory: string, relative: string): string => join(directory, localPathOf(relative));

/** Deletes the hide markers of the deleted files that match the criteria. */
export async function recover(histories: AsyncIterable<CryptFileHistory>, options: RecoverOptions): Promise<RecoverStats> {
  const stats: RecoverStats = { files: 0, hidden: 0, recovered: 0, leftHidden: 0, failed: 0 };
  const { logger } = options;
  // Plain paths by B2 name, while their hide markers are being deleted (for messages).
  const inFlight = new Map<string, { path: string; remaining: number }>();
  const settle = (fileName: string): string => {
    const entry = inFlight.get(fileName);
    if (!entry) return fileName;
    if (--entry.remaining === 0) inFlight.delete(fileName);
    return escapeName(entry.path);
  };
  const failedFiles = new Set<string>();
  const executor = new DeletionExecutor({
    client: options.client,
    concurrency: options.transfers,
    onDeleted: (v) => logger.info(`undeleted ${settle(v.fileName)}`),
    onFailed: (v, error) => {
      failedFiles.add(v.fileName);
      logger.error(`${settle(v.fileName)}: could not delete its hide marker: ${error.message}`);
    },
  });
  const criteria = options.hiddenAfter === undefined ? {} : { hiddenAfter: options.hiddenAfter };
  for await (const history of histories) {
    stats.files += 1;
    if (hideMarkersToRemove(history.versions).length === 0) continue;
    stats.hidden += 1;
    const hides = hideMarkersToRemove(history.versions, criteria);
    const local = options.localDirectory === undefined || (await exists(localFile(options.localDirectory, history.relative)));
    if (hides.length === 0 || !local) {
      stats.leftHidden += 1;
      logger.debug(`left hidden: ${escapeName(history.path)} (${hides.length === 0 ? 'hidden before the given time' : 'not present locally'})`);
      continue;
    }
    if (options.dryRun) {
      await options.report.plan(history.path, hides);
      stats.recovered += 1;
      continue;
    }
    inFlight.set(history.fileName, { path: history.path, remaining: hides.length });
    stats.recovered += 1;
    await executor.submit(hides);
  }
  await executor.drain();
  stats.failed = failedFiles.size;
  stats.recovered -= failedFiles.size;
  return stats;
}
