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
 * A JSON file of ours from the lock directory, parsed, or undefined. The lock directory may be
 * shared (/run/lock is world-writable): a file that is not ours, or that others may write, is
 * not trusted, since what it says decides what goes into the backup.
 */
export async function readPrivateJson(file: string): Promise<unknown> {
  try {
    const info = await lstat(file);
    if (!info.isFile() || info.uid !== process.getuid?.() || (info.mode & 0o022) !== 0) return undefined;
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes a JSON file of ours (a new file renamed over the old one, mode 0600); a failure only costs the next run a walk. */
export async function writePrivateJson(file: string, value: unknown): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(value), { flag: 'wx', mode: 0o600 });
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

/** The cache for this SOURCE and link mode, or undefined (see readPrivateJson). */
export async function readSpecialsCache(file: string, source: string, copyLinks: boolean): Promise<SpecialsCache | undefined> {
  const cache = (await readPrivateJson(file)) as Partial<SpecialsCache> | undefined;
  if (typeof cache !== 'object' || cache === null) return undefined;
  if (cache.source !== source || cache.copyLinks !== copyLinks || typeof cache.archive !== 'string' || !Array.isArray(cache.members)) return undefined;
  if (!cache.members.every((m) => typeof m === 'object' && m !== null && safePath(m.path))) return undefined;
  return cache as SpecialsCache;
}

export function writeSpecialsCache(file: string, cache: SpecialsCache): Promise<void> {
  return writePrivateJson(file, cache);
}
