import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { currentProcess, type ProcessIdentity } from './process-identity.js';

/**
 * A lock's holder can die (SIGKILL) while a child it started under the lock (rclone)
 * goes on working. The lock file names only the holder, so every child started under a
 * lock carries a marker in its environment, inherited by its own children: the lock's
 * path and its holder's identity. A dead holder's lock is live while a process carrying
 * its marker exists; the variable's name is per lock path, so one process can carry the
 * markers of several locks.
 */
export interface MarkedProcess {
  pid: number;
  /** Its command name (/proc/PID/comm). */
  name: string;
}

function marker(path: string, holder: ProcessIdentity): [string, string] | undefined {
  // Without a start time a marker could be matched by a later process reusing the PID.
  if (holder.start === undefined) return undefined;
  const full = resolve(path);
  const name = `RCLONE_B2_LOCK_${createHash('sha1').update(full).digest('hex').slice(0, 16)}`;
  return [name, `${full}\t${holder.pid} ${holder.start}`];
}

/** The environment variable that marks the children of the lock at `path`, held by this process. */
export function lockMarkerEnv(path: string): Record<string, string> {
  const pair = marker(path, currentProcess());
  return pair ? { [pair[0]]: pair[1] } : {};
}

/**
 * A live process (other than this one) carrying the marker of the lock `path` held by
 * `holder`, found by reading every /proc/PID/environ we may read (our own user's; other
 * users' processes, and processes ending meanwhile, are skipped). Linux only; elsewhere,
 * or for a lock from another host, undefined. Costs a pass over /proc, so it is meant for
 * the rare moment a lock's holder is found dead.
 */
export function findMarkedProcess(path: string, holder: ProcessIdentity): MarkedProcess | undefined {
  if (process.platform !== 'linux' || (holder.host !== undefined && holder.host !== hostname())) return undefined;
  const pair = marker(path, holder);
  if (!pair) return undefined;
  const variable = Buffer.from(`${pair[0]}=${pair[1]}\0`);
  const needle = Buffer.concat([Buffer.from([0]), variable]);
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const env = readEnviron(entry);
    if (!env) continue;
    // The whole variable, NUL to NUL: a longer path or value that merely contains ours does not count.
    if (env.indexOf(variable) === 0 || env.includes(needle)) return { pid: Number(entry), name: commandName(entry) };
  }
  return undefined;
}

let buffer = Buffer.allocUnsafe(1 << 16);

/**
 * A process's environment, in a buffer reused from one process to the next (valid until the
 * next call), or undefined when it cannot be read: another user's, or ended meanwhile.
 * readFileSync costs twice as much here, and the scan may run while many runs race.
 */
function readEnviron(pid: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/environ`, 'r');
  } catch {
    return undefined;
  }
  try {
    let length = 0;
    for (let n: number; (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) {
      length += n;
      if (length === buffer.length) buffer = Buffer.concat([buffer, Buffer.allocUnsafe(buffer.length)]);
    }
    return buffer.subarray(0, length);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function commandName(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}
