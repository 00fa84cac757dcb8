import { constants } from 'node:fs';
import { access, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { reasonOf } from '../cli/system-errors.js';
import { quoteForMessage } from '../text/quote-for-message.js';

export interface WriteAtomicallyOptions {
  /** The temporary name (same directory); default `.NAME.tmp-PID`. */
  tempPath?: string;
}

const CHUNK = 1 << 20;

type Content = string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/**
 * Replaces `path` so that after a crash it holds either its old or its new complete
 * content: write a temporary file in the same directory, fsync it, rename it over `path`,
 * fsync the directory. `content` may be a string or a (possibly async) stream of pieces
 * (strings, or bytes a caller encoded itself: each is written before the next is asked
 * for, so the caller may reuse its buffer),
 * written in chunks of about 1 MiB so a large file never sits in memory whole.
 */
export async function writeFileAtomically(
  path: string,
  content: Content,
  options: WriteAtomicallyOptions = {},
): Promise<void> {
  const temp = options.tempPath ?? join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const handle = await open(temp, 'w', 0o644);
  try {
    await writeContent(handle, content);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  // A failed rename (PATH a directory) must not leave the temporary file behind.
  await rename(temp, path).catch(async (error: unknown) => {
    await rm(temp, { force: true });
    throw error;
  });
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

/**
 * Why writeFileAtomically could not replace PATH, found before any work is done (undefined
 * when it can): PATH a directory, or not a regular file (a device such as /dev/null would
 * be replaced by a file: renaming over it is never what was meant), or its directory
 * missing, read-only or not writable. A user's -o naming such a place is a usage error.
 * With `streams` (for writeOutputFile), a device or a pipe is a place it can write.
 */
export async function cannotReplaceReason(path: string, options: { streams?: boolean } = {}): Promise<string | undefined> {
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'is a directory';
    // writeOutputFile writes into a device or a pipe; writeFileAtomically would rename over it.
    if (!stats.isFile()) return options.streams ? undefined : 'is not a regular file (it would be replaced by one)';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return reasonOf(error);
  }
  const dir = dirname(path);
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    return `its directory ${quoteForMessage(dir)}: ${reasonOf(error)}`;
  }
  return undefined;
}

/** Writes `content` to an open file in chunks of about 1 MiB (see writeFileAtomically). */
async function writeContent(handle: FileHandle, content: Content): Promise<void> {
  if (typeof content === 'string') {
    await handle.writeFile(content);
    return;
  }
  let chunk = '';
  for await (const piece of content) {
    if (typeof piece !== 'string') {
      // Bytes (already in large pieces) go out as they are, after the text before them.
      if (chunk) await handle.write(chunk);
      chunk = '';
      for (let at = 0; at < piece.length; ) at += (await handle.write(piece, at)).bytesWritten;
      continue;
    }
    chunk += piece;
    if (chunk.length >= CHUNK) {
      await handle.write(chunk);
      chunk = '';
    }
  }
  await handle.write(chunk);
}

/** Whether PATH exists as something written into rather than replaced: a device or a pipe (`/dev/null`, `>(cmd)`). */
async function isStream(path: string): Promise<boolean> {
  const stats = await stat(path).catch(() => undefined);
  return stats !== undefined && !stats.isFile() && !stats.isDirectory();
}

/**
 * An output file the user names (`-o FILE`): a regular (or new) file is replaced atomically; a
 * device or a pipe (`-o /dev/null`, `-o >(gzip > list.gz)`) is written into, as coreutils'
 * `sort -o` does, never renamed over.
 */
export async function writeOutputFile(path: string, content: Content): Promise<void> {
  if (!(await isStream(path))) return writeFileAtomically(path, content);
  const handle = await open(path, 'w');
  try {
    await writeContent(handle, content);
  } finally {
    await handle.close();
  }
}
