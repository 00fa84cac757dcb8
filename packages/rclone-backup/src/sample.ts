import type { VerifyConditions } from './verify-conditions.js';

export interface Candidate {
  path: string;
  size: number;
  mtimeMs: number;
  /** When the ledger last saw it verified (ms), if ever since its last change. */
  verifiedMs?: number;
  /** 0 = matches the conditions' age (or no age given); 1 = only there to rotate coverage. */
  tier: 0 | 1;
}

export interface Totals {
  files: number;
  bytes: number;
}

/**
 * Picks the files to verify. Order of preference: the conditions' own files before
 * rotation fillers, then never / least recently verified, then a random key —
 * Efraimidis–Spirakis weighted by size² when a data budget is set (large files are
 * strongly preferred: one download transaction buys more bytes), uniform otherwise.
 * A soft data budget may be overshot by the last file; a hard (`<`) one never is.
 */
export function selectSample(candidates: Candidate[], conditions: VerifyConditions, totals: Totals, random: () => number): Candidate[] {
  const byData = conditions.data !== undefined;
  const keyed = candidates.map((c) => {
    const u = Math.max(random(), Number.MIN_VALUE);
    return { c, key: byData ? Math.log(u) / Math.max(c.size, 1) ** 2 : u };
  });
  keyed.sort((a, b) => a.c.tier - b.c.tier || (a.c.verifiedMs ?? -Infinity) - (b.c.verifiedMs ?? -Infinity) || b.key - a.key);
  const budget = conditions.data ? (conditions.data.percent ? (totals.bytes * conditions.data.amount) / 100 : conditions.data.amount) : Infinity;
  const hard = conditions.data?.hard ?? false;
  const maxFiles = conditions.files ? Math.ceil(conditions.files.percent ? (totals.files * conditions.files.amount) / 100 : conditions.files.amount) : Infinity;
  const chosen: Candidate[] = [];
  let bytes = 0;
  for (const { c } of keyed) {
    if (chosen.length >= maxFiles) break;
    if (hard) {
      if (bytes + c.size > budget) continue;
    } else if (bytes >= budget) {
      break;
    }
    chosen.push(c);
    bytes += c.size;
  }
  return chosen;
}
