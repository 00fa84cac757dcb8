import { lstatSync, mkdirSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIO, runInMemory } from '@rclone-b2/core/testing';
import { fsPath, nameFromBytes, unescapeName } from '@rclone-b2/core';
import { main } from '../src/main.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the tool in-process with memory streams, errors mapped as runTool maps them. */
export async function run(argv: string[], stdin: string | Buffer = '', cwd = '/'): Promise<RunResult> {
  const { code, out, err } = await runInMemory('tar-ls-du', main, argv, memoryIO({ stdin, cwd }));
  return { code, stdout: out, stderr: err };
}

/** `SIZE<TAB>PATH` lines → Map path (`ls -b` escapes undone) → size (fails on duplicates). */
export function parseReport(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    const path = unescapeName(line.slice(tab + 1));
    if (map.has(path)) throw new Error(`duplicate path in report: ${path}`);
    map.set(path, Number(line.slice(0, tab)));
  }
  return map;
}

/** True when sizes never increase and equal sizes are in path order. */
export function isReportOrder(text: string): boolean {
  const rows = text
    .split('\n')
    .filter(Boolean)
    .map((l) => [Number(l.slice(0, l.indexOf('\t'))), l.slice(l.indexOf('\t') + 1)] as const);
  return rows.every((row, i) => {
    const prev = rows[i - 1];
    return !prev || prev[0] > row[0] || (prev[0] === row[0] && prev[1] < row[1]);
  });
}

export const LONG_NAME = `long-${'n'.repeat(195)}`;

/**
 * The awkward fixture: spaces, unicode, a leading dash, a 200-character name, a
 * backslash, 0-byte files, symlinks to a file and a directory, an empty directory,
 * 6 directory levels, and a file dated 2020 (ls prints `Jan  1  2020` for it).
 */
export function makeFixture(parent: string): string {
  const root = join(parent, 'fix');
  const file = (rel: string, size: number): void => {
    writeFileSync(join(root, rel), Buffer.alloc(size, 0x78));
  };
  mkdirSync(join(root, 'l1/l2/l3/l4/l5/l6'), { recursive: true });
  mkdirSync(join(root, 'empty dir'));
  file('with  two spaces.txt', 13);
  file('ünïcødé 日本.txt', 321);
  file('-leading-dash', 7);
  file(LONG_NAME, 1000);
  file('empty-0', 0);
  file('back\\slash', 3);
  file('l1/zero', 0);
  file('l1/old.txt', 42);
  file('l1/l2/mid file.txt', 500);
  file('l1/l2/l3/l4/l5/l6/deep file.bin', 70_000);
  file('l1/l2/l3/l4/l5/l6/-x', 1);
  symlinkSync('with  two spaces.txt', join(root, 'sym-file'));
  symlinkSync('l2', join(root, 'l1/sym-dir'));
  const old = new Date('2020-01-01T12:00:00Z');
  utimesSync(join(root, 'l1/old.txt'), old, old);
  return root;
}

export interface ExpectOptions {
  /** Path prefix of the listing ('' for rclone, which lists relative to its root). */
  prefix: string;
  /** How symlinks appear: with their lstat size (ls, du), as 0 (tar), or not at all (rclone). */
  symlinks: 'lstat' | 'zero' | 'absent';
  /** Whether directories without files are listed (not by `rclone ls`). */
  emptyDirs: boolean;
  /** Whether directories count their own st_size (du -ab). */
  dirOwnSize: boolean;
}

/**
 * The expected report, computed independently from the filesystem with lstat:
 * every entry's size added to itself and each ancestor directory.
 */
export function expectedReport(root: string, options: ExpectOptions): Map<string, number> {
  const totals = new Map<string, number>();
  const join2 = (a: string, b: string): string => (a === '' ? b : `${a}/${b}`);
  const addUp = (path: string, size: number): void => {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i += 1) {
      const p = parts.slice(0, i).join('/');
      totals.set(p, (totals.get(p) ?? 0) + size);
    }
  };
  const walk = (dir: string, rel: string): boolean => {
    let hasFile = false;
    // Names as bytes (nameFromBytes): two names that differ only in bytes that are not UTF-8 stay two.
    for (const name of readdirSync(fsPath(dir), { encoding: 'buffer' }).map(nameFromBytes)) {
      const full = join(dir, name);
      const path = join2(rel, name);
      const st = lstatSync(fsPath(full));
      if (st.isDirectory()) {
        const sub = walk(full, path);
        if (sub || options.emptyDirs) {
          if (!totals.has(path)) addUp(path, 0);
          hasFile = true;
        }
        if (options.dirOwnSize) addUp(path, st.size);
      } else if (st.isSymbolicLink()) {
        if (options.symlinks !== 'absent') {
          addUp(path, options.symlinks === 'lstat' ? st.size : 0);
          hasFile = true;
        }
      } else {
        addUp(path, st.size);
        hasFile = true;
      }
    }
    return hasFile;
  };
  walk(root, options.prefix);
  if (options.prefix !== '') {
    if (!totals.has(options.prefix)) totals.set(options.prefix, 0);
    if (options.dirOwnSize) addUp(options.prefix, lstatSync(root).size);
  }
  return totals;
}

export { formatSize as formatHuman } from '@rclone-b2/core';
