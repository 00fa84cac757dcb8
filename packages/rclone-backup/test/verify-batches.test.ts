import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeBatches, type Batch } from '../src/verify.js';

// verify's check batches: the first ones' list files are written before any check runs
// (no allocation after a fork of the big process); a larger sample streams a batch at a time.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sample(n: number): Array<{ path: string; size: number }> {
  return Array.from({ length: n }, (_, i) => ({ path: `d${i % 3}/f ${i}[x].txt`, size: i * 10 }));
}

describe('verify check batches', () => {
  it('writes every batch of a small sample before the first is checked, each the exact list of its files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-batches-'));
    dirs.push(dir);
    const batches = writeBatches(sample(7), 3, dir, false);
    const first = await batches.next();
    expect(first.done).toBe(false);
    expect([0, 1, 2].map((i) => existsSync(join(dir, `batch-${i}.list`)))).toEqual([true, true, true]);
    const all: Batch[] = [first.value as Batch];
    for await (const batch of batches) all.push(batch);
    expect(all.map((b) => [...b.sizes.keys()])).toEqual([
      ['d0/f 0[x].txt', 'd1/f 1[x].txt', 'd2/f 2[x].txt'],
      ['d0/f 3[x].txt', 'd1/f 4[x].txt', 'd2/f 5[x].txt'],
      ['d0/f 6[x].txt'],
    ]);
    expect(all[2]?.sizes.get('d0/f 6[x].txt')).toBe(60);
    expect(readFileSync(all[0]?.listFile ?? '', 'utf8')).toBe('d0/f 0[x].txt\nd1/f 1[x].txt\nd2/f 2[x].txt\n');
    expect(readFileSync(all[2]?.listFile ?? '', 'utf8')).toBe('d0/f 6[x].txt\n');
  });

  it('a sample past the prepared files goes on a batch at a time, in order, every file once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'verify-batches-'));
    dirs.push(dir);
    const batches = writeBatches(sample(23), 2, dir, false, 6);
    const first = await batches.next();
    // The batches of the first 6 files were prepared; the 7th file's batch waits for its turn.
    expect([0, 1, 2, 3].map((i) => existsSync(join(dir, `batch-${i}.list`)))).toEqual([true, true, true, false]);
    const all: Batch[] = [first.value as Batch];
    for await (const batch of batches) all.push(batch);
    expect(all.flatMap((b) => [...b.sizes.keys()])).toEqual(sample(23).map((f) => f.path));
    expect(all.map((b) => b.listFile)).toEqual(all.map((_, i) => join(dir, `batch-${i}.list`)));
  });
});
