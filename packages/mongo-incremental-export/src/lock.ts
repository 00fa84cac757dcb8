import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { GuardError } from '@rclone-b2/core';

/**
 * One export at a time per database directory: a slow night must not overlap the next
 * one in the same tree. The lock is `DBNAME/checksums.lock` holding the owner's pid, so
 * the backup filter for checksums files (`- checksums*`) also skips it. A lock whose
 * process is gone (killed run) is taken over.
 */
export const LOCK_NAME = 'checksums.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

export async function acquireLock(dbDir: string): Promise<() => Promise<void>> {
  await mkdir(dbDir, { recursive: true });
  const path = join(dbDir, LOCK_NAME);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      const handle = await open(path, 'wx');
      await handle.write(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await rm(path, { force: true });
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new GuardError(`another mongo-incremental-export (pid ${pid}) is writing ${dbDir}; if it is not running, remove ${path}`);
      }
      await rm(path, { force: true }); // stale: its process is gone
    }
  }
  throw new GuardError(`cannot lock ${dbDir} (${path} keeps reappearing)`);
}
