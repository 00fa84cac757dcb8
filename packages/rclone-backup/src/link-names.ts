import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RCLONE_LINK_SUFFIX } from '@rclone-b2/core';

/**
 * Entries of one directory of SOURCE that rclone's `--links` encoding (a symlink X is the
 * object X.rclonelink) cannot back up, with rclone 1.60.1 as the judge:
 * - a file (or FIFO, device…) named `*.rclonelink` is read as the symlink without the
 *   suffix: rclone fails on it ("readlink …: no such file"), or, when that symlink exists,
 *   keeps one of the two ("Duplicate object found in source - ignoring");
 * - a directory `X.rclonelink` next to a symlink `X` would share its name at the destination.
 * `relative` is the directory ('' for SOURCE); the paths found are added to `into`.
 */
export function collectLinkConflicts(into: string[], relative: string, entries: readonly Dirent[]): void {
  let links: Set<string> | undefined;
  for (const entry of entries) {
    if (entry.isSymbolicLink() || !entry.name.endsWith(RCLONE_LINK_SUFFIX) || entry.name === RCLONE_LINK_SUFFIX) continue;
    if (entry.isDirectory()) {
      links ??= new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => e.name));
      if (!links.has(entry.name.slice(0, -RCLONE_LINK_SUFFIX.length))) continue;
    }
    into.push(relative ? `${relative}/${entry.name}` : entry.name);
  }
}

/**
 * Hands every directory below `root` (relative path, '' for root) and its entries to
 * `onDirectory`, in no particular order; rejects with the first failed read. The --links
 * name check needs names and types only: no sorting, no lstat, and each directory's
 * subdirectories are read as soon as it is, up to `limit` reads in flight (it runs beside
 * rclone's dry run on every run, so its CPU is what it costs).
 */
export function forEachDirectory(root: string, onDirectory: (relative: string, entries: readonly Dirent[]) => void, limit = 32): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = [''];
    let active = 0;
    let failed = false;
    const next = (): void => {
      while (!failed && active < limit && queue.length > 0) {
        const relative = queue.pop() as string;
        active += 1;
        readdir(relative ? join(root, relative) : root, { withFileTypes: true }).then(
          (entries) => {
            active -= 1;
            if (failed) return;
            try {
              onDirectory(relative, entries);
            } catch (error) {
              failed = true;
              reject(error);
              return;
            }
            for (const entry of entries) if (entry.isDirectory()) queue.push(relative ? `${relative}/${entry.name}` : entry.name);
            if (active === 0 && queue.length === 0) resolve();
            else next();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    next();
  });
}
