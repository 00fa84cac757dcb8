import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { GuardError } from '@rclone-b2/core';

// One run per output directory: two runs interleaving renames and deletions could leave a
// MANIFEST naming pieces the other run removed. The lock file holds the owner's pid; a lock
// left by a dead process (a killed run) is taken over.

export const LOCK_NAME = '.mysql-dump-splitter.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

export function lockDir(dir: string): () => void {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(safeRead(path), 10);
      if (Number.isFinite(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new GuardError(`${dir} is in use by another mysql-dump-splitter (pid ${owner}); nothing changed`);
      }
      try {
        unlinkSync(path);
      } catch {
        // someone else took it over; try again
      }
    }
  }
  throw new GuardError(`could not lock ${dir}; nothing changed`);
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
