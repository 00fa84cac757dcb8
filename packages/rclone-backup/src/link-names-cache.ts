import { lstat } from 'node:fs/promises';
import { collectLinkConflicts, collectSymlinks, subdirectories, walkDirectories } from './link-names.js';
import { pathBelow, readDirectory } from './read-directory.js';
import { readPrivateJson, writePrivateJson } from './specials-cache.js';

/**
 * The --links name check without reading every directory of SOURCE on every run. Adding,
 * removing or renaming an entry — the only ways its names or types can change — sets the
 * directory's mtime and ctime, so a directory whose inode, mtime and ctime (nanoseconds) are
 * those recorded when it was last read still holds the entries read then: its conflicts and
 * subdirectories are taken from the record after one lstat, and only changed directories
 * are read. A directory changed in the same clock tick as its reading could keep its times:
 * one whose ctime is within RACY_MS of the reading is recorded without a stamp, so it is read
 * again next time. (A file system that does not keep directory times, which some FUSE
 * mounts do not, would need the walk every run: its copy_links or a new name shows up there.)
 */
export interface LinkNamesCache {
  /** 2: records hold `links` (a record without them would hide a directory's symlinks). */
  version: 2;
  source: string;
  /**
   * Per directory ('' is SOURCE): `ino:mtimeNs:ctimeNs` when trusted, its subdirectories,
   * conflicts and symlinks (`links`, left out when there are none). Paths as read-directory.ts
   * names them: JSON keeps a byte that is not UTF-8 as its `\udcXX`.
   */
  dirs: Record<string, { stamp?: string; subdirs: string[]; conflicts: string[]; links?: string[] }>;
}

const RACY_MS = 2_000;

/** The cache file beside the special-files cache (`….specials.json` → `….links.json`). */
export const linkNamesCacheFor = (specialsCache: string): string => `${specialsCache.replace(/\.specials\.json$/, '')}.links.json`;

export async function readLinkNamesCache(file: string, source: string): Promise<LinkNamesCache | undefined> {
  const cache = (await readPrivateJson(file)) as Partial<LinkNamesCache> | undefined;
  if (typeof cache !== 'object' || cache === null || cache.version !== 2 || cache.source !== source || typeof cache.dirs !== 'object' || cache.dirs === null) return undefined;
  return cache as LinkNamesCache;
}

export const writeLinkNamesCache = (file: string, cache: LinkNamesCache): Promise<void> => writePrivateJson(file, cache);

/** A record whose paths lie directly below its directory (a damaged file is only a reason to read it again). */
function wellFormed(relative: string, record: LinkNamesCache['dirs'][string]): boolean {
  const prefix = relative ? `${relative}/` : '';
  const below = (path: unknown): boolean => typeof path === 'string' && path.startsWith(prefix) && /^(?!\.\.?$)[^/]+$/.test(path.slice(prefix.length));
  const links = record.links === undefined || (Array.isArray(record.links) && record.links.every(below));
  return Array.isArray(record.subdirs) && Array.isArray(record.conflicts) && record.subdirs.every(below) && record.conflicts.every(below) && links;
}

/**
 * The --links name conflicts of SOURCE (as collectLinkConflicts finds them, unsorted) and its
 * symlinks (`links`, unsorted), reading only the directories changed since `cached` was made;
 * `cache` is the record for the next run, `changed` whether it differs from `cached`.
 */
export async function findLinkConflicts(root: string, cached: LinkNamesCache | undefined, now: () => number = Date.now): Promise<{ conflicts: string[]; links: string[]; cache: LinkNamesCache; changed: boolean }> {
  const dirs: LinkNamesCache['dirs'] = {};
  const conflicts: string[] = [];
  const links: string[] = [];
  let read = 0;
  await walkDirectories(async (relative) => {
    const started = now();
    const info = await lstat(pathBelow(root, relative), { bigint: true });
    const stamp = `${info.ino}:${info.mtimeNs}:${info.ctimeNs}`;
    const known = cached?.dirs[relative];
    if (known?.stamp === stamp && info.isDirectory() && wellFormed(relative, known)) {
      dirs[relative] = known;
      conflicts.push(...known.conflicts);
      if (known.links) links.push(...known.links);
      return known.subdirs;
    }
    read += 1;
    const entries = await readDirectory(root, relative);
    const found: string[] = [];
    collectLinkConflicts(found, relative, entries);
    conflicts.push(...found);
    const symlinks: string[] = [];
    collectSymlinks(symlinks, relative, entries);
    links.push(...symlinks);
    const subdirs = subdirectories(relative, entries);
    const trusted = info.ctimeNs < BigInt(started - RACY_MS) * 1_000_000n;
    dirs[relative] = { ...(trusted ? { stamp } : {}), subdirs, conflicts: found, ...(symlinks.length > 0 ? { links: symlinks } : {}) };
    return subdirs;
  });
  const changed = read > 0 || Object.keys(dirs).length !== Object.keys(cached?.dirs ?? {}).length;
  return { conflicts, links, cache: { version: 2, source: root, dirs }, changed };
}
