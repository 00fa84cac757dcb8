import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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
  await rename(temp, path);
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
