import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ledgerLine, parseLedgerLine } from '@rclone-b2/core';
import { parseLsjsonLine } from '../src/listing.js';
import { FileTable } from '../src/verify-file-table.js';
import { cleanup, tempDir, writeTree } from './helpers.js';

const dir = tempDir('rb-table-');
afterAll(() => cleanup(dir));

/** What parseLsjsonLine gave before its fast path: JSON.parse of the whole record. */
function parsedByJson(line: string): { path: string; size: number; mtimeMs: number } | undefined {
  const text = line.endsWith(',') ? line.slice(0, -1) : line;
  if (!text.startsWith('{')) return undefined;
  const item = JSON.parse(text) as { Path: string; Size: number; ModTime: string; IsDir: boolean };
  return item.IsDir ? undefined : { path: item.Path, size: item.Size, mtimeMs: Date.parse(item.ModTime) };
}

describe('parseLsjsonLine', () => {
  it('reads what real rclone lsjson writes exactly as JSON.parse does, odd names included', () => {
    const names = ['plain.txt', 'quote"d.txt', 'back\\slash', 'tab\there', 'new\nline', 'ünïcödé/日本語.txt', '😀 emoji', 'ctl\u0001x', 'a,b{c}.json', 'dir with space/f'];
    writeTree(dir, Object.fromEntries(names.map((n, i) => [n, 'x'.repeat(i * 997)])));
    const out = execFileSync('rclone', ['lsjson', '-R', '--no-mimetype', dir, '--config', '/dev/null'], { encoding: 'utf8' });
    const lines = out.split('\n');
    const files = lines.map(parseLsjsonLine).filter((f) => f !== undefined);
    expect(files).toHaveLength(names.length);
    // rclone shows control characters as their symbols (`new␊line`): the fast path must not trip on them.
    expect(files.map((f) => f.path)).toContain('new␊line');
    for (const line of lines) expect(parseLsjsonLine(line)).toEqual(parsedByJson(line));
  });
  it.each([
    ['other field order', '{"Name":"b","Path":"a/b","Size":3,"ModTime":"2024-01-02T03:04:05.123456789Z","IsDir":false},'],
    ['extra fields', '{"Path":"a","Name":"a","Size":3,"MimeType":"text/plain","ModTime":"2024-01-02T03:04:05+01:00","IsDir":false,"ID":"x"}'],
    ['a directory', '{"Path":"d","Name":"d","Size":-1,"ModTime":"2024-01-02T03:04:05Z","IsDir":true},'],
    ['an escaped path', '{"Path":"a\\u00e9\\"b","Name":"a\\u00e9\\"b","Size":0,"ModTime":"2024-01-02T03:04:05Z","IsDir":false}'],
    ['the brackets', '['],
  ])('%s: the same as JSON.parse', (_name, line) => {
    expect(parseLsjsonLine(line)).toEqual(parsedByJson(line));
  });
});

describe('ledgerLine', () => {
  it.each([
    ['a', 1, 2],
    ['q"u\\o\nte', 0, 1_767_225_600_000],
    ['ünï/😀', 2 ** 40, 1.5],
    ['nan', Number.NaN, 5],
  ])('%j is JSON.stringify of the entry', (path, size, verified) => {
    expect(ledgerLine(path, { size, verified })).toBe(JSON.stringify({ path, size, verified }));
  });
});

