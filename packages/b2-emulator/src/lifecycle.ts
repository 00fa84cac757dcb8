// Bucket lifecycle rules applied against the emulator's clock, as B2's daily background
// process would: `daysFromUploadingToHiding` hides a file that many days after its newest
// upload; `daysFromHidingToDeleting` deletes a version that many days after it stopped
// being current (a newer upload or a hide marker replaced it), and a hide marker left with
// nothing under it; `daysFromStartingToCancelingUnfinishedLargeFiles` cancels old
// unfinished large files. A version under Object Lock is never deleted by a rule.
// Each action is dated exactly (the hide marker carries upload + N days), so when the
// sweep runs does not change the result.
import type { LifecycleRule, StoredBucket, StoredVersion } from './model.js';
import { lockOf } from './object-lock.js';
import type { Store } from './store.js';

const DAY = 86_400_000;

export interface LifecycleResult {
  hidden: number;
  deleted: number;
  canceled: number;
  /** Versions a rule would have deleted but Object Lock kept. */
  keptByLock: number;
}

function ruleFor(rules: readonly LifecycleRule[], name: string): LifecycleRule | undefined {
  let best: LifecycleRule | undefined;
  for (const r of rules) if (name.startsWith(r.fileNamePrefix) && (!best || r.fileNamePrefix.length > best.fileNamePrefix.length)) best = r;
  return best;
}

function sweepName(store: Store, versions: readonly StoredVersion[], rule: LifecycleRule, now: number, out: LifecycleResult): void {
  const list = [...versions];
  const newest = list.find((v) => v.action !== 'start');
  const toHide = rule.daysFromUploadingToHiding;
  if (newest?.action === 'upload' && toHide && now >= newest.uploadTimestamp + toHide * DAY) {
    store.addVersion({ bucketId: newest.bucketId, fileName: newest.fileName, action: 'hide', contentLength: 0, contentSha1: null, contentType: 'application/x-bz-hide-marker', fileInfo: {}, uploadTimestamp: newest.uploadTimestamp + toHide * DAY });
    out.hidden++;
  }
  const current = store.versionsOf(newest?.bucketId ?? '', newest?.fileName ?? '');
  const toDelete = rule.daysFromHidingToDeleting;
  if (toDelete) {
    // newest first: each finished version stopped being current when the one above it came
    let replacedAt: number | undefined;
    for (const v of [...current]) {
      if (v.action === 'start') continue;
      if (replacedAt !== undefined && now >= replacedAt + toDelete * DAY) {
        if (lockOf(v, now)) out.keptByLock++;
        else {
          store.deleteVersion(v.fileId);
          out.deleted++;
        }
      }
      replacedAt = v.uploadTimestamp;
    }
    const left = store.versionsOf(newest?.bucketId ?? '', newest?.fileName ?? '').filter((v) => v.action !== 'start');
    const only = left[0];
    if (left.length === 1 && only?.action === 'hide' && now >= only.uploadTimestamp + toDelete * DAY) {
      store.deleteVersion(only.fileId);
      out.deleted++;
    }
  }
  const toCancel = rule.daysFromStartingToCancelingUnfinishedLargeFiles;
  if (toCancel) {
    for (const v of list) {
      if (v.action === 'start' && now >= v.uploadTimestamp + toCancel * DAY) {
        store.deleteVersion(v.fileId);
        out.canceled++;
      }
    }
  }
}

/** Applies every bucket's lifecycle rules as of `now`. */
export function applyLifecycle(store: Store, now: number, buckets: readonly StoredBucket[] = store.listBuckets()): LifecycleResult {
  const out: LifecycleResult = { hidden: 0, deleted: 0, canceled: 0, keptByLock: 0 };
  for (const bucket of buckets) {
    if (bucket.lifecycleRules.length === 0) continue;
    const { sorted, names } = store.view(bucket.bucketId);
    for (const name of [...sorted]) {
      const rule = ruleFor(bucket.lifecycleRules, name);
      const versions = names.get(name);
      if (rule && versions) sweepName(store, versions, rule, now, out);
    }
  }
  return out;
}
