import { open, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { reasonOf, UsageError } from '@rclone-b2/core';

// A named input that cannot be read is a usage error (exit 2), reported before anything
// else happens, in the words of the system call's errno (as coreutils do).

function cannotOpen(file: string, reason: string, cause?: unknown): UsageError {
  return new UsageError(`cannot open '${file}': ${reason}`, { cause });
}

/** Opens file (relative to cwd) for reading; the caller closes the handle. */
export async function openInput(file: string, cwd: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(resolve(cwd, file), 'r');
  } catch (error) {
    throw cannotOpen(file, reasonOf(error), error);
  }
  if ((await handle.stat()).isDirectory()) {
    await handle.close();
    throw cannotOpen(file, 'is a directory');
  }
  return handle;
}
