import { join } from 'node:path';
import { acquirePidLock, type ReleaseLock } from '@rclone-b2/core';

// One run per output directory: two runs interleaving renames and deletions could leave a
// MANIFEST naming pieces the other run removed. The lock file holds the owner's pid; a lock
// left by a dead process (a killed run) is taken over.

export const LOCK_NAME = '.mysql-dump-splitter.lock';

export function lockDir(dir: string): Promise<ReleaseLock> {
  return acquirePidLock(join(dir, LOCK_NAME), (pid) => `${dir} is in use by another mysql-dump-splitter (pid ${pid}); nothing changed`);
}
