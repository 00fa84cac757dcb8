import { accessSync, constants } from 'node:fs';
import { open, readFile, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { GuardError } from '@rclone-b2/core';

export type ReleaseLock = () => Promise<void>;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file holding our PID, created with O_EXCL so two runs cannot both
 * win. A lock whose process is gone (crash, reboot) is stale and taken over. A live
 * holder makes this throw a GuardError (exit 3): the other run is still working.
 */
export async function acquireLock(path: string, what: string): Promise<ReleaseLock> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new GuardError(`${what} is already running (process ${pid} holds ${path})`);
      }
      // Stale (or half-written: retry gives its writer a moment): remove and try again.
      if (!pid) await new Promise((resolve) => setTimeout(resolve, 100));
      if (!pid && attempt === 0) continue;
      await unlink(path).catch(() => undefined);
    }
  }
  throw new GuardError(`could not take the lock ${path}`);
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
