// An unchanged re-run writes nothing: every file and directory of the output keeps its inode
// and mtime (so the next rclone sync uploads nothing), and pieces that no longer belong are
// deleted, in plain and --regroup mode (--dump: mariadb.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDump } from '../src/split.js';
import { findSnapshot, joinDir, piecesAndManifest, runSplitter } from './helpers/io.js';
import { makeDump, row, type InsertStyle } from './helpers/synthetic.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-idem-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => row(from + i));

describe.each<[string, InsertStyle, string[]]>([
  ['plain', 'skip', []],
  ['--regroup', 'mysql', ['--regroup']],
])('%s', (mode, style, flags) => {
  const three = makeDump([{ name: 'a', rows: rows(300) }, { name: 'b', rows: rows(200) }, { name: 'c', rows: rows(100) }], style);
  const two = makeDump([{ name: 'a', rows: rows(120) }, { name: 'c', rows: rows(100) }], style);

  it('an unchanged re-run leaves every inode and mtime of the tree as it was', async () => {
    const dir = join(work, `same-${mode}`);
    const split = (input: string) => runSplitter(['--out', dir, '--piece-size', '2K', ...flags, '-'], {}, Buffer.from(input));
    expect((await split(three)).code).toBe(0);
    const before = await findSnapshot(dir);
    expect(before.length).toBeGreaterThan(10);
    await new Promise((r) => setTimeout(r, 20));
    const again = await split(three);
    expect(again.code, again.err).toBe(0);
    expect(again.err).toMatch(/ 0 written \(0 B\), \d+ unchanged, 0 removed/);
    expect(await findSnapshot(dir)).toEqual(before);
  });

  it('pieces that no longer belong are deleted: the directory holds exactly what MANIFEST lists', async () => {
    const dir = join(work, `gone-${mode}`);
    const split = (input: string) => runSplitter(['--out', dir, '--piece-size', '2K', ...flags, '-'], {}, Buffer.from(input));
    expect((await split(three)).code).toBe(0);
    const first = piecesAndManifest(dir);
    expect((await split(two)).code).toBe(0);
    const second = piecesAndManifest(dir);
    expect(second.files).toEqual(second.manifest);
    expect(second.files.some((n) => /\.b\.sql$/.test(n))).toBe(false);
    expect(second.files.filter((n) => /-d\.a\.sql$/.test(n)).length).toBeLessThan(first.files.filter((n) => /-d\.a\.sql$/.test(n)).length);
    const joined = (await joinDir(dir)).toString();
    if (style === 'skip') expect(joined).toBe(two);
    else expect(joined).toMatch(/INSERT INTO `c` VALUES/);
  });
});

describe('pieces bigger than the in-memory limit', () => {
  const big = (text: string) => makeDump([{ name: 'big', rows: [row(1), `(2,'${text}')`, row(3)] }, { name: 'small', rows: rows(3) }], 'skip');
  const split = (dir: string, dump: string) =>
    splitDump(Readable.from([Buffer.from(dump)]), { outDir: dir, pieceSize: 1 << 20, regroup: false, dryRun: false, spillBytes: 4096 });

  it('an unchanged one is compared with the old piece as it streams: no temporary file, nothing written', async () => {
    const dir = join(work, 'spill-same');
    const dump = big('z'.repeat(50_000));
    expect((await split(dir, dump)).written.length).toBeGreaterThan(0);
    const before = await findSnapshot(dir);
    const again = await split(dir, dump);
    expect(again.written).toEqual([]);
    expect(await findSnapshot(dir)).toEqual(before);
  });

  it.each([
    ['changed in the middle', 'z'.repeat(25_000) + 'CHANGED' + 'z'.repeat(25_000)],
    ['changed at the very end', 'z'.repeat(49_999) + 'y'],
    ['shorter (a prefix of the old one)', 'z'.repeat(30_000)],
    ['longer', 'z'.repeat(80_000)],
    ['changed in the first bytes', 'y' + 'z'.repeat(49_999)],
  ])('one %s is rewritten and joins back exactly', async (_name, text) => {
    const dir = join(work, `spill-${_name.replace(/\W+/g, '-')}`);
    expect((await split(dir, big('z'.repeat(50_000)))).written.length).toBeGreaterThan(0);
    const changed = big(text);
    const result = await split(dir, changed);
    // the row's change may also make or unmake a cut after it: at most two pieces, all of that table
    expect(result.written.length).toBeGreaterThan(0);
    expect(result.written.length).toBeLessThanOrEqual(2);
    expect(new Set(result.written.map((p) => p.label))).toEqual(new Set(['d.big']));
    expect((await joinDir(dir)).toString()).toBe(changed);
    const { files, manifest } = piecesAndManifest(dir);
    expect(files).toEqual(manifest);
  });
});
