import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, appendFileSync, readFileSync, utimesSync } from 'node:fs';
import { dirLockPath } from '../src/dir-lock.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDump } from '../src/split.js';
import { joinMain } from '../src/join-main.js';
import { runInMemory } from '@rclone-b2/core/testing';
import { dirDigest, joinDir, memoryIO, runSplitter, snapshot } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';

let work: string;
let out: string;
const GOOD = makeDump([{ name: 't1', rows: [row(1), row(2)] }, { name: 't2', rows: [row(3)] }], 'skip');

function pseudoRandom(n: number, seed = 42): Buffer {
  const buf = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i += 1) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mds-bad-'));
  out = join(work, 'out');
  const ok = await runSplitter(['--out', out, '-'], {}, Buffer.from(GOOD));
  expect(ok.code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('bad input: one clear message, exit 2, nothing in the output directory lost', () => {
  const tenMB = 'x'.repeat(10 * 1024 * 1024);
  it.each<[string, Buffer | string, RegExp]>([
    ['empty input', '', /empty input/],
    ['binary garbage', pseudoRandom(65536), /does not look like mysqldump output/],
    ['NUL bytes after a dump header', Buffer.concat([Buffer.from(GOOD.slice(0, 200)), pseudoRandom(4096, 7).fill(0, 10, 11)]), /binary data \(a NUL byte\) at offset 210/],
    ['a line cut in the middle (truncated)', GOOD.slice(0, GOOD.indexOf('UNLOCK') + 3), /ends in the middle of line \d+: truncated/],
    ['truncated at a line end (no Dump completed)', GOOD.slice(0, GOOD.indexOf('UNLOCK')), /no '-- Dump completed' line/],
    ['a whole dump, then a cut copy (the trailer is not the last line)', GOOD + GOOD.slice(0, GOOD.indexOf('UNLOCK')), /no '-- Dump completed' line/],
    ['no mysqldump header (--skip-comments, or not a dump)', GOOD.slice(GOOD.indexOf('/*!40101')), /does not start with mysqldump's .* pass --allow-skip-comments/],
    ['a 10 MB line that is not a dump', tenMB, /does not look like mysqldump output/],
    ['a dump header, then a 10 MB line without end', `-- MySQL dump 10.13\n${tenMB}`, /truncated/],
    ['a JSON file', '{"not": "a dump"}\n', /does not look like mysqldump output/],
    ['a shell script', '#!/bin/sh\necho hi\n', /does not look like mysqldump output/],
    ['a gzip-compressed dump (real gzip)', gzipSync(GOOD), /input is gzip-compressed, not mysqldump output: decompress it first \(zcat DUMP \| mysql-dump-splitter …\)/],
    ['an xz-compressed dump (real xz)', execFileSync('xz', ['-c'], { input: GOOD }), /input is xz-compressed, not mysqldump output: decompress it first \(xzcat DUMP/],
  ])('%s', async (_name, input, message) => {
    const before = dirDigest(out);
    const file = join(work, 'input');
    writeFileSync(file, input);
    for (const args of [[file], ['-']]) {
      const result = await runSplitter(['--out', out, ...args], {}, Buffer.from(input));
      expect(result.code).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).toMatch(/^mysql-dump-splitter: [^\n]+\(nothing changed in [^\n]+\)\n$/);
      expect(dirDigest(out)).toBe(before);
      expect(readdirSync(out).filter((n) => n.startsWith('.mds-tmp'))).toEqual([]);
    }
    expect((await joinDir(out)).toString()).toBe(GOOD);
  });

  it('a missing input file is a usage error', async () => {
    const result = await runSplitter(['--out', out, join(work, 'nope.sql')]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/no such file/);
  });

  it('an input stream that fails midway leaves the directory as it was', async () => {
    const before = dirDigest(out);
    const changed = GOOD.replace('name 1', 'name one');
    const failing = Readable.from((async function* () {
      yield Buffer.from(changed.slice(0, 600));
      throw new Error('connection reset');
    })());
    await expect(splitDump(failing, { outDir: out, pieceSize: 4096, regroup: false, dryRun: false })).rejects.toThrow(/connection reset/);
    expect(dirDigest(out)).toBe(before);
    expect(readdirSync(out).filter((n) => n.startsWith('.mds-tmp'))).toEqual([]);
  });
});

describe('incremental behaviour on a small dump', () => {
  it('accepts a valid dump with a 10 MB INSERT line and reproduces it', async () => {
    const dir = join(work, 'long');
    const dump = makeDump([{ name: 'blob', rows: [`(1,'${'y'.repeat(10 * 1024 * 1024)}')`, row(2)] }], 'skip');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(dump))).code).toBe(0);
    expect((await joinDir(dir)).toString() === dump).toBe(true);
  });

  it('-n reports without writing; -v lists pieces; stale pieces are removed; a damaged piece is rewritten', async () => {
    const dir = join(work, 'inc');
    const three = makeDump([{ name: 'a', rows: [row(1)] }, { name: 'b', rows: [row(2)] }, { name: 'c', rows: [row(3)] }], 'skip');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(three))).code).toBe(0);
    const two = makeDump([{ name: 'a', rows: [row(1)] }, { name: 'c', rows: [row(3)] }], 'skip');
    const before = dirDigest(dir);
    const dry = await runSplitter(['--out', dir, '-n', '-v', '-'], {}, Buffer.from(two));
    expect(dry.code).toBe(0);
    expect(dirDigest(dir)).toBe(before);
    expect(dry.err).toMatch(/would be removed \w+-t\.b\.sql/);
    expect(dry.err).toMatch(/would be removed \w+-d\.b\.sql/);
    expect(dry.err).toMatch(/unchanged \w+-t\.a\.sql/);
    expect(dry.err).toMatch(/pieces: 0 would be written \(0 B\), 6 unchanged, 2 would be removed; read \d+(\.\d)? (B|KiB) in/);
    const json = await runSplitter(['--out', dir, '-n', '-q', '--json', '-'], {}, Buffer.from(two));
    expect(json.err).toBe('');
    expect(JSON.parse(json.out)).toMatchObject({ dryRun: true, pieces: 6, written: [], unchanged: 6, bytesWritten: 0 });
    expect((JSON.parse(json.out) as { removed: string[] }).removed).toHaveLength(2);
    const real = await runSplitter(['--out', dir, '-v', '-'], {}, Buffer.from(two));
    expect(real.err).toMatch(/^mysql-dump-splitter: removed \w+-t\.b\.sql$/m);
    expect(readdirSync(dir).some((n) => n.includes('.b.'))).toBe(false);
    expect((await joinDir(dir)).toString()).toBe(two);
    // damage one piece: same name, other content → rewritten on the next run
    const victim = readdirSync(dir).find((n) => n.includes('-d.a.sql')) as string;
    appendFileSync(join(dir, victim), 'garbage');
    utimesSync(join(dir, victim), new Date(0), new Date(0));
    const snap = snapshot(dir);
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(two))).code).toBe(0);
    expect(snapshot(dir).get(victim)).toBeUndefined();
    expect((await joinDir(dir)).toString()).toBe(two);
    expect(snap.size).toBe(snapshot(dir).size);
    expect(readFileSync(join(dir, 'MANIFEST'), 'utf8').split('\n').filter(Boolean)).toHaveLength(6);
  });
});

