import { access, opendir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { GuardError } from '../cli/errors.js';
import { isMountPoint } from './mount-point.js';

export interface LocalSourceGuard {
  source: string;
  /** The source must be a mount point (a backup of an unmounted disk would be empty). */
  requireMount: boolean;
  /** A file that must exist (relative to the source unless absolute). */
  sentinel?: string | undefined;
}

async function hasEntries(path: string): Promise<boolean> {
  const dir = await opendir(path);
  try {
    return (await dir.read()) !== null;
  } finally {
    await dir.close().catch(() => undefined);
  }
}

/**
 * The checks before anything touches a backup of a local directory: it exists, is a
 * directory, is a mount point when it must be, is not empty, holds its sentinel. Each
 * failure is a GuardError (exit 3) saying why.
 */
export async function checkLocalSource(guard: LocalSourceGuard): Promise<void> {
  const { source } = guard;
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new GuardError(`source ${source} does not exist; refusing to sync (it would empty the backup)`);
  if (!info.isDirectory()) throw new GuardError(`source ${source} is not a directory`);
  if (guard.requireMount && !(await isMountPoint(source))) {
    throw new GuardError(`source ${source} is not a mount point (require_mount = yes); is it unmounted?`);
  }
  if (!(await hasEntries(source))) throw new GuardError(`source ${source} is empty; refusing to sync (it would empty the backup)`);
  if (guard.sentinel) {
    const sentinel = isAbsolute(guard.sentinel) ? guard.sentinel : join(source, guard.sentinel);
    if (!(await access(sentinel).then(() => true, () => false))) throw new GuardError(`sentinel ${sentinel} is missing; refusing to sync`);
  }
}
