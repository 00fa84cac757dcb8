import type { Dirent } from 'node:fs';
import { readdir, readFile, rmdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

export function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'ENOENT';
}

/** The file's bytes, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if (isMissing(error) || (error as { code?: string }).code === 'EISDIR') return undefined;
    throw error;
  }
}

/**
 * Removes `dir` and its parents while they are empty, never `stop` itself or above. A
 * directory already gone does not stop the climb: a run killed between two rmdirs leaves
 * the parents to the next run.
 */
export async function pruneEmptyDirectories(dir: string, stop: string): Promise<void> {
  let current = dir;
  while (current !== stop && relative(stop, current) !== '' && !relative(stop, current).startsWith('..')) {
    try {
      await rmdir(current);
    } catch (error) {
      if (!isMissing(error)) return; // not empty (ENOTEMPTY/EEXIST)
    }
    current = dirname(current);
  }
}

/** A directory's entries; none when it does not exist (a collection not exported yet). */
async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** Yields every file below `root` as a path relative to it, depth first, in name order. */
export async function* walkFiles(root: string, sub = ''): AsyncGenerator<string> {
  const entries = await entriesOf(join(root, sub));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = sub === '' ? entry.name : join(sub, entry.name);
    if (entry.isDirectory()) yield* walkFiles(root, path);
    else yield path;
  }
}

/** Yields every directory below `root` (children before parents), relative to it. */
export async function* walkDirectoriesBottomUp(root: string, sub = ''): AsyncGenerator<string> {
  const entries = await entriesOf(join(root, sub));
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const path = sub === '' ? entry.name : join(sub, entry.name);
    yield* walkDirectoriesBottomUp(root, path);
    yield path;
  }
}

/** Removes every empty directory below root, and (unless keepRoot) root itself if that leaves it empty. */
export async function removeEmptyDirectories(root: string, keepRoot: boolean): Promise<void> {
  for await (const rel of walkDirectoriesBottomUp(root)) await rmdir(join(root, rel)).catch(() => undefined);
  if (!keepRoot) await rmdir(root).catch(() => undefined);
}
