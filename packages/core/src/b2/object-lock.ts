// Object Lock seen from the pruning tools: a version under legal hold or under retention
// that has not run out cannot be deleted (B2 answers 403), so the tools leave it, say so,
// and keep what a kept version needs: a hide marker above a kept upload stays, or deleting
// it would bring that upload back as the current version.
import type { B2FileVersion } from './types.js';

/** Why B2 would refuse to delete this version now (without bypassGovernance), or undefined. */
export function lockReason(v: Pick<B2FileVersion, 'fileRetention' | 'legalHold'>, now: number): string | undefined {
  if (v.legalHold === 'on') return 'legal hold';
  const r = v.fileRetention;
  if (r && now < r.retainUntilTimestamp) return `${r.mode} retention until ${new Date(r.retainUntilTimestamp).toISOString()}`;
  return undefined;
}

export interface LockedVersion<T> {
  version: T;
  reason: string;
}

/** Splits a file's versions to delete into those B2 will delete and those Object Lock keeps. */
export function spareLocked<T extends B2FileVersion>(doomed: readonly T[], now: number): { deletable: T[]; locked: LockedVersion<T>[] } {
  const locked: LockedVersion<T>[] = [];
  for (const version of doomed) {
    const reason = lockReason(version, now);
    if (reason) locked.push({ version, reason });
  }
  if (locked.length === 0) return { deletable: [...doomed], locked };
  const oldestLocked = Math.min(...locked.map((l) => l.version.uploadTimestamp));
  const deletable = doomed.filter((v) => !lockReason(v, now) && !(v.action === 'hide' && v.uploadTimestamp >= oldestLocked));
  return { deletable, locked };
}