describe('parseLedgerLine', () => {
  /** What it gave before its fast path. */
  const byJson = (line: string) => {
    try {
      const item = JSON.parse(line) as { path?: unknown; size?: unknown; verified?: unknown };
      if (typeof item.path !== 'string' || typeof item.verified !== 'number' || typeof item.size !== 'number') return undefined;
      return { path: item.path, entry: { size: item.size, verified: item.verified } };
    } catch {
      return undefined;
    }
  };
  it.each([
    ledgerLine('a/b.jpg', { size: 10, verified: 1_767_225_600_000 }),
    ledgerLine('q"u\\o\nte\u0001', { size: 0, verified: 1 }),
    ledgerLine('ünï/😀', { size: 2 ** 40, verified: 5 }),
    '{"path":"a","size":1,"verified":2,"x":3}',
    '{"size":1,"path":"a","verified":2}',
    '{"path": "a", "size": 1, "verified": 2}',
    '{"path":"a","size":01,"verified":2}',
    '{"path":"a","size":1.5,"verified":2}',
    '{"path":"a","size":-1,"verified":2}',
    '{"path":"a\\x","size":1,"verified":2}',
    '{"path":"a\u0001b","size":1,"verified":2}',
    '{"path":"a","size":99999999999999999999,"verified":2}',
    '{"path": damaged',
    '',
  ])('%j as JSON.parse reads it', (line) => {
    expect(parseLedgerLine(line)).toEqual(byJson(line));
  });
});

describe('FileTable', () => {
  it('keeps rows in order and finds every path (strings or bytes) after many growths', () => {
    const table = new FileTable();
    const n = 50_000;
    const pathOf = (i: number): string => (i % 7 === 0 ? `ünï/${i}/😀` : `dir-${i % 100}/file-${i}.jpg`);
    for (let i = 0; i < n; i++) table.add(pathOf(i), i * 3, 1000 + i);
    expect(table.length).toBe(n);
    for (let i = 0; i < n; i += 97) {
      expect(table.path(i)).toBe(pathOf(i));
      expect(table.size(i)).toBe(i * 3);
      expect(table.mtimeMs(i)).toBe(1000 + i);
      expect(table.find(pathOf(i))).toBe(i);
      const bytes = Buffer.from(`xx${pathOf(i)}yy`);
      expect(table.findBytes(bytes, 2, bytes.length - 2)).toBe(i);
    }
    expect(table.find('dir-1/file-2.jpg')).toBe(-1);
    expect(table.find('')).toBe(-1);
    expect(Number.isNaN(table.a(5))).toBe(true);
    table.setAB(5, 7, 8);
    // a() is kept apart when it is not the row's size, and back in the row when it is again.
    table.setAB(6, 6 * 3, 9);
    expect([table.a(5), table.b(5), table.a(6), table.b(6), table.a(7)]).toEqual([7, 8, 18, 9, NaN]);
    table.setAB(5, 15, 10);
    table.setAB(6, 4, 11);
    expect([table.a(5), table.b(5), table.a(6), table.b(6)]).toEqual([15, 10, 4, 11]);
    // numbersOf: size, mtime, a, b of a row in one call, the same as the four accessors.
    table.setAB(8, 8 * 3, 12);
    const numbers = new Float64Array(4);
    for (const row of [5, 6, 7, 8, n - 1]) {
      table.numbersOf(row, numbers);
      expect([...numbers]).toEqual([table.size(row), table.mtimeMs(row), table.a(row), table.b(row)]);
    }
    // setABFrom and addListed: setAB and addBytes with the numbers in a typed array.
    table.setABFrom(7, Float64Array.of(21, 13));
    expect([table.a(7), table.b(7)]).toEqual([21, 13]);
    const bytes = Buffer.from('new/row');
    table.addListed(bytes, 0, bytes.length, Float64Array.of(1.5e12, 1_767_000_000_123));
    expect([table.path(n), table.size(n), table.mtimeMs(n), table.find('new/row')]).toEqual(['new/row', 1.5e12, 1_767_000_000_123, n]);
  });
  it('rows and paths across many blocks (rows, 4 MiB arenas, a path longer than a block, an empty path) read back exactly', () => {
    const table = new FileTable();
    const n = 120_000;
    const long = `${'x'.repeat(5 << 20)}/end`;
    // ~60 bytes a path: the 4 MiB arena blocks fill up and rows span several row blocks.
    const pathOf = (i: number): string => (i === 777 ? long : i === 778 ? '' : `album-${i % 300}/${'p'.repeat(i % 40)}/IMG_${String(i).padStart(7, '0')}.jpg`);
    for (let i = 0; i < n; i++) {
      const bytes = Buffer.from(`<${pathOf(i)}>`);
      table.addBytes(bytes, 1, bytes.length - 1, i * 5, 2000 + i);
    }
    expect(table.length).toBe(n);
    for (let i = 0; i < n; i++) {
      const path = pathOf(i);
      if (table.path(i) !== path || table.size(i) !== i * 5 || table.mtimeMs(i) !== 2000 + i) throw new Error(`row ${i} read back wrong`);
      // The directory once per run, the name per row: together the path's bytes.
      const run = table.runOf(i);
      const dir = table.runArena(run).subarray(table.runDirStart(run), table.runDirStart(run) + table.runDirLength(run));
      const name = table.nameArena(i).subarray(table.nameStart(i), table.nameStart(i) + table.nameLength(i));
      if (Buffer.concat([dir, name]).toString('utf8') !== path || (dir.length > 0 && dir[dir.length - 1] !== 47) || name.includes(47)) throw new Error(`row ${i}: arena bytes wrong`);
      if (i % 13 === 0 && table.find(path) !== i) throw new Error(`row ${i} not found`);
    }
    expect(table.find(long)).toBe(777);
    expect(table.find('')).toBe(778);
  });
  it('a path listed twice: both rows kept, lookups find the first', () => {
    const table = new FileTable();
    table.add('a', 1, 1);
    table.add('b', 2, 2);
    table.add('a', 3, 3);
    expect(table.length).toBe(3);
    expect(table.find('a')).toBe(0);
  });
});

