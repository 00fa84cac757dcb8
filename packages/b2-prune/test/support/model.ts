// An independent model of TOOLS.md's b2-prune rules, written for the tests: it expands a
// spec into the explicit list of ages (as TOOLS.md describes: `7,*,30` → 7,14,21,28,30)
// and judges versions against that list. It shares no code with src/policy.
import type { B2FileVersion } from '@rclone-b2/core';

const DAY = 86_400_000;

export interface ModelAge {
  days: number;
  liveOnly: boolean;
}

export function modelExpand(spec: string, oldestAgeDays: number): { ages: ModelAge[]; last: number; wildcardEnd: boolean } {
  const items = spec.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const numbers: (number | '*' | '?')[] = [];
  let last = 0;
  for (const item of items) {
    const lastMatch = /^last=(\d+)$/.exec(item);
    if (lastMatch) last = Number(lastMatch[1]);
    else if (item.includes('..')) {
      const [a, b] = item.split('..').map(Number) as [number, number];
      for (let d = a; d <= b; d++) numbers.push(d);
    } else if (item === '*' || item === '?') numbers.push(item);
    else numbers.push(Number(item));
  }
  const ages: ModelAge[] = [];
  let wildcardEnd = false;
  for (let i = 0; i < numbers.length; i++) {
    const item = numbers[i]!;
    if (typeof item === 'number') {
      const liveOnly = numbers[i - 1] === '?';
      ages.push({ days: item, liveOnly });
      wildcardEnd = false;
      continue;
    }
    const previous = numbers[i - 1] as number;
    const next = numbers[i + 1] as number | undefined;
    const liveOnly = item === '?';
    for (let m = 2 * previous; ; m += previous) {
      if (next !== undefined) {
        if (m >= next) break;
      } else if (ages.length > 0 && ages[ages.length - 1]!.days >= oldestAgeDays) break;
      ages.push({ days: m, liveOnly });
    }
    wildcardEnd = next === undefined;
  }
  return { ages, last, wildcardEnd };
}

/** The set of fileIds the rules keep, for one name's history (newest first). */
export function modelKeep(versions: readonly B2FileVersion[], spec: string, now: number): Set<string> {
  const real = versions.filter((v) => v.action === 'upload' || v.action === 'hide');
  const kept = new Set<string>();
  if (real.length === 0) return kept;
  const live = real[0]!.action === 'upload';
  if (live) kept.add(real[0]!.fileId);
  const old: { v: B2FileVersion; age: number }[] = [];
  for (let i = 0; i < real.length; i++) {
    if (real[i]!.action !== 'upload' || (i === 0 && live)) continue;
    old.push({ v: real[i]!, age: (now - real[i - 1]!.uploadTimestamp) / DAY });
  }
  const oldest = old.length ? Math.max(...old.map((o) => o.age)) : 0;
  const { ages, last } = modelExpand(spec, oldest);
  const groups = new Map<number, { v: B2FileVersion; age: number }[]>();
  for (const o of old) {
    const j = ages.findIndex((a) => o.age <= a.days);
    if (j < 0) continue; // older than the last window
    if (ages[j]!.liveOnly && !live) continue;
    groups.set(j, [...(groups.get(j) ?? []), o]);
  }
  for (const members of groups.values()) {
    const byTime = [...members].sort((a, b) => a.v.uploadTimestamp - b.v.uploadTimestamp);
    kept.add(byTime[0]!.v.fileId);
    kept.add(byTime[byTime.length - 1]!.v.fileId);
  }
  for (const o of old.slice(0, last)) kept.add(o.v.fileId);
  // hide markers: kept iff an upload between it and the next older hide is kept
  for (let i = 0; i < real.length; i++) {
    if (real[i]!.action !== 'hide') continue;
    for (let j = i + 1; j < real.length && real[j]!.action !== 'hide'; j++) {
      if (kept.has(real[j]!.fileId)) {
        kept.add(real[i]!.fileId);
        break;
      }
    }
  }
  return kept;
}
