import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { DuTree, nameFromBytes, readListing, writeDuReport } from '../src/index.js';
import { RcloneLsBytes } from '../src/du/rclone-ls-bytes.js';

async function report(tree: DuTree, options: Parameters<typeof writeDuReport>[2] = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeDuReport(tree, out, options);
  return Buffer.concat(chunks).toString('latin1');
}

/** Deterministic pseudo-random numbers. */
function randomFrom(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
}

describe('DuTree (flat layout)', () => {
  it('keeps the bytes of names that are not UTF-8, given as strings (printed ls -b escaped)', async () => {
    const tree = new DuTree();
    tree.add(nameFromBytes(Buffer.from([0x64, 0x2f, 0x61, 0xff, 0x62])), 3); // d/a\xffb
    expect(await report(tree)).toBe('3\td\n3\td/a\\377b\n');
    const json = JSON.parse(Buffer.from(await report(tree, { format: 'json' }), 'latin1').toString('utf8')) as Array<{ path: string }>;
    expect(json.map((row) => row.path)).toEqual(['d', nameFromBytes(Buffer.from([0x64, 0x2f, 0x61, 0xff, 0x62]))]);
  });

  it('gives the same report whatever the order of the lines, with repeated paths (hashed and in-order directories)', async () => {
    const random = randomFrom(3);
    const names = ['a', 'a b', 'a.b', 'a-b', 'b', 'é', 'Z'];
    const lines: string[] = [];
    for (let i = 0; i < 600; i += 1) {
      const depth = 1 + random(4);
      const path = Array.from({ length: depth }, () => names[random(names.length)] as string).join('/');
      lines.push(`${String(random(1000)).padStart(9)} ${path}`);
    }
    const sorted = [...lines].sort((x, y) => Buffer.compare(Buffer.from(x.slice(10)), Buffer.from(y.slice(10))));
    const texts: string[] = [];
    for (const order of [lines, sorted, [...sorted].reverse(), [...sorted, ...sorted]]) {
      const tree = new DuTree();
      await readListing(Readable.from([Buffer.from(order.join('\n'))]), tree, { format: 'rclone-ls' });
      texts.push(await report(tree));
    }
    // The doubled listing has the same paths, each size doubled.
    const doubled = (texts[3] as string).split('\n');
    expect(texts[1]).toBe(texts[0]);
    expect(texts[2]).toBe(texts[0]);
    expect(doubled.map((line) => line.slice(line.indexOf('\t')))).toEqual((texts[0] as string).split('\n').map((line) => line.slice(line.indexOf('\t'))));
  });

  it('a file added again after a report is merged into the directory of that path again', async () => {
    const tree = new DuTree();
    tree.add('x', 1);
    tree.add('x/y', 2);
    expect(await report(tree)).toBe('3\tx\n2\tx/y\n');
    tree.add('x', 4);
    expect(await report(tree)).toBe('7\tx\n2\tx/y\n');
    expect(tree.count).toBe(2);
  });

  it('lists every directory of a finished tree, parents first, with totals, file counts and depth', () => {
    const tree = new DuTree();
    tree.add('a/b/f1', 5);
    tree.add('a/f2', 1);
    tree.add('/abs/g', 2);
    tree.addDirectory('a/empty');
    const dirs = [...tree.directories()];
    expect(dirs.map(({ path, total, files, filesBelow, depth }) => ({ path, total, files, filesBelow, depth }))).toEqual([
      { path: '', total: 8, files: 0, filesBelow: 3, depth: 0 },
      { path: 'a', total: 6, files: 1, filesBelow: 2, depth: 1 },
      { path: 'a/b', total: 5, files: 1, filesBelow: 1, depth: 2 },
      { path: '/', total: 2, files: 0, filesBelow: 1, depth: 1 },
      { path: '/abs', total: 2, files: 1, filesBelow: 1, depth: 2 },
      { path: 'a/empty', total: 0, files: 0, filesBelow: 0, depth: 2 },
    ]);
    for (const dir of dirs) if (dir.id > 0) expect(dir.parent).toBeLessThan(dir.id);
  });
});

