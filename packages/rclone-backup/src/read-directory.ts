import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fsPath, nameFromBytes } from '@rclone-b2/core';

/**
 * An entry of a directory the walks of SOURCE read: its name as core's nameFromBytes gives it
 * (each byte that is not UTF-8 as U+DC80..U+DCFF, so the name stands for its exact bytes) and
 * its type.
 */
export type DirEntry = Pick<Dirent, 'name' | 'isDirectory' | 'isSymbolicLink' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice'>;

/** A walk's relative path (`/`-separated, '' for root) below `root`, for node:fs: bytes when a name is not UTF-8. */
export const pathBelow = (root: string, relative: string): string | Buffer => fsPath(relative ? join(root, relative) : root);

/** The relative path of `name` in the directory `relative`. */
export const childPath = (relative: string, name: string): string => (relative ? `${relative}/${name}` : name);

const byteNamed = (entry: Dirent<Buffer>): DirEntry => ({
  name: nameFromBytes(entry.name),
  isDirectory: () => entry.isDirectory(),
  isSymbolicLink: () => entry.isSymbolicLink(),
  isFIFO: () => entry.isFIFO(),
  isCharacterDevice: () => entry.isCharacterDevice(),
  isBlockDevice: () => entry.isBlockDevice(),
});

/**
 * Reads one directory with entry types. Node decodes names as UTF-8 natively, putting U+FFFD
 * for bytes that are not UTF-8, and a path rebuilt from such a name does not exist: a directory
 * with a U+FFFD in a name is read again with Buffer names, decoded by nameFromBytes. Not every
 * directory: a Buffer per name doubles the time of a walk of a big tree.
 */
export async function readDirectory(root: string, relative: string): Promise<DirEntry[]> {
  const path = pathBelow(root, relative);
  const entries = await readdir(path, { withFileTypes: true });
  if (!entries.some((entry) => entry.name.includes('\ufffd'))) return entries;
  return (await readdir(path, { withFileTypes: true, encoding: 'buffer' })).map(byteNamed);
}
