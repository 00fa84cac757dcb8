import { isLive } from '@rclone-b2/core';
import { inventoryEntries, type PlainHistory } from './inventory.js';
import type { InventorySink } from './ls-sink.js';
import type { Progress } from './progress.js';
import type { B2FileVersion } from '@rclone-b2/core';
import type { DirUsage } from './dir-usage.js';

export interface Inventories {
  all?: InventorySink;
  undeleted?: InventorySink;
  deleted?: InventorySink;
}

export interface DuStats {
  files: number;
  liveFiles: number;
  deletedFiles: number;
  versions: number;
  currentBytes: number;
  oldBytes: number;
  /** Unfinished large files (B2 `start` entries): they hold uploaded parts that B2 bills. */
  unfinishedFiles: number;
}

/** Where runDu also counts bytes per directory, and how it sizes an unfinished large file's parts. */
export interface UsageCount {
  usage: DirUsage;
  unfinishedBytes: (version: B2FileVersion) => Promise<number>;
}

/**
 * Feeds every version of every file to the inventories: `all` gets everything,
 * `undeleted` the current versions of live files, `deleted` old versions and every
 * upload of deleted files. Holds one file's history at a time.
 */
export async function runDu(
  histories: AsyncIterable<PlainHistory>,
  plainSize: (stored: number) => number,
  inventories: Inventories,
  progress?: Progress,
  count?: UsageCount,
): Promise<DuStats> {
  const stats: DuStats = { files: 0, liveFiles: 0, deletedFiles: 0, versions: 0, currentBytes: 0, oldBytes: 0, unfinishedFiles: 0 };
  const sinks = [inventories.all, inventories.undeleted, inventories.deleted];
  let path = '';
  for await (const history of histories) {
    path = history.path;
    stats.files += 1;
    stats.versions += history.versions.length;
    if (isLive(history)) stats.liveFiles += 1;
    else stats.deletedFiles += 1;
    for (const entry of inventoryEntries(history, plainSize)) {
      if (entry.current) stats.currentBytes += entry.size;
      else stats.oldBytes += entry.size;
      count?.usage.add(history.path, entry.current ? 'currentPlain' : 'oldPlain', entry.size);
      count?.usage.add(history.path, entry.current ? 'currentStored' : 'oldStored', entry.stored);
      await inventories.all?.add(entry.path, entry.size);
      await (entry.current ? inventories.undeleted : inventories.deleted)?.add(entry.path, entry.size);
    }
    for (const version of history.versions) {
      if (version.action !== 'start') continue;
      stats.unfinishedFiles += 1;
      if (count) count.usage.add(history.path, 'unfinishedStored', await count.unfinishedBytes(version));
    }
    progress?.update({ versions: stats.versions, files: stats.files, path });
  }
  // The progress line ends before the reports are written, so a terminal shows them cleanly.
  progress?.done({ versions: stats.versions, files: stats.files, path });
  for (const sink of sinks) await sink?.finish();
  return stats;
}
