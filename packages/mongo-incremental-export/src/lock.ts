import { acquirePidLock, lockPathFor, type ReleaseLock } from '@rclone-b2/core';

/**
 * One export at a time per database directory: a slow night must not overlap the next
 * one in the same tree. The lock file holds the owner's pid and lives outside the tree
 * (`/run/lock/mongo-incremental-export.HASH.lock`, see lockPathFor): a lock file inside
 * it would change the database directory's mtime on every run, even an unchanged one. A
 * lock whose process is gone (killed run) is taken over.
 */
export function lockPath(dbDir: string): string {
  return lockPathFor('mongo-incremental-export', dbDir);
}

export async function acquireLock(dbDir: string): Promise<ReleaseLock> {
  const path = lockPath(dbDir);
  return acquirePidLock(path, (pid) => `another mongo-incremental-export (pid ${pid}) is writing ${dbDir}; if it is not running, remove ${path}`);
}
