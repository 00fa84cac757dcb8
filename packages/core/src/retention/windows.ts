import { DAY_MS, type Policy } from './grammar.js';

/** One window (lo, hi] of a policy, in days. */
export interface Window {
  /** Identifies the window within its policy (segment and position). */
  key: string;
  lo: number;
  hi: number;
  liveOnly: boolean;
}

/**
 * The window an age (milliseconds since the version stopped being current) falls in, or
 * undefined when it is older than the policy's last window (rule 5). Windows are (lo, hi]:
 * a version exactly d days old is in the window ending at d ("keeps versions up to d days
 * old"); an age of 0 or less (clock skew) counts as the first window.
 */
export function windowFor(policy: Policy, ageMs: number): Window | undefined {
  for (let index = 0; index < policy.segments.length; index += 1) {
    const segment = policy.segments[index]!;
    if (ageMs > segment.to * DAY_MS) continue;
    if (!segment.repeat) return cached(policy, index, 0, segment.from, segment.to, segment.liveOnly);
    const k = Math.max(1, Math.ceil((ageMs - segment.from * DAY_MS) / (segment.step * DAY_MS)));
    const lo = segment.from + (k - 1) * segment.step;
    const hi = Math.min(segment.from + k * segment.step, segment.to);
    return cached(policy, index, k, lo, hi, segment.liveOnly);
  }
  return undefined;
}

// Window objects are shared per policy (a run judges millions of versions against a
// handful of windows), which keeps the garbage collector out of the hot path.
const windowCache = new WeakMap<Policy, Map<number, Window>>();

function cached(policy: Policy, index: number, k: number, lo: number, hi: number, liveOnly: boolean): Window {
  let windows = windowCache.get(policy);
  if (!windows) windowCache.set(policy, (windows = new Map()));
  const id = index * 1_000_000_000 + k;
  let window = windows.get(id);
  if (!window) {
    window = { key: k === 0 ? `${index}` : `${index}:${k}`, lo, hi, liveOnly };
    if (windows.size < 100_000) windows.set(id, window);
  }
  return window;
}

export interface ExpandedAge {
  days: number;
  /** Produced by `?`: only kept while the file is live. */
  liveOnly: boolean;
  /** Produced by a wildcard rather than written. */
  generated: boolean;
}

/**
 * The list of ages a policy expands to for a file whose oldest version is `maxAgeMs` old:
 * `7,*,30` → 7, 14, 21, 28, 30; a trailing wildcard repeats until the oldest version is
 * covered. For display (--explain, README); decisions use windowFor.
 */
export function expandAges(policy: Policy, maxAgeMs: number): ExpandedAge[] {
  const ages: ExpandedAge[] = [];
  for (const segment of policy.segments) {
    if (!segment.repeat) {
      ages.push({ days: segment.to, liveOnly: segment.liveOnly, generated: false });
      continue;
    }
    for (let k = 1; ; k += 1) {
      const hi = Math.min(segment.from + k * segment.step, segment.to);
      const last = hi === segment.to;
      ages.push({ days: hi, liveOnly: segment.liveOnly, generated: !last || !Number.isFinite(segment.to) });
      if (last) break;
      if (!Number.isFinite(segment.to) && hi * DAY_MS >= maxAgeMs) break;
    }
  }
  return ages;
}

/** `7-14 d` */
export function formatWindow(window: Window): string {
  return `${formatDays(window.lo)}-${formatDays(window.hi)} d${window.liveOnly ? ' (?)' : ''}`;
}

export function formatDays(days: number): string {
  return String(Number(days.toFixed(2)));
}
