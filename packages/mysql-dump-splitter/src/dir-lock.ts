import { acquirePidLock, lockPathFor, type ReleaseLock } from '@rclone-b2/core';

// One run per output directory: two runs interleaving renames and deletions could leave a
// MANIFEST naming pieces the other run removed. The lock file holds the owner's pid; a lock
// left by a dead process (a killed run) is taken over. It lives outside the directory
// (see lockPathFor) so that an unchanged run leaves the directory's mtime alone.

export function dirLockPath(dir: string): string {
  return lockPathFor('mysql-dump-splitter', dir);
}

export function lockDir(dir: string): Promise<ReleaseLock> {
  return acquirePidLock(dirLockPath(dir), (pid) => `${dir} is in use by another mysql-dump-splitter (pid ${pid}); nothing changed`);
}
