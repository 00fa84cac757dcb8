import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '@rclone-b2/core';
import { LedgerJoin, ledgerLine } from '../src/ledger.js';
import { SampleSelector, selectSample, type Candidate } from '../src/sample.js';
import { parseVerifyConditions } from '../src/verify-conditions.js';
import { cleanup, tempDir } from './helpers.js';

const DAY = 86_400_000;
const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** The choice made by keying and sorting every candidate (the code before the streaming selector). */
function sortedChoice(candidates: Candidate[], conds: string[], random: () => number): string[] {
  const conditions = parseVerifyConditions(conds);
  const totals = { files: candidates.length, bytes: candidates.reduce((s, c) => s + c.size, 0) };
  const byData = conditions.data !== undefined;
  const keyed = candidates.map((c) => {
    const u = Math.max(random(), Number.MIN_VALUE);
    return { c, key: byData ? Math.log(u) / Math.max(c.size, 1) ** 2 : u };
  });
  keyed.sort((a, b) => a.c.tier - b.c.tier || (a.c.verifiedMs ?? -Infinity) - (b.c.verifiedMs ?? -Infinity) || b.key - a.key);
  const budget = conditions.data ? (conditions.data.percent ? (totals.bytes * conditions.data.amount) / 100 : conditions.data.amount) : Infinity;
  const maxFiles = conditions.files ? Math.ceil(conditions.files.percent ? (totals.files * conditions.files.amount) / 100 : conditions.files.amount) : Infinity;
  const chosen: string[] = [];
  let bytes = 0;
  for (const { c } of keyed) {
    if (chosen.length >= maxFiles || bytes >= budget) break;
    chosen.push(c.path);
    bytes += c.size;
  }
  return chosen;
}

describe('SampleSelector (streaming) chooses what sorting everything would', () => {
  const now = Date.now();
  const population: Candidate[] = Array.from({ length: 5000 }, (_, i) => {
    const r = seededRandom(i + 1);
    return { path: `p/${i}`, size: Math.floor(r() ** 3 * 1e6) + 1, mtimeMs: now, tier: r() < 0.3 ? 1 : 0, ...(r() < 0.5 ? { verifiedMs: now - Math.floor(r() * 5) * DAY } : {}) };
  });
  const totals = { files: population.length, bytes: population.reduce((s, c) => s + c.size, 0) };
  it.each([[['files=37']], [['files=3%']], [['data=20M']], [['data=2%', 'files=400']], [['data=0']]])('%j, 5 seeds', (conds) => {
    for (let seed = 1; seed <= 5; seed++) {
      expect(selectSample(population, parseVerifyConditions(conds), totals, seededRandom(seed)).map((c) => c.path)).toEqual(sortedChoice(population, conds, seededRandom(seed)));
    }
  });
  it('holds only what it may still choose: files=N keeps N, a soft budget keeps its prefix', () => {
    const byCount = new SampleSelector(parseVerifyConditions(['files=25']), totals, seededRandom(1));
    const byData = new SampleSelector(parseVerifyConditions(['data=5M']), totals, seededRandom(1));
    for (const c of population) {
      byCount.offer(c);
      byData.offer(c);
    }
    expect(byCount.held).toBe(25);
    expect(byData.held).toBe(byData.result().length);
  });
  it('a hard budget is never exceeded and skips files larger than it', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const chosen = selectSample(population, parseVerifyConditions(['data=<3M']), totals, seededRandom(seed));
      const bytes = chosen.reduce((s, c) => s + c.size, 0);
      expect(bytes).toBeLessThanOrEqual(3 * 1024 * 1024);
      expect(bytes).toBeGreaterThan(1.5 * 1024 * 1024);
    }
  });
});

