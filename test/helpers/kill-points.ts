// Seeded kill points for the SIGKILL tests of mysql-dump-splitter and mongo-incremental-export:
// the real bin runs under node with kill-after-writes.mjs preloaded, which SIGKILLs it just
// before its Nth file-system change (or counts the changes of a whole run).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { seededRandom } from '@rclone-b2/core';

export const KILL_HOOK = join(dirname(fileURLToPath(import.meta.url)), 'kill-after-writes.mjs');

/** count distinct kill points in [0, total), chosen by seed, ascending. */
export function killPoints(total: number, count: number, seed: number): number[] {
  const random = seededRandom(seed);
  const all = Array.from({ length: total }, (_, i) => i);
  for (let i = all.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, Math.min(count, total)).sort((x, y) => x - y);
}

/** Runs `node BIN ARGS` with the hook: killed just before change number kill + 1. */
export function runKilled(bin: string, args: readonly string[], kill: number): Promise<Result> {
  return execa(process.execPath, ['--import', KILL_HOOK, bin, ...args], { reject: false, env: { KILL_AFTER_WRITES: String(kill) } });
}

/** How many file-system changes a complete run of `node BIN ARGS` makes. */
export async function countWrites(bin: string, args: readonly string[]): Promise<{ writes: number; result: Result }> {
  const countFile = join(tmpdir(), `kill-count-${process.pid}-${Date.now()}`);
  const result = await execa(process.execPath, ['--import', KILL_HOOK, bin, ...args], {
    reject: false,
    env: { KILL_AFTER_WRITES: 'count', KILL_COUNT_FILE: countFile },
  });
  const writes = Number(readFileSync(countFile, 'utf8'));
  rmSync(countFile, { force: true });
  return { writes, result };
}

/** Runs task over items, `parallel` at a time (the runs mostly wait for node to start and for fsync). */
export async function inBatches<T>(items: readonly T[], parallel: number, task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += parallel) await Promise.all(items.slice(i, i + parallel).map(task));
}
