import { readFileSync, writeFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES_FILE } from '@rclone-b2/core';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

let h: Harness;
const shipped = JSON.parse(readFileSync(DEFAULT_PRICES_FILE, 'utf8')) as { storage: { pricePerTBMonth: number } };

beforeAll(async () => {
  h = await startHarness();
  const source = await h.writeTree('src', {
    'docs/a.txt': 'first version of a',
    'big/blob.bin': 'x'.repeat(200_000),
    'gone.txt': 'will be deleted',
    'top.txt': 'top',
  });
  await h.rclone(['sync', source, 'secret:']);
  h.emulator.clock.advance(DAY);
  await writeFile(join(source, 'docs/a.txt'), 'second, longer version of a');
  await writeFile(join(source, 'big/blob.bin'), 'y'.repeat(70_000));
  await rm(join(source, 'gone.txt'));
  await h.rclone(['sync', source, 'secret:']);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

/** Stored sizes as rclone lists the raw (encrypted) bucket, optionally below one encrypted directory. */
async function storedBytes(versions: boolean, plainDir?: string): Promise<number> {
  const dir = plainDir ? `/${(await h.rclone(['backend', 'encode', 'secret:', plainDir])).trim()}` : '';
  const listing = JSON.parse(await h.rclone(['lsjson', '-R', '--files-only', ...(versions ? ['--b2-versions'] : []), `${h.config.b2Path}${dir}`])) as Array<{
    Size: number;
  }>;
  return listing.reduce((n, f) => n + f.Size, 0);
}

type Row = { path: string; current: { bytes: number; cost: number }; old: { bytes: number; cost: number } };

describe('encrypted-du --cost', () => {
  it('per directory, current and old stored bytes equal what rclone lists in the raw bucket, priced by the model', async () => {
    const result = await h.run(main, ['--cost', '--json', 'secret:']);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { prices: { effective: string }; directories: Row[]; total: Row };
    const allStored = await storedBytes(true);
    const currentStored = await storedBytes(false);
    expect(doc.total.current.bytes).toBe(currentStored);
    expect(doc.total.old.bytes).toBe(allStored - currentStored);
    const big = doc.directories.find((d) => d.path === 'big');
    expect(big?.current.bytes).toBe(await storedBytes(false, 'big'));
    expect(big!.current.bytes + big!.old.bytes).toBe(await storedBytes(true, 'big'));
    // the listing's bytes include crypt's overhead: more than the plaintext 70,000 + 200,000
    expect(big!.current.bytes + big!.old.bytes).toBeGreaterThan(270_000);
    expect(big?.old.cost).toBeCloseTo((big!.old.bytes / 1e12) * shipped.storage.pricePerTBMonth, 15);
    // costliest first
    expect(doc.directories.map((d) => d.path)).toEqual(['big', 'docs']);
    expect(result.err).toMatch(/costs at Backblaze B2 prices of \d{4}-\d\d-\d\d/);
  });

  it('text: a header, a TAB-separated line per directory, a total line; --prices changes the figures', async () => {
    const prices = join(h.dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ ...shipped, storage: { pricePerTBMonth: 1e6, freeBytes: 0 } }));
    const result = await h.run(main, ['--cost', '--prices', prices, 'secret:']);
    expect(result.code).toBe(0);
    const lines = result.out.trimEnd().split('\n');
    expect(lines[0]).toBe('current/month\told/month\tcurrent\told\tpath');
    const total = await storedBytes(true);
    const current = await storedBytes(false);
    // $1e6 per TB-month is $1 per MB-month
    expect(lines.at(-1)).toBe(`$${(current / 1e6).toFixed(2)}\t$${((total - current) / 1e6).toFixed(2)}\t${current}\t${total - current}\ttotal`);
    expect(lines.slice(1, -1).map((l) => l.split('\t')[4])).toEqual(['big', 'docs']);
  });

  it.each([
    [['--cost', '--ls'], /--ls and --ncdu are for inventories/],
    [['--cost', '--undeleted-output', '-'], /--cost writes its report to stdout/],
    [['--prices', 'p.json'], /--prices only goes with --cost/],
  ])('%j is a usage error', async (args, message) => {
    const result = await h.run(main, [...args, 'secret:']);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});
