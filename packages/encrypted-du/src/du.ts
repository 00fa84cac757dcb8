import { isLive, type B2FileVersion } from '@rclone-b2/core';
import { FileEntries, type EntryPick, type PlainHistory } from './inventory.js';
import type { InventorySink } from './ls-sink.js';
import type { Progress } from './progress.js';
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
 * upload of deleted files. Takes the files a batch at a time (listCryptFileBatches: one
 * asynchronous step per batch, not per file) and holds one file's history at a time.
 */
export async function runDu(
  batches: AsyncIterable<readonly PlainHistory[]>,
  plainSize: (stored: number) => number,
  inventories: Inventories,
  progress?: Progress,
  count?: UsageCount,
): Promise<DuStats> {
  const stats: DuStats = { files: 0, liveFiles: 0, deletedFiles: 0, versions: 0, currentBytes: 0, oldBytes: 0, unfinishedFiles: 0 };
  const sinks = [inventories.all, inventories.undeleted, inventories.deleted];
  const picks: [InventorySink | undefined, EntryPick][] = [
    [inventories.all, 'all'],
    [inventories.undeleted, 'current'],
    [inventories.deleted, 'old'],
  ];
  const entries = new FileEntries();
  let path = '';
  for await (const batch of batches) {
    for (const history of batch) {
      path = history.path;
      stats.files += 1;
      stats.versions += history.versions.length;
      if (isLive(history)) stats.liveFiles += 1;
      else stats.deletedFiles += 1;
      entries.fill(history, plainSize);
      // The directory's row is looked up once per file, and only for bytes (as DirUsage.add: no row for nothing).
      let dir = -1;
      for (let k = 0; k < entries.count; k += 1) {
        const size = entries.size[k] as number;
        const stored = entries.stored[k] as number;
        const current = entries.current[k] === 1;
        if (current) stats.currentBytes += size;
        else stats.oldBytes += size;
        if (count === undefined || (size === 0 && stored === 0)) continue;
        if (dir < 0) dir = count.usage.dirOf(history.path);
        count.usage.addAt(dir, current ? 'currentPlain' : 'oldPlain', size);
        count.usage.addAt(dir, current ? 'currentStored' : 'oldStored', stored);
      }
      // Sinks that buffer answer synchronously: awaiting only real promises keeps the loop off the microtask queue.
      for (const [sink, pick] of picks) {
        const pending = sink?.addFile(entries, pick);
        if (pending) await pending;
      }
      for (const version of history.versions) {
        if (version.action !== 'start') continue;
        stats.unfinishedFiles += 1;
        if (count) count.usage.add(history.path, 'unfinishedStored', await count.unfinishedBytes(version));
      }
    }
    progress?.update({ versions: stats.versions, files: stats.files, path });
  }
  // The progress line ends before the reports are written, so a terminal shows them cleanly.
  progress?.done({ versions: stats.versions, files: stats.files, path });
  for (const sink of sinks) await sink?.finish();
  return stats;
}
