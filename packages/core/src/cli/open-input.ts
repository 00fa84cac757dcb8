import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteForMessage } from '../text/quote-for-message.js';
import { ConfigError, UsageError } from './errors.js';
import { reasonOf, systemErrorReason } from './system-errors.js';

/**
 * Opens a named input file (relative to cwd) for reading. One that cannot be opened, or is
 * a directory, is a usage error (exit 2): `cannot open "FILE": no such file or directory`,
 * FILE as the user typed it. The caller closes the handle.
 */
export async function openNamedInput(file: string, cwd: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(resolve(cwd, file), 'r');
  } catch (error) {
    throw new UsageError(`cannot open ${quoteForMessage(file)}: ${systemErrorReason(error as NodeJS.ErrnoException)}`, { cause: error });
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw new UsageError(`cannot open ${quoteForMessage(file)}: is a directory`);
  }
  return handle;
}

/**
 * A file a config names (`exclude_from = FILE`) that cannot be opened, or is not a regular
 * file, is the config's error at that line (exit 2), found before anything runs, never
 * a failing rsync or rclone later: `CONFIG:7: exclude_from: cannot open "FILE": no such
 * file or directory`.
 */
export async function checkNamedFile(path: string, key: string, where: string): Promise<void> {
  const cannot = (error: unknown): ConfigError => new ConfigError(`${key}: cannot open ${quoteForMessage(path)}: ${reasonOf(error)}`, where, { cause: error });
  // stat first: opening a FIFO for reading would wait for a writer
  const stats = await stat(path).catch((error: unknown) => Promise.reject(cannot(error)));
  if (!stats.isFile()) throw new ConfigError(`${key}: ${quoteForMessage(path)} is not a file`, where);
  const handle = await open(path, 'r').catch((error: unknown) => Promise.reject(cannot(error)));
  await handle.close();
}
