import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { quoteForMessage } from '../text/quote-for-message.js';
import { UsageError } from './errors.js';
import { systemErrorReason } from './system-errors.js';

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
