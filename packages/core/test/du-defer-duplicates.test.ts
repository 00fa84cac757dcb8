import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DuTree, writeDuReport } from '../src/index.js';
import type { DuReportOptions } from '../src/du/printers/types.js';
import { FileTable } from '../src/du/file-table.js';
import { sortIdsByName } from '../src/du/sort-names.js';
import { seededRandom } from '../src/random/seeded-random.js';

async function report(tree: DuTree, options: DuReportOptions = {}): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeDuReport(tree, out, { timestamp: 0, ...options });
  return Buffer.concat(chunks).toString('latin1');
}

/** Deterministic integers below n, from core's seeded generator. */
function randomFrom(seed: number): (n: number) => number {
  const random = seededRandom(seed);
  return (n) => Math.floor(random() * n);
}

/** Paths with many repeats, files named like directories, in shuffled order. */
function shuffledEntries(seed: number, count: number): Array<[string, number]> {
  const random = randomFrom(seed);
  const names = ['a', 'a b', 'a.b', 'a-b', 'b', 'é', 'Z', 'a-v2024-05-01-120000-123.b'];
  const entries: Array<[string, number]> = [];
  for (let i = 0; i < count; i += 1) {
    const depth = 1 + random(4);
    entries.push([Array.from({ length: depth }, () => names[random(names.length)] as string).join('/'), random(1000)]);
  }
  return entries;
}

function treeOf(entries: Array<[string, number]>, defer: boolean): DuTree {
  const tree = new DuTree();
  tree.files.deferDuplicates = defer;
  for (const [path, size] of entries) tree.add(path, size);
  return tree;
}

describe('DuTree with deferDuplicates (names appended unchecked, repeats merged after sorting)', () => {
  it.each(['text', 'json', 'csv', 'ncdu'] as const)('%s: the same report as looking every name up', async (format) => {
    const entries = shuffledEntries(7, 3000);
    for (const options of [{}, { depth: 2 }, { top: 25 }, { minSize: 500 }] as DuReportOptions[]) {
      const [checked, deferred] = [treeOf(entries, false), treeOf(entries, true)];
      const expected = await report(checked, { format, ...options });
      expect(await report(deferred, { format, ...options })).toBe(expected);
      expect(deferred.count).toBe(checked.count);
      expect(deferred.total).toBe(checked.total);
    }
  });

  it('merges a name listed twice out of order into one row, also when more arrives after a report', async () => {
    const tree = new DuTree();
    tree.files.deferDuplicates = true;
    tree.add('d/b', 1);
    tree.add('d/a', 2);
    tree.add('d/b', 4);
    expect(await report(tree)).toBe('7\td\n5\td/b\n2\td/a\n');
    expect(tree.count).toBe(3);
    tree.add('d/a', 10);
    tree.add('d/c', 1);
    tree.add('d/b', 100);
    expect(await report(tree)).toBe('118\td\n105\td/b\n12\td/a\n1\td/c\n');
    expect(tree.count).toBe(4);
    // A repeated name that is also a directory's path: every copy becomes the directory's own size.
    tree.add('d/a/x', 3);
    tree.add('d/a', 5);
    expect(await report(tree)).toBe('126\td\n105\td/b\n20\td/a\n3\td/a/x\n1\td/c\n');
  });

  it('finds a repeated name with lookup before it is merged', () => {
    const tree = new DuTree();
    tree.files.deferDuplicates = true;
    tree.add('d/b', 1);
    tree.add('d/a', 2);
    tree.add('d/b', 4);
    const dir = tree.dirs.lookup(Buffer.from('d'), 0, 1);
    const id = tree.files.lookup(dir, Buffer.from('b'), 0, 1);
    expect(id).toBe(0);
    expect(tree.files.lookup(dir, Buffer.from('c'), 0, 1)).toBe(-1);
  });
});

describe('sortIdsByName (native 64-bit keys, runs of equal keys by whole names)', () => {
  it('orders ids exactly as a byte comparison of the names does', () => {
    const random = randomFrom(11);
    for (const [count, alphabet, prefix] of [
      [5000, 'ab', 'IMG_'],
      [3000, 'abc\u0000', ''],
      [100, 'xyz', 'common-prefix-'],
      [40, 'pq', 'p'],
    ] as const) {
      const files = new FileTable();
      files.deferDuplicates = true; // repeated names stay: runs of equal names too
      for (let i = 0; i < count; i += 1) {
        const length = random(9);
        const name = Buffer.from(prefix + Array.from({ length }, () => alphabet[random(alphabet.length)]).join(''), 'latin1');
        files.add(0, name, 0, name.length, 1);
      }
      const ids = Uint32Array.from({ length: files.count }, (_, i) => i);
      for (let i = ids.length - 1; i > 0; i -= 1) {
        const j = random(i + 1);
        [ids[i], ids[j]] = [ids[j] as number, ids[i] as number];
      }
      sortIdsByName(files, ids);
      const sortedNames = Array.from(ids, (id) => files.nameBytes(id).toString('latin1'));
      const expected = [...sortedNames].sort((x, y) => Buffer.compare(Buffer.from(x, 'latin1'), Buffer.from(y, 'latin1')));
      expect(sortedNames).toEqual(expected);
      expect(new Set(ids).size).toBe(files.count);
    }
  });
});
