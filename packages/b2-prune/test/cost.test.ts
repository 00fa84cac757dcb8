// b2-prune says what the prune takes off the monthly storage bill: the stored bytes it
// frees, at the price model's storage price, checked against the bucket itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES_FILE, transactionClass } from '@rclone-b2/core';
import { type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';
import { threeUploads } from './support/three-uploads.js';

const shipped = JSON.parse(readFileSync(DEFAULT_PRICES_FILE, 'utf8')) as { storage: { pricePerTBMonth: number } };
let h: Harness;
let now: string;

beforeAll(async () => {
  ({ h, now } = await threeUploads(1000));
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function storedBytes(): Promise<number> {
  const listing = JSON.parse(await h.rclone(['lsjson', '-R', '--files-only', '--b2-versions', h.config.b2Path])) as Array<{ Size: number }>;
  return listing.reduce((n, f) => n + f.Size, 0);
}

type Summary = { type: string; bytesFreed: number; saving: { perMonth: number; effective: string }; transactions: { A: number; B: number; C: number }; b2: { calls: Record<string, number>; bytesUp: number; bytesDown: number } };

describe('b2-prune: the saving per month', () => {
  it('--prices FILE prices it; a bad one is exit 2 before anything is listed', async () => {
    const prices = join(h.dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ ...shipped, storage: { pricePerTBMonth: 2e12, freeBytes: 0 } }));
    const dry = await h.run(main, ['-n', '--json', '--prices', prices, '--purge', '--force', '--now', now, 'secret:']);
    const summary = dry.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Summary)
      .find((r) => r.type === 'summary')!;
    // $2 per byte-month
    expect(summary.bytesFreed).toBeGreaterThan(0);
    expect(summary.saving.perMonth).toBe(2 * summary.bytesFreed);
    const statsBefore = new Map(h.emulator.stats);
    const bad = await h.run(main, ['-n', '--prices', join(h.dir, 'missing.json'), 'secret:']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/cannot read the price file .*missing\.json/);
    expect(h.emulator.stats).toEqual(statsBefore);
  });

  it('--dry-run says it; the real prune frees exactly those stored bytes; transactions match the emulator count', async () => {
    const dry = await h.run(main, ['-n', '--purge', '--force', '--now', now, 'secret:']);
    expect(dry.code).toBe(0);
    const text = /would save (\S+) a month of storage \(Backblaze B2 prices of \d{4}-\d\d-\d\d\)/.exec(dry.out);
    expect(text).not.toBeNull();
    const dryJson = await h.run(main, ['-n', '--json', '--purge', '--force', '--now', now, 'secret:']);
    const planned = dryJson.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Summary)
      .find((r) => r.type === 'summary')!;

    const before = await storedBytes();
    const statsBefore = new Map(h.emulator.stats);
    const real = await h.run(main, ['--json', '--purge', '--force', '--now', now, 'secret:']);
    expect(real.code).toBe(0);
    const summary = real.out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Summary)
      .find((r) => r.type === 'summary')!;
    const served = { A: 0, B: 0, C: 0 };
    for (const [call, n] of h.emulator.stats) served[transactionClass(call)] += n - (statsBefore.get(call) ?? 0);
    const freed = before - (await storedBytes());
    expect(freed).toBeGreaterThan(0);
    expect(summary.bytesFreed).toBe(freed);
    expect(planned.bytesFreed).toBe(freed);
    expect(planned.saving).toEqual(summary.saving);
    expect(summary.saving.perMonth).toBeCloseTo((freed / 1e12) * shipped.storage.pricePerTBMonth, 15);
    // the transactions the prune reports are the calls the emulator served
    expect(summary.transactions).toEqual(served);
    // --json b2: the calls by name (each delete one b2_delete_file_version), nothing uploaded or downloaded
    const deletes = h.emulator.stats.get('b2_delete_file_version')! - (statsBefore.get('b2_delete_file_version') ?? 0);
    expect(summary.b2).toMatchObject({ bytesUp: 0, bytesDown: 0 });
    expect(summary.b2.calls.b2_delete_file_version).toBe(deletes);
  });
});