describe('reading and printing at memory speed', () => {
  it('takes the rclone ls fast path after a line that straddles two chunks', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${String(i).padStart(9)} d${i % 7}/f${i}`).join('\n');
    const bytes = Buffer.from(`${lines}\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 1001) chunks.push(bytes.subarray(i, i + 1001)); // every cut inside a line
    const spy = vi.spyOn(RcloneLsBytes.prototype, 'parseLines');
    try {
      const tree = new DuTree();
      const result = await readListing(Readable.from(chunks), tree, { format: 'rclone-ls' });
      expect(result.lines).toBe(3000);
      const fast = spy.mock.results.reduce((sum, r) => sum + (r.value as [number, number])[1], 0);
      // All but the first line and the one completed per chunk boundary go through the fast path.
      expect(fast).toBeGreaterThanOrEqual(3000 - 1 - chunks.length);
      expect(tree.total).toBe((2999 * 3000) / 2);
    } finally {
      spy.mockRestore();
    }
  });

  it('a long report reuses a few output chunks instead of allocating one per 256 KiB', async () => {
    const tree = new DuTree();
    for (let i = 0; i < 60_000; i += 1) tree.add(`dir ${i % 50}/a rather long file name number ${i}.dat`, i);
    const buffers = new Set<ArrayBufferLike>();
    let bytes = 0;
    // Like a file or /dev/null as stdout (a descriptor: done with the bytes when it calls back):
    // it never pushes back, and calls back a little later.
    const sink = new Writable({
      highWaterMark: 1 << 30,
      write(chunk: Buffer, _encoding, done) {
        buffers.add(chunk.buffer);
        bytes += chunk.length;
        setImmediate(done);
      },
    });
    await writeDuReport(tree, Object.assign(sink, { fd: 1 }), {});
    expect(bytes).toBeGreaterThan(4 * 256 * 1024);
    expect(buffers.size).toBeLessThanOrEqual(5);
  });

  it('prints long directory prefixes (copied 4 bytes at a time) of 38-90 bytes at every alignment, byte for byte', async () => {
    const tree = new DuTree();
    const expected = new Map<string, number>();
    let n = 0;
    // Directory paths of each length from 38 to 90 (at varied arena offsets), files whose sizes have 1-12 digits (varied destination offsets).
    for (let length = 38; length <= 90; length += 1) {
      for (let variant = 0; variant < 4; variant += 1) {
        const top = `top${variant}${'x'.repeat(variant)}`;
        const dir = `${top}/${'d'.repeat(Math.max(1, length - top.length - 1 - String(n).length))}${n}`;
        for (let f = 0; f < 3; f += 1) {
          const size = (10 ** ((n + f) % 12)) + n * 7 + f;
          const path = `${dir}/f${f}-${'n'.repeat((n + f) % 5)}`;
          tree.add(path, size);
          expected.set(path, size);
        }
        n += 1;
      }
    }
    // What the report must hold: every file, and every directory with its total.
    const totals = new Map<string, number>();
    for (const [path, size] of expected) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i += 1) {
        const dir = parts.slice(0, i).join('/');
        totals.set(dir, (totals.get(dir) ?? 0) + size);
      }
    }
    const rows = [...expected, ...totals].sort((a, b) => b[1] - a[1] || (Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]))));
    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    expect(await report(tree)).toBe(rows.map(([path, size]) => `${size}\t${path}\n`).join(''));
  });

  it('finds repeated names in a directory whose names stop arriving in order (its chain of files made then), also after a file was merged into a directory', async () => {
    const tree = new DuTree();
    tree.add('d/b', 1);
    tree.add('d/c', 2);
    tree.add('x/y', 16);
    tree.add('d/a', 4); // out of order: d's files are put in the lookup table now
    tree.add('d/b', 8); // found again
    tree.add('d/c', 32);
    expect(await report(tree)).toBe('47\td\n34\td/c\n16\tx\n16\tx/y\n9\td/b\n4\td/a\n');
    const merged = new DuTree();
    merged.add('d/e', 1);
    merged.add('d/e/f', 2);
    expect(merged.total).toBe(3); // finish(): the file d/e becomes directory d/e's own size
    merged.add('d/a', 5); // out of order after the merged file
    merged.add('d/a', 1);
    merged.add('d/e', 4); // d/e is a directory now: its own size again
    expect(await report(merged)).toBe('13\td\n7\td/e\n6\td/a\n2\td/e/f\n');
  });
});
