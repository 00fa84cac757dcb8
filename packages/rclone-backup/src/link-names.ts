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
 * Visits every directory below a root ('' is the root itself) once: `visit` reads one and
 * returns its subdirectories, each visited as soon as its parent is, up to `limit` visits in
 * flight. Rejects with the first failure.
 */
export function walkDirectories(visit: (relative: string) => Promise<readonly string[]>, limit = 32): Promise<void> {
  return new Promise((resolve, reject) => {
    const queue = [''];
    let active = 0;
    let failed = false;
    const fail = (error: unknown): void => {
      failed = true;
      reject(error);
    };
    const next = (): void => {
      while (!failed && active < limit && queue.length > 0) {
        active += 1;
        visit(queue.pop() as string).then((subdirs) => {
          active -= 1;
          if (failed) return;
          queue.push(...subdirs);
          if (active === 0 && queue.length === 0) resolve();
          else next();
        }, fail);
      }
    };
    next();
  });
}

/** The subdirectories among a directory's entries, as paths relative to the walk's root. */
export const subdirectories = (relative: string, entries: readonly Dirent[]): string[] => entries.filter((e) => e.isDirectory()).map((e) => (relative ? `${relative}/${e.name}` : e.name));

/**
 * Hands every directory below `root` (relative path, '' for root) and its entries to
 * `onDirectory`, in no particular order; rejects with the first failed read. The --links
 * name check needs names and types only: no sorting, no lstat (it runs beside rclone's dry
 * run on every run, so its CPU is what it costs).
 */
export function forEachDirectory(root: string, onDirectory: (relative: string, entries: readonly Dirent[]) => void, limit = 32): Promise<void> {
  return walkDirectories(async (relative) => {
    const entries = await readdir(relative ? join(root, relative) : root, { withFileTypes: true });
    onDirectory(relative, entries);
    return subdirectories(relative, entries);
  }, limit);
}
