import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { SpecialFile } from './specials.js';

/**
 * What the last run archived, kept next to the per-config lock: the special files rclone
 * named (their paths, so no walk of SOURCE is needed to know where to look) and the archive
 * made of them (so an unchanged set needs no tar and gzip either). Only a hint: each run
 * checks it against what rclone names in its own listing, and a missing or odd file just
 * means one walk of SOURCE.
 */
export interface SpecialsCache {
  source: string;
  copyLinks: boolean;
  members: SpecialFile[];
  /** The archive's bytes, base64. */
  archive: string;
}

/** The cache file for a lock file (`…lock` → `….specials.json`). */
export function specialsCacheFor(lockFile: string): string {
  return `${lockFile.replace(/\.lock$/, '')}.specials.json`;
}

const safePath = (path: unknown): path is string => typeof path === 'string' && path !== '' && !path.startsWith('/') && !path.split('/').includes('..');

/**
 * The cache for this SOURCE and link mode, or undefined. The lock directory may be shared
 * (/run/lock is world-writable): a file that is not ours, or that others may write, is not
 * trusted, since its archive bytes would go into the backup.
 */
export async function readSpecialsCache(file: string, source: string, copyLinks: boolean): Promise<SpecialsCache | undefined> {
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) return undefined;
    const cache = JSON.parse(await readFile(file, 'utf8')) as Partial<SpecialsCache>;
    if (cache.source !== source || cache.copyLinks !== copyLinks || typeof cache.archive !== 'string' || !Array.isArray(cache.members)) return undefined;
    if (!cache.members.every((m) => safePath(m.path))) return undefined;
    return cache as SpecialsCache;
  } catch {
    return undefined;
  }
}

/** Writes the cache (a new file renamed over the old one, mode 0600); a failure only costs the next run a walk. */
export async function writeSpecialsCache(file: string, cache: SpecialsCache): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(cache), { flag: 'wx', mode: 0o600 });
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}
