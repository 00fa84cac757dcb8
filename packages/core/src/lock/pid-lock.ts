import { randomBytes } from 'node:crypto';
import { link, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { GuardError } from '../cli/errors.js';
import { findMarkedProcess, type MarkedProcess } from './lock-marker.js';
import { currentProcess, formatIdentity, isRunning, parseIdentity, type ProcessIdentity } from './process-identity.js';

export type ReleaseLock = () => Promise<void>;

const ATTEMPTS = 50;
/** How long a breaker at work (its /proc scan is slow when hundreds race) is waited for, besides ATTEMPTS. */
const BREAKER_WAIT_MS = 10_000;
/** A lock file that cannot be parsed is taken for one being written by an old-style writer this long. */
const UNPARSABLE_GRACE_MS = 2_000;

interface Holder {
  ino: number;
  dev: number;
  text: string;
  id?: ProcessIdentity;
  ageMs: number;
}

const code = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The file at `path` now, or undefined when there is none. */
async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return { ino: info.ino, dev: info.dev, text, id: parseIdentity(text), ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

const sameFile = (a: { ino: number; dev: number }, b: { ino: number; dev: number }): boolean => a.ino === b.ino && a.dev === b.dev;
/** Same inode and same holder: an inode number alone may have been reused by a newer lock file. */
const sameLock = (a: Holder, b: Holder): boolean => sameFile(a, b) && a.text === b.text;

/**
 * Removes the lock file at `path` only if it is still `stale`. Checking and removing are two
 * steps, so they run under a claim: `path.break`, created with link() (atomic, EEXIST for
 * everyone else) from our own identity file. Only the claim's holder removes a lock, so the
 * file cannot change between its check and its unlink. A claim left by a breaker that died
 * (its process is gone) is itself removed: renamed to a unique name first, and put back if
 * it turns out to be another, live claim. `check` runs under the claim before the removal
 * and throws to keep the lock: one /proc scan (see lockMarkerEnv) per stale lock, by the
 * claim's holder only, however many runs are racing for it. Resolves true when it only
 * waited a moment for another, live breaker.
 */
async function breakStaleLock(path: string, stale: Holder, mine: string, check: (stale: Holder) => void): Promise<boolean> {
  const claim = `${path}.break`;
  try {
    await link(mine, claim);
  } catch (error) {
    if (code(error) !== 'EEXIST') throw error;
    const other = await readHolder(claim);
    if (other?.id && !isRunning(other.id)) {
      await removeIfSame(claim, other);
      return false;
    }
    await sleep(5 + Math.random() * 20);
    return other?.id !== undefined;
  }
  try {
    const now = await readHolder(path);
    if (now && sameLock(now, stale)) {
      check(now);
      await unlink(path).catch((error: unknown) => (code(error) === 'ENOENT' ? undefined : Promise.reject(error)));
    }
  } finally {
    await unlink(claim).catch(() => undefined);
  }
  return false;
}

async function removeIfSame(path: string, seen: Holder): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.gone`;
  try {
    await rename(path, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readHolder(aside);
  if (moved && !sameLock(moved, seen)) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

/**
 * An exclusive lock file naming its holder (PID, process start time, host). Taking it is one
 * atomic link() of a fully written file of ours, so there is never a half-written lock, and
 * of any number of runs racing for a free or stale lock exactly one wins. A lock whose
 * process is gone (crash, kill, reboot) or whose PID now belongs to a process started at
 * another time (PID reuse) is stale and taken over (see breakStaleLock). A live holder
 * makes this throw a GuardError (exit 3) with `busy(pid)`: the other run is working.
 * So does a dead holder while a process it started under the lock still lives (see
 * lockMarkerEnv), with `busy(pid, thatProcess)`. A holder on another host (a shared
 * directory) is always taken as live.
 */
export async function acquirePidLock(path: string, busy: (pid: number, child?: MarkedProcess) => string): Promise<ReleaseLock> {
  const mine = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(mine, formatIdentity(currentProcess()), { flag: 'wx' });
  const waitUntil = Date.now() + BREAKER_WAIT_MS;
  try {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        await link(mine, path);
        return releaser(path, (await readHolder(mine))!);
      } catch (error) {
        if (code(error) !== 'EEXIST') throw error;
      }
      const holder = await readHolder(path);
      if (!holder) continue;
      if (holder.id && isRunning(holder.id)) throw new GuardError(busy(holder.id.pid));
      if (!holder.id && holder.ageMs < UNPARSABLE_GRACE_MS) {
        await sleep(50);
        continue;
      }
      const waited = await breakStaleLock(path, holder, mine, ({ id }) => {
        // A holder killed outright (SIGKILL) may have left a child at work on what the lock guards.
        const child = id && findMarkedProcess(path, id);
        if (id && child) throw new GuardError(busy(id.pid, child));
      });
      // Waiting for a breaker at work is no lost race: it does not use up an attempt.
      if (waited && Date.now() < waitUntil) attempt--;
    }
  } finally {
    await unlink(mine).catch(() => undefined);
  }
  throw new GuardError(`could not take the lock ${path}`);
}

/** Removes the lock only while it is still ours (never another run's lock that replaced it). */
function releaser(path: string, ours: Holder): ReleaseLock {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    const now = await readHolder(path).catch(() => undefined);
    if (now && sameLock(now, ours)) await unlink(path).catch(() => undefined);
  };
}
