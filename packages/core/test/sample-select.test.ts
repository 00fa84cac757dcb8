import { describe, expect, it } from 'vitest';
import { RowSampleSelector, SampleSelector, seededRandom, type Candidate, type SampleConditions } from '../src/index.js';

const DAY = 86_400_000;
const MiB = 1024 * 1024;
const now = Date.UTC(2026, 0, 10);
const population: Candidate[] = Array.from({ length: 6000 }, (_, i) => {
  const r = seededRandom(i + 1);
  // Sizes and last verifications that repeat, so whole ties (a repeated draw) fall to the path.
  return { path: i % 11 === 0 ? `ü/😀-${i}` : `p/${String(6000 - i)}`, size: i % 3 === 0 ? 1000 : Math.floor(r() ** 3 * 1e6), mtimeMs: now, tier: r() < 0.3 ? 1 : 0, ...(r() < 0.5 ? { verifiedMs: now - Math.floor(r() * 5) * DAY } : {}) };
});
const totals = { files: population.length, bytes: population.reduce((s, c) => s + c.size, 0) };

const conditionSets: [string, SampleConditions][] = [
  ['files=37', { files: { amount: 37, percent: false } }],
  ['files=3%', { files: { amount: 3, percent: true } }],
  ['data=20M', { data: { amount: 20 * MiB, percent: false, hard: false } }],
  ['data=2% files=400', { data: { amount: 2, percent: true, hard: false }, files: { amount: 400, percent: false } }],
  ['data=<3M', { data: { amount: 3 * MiB, percent: false, hard: true } }],
  ['data=<1%', { data: { amount: 1, percent: true, hard: true } }],
  ['data=0', { data: { amount: 0, percent: false, hard: false } }],
];

/** Seed 0: every draw the same, so the path decides among equals; other seeds repeat a draw now and then. */
function draws(seed: number): () => number {
  const r = seededRandom(seed);
  let last = 0;
  return seed === 0 ? () => 0.5 : () => (last = r() < 0.2 ? last : r());
}

/**
 * The selection as the doc comment states it, by sorting everything: one draw per file in
 * order; under a hard budget files larger than it are skipped, the best worth twice the
 * budget (and twice the count) kept, and those filled greedily.
 */
function bySorting(conditions: SampleConditions, random: () => number): string[] {
  const budget = conditions.data ? (conditions.data.percent ? (totals.bytes * conditions.data.amount) / 100 : conditions.data.amount) : Infinity;
  const hard = conditions.data?.hard ?? false;
  const maxFiles = conditions.files ? Math.ceil(conditions.files.percent ? (totals.files * conditions.files.amount) / 100 : conditions.files.amount) : Infinity;
  const keyed = population.flatMap((c) => {
    const u = Math.max(random(), Number.MIN_VALUE);
    if (hard && c.size > budget) return [];
    return [{ c, key: conditions.data ? Math.log(u) / Math.max(c.size, 1) ** 2 : u }];
  });
  keyed.sort((a, b) => a.c.tier - b.c.tier || (a.c.verifiedMs ?? -Infinity) - (b.c.verifiedMs ?? -Infinity) || b.key - a.key || (a.c.path < b.c.path ? -1 : a.c.path > b.c.path ? 1 : 0));
  const chosen: string[] = [];
  let bytes = 0;
  if (!hard) {
    for (const { c } of keyed) {
      if (chosen.length >= maxFiles || bytes >= budget) break;
      chosen.push(c.path);
      bytes += c.size;
    }
    return chosen;
  }
  const kept: Candidate[] = [];
  let keptBytes = 0;
  for (const { c } of keyed) {
    if (kept.length + 1 > 2 * maxFiles || keptBytes >= 2 * budget) break;
    kept.push(c);
    keptBytes += c.size;
  }
  for (const c of kept) {
    if (chosen.length >= maxFiles) break;
    if (bytes + c.size > budget) continue;
    chosen.push(c.path);
    bytes += c.size;
  }
  return chosen;
}

describe('sample selection (RowSampleSelector, and SampleSelector for objects through it)', () => {
  it.each(conditionSets)('%s: exactly what sorting every file would choose, in that order, for 5 seeds (one whose draws repeat)', (_, conditions) => {
    for (let seed = 0; seed <= 4; seed++) {
      const rows = new RowSampleSelector(conditions, totals, draws(seed), { path: (row) => (population[row] as Candidate).path });
      population.forEach((c, row) => rows.offer(row, c.size, c.tier, c.verifiedMs ?? -Infinity));
      const got = rows.result();
      const expected = bySorting(conditions, draws(seed));
      expect(got.rows.map((row) => (population[row] as Candidate).path)).toEqual(expected);
      const bytes = got.rows.reduce((s, row) => s + (population[row] as Candidate).size, 0);
      expect(got.selected).toEqual({ files: expected.length, bytes });
      // Bounded memory: far fewer held than offered.
      expect(rows.held).toBeLessThan(population.length / 2);
    }
  });

  it.each(conditionSets)('%s: draws taken ahead (drawAhead, 1,024 at a time) and numbers given in an array (offerFrom) choose exactly as offer() with a draw per call', (_, conditions) => {
    for (let seed = 1; seed <= 3; seed++) {
      const random = seededRandom(seed);
      const ahead = new RowSampleSelector(conditions, totals, random, { path: (row) => (population[row] as Candidate).path }, undefined, random.fill);
      const numbers = new Float64Array(2);
      population.forEach((c, row) => {
        numbers[0] = c.size;
        numbers[1] = c.verifiedMs ?? -Infinity;
        ahead.offerFrom(row, c.tier, numbers);
      });
      const got = ahead.result();
      expect(got.rows.map((row) => (population[row] as Candidate).path)).toEqual(bySorting(conditions, seededRandom(seed)));
      if (conditions.data?.amount !== 0) expect(got.rows.length).toBeGreaterThan(0);
    }
  });

  it.each(conditionSets)('%s: Candidate objects choose as rows do, holding as many', (_, conditions) => {
    for (let seed = 0; seed <= 2; seed++) {
      const objects = new SampleSelector(conditions, totals, draws(seed));
      const rows = new RowSampleSelector(conditions, totals, draws(seed), { path: (row) => (population[row] as Candidate).path });
      population.forEach((c, row) => {
        objects.offer(c);
        rows.offer(row, c.size, c.tier, c.verifiedMs ?? -Infinity);
      });
      expect(objects.result()).toEqual(rows.result().rows.map((row) => population[row]));
      expect(objects.held).toBe(rows.held);
    }
  });

  it('tells the caller of every row it lets go of, so only the held rows are kept', () => {
    const live = new Set<number>();
    const rows = new RowSampleSelector({ files: { amount: 50, percent: false } }, totals, seededRandom(3), { path: (row) => (population[row] as Candidate).path }, (row) => {
      expect(live.delete(row)).toBe(true);
    });
    population.forEach((c, row) => {
      if (rows.offer(row, c.size, c.tier, c.verifiedMs ?? -Infinity)) live.add(row);
    });
    expect(live.size).toBe(rows.held);
    expect(new Set(rows.result().rows)).toEqual(live);
  });
});
