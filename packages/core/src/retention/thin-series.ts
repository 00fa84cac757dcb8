import type { Policy } from './grammar.js';
import { windowFor, type Window } from './windows.js';

/** Why an old upload (or snapshot) is kept or deleted, by TOOLS.md's rule numbers. */
export type SeriesRule = 'window' | 'live-only' | 'too-old' | 'last';

export interface SeriesVerdict {
  keep: boolean;
  rule: SeriesRule;
  window?: Window;
  /** 0-based place among the members of its window, newest first (rule 3). */
  position?: number;
  /** How many members its window has. */
  members?: number;
}

/**
 * The retention rules for a series of old uploads of one name, newest first, each given
 * by its age (ms since it stopped being current, rule 2): rule 3 (each window keeps its
 * newest and oldest member; a `?` window of a deleted file keeps nothing), rule 5 (older
 * than the last window: deleted), then `last=N` keeps the N newest whatever their age.
 * b2-prune judges a file's versions with it, rsync-backup a host's snapshots.
 */
export function judgeOldUploads(ages: readonly number[], policy: Policy, live: boolean): SeriesVerdict[] {
  const verdicts: SeriesVerdict[] = new Array<SeriesVerdict>(ages.length);
  const byWindow = new Map<Window, number[]>();
  ages.forEach((age, index) => {
    const window = windowFor(policy, age);
    if (!window) verdicts[index] = { keep: false, rule: 'too-old' };
    else if (window.liveOnly && !live) verdicts[index] = { keep: false, rule: 'live-only', window };
    else {
      const members = byWindow.get(window);
      if (members) members.push(index);
      else byWindow.set(window, [index]);
    }
  });
  for (const [window, members] of byWindow) {
    const last = members.length - 1;
    members.forEach((index, position) => {
      verdicts[index] = { keep: position === 0 || position === last, rule: 'window', window, position, members: members.length };
    });
  }
  for (let index = 0; index < Math.min(policy.last, ages.length); index += 1) {
    const verdict = verdicts[index]!;
    if (!verdict.keep) verdicts[index] = { ...verdict, keep: true, rule: 'last' };
  }
  return verdicts;
}

export interface SnapshotVerdict<T> {
  item: T;
  time: number;
  keep: boolean;
  /** 'current' for the newest, which is always kept (rule 1). */
  rule: SeriesRule | 'current';
  window?: Window;
}

/**
 * Thins a series of snapshots of a live tree: the newest is current and kept (rule 1);
 * each older one's age runs from the next newer snapshot's time (rule 2); then the rules
 * of judgeOldUploads. Returns the snapshots newest first.
 */
export function thinSnapshots<T>(items: readonly T[], timeOf: (item: T) => number, policy: Policy, now: number): SnapshotVerdict<T>[] {
  const sorted = items.map((item) => ({ item, time: timeOf(item) })).sort((a, b) => b.time - a.time);
  if (sorted.length === 0) return [];
  const ages = sorted.slice(1).map((_, index) => now - sorted[index]!.time);
  const verdicts = judgeOldUploads(ages, policy, true);
  return sorted.map(({ item, time }, index) => {
    if (index === 0) return { item, time, keep: true, rule: 'current' };
    const verdict = verdicts[index - 1]!;
    return { item, time, keep: verdict.keep, rule: verdict.rule, window: verdict.window };
  });
}
