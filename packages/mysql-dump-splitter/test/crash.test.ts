// A run killed at any moment (a real SIGKILL, no clean-up) leaves a directory whose MANIFEST
// restores either the old dump or the new one, never a mix, every listed piece intact; the
// next run finishes the job. The kill points are seeded: the real bin runs with a preloaded
// fault injector (test/helpers/kill-after-writes.mjs at the repository root) that SIGKILLs
// the process just before its Nth file-system change.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirLockPath } from '../src/dir-lock.js';
import { joinPieces } from '../src/join.js';
import { joinDir, piecesAndManifest, runSplitter } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'mysql-dump-splitter.js');
const HOOK = join(here, '..', '..', '..', 'test', 'helpers', 'kill-after-writes.mjs');
const ARGS = ['--piece-size', '1K'];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-crash-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so a failing kill point can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function killPoints(total: number, count: number, seed: number): number[] {
  const random = seeded(seed);
  const all = Array.from({ length: total }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, count).sort((x, y) => x - y);
}

function runBin(dir: string, file: string, kill: number | 'count', countFile = ''): ReturnType<typeof execa> {
  return execa(process.execPath, ['--import', HOOK, BIN, '--out', dir, ...ARGS, file], {
    reject: false,
    env: { KILL_AFTER_WRITES: String(kill), KILL_COUNT_FILE: countFile },
  });
}

async function writesOf(file: string, prepare: (dir: string) => Promise<void>): Promise<number> {
  const dir = join(work, 'count');
  rmSync(dir, { recursive: true, force: true });
  await prepare(dir);
  const countFile = join(work, 'count.txt');
  const result = await runBin(dir, file, 'count', countFile);
  expect(result.exitCode, String(result.stderr)).toBe(0);
  return Number(readFileSync(countFile, 'utf8'));
}

async function check(dir: string): Promise<string[]> {
  const summary = await joinPieces({ dir, check: true }, new Writable({ write: (_c, _e, cb) => cb() }));
  return summary.bad;
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
    // four at a time: the runs mostly wait for node to start and for fsync
    for (let i = 0; i < points.length; i += 4) await Promise.all(points.slice(i, i + 4).map(one));
    // the points span the whole run: some before the switch to the new MANIFEST, some after
    expect(seen.new).toBeGreaterThan(0);
    expect(update ? seen.old : seen.none).toBeGreaterThan(0);
  }, 240_000);
});