describe('LedgerJoin', () => {
  it('joins the listing with the ledger, keeps only files still in the backup, reports coverage', async () => {
    const dir = tempDir('rb-ledger-');
    dirs.push(dir);
    const now = Date.UTC(2026, 0, 10);
    const ledgerFile = join(dir, 'ledger.jsonl');
    const lines = [
      JSON.stringify({ path: 'a', size: 10, verified: now - DAY }), // unchanged since: counts
      JSON.stringify({ path: 'b', size: 99, verified: now - DAY }), // size changed since: does not
      JSON.stringify({ path: 'gone', size: 5, verified: now - DAY }), // left the backup: dropped
      '{"path": damaged',
      JSON.stringify({ path: 'old', size: 30, verified: now - 40 * DAY }), // outside the window
    ];
    writeFileSync(ledgerFile, `${lines.join('\n')}\n`);
    const join_ = await LedgerJoin.open(ledgerFile);
    const files = [
      { path: 'a', size: 10, mtimeMs: now - 2 * DAY },
      { path: 'b', size: 20, mtimeMs: now - 2 * DAY },
      { path: 'c', size: 40, mtimeMs: now - 2 * DAY },
      { path: 'old', size: 30, mtimeMs: now - 50 * DAY },
    ];
    for (const f of files) join_.addSource(f);
    const seen = new Map<string, number | undefined>();
    await join_.load();
    for (const { file, verifiedMs } of join_.joined()) seen.set(file.path, verifiedMs);
    expect(Object.fromEntries(seen)).toEqual({ a: now - DAY, b: undefined, c: undefined, old: now - 40 * DAY });
    // numbersOf (the sample's pass over every row) reads the same: size, mtime, verified or -Infinity.
    const numbers = new Float64Array(4);
    const read = files.map((_, row) => {
      join_.numbersOf(row, numbers);
      return [...numbers.subarray(0, 3)];
    });
    expect(read).toEqual(files.map((f) => [f.size, f.mtimeMs, seen.get(f.path) ?? -Infinity]));
    join_.addVerified('c');
    const coverage = await join_.write(now, 30 * DAY);
    // a (10) and c (40) of 100 bytes; 2 of 4 files.
    expect(coverage).toEqual({ windowMs: 30 * DAY, filesPercent: 50, bytesPercent: 50 });
    const written = readFileSync(ledgerFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { path: string; size: number; verified: number });
    expect(written.sort((x, y) => x.path.localeCompare(y.path))).toEqual([
      { path: 'a', size: 10, verified: now - DAY },
      { path: 'b', size: 99, verified: now - DAY },
      { path: 'c', size: 40, verified: now },
      { path: 'old', size: 30, verified: now - 40 * DAY },
    ]);
  });
  it('files verified before the listing came (--verify all) are matched when the ledger is written; unknown ones ignored', async () => {
    const dir = tempDir('rb-ledger-all-');
    dirs.push(dir);
    const now = Date.UTC(2026, 0, 10);
    const ledgerFile = join(dir, 'ledger.jsonl');
    const join_ = await LedgerJoin.open(ledgerFile);
    for (const path of ['ünï/😀', 'b', 'not listed']) join_.addVerified(path);
    for (const [path, size] of [['a', 1], ['b', 2], ['ünï/😀', 3]] as const) join_.addSource({ path, size, mtimeMs: now - DAY });
    const coverage = await join_.write(now, 30 * DAY);
    expect(coverage).toEqual({ windowMs: 30 * DAY, filesPercent: 66.6, bytesPercent: 83.3 });
    expect(readFileSync(ledgerFile, 'utf8')).toBe(`${ledgerLine('b', { size: 2, verified: now })}\n${ledgerLine('ünï/😀', { size: 3, verified: now })}\n`);
  });
  it('reads a ledger of many chunks: names split across chunk ends, CRLF and a last line without a newline', async () => {
    const dir = tempDir('rb-ledger-big-');
    dirs.push(dir);
    const now = Date.UTC(2026, 0, 10);
    const ledgerFile = join(dir, 'ledger.jsonl');
    const paths = Array.from({ length: 6000 }, (_, i) => `ünï/😀 長い名前-${i}`);
    const text = paths.map((path, i) => ledgerLine(path, { size: i, verified: now - i })).join(paths.length % 2 ? '\n' : '\r\n');
    writeFileSync(ledgerFile, text);
    const join_ = await LedgerJoin.open(ledgerFile);
    paths.forEach((path, i) => join_.addSource({ path, size: i, mtimeMs: now - 10 * DAY }));
    await join_.load();
    const verified = [...join_.joined()].map((j) => j.verifiedMs);
    expect(verified).toEqual(paths.map((_, i) => now - i));
  });
});
