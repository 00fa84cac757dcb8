import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { acquirePidLock, type ReleaseLock } from '@rclone-b2/core';

/**
 * One export at a time per database directory: a slow night must not overlap the next
 * one in the same tree. The lock is `DBNAME/checksums.lock` holding the owner's pid, so
 * the backup filter for checksums files (`- checksums*`) also skips it. A lock whose
 * process is gone (killed run) is taken over.
 */
export const LOCK_NAME = 'checksums.lock';

export async function acquireLock(dbDir: string): Promise<ReleaseLock> {
  await mkdir(dbDir, { recursive: true });
  const path = join(dbDir, LOCK_NAME);
  return acquirePidLock(path, (pid) => `another mongo-incremental-export (pid ${pid}) is writing ${dbDir}; if it is not running, remove ${path}`);
}
