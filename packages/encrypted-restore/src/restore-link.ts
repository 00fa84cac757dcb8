import { lstat, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { linkPathOf, RCLONE_LINK_SUFFIX, setMtimeMs } from '@rclone-b2/core';
import { moveIntoPlace, mtimeOf, restoreFile, type FileOutcome, type RestoreFileInput } from './restore-file.js';

/** Linux's PATH_MAX: no longer target can be a symlink. */
const MAX_TARGET_BYTES = 4095;

/**
 * Where a chosen version goes when it is a symlink stored by `rclone --links`
 * (`dir/x.rclonelink`): `dir/x`, or `dir/x-v…` for the time-stamped names of --all.
 * undefined for anything else. `relative` is the object's path, `target` the name the
 * version would get as a plain file.
 */
export function linkRestoreName(relative: string, target: string): string | undefined {
  if (linkPathOf(relative) === undefined) return undefined;
  const at = target.lastIndexOf(RCLONE_LINK_SUFFIX);
  if (at < 0) return undefined;
  const name = target.slice(0, at) + target.slice(at + RCLONE_LINK_SUFFIX.length);
  return linkPathOf(`${name}${RCLONE_LINK_SUFFIX}`) === undefined ? undefined : name;
}

/** A finished earlier restore left a symlink with this mtime and a target of this length. */
async function alreadyLinked(path: string, size: number, mtimeMs: number): Promise<boolean> {
  const existing = await lstat(path).catch(() => undefined);
  if (!existing?.isSymbolicLink() || Math.abs(existing.mtimeMs - mtimeMs) >= 1) return false;
  return (await readlink(path, { encoding: 'buffer' })).length === size;
}

/**
 * Restores a `.rclonelink` object as the symlink it stands for, as `rclone copy -l` does:
 * the content (downloaded and checked exactly like a file's, into a hidden temporary
 * file) is the link's target text; the link gets the stored mtime and its final name
 * only when complete, so a re-run skips it.
 */
export async function restoreLink(input: RestoreFileInput): Promise<FileOutcome> {
  const size = input.plainSize(input.version.contentLength);
  const mtimeMs = mtimeOf(input.version);
  if (await alreadyLinked(input.path, size, mtimeMs)) return 'skipped';
  const content = join(dirname(input.path), `.${basename(input.path)}.encrypted-restore-link`);
  const partial = join(dirname(input.path), `.${basename(input.path)}.encrypted-restore-partial`);
  try {
    await restoreFile({ ...input, path: content });
    const target = await readFile(content);
    if (target.length === 0 || target.length > MAX_TARGET_BYTES || target.includes(0)) {
      throw new Error(`${RCLONE_LINK_SUFFIX} content is not a symlink target (${target.length} bytes); restore it with --no-links`);
    }
    await rm(partial, { force: true });
    await symlink(target, partial);
    await setMtimeMs(partial, mtimeMs, { link: true });
    return await moveIntoPlace(partial, input.path);
  } finally {
    await rm(content, { force: true });
    await rm(partial, { force: true });
  }
}
