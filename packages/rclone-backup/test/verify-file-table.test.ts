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
      if (table.pathArena(i).toString('utf8', table.pathStart(i), table.pathEnd(i)) !== path) throw new Error(`row ${i}: arena bytes wrong`);
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
