import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { DuTree, nameFromBytes, writeDuReport } from '../src/index.js';
import { ChunkWriter } from '../src/du/printers/chunk-writer.js';
import { printRowsInParallel } from '../src/du/printers/text-parallel.js';
import { PrintThread } from '../src/du/printers/text-print-thread.js';
import { sortedRows, type DuSelectOptions } from '../src/du/select.js';
import { seededRandom } from '../src/random/seeded-random.js';

// The text report of a long listing is formatted by two threads (text-parallel.ts): the
// bytes must be those of the one-thread printer, whatever blocks each thread took.

/** A tree of distinct paths with names that need escapes, invalid UTF-8, and sizes above 4 GiB. */
function sampleTree(files: number, seed: number): DuTree {
  const random = seededRandom(seed);
  const pick = (n: number): number => Math.floor(random() * n);
  const words = ['Photos', 'a b', 'src', 'é', 'back\\slash', 'tab\there', nameFromBytes(Buffer.from([0x78, 0xff, 0x79])), 'Z'];
  const tree = new DuTree();
  for (let f = 0; f < files; f += 1) {
    const depth = 1 + pick(5);
    const parts = Array.from({ length: depth }, () => `${words[pick(words.length)] as string}${pick(40)}`);
    const size = pick(10) === 0 ? 5_000_000_000 + pick(1000) : pick(100_000);
    tree.add(`${parts.join('/')}/file ${f}`, size);
  }
  return tree;
}

/** Collects what is written; `slow`: calls back on a later turn with a small buffer (back-pressure). */
function sink(slow: boolean): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = slow
    ? new Writable({
        highWaterMark: 1024,
        write(chunk: Buffer, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          setImmediate(done);
        },
      })
    : new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('latin1') };
}

async function oneThread(tree: DuTree, options: DuSelectOptions & { human: boolean }): Promise<string> {
  const out = sink(false);
  await writeDuReport(tree, out.stream, options);
  await finished(out.stream.end());
  return out.text();
}

async function twoThreads(tree: DuTree, options: DuSelectOptions & { human: boolean }, slow: boolean): Promise<{ text: string; workerBlocks: number }> {
  const out = sink(slow);
  const writer = new ChunkWriter(out.stream);
  const workerBlocks = await printRowsInParallel(sortedRows(tree, options), writer, options.human, { blockRows: 16, waitForWorker: true });
  await writer.flush();
  await finished(out.stream.end());
  return { text: out.text(), workerBlocks };
}

describe('text report by two threads', () => {
  const tree = sampleTree(15_000, 14);

  it.each([
    ['bytes', { human: false }, false],
    ['-h sizes', { human: true }, false],
    ['--depth 2 --min-size, a slow consumer', { human: false, depth: 2, minSize: 50_000 }, true],
  ])('prints the same bytes as one thread (%s), the worker formatting some blocks', async (_name, options, slow) => {
    const expected = await oneThread(tree, options);
    const got = await twoThreads(tree, options, slow);
    expect(got.workerBlocks).toBeGreaterThan(0);
    expect(got.text.length).toBe(expected.length);
    expect(got.text === expected).toBe(true);
    // The sample holds what the printer must escape and sizes past 32 bits.
    expect(expected).toContain('\\\\');
    expect(expected).toContain('\\377');
    expect(expected).toMatch(options.human ? /^4\.7G\t/m : /^5\d{9}\t/m);
  });

  it('a printing thread that stops half-way (or never starts work): this thread formats the blocks it missed, the same bytes', async () => {
    const options = { human: false };
    const expected = await oneThread(tree, options);
    for (const stopAfter of [0, 40]) {
      const thread = PrintThread.start();
      expect(thread).toBeDefined();
      if (thread === undefined) return;
      if (stopAfter === 0) await thread.stop();
      const chunks: Buffer[] = [];
      const stream = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(Buffer.from(chunk));
          if (chunks.length === stopAfter) void thread.worker.terminate();
          setImmediate(done);
        },
      });
      const writer = new ChunkWriter(stream);
      await printRowsInParallel(sortedRows(tree, {}), writer, false, { blockRows: 16, waitForWorker: true }, thread);
      await writer.flush();
      await finished(stream.end());
      expect(Buffer.concat(chunks).toString('latin1') === expected).toBe(true);
      expect(thread.stopped).toBe(true);
    }
  });

  it('blocks the worker is late with are formatted by this thread (its copies dropped), the same bytes', async () => {
    const options = { human: false };
    const expected = await oneThread(tree, options);
    const out = sink(true);
    const writer = new ChunkWriter(out.stream);
    await printRowsInParallel(sortedRows(tree, {}), writer, false, { blockRows: 16, waitForWorker: true, stealMs: 0 });
    await writer.flush();
    await finished(out.stream.end());
    expect(out.text() === expected).toBe(true);
  });
});

describe('ChunkWriter', () => {
  it('never reuses a Buffer an in-process reader was given (a PassThrough reader keeps the chunks it got)', async () => {
    const tree = new DuTree();
    for (let f = 0; f < 100_000; f += 1) tree.add(`dir${f % 100}/sub${f % 7}/file number ${f}`, f);
    const kept: Buffer[] = [];
    const copied: Buffer[] = [];
    await writeDuReport(tree, new PassThrough().on('data', (chunk: Buffer) => kept.push(chunk)), {});
    await writeDuReport(tree, new PassThrough().on('data', (chunk: Buffer) => copied.push(Buffer.from(chunk))), {});
    expect(kept.length).toBeGreaterThan(8);
    expect(Buffer.concat(kept).equals(Buffer.concat(copied))).toBe(true);
  });
});
