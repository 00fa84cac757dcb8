import { open, readFile, unlink } from 'node:fs/promises';
import { GuardError } from '../cli/errors.js';

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
 * win. A lock whose process is gone (crash, kill, reboot) is stale and taken over. A live
 * holder makes this throw a GuardError (exit 3) with `busy(pid)`: the other run is working.
 */
export async function acquirePidLock(path: string, busy: (pid: number) => string): Promise<ReleaseLock> {
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
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) throw new GuardError(busy(pid));
      // Empty: maybe its writer is between open and write; give it a moment once.
      if (!pid && attempt === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new GuardError(`could not take the lock ${path}`);
}