describe('locking', () => {
  it('refuses (exit 3) while another live process holds the directory, takes over a dead one\'s lock', async () => {
    const dir = join(work, 'locked');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD))).code).toBe(0);
    const lock = dirLockPath(dir);
    expect(lock.startsWith(dir)).toBe(false); // outside the directory: an unchanged run leaves its mtime alone
    expect(dirLockPath(join(dir, '..', 'locked'))).toBe(lock);
    try {
      writeFileSync(lock, `${process.ppid}\n`);
      const before = dirDigest(dir);
      const refused = await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD.replace('name 1', 'name one')));
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(/in use by another mysql-dump-splitter \(pid \d+\)/);
      expect(dirDigest(dir)).toBe(before);
      writeFileSync(lock, '999999999\n');
      expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD))).code).toBe(0);
      expect(existsSync(lock)).toBe(false);
    } finally {
      rmSync(lock, { force: true });
    }
  });

  it('an output path that is a file is a usage error', async () => {
    const file = join(work, 'plainfile');
    writeFileSync(file, 'x');
    const result = await runSplitter(['--out', file, '-'], {}, Buffer.from(GOOD));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot use output directory/);
  });
});

describe('quick check', () => {
  it('a piece whose mtime changed but content did not is kept (content compared), and its new mtime recorded', async () => {
    const dir = join(work, 'touched');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD))).code).toBe(0);
    const victim = readdirSync(dir).find((n) => n.includes('-d.t1.sql')) as string;
    utimesSync(join(dir, victim), new Date(1000), new Date(1000));
    const before = snapshot(dir);
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD))).code).toBe(0);
    expect(snapshot(dir)).toEqual(before);
    const state = JSON.parse(readFileSync(join(dir, '.mysql-dump-splitter.json'), 'utf8')) as { pieces: Array<{ name: string; mtimeMs: number }> };
    expect(state.pieces.find((p) => p.name === victim)?.mtimeMs).toBe(1000);
  });
});

