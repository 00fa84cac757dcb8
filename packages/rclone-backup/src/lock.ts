import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquirePidLock, lockMarkerEnv, type ReleaseLock } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';

/** The per-config and nightly locks: core's PID lock, with who is running in the message. */
export function acquireLock(path: string, what: string): Promise<ReleaseLock> {
  return acquirePidLock(path, (pid, child) =>
    child
      ? `${what} is already running: process ${child.pid} (${child.name}, started by the killed run ${pid}) still works on it (${path})`
      : `${what} is already running (process ${pid} holds ${path})`,
  );
}

/**
 * Takes the per-config lock of a manual or nightly run. Every rclone ctx starts from then on
 * carries the lock's marker, so if this process is killed outright the lock stays busy until
 * that rclone is gone too: two rclones never write one destination. pre_command is left
 * unmarked: a daemon it forks (a FUSE mount) would keep the lock busy for good.
 */
export async function lockBackup(
  config: Pick<BackupConfig, 'file' | 'name'>,
  lockDir: string,
  ctx: BackupContext,
): Promise<{ lock: string; release: ReleaseLock }> {
  const lock = await lockFor(config, lockDir);
  const release = await acquireLock(lock, `backup ${config.name}`);
  ctx.lockEnv = { ...ctx.lockEnv, ...lockMarkerEnv(lock) };
  return { lock, release };
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

/** The per-config lock file (manual runs and the nightly share it): name plus a hash of the config's real path. */
export async function lockFor(config: Pick<BackupConfig, 'file' | 'name'>, lockDir: string): Promise<string> {
  const real = await realpath(config.file).catch(() => config.file);
  return join(lockDir, `rclone-backup-${config.name}-${createHash('sha1').update(real).digest('hex').slice(0, 8)}.lock`);
}
