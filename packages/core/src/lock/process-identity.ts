import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a lock: a PID alone is not enough, because PIDs are reused. The process's
 * start time (field 22 of /proc/PID/stat, clock ticks since boot) tells the original
 * holder from an unrelated process that later got the same PID. The host name keeps a
 * lock written on another machine (a shared directory) from being judged by our /proc.
 */
export interface ProcessIdentity {
  pid: number;
  /** Start time from /proc/PID/stat; undefined where /proc is unavailable or the lock file is old-style. */
  start?: string;
  host?: string;
}

/** The start time of a process, or undefined when it does not exist or /proc cannot tell. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

export function currentProcess(): ProcessIdentity {
  return { pid: process.pid, start: processStartTime(process.pid), host: hostname() };
}

/** Lock file text: the PID alone on the first line (for `kill $(head -1 FILE)`), then details. */
export function formatIdentity(id: ProcessIdentity): string {
  return [`${id.pid}`, id.start ? `start ${id.start}` : '', id.host ? `host ${id.host}` : ''].filter(Boolean).join('\n') + '\n';
}

/** Reads what formatIdentity wrote (or an old lock holding just a PID); undefined if it is not one. */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  const [first, ...rest] = text.split('\n');
  const pid = Number(first?.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const id: ProcessIdentity = { pid };
  for (const line of rest) {
    const [key, value] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1).trim()];
    if (key === 'start' && value) id.start = value;
    if (key === 'host' && value) id.host = value;
  }
  return id;
}

/**
 * Whether the process a lock names is still running. Not ours to judge (so: alive) when
 * the lock comes from another host. A PID that exists but started at another time than
 * recorded is an unrelated process that reused the PID: the holder is gone.
 */
export function isRunning(id: ProcessIdentity): boolean {
  if (id.host && id.host !== hostname()) return true;
  try {
    process.kill(id.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (id.start === undefined) return true;
  const start = processStartTime(id.pid);
  return start === undefined || start === id.start;
}
