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

type Contents = 'empty' | 'only directories' | 'something';

/**
 * Whether a tree holds anything but directories, stopping at the first entry that is not
 * one: an unmounted nested mount point leaves only empty directories, and syncing those
 * would empty the backup as surely as an empty SOURCE. Paths are bytes (names need not be
 * UTF-8); a subdirectory that cannot be read may hold anything, so it counts as something.
 */
async function contentsOf(root: string): Promise<Contents> {
  let sawDirectory = false;
  const pending: Buffer[] = [Buffer.from(root)];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    // SOURCE itself must open (its error is the caller's); a subdirectory need not.
    const dir = await opendir(path, { encoding: 'buffer' as BufferEncoding }).catch((error: unknown) => (sawDirectory ? undefined : Promise.reject(error)));
    if (dir === undefined) return 'something';
    try {
      for await (const entry of dir) {
        if (!entry.isDirectory()) return 'something';
        sawDirectory = true;
        pending.push(Buffer.concat([path, SLASH, entry.name as unknown as Buffer]));
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
  }
  return sawDirectory ? 'only directories' : 'empty';
}

const SLASH = Buffer.from('/');

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
  const contents = await contentsOf(source);
  if (contents === 'empty') throw new GuardError(`source ${source} is empty; refusing to sync (it would empty the backup)`);
  if (contents === 'only directories') throw new GuardError(`source ${source} holds only empty directories (an unmounted disk?); refusing to sync (it would empty the backup)`);
  if (guard.sentinel) {
    const sentinel = isAbsolute(guard.sentinel) ? guard.sentinel : join(source, guard.sentinel);
    if (!(await access(sentinel).then(() => true, () => false))) throw new GuardError(`sentinel ${sentinel} is missing; refusing to sync`);
  }
}
