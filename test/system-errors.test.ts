// Every tool's bin, its standard output on a full disk (/dev/full) or closed early: one plain
// line and status 1 for a failed write, a quiet 0 for `| head` on read-only output, never
// a Node stack trace.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packages = fileURLToPath(new URL('../packages/', import.meta.url));

/** [bin name, path] for every "bin" of every package. */
const bins: [string, string][] = readdirSync(packages).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(join(packages, dir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
  return Object.entries(manifest.bin ?? {}).map(([name, path]): [string, string] => [name, join(packages, dir, path)]);
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  err: string;
}

/** Runs a bin with the given stdout (a file descriptor, or 'pipe' read by `onStdout`). */
function run(bin: string, args: string[], stdout: number | 'pipe', onStdout?: (child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', stdout, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    onStdout?.(child);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

let dir: string;
let listing: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'system-errors-'));
  listing = join(dir, 'listing.txt');
  // ~5 MB of `rclone ls` lines: far more than a pipe buffer, so the output outlives `head`.
  const lines = Array.from({ length: 200_000 }, (_, i) => `${String(i).padStart(9)} dir${i % 5000}/file${i}.bin\n`);
  await writeFile(listing, lines.join(''));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noStack = (err: string): void => {
  expect(err).not.toMatch(/^\s+at /m);
  expect(err).not.toMatch(/node:internal|Error: E[A-Z]+:/);
};

describe('standard output on a full disk (> /dev/full)', () => {
  it('lists every bin', () => expect(bins.map(([name]) => name)).toEqual(expect.arrayContaining(['tar-ls-du', 'b2-prune', 'rclone-backup', 'mysql-dump-splitter'])));

  it.each(bins)('%s --help: one line, status 1', async (name, bin) => {
    const full = openSync('/dev/full', 'w');
    const result = await run(bin, ['--help'], full);
    closeSync(full);
    expect(result.err).toBe(`${name}: cannot write to standard output: no space left on device\n`);
    expect(result.code).toBe(1);
  });

  it('tar-ls-du with a large report: one line, status 1', async () => {
    const full = openSync('/dev/full', 'w');
    const result = await run(bins.find(([n]) => n === 'tar-ls-du')![1], ['--rclone', listing], full);
    closeSync(full);
    noStack(result.err);
    expect(result.err).toBe('tar-ls-du: cannot write to standard output: no space left on device\n');
    expect(result.code).toBe(1);
  });
});

describe('standard output closed early (tool | head)', () => {
  it('read-only tar-ls-du ends quietly with status 0', async () => {
    const result = await run(bins.find(([n]) => n === 'tar-ls-du')![1], ['--rclone', listing], 'pipe', (child) => {
      child.stdout!.once('data', () => child.stdout!.destroy());
    });
    expect(result).toEqual({ code: 0, signal: null, err: '' });
  });
});

describe('system errors in plain words', () => {
  it('a missing input file is named without Node\'s raw message', async () => {
    const result = await run(bins.find(([n]) => n === 'tar-ls-du')![1], ['--rclone', join(dir, 'missing.txt')], 'pipe');
    noStack(result.err);
    expect(result.err).not.toMatch(/ENOENT/);
    expect(result.err).toMatch(/no such file or directory/);
    expect(result.code).not.toBe(0);
  });
});

describe('bad input is answered, not echoed', () => {
  it('tar-ls-du: terminal escape sequences in a bad line are shown escaped, the line cut short', async () => {
    const input = join(dir, 'hostile.txt');
    await writeFile(input, Buffer.concat([Buffer.from('        5 ok/file\n  \x1b]0;owned\x07\x1b[2J\x9b31m'), Buffer.alloc(5000, 0x41), Buffer.from('\n')]));
    const result = await run(bins.find(([n]) => n === 'tar-ls-du')![1], ['--rclone', input], 'pipe');
    expect(result.code).toBe(1);
    // eslint-disable-next-line no-control-regex
    expect(result.err).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
    expect(result.err).toContain('\\x1b]0;owned\\x07\\x1b[2J');
    expect(result.err.length).toBeLessThan(300);
  });
});
