// Object Lock as B2 has it: a version may carry a retention (governance or compliance,
// until a time) and a legal hold. While either holds, the version cannot be deleted —
// not by b2_delete_file_version, not by a lifecycle rule. Governance retention can be
// shortened or removed, and a governed version deleted, by a key with bypassGovernance
// that asks for it; compliance retention can only be extended.
import { B2ApiError, badRequest } from './errors.js';
import type { DefaultRetention, FileRetention, StoredBucket, StoredVersion } from './model.js';

const DAY = 86_400_000;

/** Why a version cannot be deleted now, or undefined when it can. */
export function lockOf(v: Pick<StoredVersion, 'retention' | 'legalHold'>, now: number, bypassGovernance = false): string | undefined {
  if (v.legalHold === 'on') return 'it is under legal hold';
  const r = v.retention;
  if (!r || now >= r.retainUntilTimestamp) return undefined;
  if (r.mode === 'governance' && bypassGovernance) return undefined;
  return `it is under ${r.mode} retention until ${new Date(r.retainUntilTimestamp).toISOString()}`;
}

/** 403 access_denied for deleting a locked version (B2's code for Object Lock refusals). */
export const lockedError = (fileName: string, why: string): B2ApiError =>
  new B2ApiError(403, 'access_denied', `Cannot delete file version of ${fileName}: ${why}`);

/** The retention an upload gets from the bucket's default (or none). */
export function defaultRetentionAt(bucket: StoredBucket, uploadedAt: number): FileRetention | undefined {
  const d = bucket.fileLockEnabled ? bucket.defaultRetention : undefined;
  if (!d?.mode) return undefined;
  const days = d.period.unit === 'years' ? d.period.duration * 365 : d.period.duration;
  return { mode: d.mode, retainUntilTimestamp: uploadedAt + days * DAY };
}

export function parseDefaultRetention(value: unknown): DefaultRetention | null {
  if (value === null || value === undefined) return null;
  const v = value as { mode?: unknown; period?: { duration?: unknown; unit?: unknown } | null };
  if (v.mode === null || v.mode === undefined) return null;
  if (v.mode !== 'governance' && v.mode !== 'compliance') throw badRequest(`Invalid retention mode: ${String(v.mode)}`);
  const duration = v.period?.duration;
  const unit = v.period?.unit;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || (unit !== 'days' && unit !== 'years')) {
    throw badRequest('defaultRetention.period must be {duration: positive integer, unit: days|years}');
  }
  return { mode: v.mode, period: { duration, unit } };
}

/** Parses `fileRetention` ({mode, retainUntilTimestamp}, mode null = none) from a request. */
export function parseRetention(value: unknown): FileRetention | null {
  const v = (value ?? {}) as { mode?: unknown; retainUntilTimestamp?: unknown };
  if (v.mode === null || v.mode === undefined) return null;
  if (v.mode !== 'governance' && v.mode !== 'compliance') throw badRequest(`Invalid retention mode: ${String(v.mode)}`);
  if (typeof v.retainUntilTimestamp !== 'number') throw badRequest('fileRetention.retainUntilTimestamp is required with a mode');
  return { mode: v.mode, retainUntilTimestamp: v.retainUntilTimestamp };
}

/**
 * Checks a retention change the way B2 rules it: extending is always allowed; shortening,
 * removing or leaving compliance needs governance mode and bypassGovernance; compliance
 * that is still in force can only be extended.
 */
export function checkRetentionChange(current: FileRetention | undefined, next: FileRetention | null, now: number, bypass: boolean): void {
  if (next && next.retainUntilTimestamp <= now) throw badRequest('retainUntilTimestamp must be in the future');
  if (!current || now >= current.retainUntilTimestamp) return;
  const extends_ = next !== null && next.retainUntilTimestamp >= current.retainUntilTimestamp && (next.mode === current.mode || next.mode === 'compliance');
  if (extends_) return;
  if (current.mode === 'compliance') throw new B2ApiError(403, 'access_denied', 'Compliance-mode retention can only be extended');
  if (!bypass) throw new B2ApiError(403, 'access_denied', 'Shortening or removing governance-mode retention needs bypassGovernance');
}

/** What fileJson shows of a version's locks. */
export function lockJson(v: StoredVersion): Record<string, unknown> {
  return {
    fileRetention: { isClientAuthorizedToRead: true, value: { mode: v.retention?.mode ?? null, retainUntilTimestamp: v.retention?.retainUntilTimestamp ?? null } },
    legalHold: { isClientAuthorizedToRead: true, value: v.legalHold ?? null },
  };
}
