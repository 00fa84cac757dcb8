import { readFileSync } from 'node:fs';

/** For tests: whether a process is gone, or a zombie waiting to be reaped (its environment is gone with its memory). */
export function processEnded(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
