import type { Dirent } from 'node:fs';
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
