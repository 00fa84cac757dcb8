import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { acquirePidLock, type ReleaseLock } from '@rclone-b2/core';

/** The per-config and nightly locks: core's PID lock, with who is running in the message. */
export function acquireLock(path: string, what: string): Promise<ReleaseLock> {
  return acquirePidLock(path, (pid) => `${what} is already running (process ${pid} holds ${path})`);
}

/**
 * Where per-config locks live unless told otherwise: $RCLONE_BACKUP_LOCK_DIR, else
 * /run/lock when writable (shared by manual runs and the nightly runner, emptied at boot),
 * else the temp directory.
 */
export function defaultLockDir(env: Record<string, string | undefined>): string {
  if (env.RCLONE_BACKUP_LOCK_DIR) return env.RCLONE_BACKUP_LOCK_DIR;
  try {
    accessSync('/run/lock', constants.W_OK);
    return '/run/lock';
  } catch {
    return tmpdir();
  }
}
