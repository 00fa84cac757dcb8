import { constants } from 'node:fs';
import { access, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { reasonOf } from '../cli/system-errors.js';
import { quoteForMessage } from '../text/quote-for-message.js';

export interface WriteAtomicallyOptions {
  /** The temporary name (same directory); default `.NAME.tmp-PID`. */
  tempPath?: string;
}

const CHUNK = 1 << 20;

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
  content: string | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  options: WriteAtomicallyOptions = {},
): Promise<void> {
  const temp = options.tempPath ?? join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const handle = await open(temp, 'w', 0o644);
  try {
    if (typeof content === 'string') {
      await handle.writeFile(content);
    } else {
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
 */
export async function cannotReplaceReason(path: string): Promise<string | undefined> {
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) return 'is a directory';
    if (!stats.isFile()) return 'is not a regular file (it would be replaced by one)';
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