describe('FileTable lookups by directory', () => {
  // rclone lists a directory's files together, sorted by name: those are found by a binary
  // search in their directory's run; anything else goes through the full-path table.
  it('finds every path of sorted directories, and no path that is not there', () => {
    const table = new FileTable();
    const dirs = ['', 'a/', 'a/b/', 'b/', 'z/ü/'];
    const names = ['0', 'A', 'IMG_1.jpg', 'IMG_10.jpg', 'IMG_2.jpg', 'a', 'é'];
    const paths = dirs.flatMap((dir) => names.map((name) => `${dir}${name}`));
    paths.forEach((path, i) => table.add(path, i, i));
    paths.forEach((path, i) => {
      expect(table.find(path)).toBe(i);
      const bytes = Buffer.from(path);
      expect(table.isRowOf(i, bytes, 0, bytes.length)).toBe(true);
    });
    for (const missing of ['1', 'a/IMG_3.jpg', 'a/b', 'a/b/c/0', 'c/0', 'z/0', 'a/ZZ', 'a/', '']) expect(table.find(missing)).toBe(-1);
    // Before the first and after the last name of a run.
    expect(table.find('a/.')).toBe(-1);
    expect(table.find('a/ÿ')).toBe(-1);
    expect(table.fullyIndexed).toBe(0);
  });
  it('a directory listed in two runs, or not in name order, or with a name twice: every path found, the first row of a twin', () => {
    const table = new FileTable();
    const paths = ['d/2', 'd/5', 'e/1', 'd/1', 'd/9', 'f/b', 'f/a', 'f/c', 'g/x', 'g/x', 'g/y', 'h/1'];
    paths.forEach((path, i) => table.add(path, i, i));
    const first = (path: string): number => paths.indexOf(path);
    for (const path of paths) expect(table.find(path)).toBe(first(path));
    for (const missing of ['d/3', 'f/d', 'g/z', 'h/0']) expect(table.find(missing)).toBe(-1);
    // The second g/x is not the row a lookup finds; the first is.
    const gx = Buffer.from('g/x');
    expect(table.isRowOf(9, gx, 0, gx.length)).toBe(false);
    expect(table.isRowOf(8, gx, 0, gx.length)).toBe(true);
    const d9 = Buffer.from('d/9');
    expect(table.isRowOf(4, d9, 0, d9.length)).toBe(true);
    expect(table.isRowOf(3, d9, 0, d9.length)).toBe(false);
    expect(table.fullyIndexed).toBe(paths.length);
  });
  it('directories stored once: names with bytes that are not UTF-8 (in the directory and the name), top-level files, a directory back after others, read back and found by their bytes', () => {
    const table = new FileTable();
    const raw = [
      Buffer.from([0x61, 0xe2, 0x82, 0x2f, 0x6e, 0xff]), // a\xe2\x82/n\xff: an unfinished sequence right before the `/`
      Buffer.from([0x61, 0xe2, 0x82, 0x2f, 0x6f]),
      Buffer.from('top'),
      Buffer.from('x/y/z'),
      Buffer.from([0x61, 0xe2, 0x82, 0x2f, 0x70]), // the first directory again, after others
      Buffer.from('zz'),
      Buffer.from('x/y/'), // an empty name
    ];
    raw.forEach((bytes, i) => table.addBytes(Buffer.concat([Buffer.from('<'), bytes, Buffer.from('>')]), 1, bytes.length + 1, i, 1000 + i));
    raw.forEach((bytes, i) => {
      // Decoded in two pieces, the same string as the whole path's bytes decoded at once.
      expect(table.path(i)).toBe(bytes.toString('utf8'));
      expect(table.findBytes(bytes, 0, bytes.length)).toBe(i);
      expect(table.isRowOf(i, bytes, 0, bytes.length)).toBe(true);
      const run = table.runOf(i);
      const whole = Buffer.concat([table.runArena(run).subarray(table.runDirStart(run), table.runDirStart(run) + table.runDirLength(run)), table.nameArena(i).subarray(table.nameStart(i), table.nameStart(i) + table.nameLength(i))]);
      expect(whole.equals(bytes)).toBe(true);
    });
    // Rows of one run share the directory's bytes; a directory back after others shares its first run's.
    expect(table.runOf(1)).toBe(table.runOf(0));
    expect(table.runArena(table.runOf(4)) === table.runArena(table.runOf(0)) && table.runDirStart(table.runOf(4)) === table.runDirStart(table.runOf(0))).toBe(true);
    for (const missing of [Buffer.from([0x61, 0xe2, 0x82, 0x2f]), Buffer.from('x/y/zz'), Buffer.from('to')]) expect(table.findBytes(missing, 0, missing.length)).toBe(-1);
    // runOf answers any row, in any order (its cache of the last run is only a shortcut).
    for (const i of [6, 0, 3, 5, 1, 4, 2]) expect(table.path(i)).toBe((raw[i] as Buffer).toString('utf8'));
  });
  it('rows added after lookups are found too, in their own directory or a known one', () => {
    const table = new FileTable();
    table.add('a/1', 1, 1);
    table.add('a/3', 3, 3);
    expect(table.find('a/3')).toBe(1);
    expect(table.find('a/5')).toBe(-1);
    table.add('a/5', 5, 5);
    table.add('b/1', 6, 6);
    table.add('a/7', 7, 7);
    expect(table.find('a/5')).toBe(2);
    expect(table.find('b/1')).toBe(3);
    expect(table.find('a/7')).toBe(4);
    expect(table.find('a/1')).toBe(0);
    table.add('a/1', 8, 8);
    expect(table.find('a/1')).toBe(0);
    const a7 = Buffer.from('a/7');
    expect(table.isRowOf(4, a7, 0, a7.length)).toBe(true);
  });
  it('many sorted directories and missing names: the same answers as a Map of the paths', () => {
    const table = new FileTable();
    const byPath = new Map<string, number>();
    let row = 0;
    for (let d = 0; d < 300; d++) {
      for (let f = 0; f < 40; f += 1 + (d % 3)) {
        const path = `rep-${d % 7}/album-${d}/IMG_${String(f).padStart(4, '0')}.jpg`;
        table.add(path, f, d);
        byPath.set(path, row++);
      }
    }
    for (let d = 0; d < 300; d++) {
      for (let f = 0; f < 40; f++) {
        const path = `rep-${d % 7}/album-${d}/IMG_${String(f).padStart(4, '0')}.jpg`;
        if (table.find(path) !== (byPath.get(path) ?? -1)) throw new Error(`${path}: ${table.find(path)}`);
      }
    }
    expect(table.fullyIndexed).toBe(0);
  });
});
