// A run killed at any moment (a real SIGKILL, no clean-up) leaves a directory whose MANIFEST
// restores either the old dump or the new one, never a mix, every listed piece intact and
// recorded in the state file (so `mysql-dump-join --check` passes); the
// next run finishes the job. The kill points are seeded: the real bin runs with a preloaded
// fault injector (test/helpers/kill-after-writes.mjs at the repository root) that SIGKILLs
// the process just before its Nth file-system change.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirLockPath } from '../src/dir-lock.js';
import { joinPieces } from '../src/join.js';
import { joinDir, piecesAndManifest, runSplitter } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';
import { countWrites, inBatches, killPoints, runKilled } from '../../../test/helpers/kill-points.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'mysql-dump-splitter.js');
const ARGS = ['--piece-size', '1K'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-crash-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function runBin(dir: string, file: string, kill: number) {
  return runKilled(BIN, ['--out', dir, ...ARGS, file], kill);
}

async function writesOf(file: string, prepare: (dir: string) => Promise<void>): Promise<number> {
  const dir = join(work, 'count');
  rmSync(dir, { recursive: true, force: true });
  await prepare(dir);
  const { writes, result } = await countWrites(BIN, ['--out', dir, ...ARGS, file]);
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return writes;
}

/** Pieces that fail `mysql-dump-join --check`: damaged, or listed without a recorded SHA-256. */
async function check(dir: string): Promise<string[]> {
  const summary = await joinPieces({ dir, check: true }, new Writable({ write: (_c, _e, cb) => cb() }));
  return [...summary.bad, ...summary.unverified];
}

const rows = (n: number, text: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => row(i + 1, text(i + 1)));
const OLD = makeDump([
  { name: 'a', rows: rows(150, (i) => `a ${i}`) },
  { name: 'b', rows: rows(60, (i) => `b ${i}`) },
  { name: 'c', rows: rows(40, (i) => `c ${i}`) },
], 'skip');
const NEW = makeDump([
  { name: 'a', rows: rows(170, (i) => (i % 37 === 0 ? `a ${i} changed` : `a ${i}`)) },
  { name: 'c', rows: rows(40, (i) => `c ${i}`) },
  { name: 'd', rows: rows(50, (i) => `d ${i}`) },
], 'skip');

describe('SIGKILL at seeded points', () => {
  it.each([
    ['an update (changed, added and removed tables)', 40, 1205, true],
    ['a first run into a new directory', 15, 2026, false],
  ])('%s: at every kill point the directory joins to the old or the new dump, and the next run gives the new one', async (_name, count, seed, update) => {
    const oldFile = join(work, 'old.sql');
    const newFile = join(work, 'new.sql');
    writeFileSync(oldFile, OLD);
    writeFileSync(newFile, NEW);
    const prepare = async (dir: string): Promise<void> => {
      if (update) expect((await runSplitter(['--out', dir, ...ARGS, oldFile])).code).toBe(0);
    };
    const total = await writesOf(newFile, prepare);
    expect(total).toBeGreaterThan(count);
    const seen = { old: 0, new: 0, none: 0 };
    const points = killPoints(total, count, seed);
    const one = async (kill: number): Promise<void> => {
      const dir = join(work, `k${seed}-${kill}`);
      await prepare(dir);
      const killed = await runBin(dir, newFile, kill);
      expect(killed.signal, `kill point ${kill}: ${String(killed.stderr)}`).toBe('SIGKILL');
      if (!existsSync(join(dir, 'MANIFEST'))) {
        expect(update, `kill point ${kill}: MANIFEST lost`).toBe(false);
        seen.none += 1;
      } else {
        const joined = (await joinDir(dir)).toString();
        expect(joined === OLD || joined === NEW, `kill point ${kill}: a mix of old and new`).toBe(true);
        if (joined === OLD) seen.old += 1;
        else seen.new += 1;
        expect(await check(dir), `kill point ${kill}`).toEqual([]);
      }
      const rerun = await runSplitter(['--out', dir, ...ARGS, newFile]);
      expect(rerun.code, `kill point ${kill}: ${rerun.err}`).toBe(0);
      expect((await joinDir(dir)).toString() === NEW, `kill point ${kill}: re-run`).toBe(true);
      const { files, manifest } = piecesAndManifest(dir);
      expect(files, `kill point ${kill}: stale pieces`).toEqual(manifest);
      expect(readdirSync(dir).filter((n) => n.startsWith('.mds-tmp')), `kill point ${kill}: temporary files`).toEqual([]);
      expect(existsSync(dirLockPath(dir))).toBe(false);
      rmSync(dir, { recursive: true, force: true });
    };
    await inBatches(points, 4, one);
    // the points span the whole run: some before the switch to the new MANIFEST, some after
    expect(seen.new).toBeGreaterThan(0);
    expect(update ? seen.old : seen.none).toBeGreaterThan(0);
  }, 240_000);
});
