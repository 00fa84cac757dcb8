import { RCLONE_LINK_SUFFIX } from '@rclone-b2/core';
import { childPath, readDirectory, type DirEntry } from './read-directory.js';

/**
 * Entries of one directory of SOURCE that rclone's `--links` encoding (a symlink X is the
 * object X.rclonelink) cannot back up, with rclone 1.60.1 as the judge:
 * - a file (or FIFO, device…) named `*.rclonelink` is read as the symlink without the
 *   suffix: rclone fails on it ("readlink …: no such file"), or, when that symlink exists,
 *   keeps one of the two ("Duplicate object found in source - ignoring");
 * - a directory `X.rclonelink` next to a symlink `X` would share its name at the destination.
 * `relative` is the directory ('' for SOURCE); the paths found are added to `into`. Names
 * stand for their exact bytes (read-directory.ts), which is how rclone compares them: it keeps
 * bytes that are not UTF-8 in local names, so `x\xfd.rclonelink` clashes with a link `x\xfd` only.
 */
export function collectLinkConflicts(into: string[], relative: string, entries: readonly DirEntry[]): void {
  let links: Set<string> | undefined;
  for (const entry of entries) {
    if (entry.isSymbolicLink() || !entry.name.endsWith(RCLONE_LINK_SUFFIX) || entry.name === RCLONE_LINK_SUFFIX) continue;
    if (entry.isDirectory()) {
      links ??= new Set(entries.filter((e) => e.isSymbolicLink()).map((e) => e.name));
      if (!links.has(entry.name.slice(0, -RCLONE_LINK_SUFFIX.length))) continue;
    }
    into.push(childPath(relative, entry.name));
  }
}

/** Adds the paths of the symlinks among a directory's entries to `into` (the --links filter notice judges them). */
export function collectSymlinks(into: string[], relative: string, entries: readonly DirEntry[]): void {
  for (const entry of entries) if (entry.isSymbolicLink()) into.push(childPath(relative, entry.name));
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
export const subdirectories = (relative: string, entries: readonly DirEntry[]): string[] => entries.filter((e) => e.isDirectory()).map((e) => childPath(relative, e.name));

/**
 * Hands every directory below `root` (relative path, '' for root) and its entries to
 * `onDirectory`, in no particular order; rejects with the first failed read. The --links
 * name check needs names and types only: no sorting, no lstat (it runs beside rclone's dry
 * run on every run, so its CPU is what it costs).
 */
export function forEachDirectory(root: string, onDirectory: (relative: string, entries: readonly DirEntry[]) => void, limit = 32): Promise<void> {
  return walkDirectories(async (relative) => {
    const entries = await readDirectory(root, relative);
    onDirectory(relative, entries);
    return subdirectories(relative, entries);
  }, limit);
}
