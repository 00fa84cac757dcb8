// `mysql-dump-join --check` verifies every piece or fails: a piece without a recorded SHA-256
// (state file missing, unreadable, or without its record) is reported and exits 1. And the
// splitter writes the state file before MANIFEST, so a run that fails between the two (a full
// disk) never leaves a MANIFEST listing pieces the state file does not record.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInMemory } from '@rclone-b2/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinMain } from '../src/join-main.js';
import { splitDump } from '../src/split.js';
import { joinDir, memoryIO, runSplitter } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';

const rows = (n: number, text: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => row(i + 1, text(i + 1)));
const OLD = makeDump(
  [
    { name: 'a', rows: rows(80, (i) => `a ${i}`) },
    { name: 'b', rows: rows(30, (i) => `b ${i}`) },
  ],
  'skip',
);
const NEW = makeDump(
  [
    { name: 'a', rows: rows(80, (i) => (i === 5 ? 'a changed' : `a ${i}`)) },
    { name: 'c', rows: rows(30, (i) => `c ${i}`) },
  ],
  'skip',
);
const STATE = '.mysql-dump-splitter.json';
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-check-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function fresh(name: string, dump = OLD): Promise<string> {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  const result = await runSplitter(['--out', dir, '--piece-size', '1K', '-'], {}, Buffer.from(dump));
  expect(result.code, result.err).toBe(0);
  return dir;
}

const check = (args: readonly string[]) => runInMemory('mysql-dump-join', joinMain, args, memoryIO());

describe('mysql-dump-join --check: a piece without a recorded SHA-256 is not verified, and says so', () => {
  it.each<[string, (dir: string) => void, RegExp]>([
    ['no state file', (dir) => rmSync(join(dir, STATE)), /: (\d+) pieces not verified: no recorded checksum \(no state file \.mysql-dump-splitter\.json\)\n$/],
    [
      'a state file without records',
      (dir) => writeFileSync(join(dir, STATE), '{"version":1,"pieces":[]}\n'),
      /: (\d+) pieces not verified: no recorded checksum\n$/,
    ],
    [
      'an unreadable state file',
      (dir) => writeFileSync(join(dir, STATE), '{"version":1,"pie'),
      /: (\d+) pieces not verified: no recorded checksum \(state file \.mysql-dump-splitter\.json unreadable: [^\n]+\)\n$/,
    ],
  ])('%s, a damaged piece: exit 1, every piece reported', async (name, damage, message) => {
    const dir = await fresh(name.replace(/\W/g, '-'));
    const pieces = readFileSync(join(dir, 'MANIFEST'), 'utf8').split('\n').filter(Boolean);
    appendFileSync(join(dir, pieces[3] as string), '-- damaged\n');
    damage(dir);
    const text = await check(['--check', dir]);
    expect(text.code).toBe(1);
    expect(text.err).toMatch(message);
    expect(Number(message.exec(text.err)?.[1])).toBe(pieces.length);
    expect(text.err).not.toMatch(/all match/);
    const json = await check(['--check', '--json', dir]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ pieces: pieces.length, bytes: expect.any(Number), bad: [], unverified: pieces });
  });

  it('one piece without a record: named, exit 1; the others are still verified', async () => {
    const dir = await fresh('one-missing');
    const state = JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as { version: 1; pieces: Array<{ name: string }> };
    const [gone] = state.pieces.splice(2, 1);
    writeFileSync(join(dir, STATE), JSON.stringify(state));
    const result = await check(['--check', dir]);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`mysql-dump-join: ${gone?.name}: no recorded SHA-256\nmysql-dump-join: 1 pieces not verified: no recorded checksum\n`);
  });

  it('a restore without --check still writes the dump (exit 0) and warns that it could not verify it', async () => {
    const dir = await fresh('restore');
    rmSync(join(dir, STATE));
    const result = await check([dir]);
    expect(result.code).toBe(0);
    expect(result.out).toBe(OLD);
    expect(result.err).toMatch(/^mysql-dump-join: \d+ pieces not verified: no recorded checksum \(no state file/);
  });
});

describe('the state file is written before MANIFEST', () => {
  /** The new dump, with `blocker` made a directory in DIR while the input is read (after the stale-temp clean-up). */
  async function* blocked(dir: string, blocker: string): AsyncGenerator<Buffer> {
    const input = Buffer.from(NEW);
    yield input.subarray(0, 1000);
    mkdirSync(join(dir, blocker));
    yield input.subarray(1000);
  }

  it.each([
    ['the state file cannot be written (MANIFEST untouched)', 'state'],
    ['MANIFEST cannot be written (the state file already records the new pieces and the old)', 'manifest'],
  ])('%s: the run fails, `--check` passes on the old MANIFEST, the next run gives the new dump', async (_name, what) => {
    const dir = await fresh(`order-${what}`);
    const blocker = `.mds-tmp-${process.pid}-${what}`;
    const run = splitDump(blocked(dir, blocker), { outDir: dir, pieceSize: 1024, regroup: false, dryRun: false, signal: new AbortController().signal });
    await expect(run).rejects.toThrow(/EEXIST/);
    expect((await joinDir(dir)).toString()).toBe(OLD);
    const result = await check(['--check', dir]);
    expect(result.err).toMatch(/all match/);
    expect(result.code).toBe(0);
    rmSync(join(dir, blocker), { recursive: true });
    expect((await runSplitter(['--out', dir, '--piece-size', '1K', '-'], {}, Buffer.from(NEW))).code).toBe(0);
    expect((await joinDir(dir)).toString()).toBe(NEW);
    expect((await check(['--check', dir])).code).toBe(0);
    // the final state records exactly the pieces MANIFEST lists
    const recorded = (JSON.parse(readFileSync(join(dir, STATE), 'utf8')) as { pieces: Array<{ name: string }> }).pieces.map((p) => p.name);
    expect(recorded).toEqual(readFileSync(join(dir, 'MANIFEST'), 'utf8').split('\n').filter(Boolean));
    expect(readdirSync(dir).filter((n) => n.startsWith('.mds-tmp'))).toEqual([]);
  });
});