describe('mysql-dump-join --check --json', () => {
  it('reports pieces, bytes and damaged pieces as JSON; --json without --check is refused', async () => {
    const dir = join(work, 'join-json');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(GOOD))).code).toBe(0);
    const io = memoryIO();
    const clean = await runInMemory('mysql-dump-join', joinMain, ['--check', '--json', dir], io);
    expect(clean.code).toBe(0);
    const summary = JSON.parse(clean.out) as { pieces: number; bytes: number; bad: string[] };
    expect(summary.bad).toEqual([]);
    expect(summary.bytes).toBe(Buffer.byteLength(GOOD));
    const victim = readdirSync(dir).find((n) => n.includes('-d.t1.sql')) as string;
    appendFileSync(join(dir, victim), 'x');
    const damaged = await runInMemory('mysql-dump-join', joinMain, ['--check', '--json', dir], memoryIO());
    expect(damaged.code).toBe(1);
    expect((JSON.parse(damaged.out) as { bad: string[] }).bad).toEqual([victim]);
    const refused = await runInMemory('mysql-dump-join', joinMain, ['--json', dir], memoryIO());
    expect(refused).toMatchObject({ code: 2, out: '', err: 'mysql-dump-join: --json goes with --check (without it, stdout is the dump)\n' });
  });
});

describe('piece order', () => {
  it('when sections move, names still sort (LC_ALL=C) in dump order and unmoved pieces stay', async () => {
    const dir = join(work, 'reorder');
    const t = (name: string, id: number) => ({ name, rows: [row(id)] });
    const first = makeDump([t('a', 1), t('b', 2), t('c', 3)], 'skip');
    const second = makeDump([t('c', 3), t('a', 1), t('b', 2), t('d', 4)], 'skip');
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(first))).code).toBe(0);
    const before = snapshot(dir);
    expect((await runSplitter(['--out', dir, '-'], {}, Buffer.from(second))).code).toBe(0);
    expect((await joinDir(dir)).toString()).toBe(second);
    const names = readdirSync(dir).filter((n) => n.endsWith('.sql'));
    const manifest = readFileSync(join(dir, 'MANIFEST'), 'utf8').trim().split('\n');
    expect([...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)))).toEqual(manifest);
    const after = snapshot(dir);
    const kept = [...after].filter(([name, sig]) => before.get(name) === sig).map(([name]) => name);
    expect(kept.filter((n) => /-[td]\.[ab]\.sql$/.test(n))).toHaveLength(4);
  });
});
