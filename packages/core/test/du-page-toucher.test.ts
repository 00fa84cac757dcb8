import { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DuTree, readListing, writeDuReport } from '../src/index.js';
import { PageToucher } from '../src/du/page-toucher.js';
import { PAGE, TOUCH_AHEAD } from '../src/du/page-toucher-job.js';
import { seededRandom } from '../src/random/seeded-random.js';

// A large listing's columns are mapped ahead of the reader by another thread
// (du/page-toucher.ts): it must never change a byte the reader wrote, must stay within
// TOUCH_AHEAD of the written end, and the report must be the one read without it.

async function until(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('page toucher', () => {
  it('maps pages ahead of the written end, at most TOUCH_AHEAD past it, and never changes what was written', async () => {
    const toucher = PageToucher.start();
    expect(toucher).toBeDefined();
    if (toucher === undefined) return;
    const size = 16 * TOUCH_AHEAD;
    const column = new Uint8Array(new SharedArrayBuffer(size));
    toucher.follow(0, column, 0);
    toucher.wake();
    await until(() => toucher.touched(0) >= TOUCH_AHEAD);
    expect(toucher.touched(0)).toBeLessThanOrEqual(TOUCH_AHEAD + PAGE);
    // The writer moves on in steps while the thread touches the pages just ahead.
    const step = TOUCH_AHEAD / 2 + 123;
    for (let written = 0; written < size; ) {
      const end = Math.min(size, written + step);
      for (let i = written; i < end; i += 1) column[i] = (i * 31 + 7) & 255 || 1;
      written = end;
      toucher.follow(0, column, written);
      toucher.wake();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => toucher.touched(0) >= size);
    toucher.stop();
    let changed = 0;
    for (let i = 0; i < size; i += 1) if (column[i] !== ((i * 31 + 7) & 255 || 1)) changed += 1;
    expect(changed).toBe(0);
  });

  it('follows a column that was regrown from its written end, and ignores memory that is not shared', async () => {
    const toucher = PageToucher.start();
    if (toucher === undefined) throw new Error('no worker');
    const first = new Int32Array(new SharedArrayBuffer(4 * TOUCH_AHEAD));
    toucher.follow(1, first, 100);
    toucher.wake();
    await until(() => toucher.touched(1) >= 400 + TOUCH_AHEAD - PAGE);
    const grown = new Int32Array(new SharedArrayBuffer(16 * TOUCH_AHEAD));
    grown.set(first);
    toucher.follow(1, grown, TOUCH_AHEAD);
    toucher.follow(2, new Float64Array(1 << 20), 0);
    toucher.wake();
    await until(() => toucher.touched(1) >= 4 * TOUCH_AHEAD + TOUCH_AHEAD - PAGE);
    expect(toucher.touched(1)).toBeLessThanOrEqual(4 * TOUCH_AHEAD + TOUCH_AHEAD + PAGE);
    expect(toucher.touched(2)).toBe(0);
    toucher.stop();
  });
});

/** `rclone ls` lines: directories split and out of order, repeated paths, names with escapes and invalid UTF-8, sizes above 4 GiB. */
function listing(lines: number, seed: number): Buffer {
  const random = seededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const parts: Buffer[] = [];
  for (let i = 0; i < lines; i += 1) {
    const dir = `Photos/2024/directory ${pick(50)}/e${pick(7)}${pick(9) === 0 ? '\t' : ''}`;
    const name = pick(20) === 0 ? Buffer.from([0x66, 0xff, 0x30 + pick(10)]) : Buffer.from(`f${pick(lines)}.jpg`);
    const size = pick(30) === 0 ? 5_000_000_000 + pick(1000) : pick(1_000_000);
    parts.push(Buffer.from(`${String(size).padStart(9)} ${dir}/`), name, Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

async function report(bytes: Buffer, touchFrom: number | undefined, options: { human?: boolean; top?: number; depth?: number }): Promise<string> {
  const tree = new DuTree();
  if (touchFrom !== undefined) tree.expectListingBytes(bytes.length, touchFrom);
  // Small chunks: many checkpoints, the toucher following the columns as they grow.
  const chunks = Array.from({ length: Math.ceil(bytes.length / 65536) }, (_, i) => bytes.subarray(i * 65536, (i + 1) * 65536));
  await readListing(Readable.from(chunks), tree, { format: 'rclone-ls' });
  tree.finish();
  // Mapped ahead, the grouped file ids are in a column made at the start, with room for the guessed line count.
  expect(tree.fileOrder.buffer.byteLength > tree.fileOrder.byteLength).toBe(touchFrom !== undefined);
  const out = new PassThrough();
  const got: Buffer[] = [];
  out.on('data', (chunk: Buffer) => got.push(chunk));
  await writeDuReport(tree, out, options);
  await finished(out.end());
  return Buffer.concat(got).toString('latin1');
}

describe('a listing read with its columns mapped ahead', () => {
  it.each([{}, { human: true }, { top: 50 }, { depth: 3 }])('gives the report read without it (%o)', async (options) => {
    const bytes = listing(60_000, 5);
    const plain = await report(bytes, undefined, options);
    expect(plain.split('\n').length).toBeGreaterThan(50);
    expect(await report(bytes, 0, options)).toBe(plain);
  });
});
