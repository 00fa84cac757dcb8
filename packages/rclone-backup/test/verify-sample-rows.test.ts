import { describe, expect, it } from 'vitest';
import { seededRandom } from '@rclone-b2/core';
import { SampleSelector, type Candidate } from '../src/sample.js';
import { parseVerifyConditions } from '../src/verify-conditions.js';
import { RowSampleSelector } from '../src/verify-sample-rows.js';

const DAY = 86_400_000;

describe('RowSampleSelector (core SampleSelector in columns)', () => {
  const now = Date.UTC(2026, 0, 10);
  const population: Candidate[] = Array.from({ length: 6000 }, (_, i) => {
    const r = seededRandom(i + 1);
    // Sizes and last verifications that repeat, so whole ties (a repeated draw) fall to the path.
    return { path: i % 11 === 0 ? `ü/😀-${i}` : `p/${String(6000 - i)}`, size: i % 3 === 0 ? 1000 : Math.floor(r() ** 3 * 1e6), mtimeMs: now, tier: r() < 0.3 ? 1 : 0, ...(r() < 0.5 ? { verifiedMs: now - Math.floor(r() * 5) * DAY } : {}) };
  });
  const totals = { files: population.length, bytes: population.reduce((s, c) => s + c.size, 0) };
  it.each([[['files=37']], [['files=3%']], [['data=20M']], [['data=2%', 'files=400']], [['data=<3M']], [['data=<1%']], [['data=0']], [['data=1%', 'age=1d']]])(
    '%j: the same choice, in the same order, as core for 5 seeds (one whose draws repeat)',
    (conds) => {
      for (let seed = 0; seed <= 4; seed++) {
        // Seed 0: every draw the same, so the path decides among equals; others repeat a draw now and then.
        const draws = (): (() => number) => {
          const r = seededRandom(seed);
          let last = 0;
          return seed === 0 ? () => 0.5 : () => (last = r() < 0.2 ? last : r());
        };
        const conditions = parseVerifyConditions(conds);
        const core = new SampleSelector(conditions, totals, draws());
        const rows = new RowSampleSelector(conditions, totals, draws(), { path: (row) => (population[row] as Candidate).path });
        population.forEach((c, row) => {
          core.offer(c);
          rows.offer(row, c.size, c.tier, c.verifiedMs ?? -Infinity);
        });
        const expected = core.result();
        const got = rows.result();
        expect(rows.held).toBe(core.held);
        expect(got.rows.map((row) => (population[row] as Candidate).path)).toEqual(expected.map((c) => c.path));
        expect(got.selected).toEqual({ files: expected.length, bytes: expected.reduce((s, c) => s + c.size, 0) });
      }
    },
  );
});
