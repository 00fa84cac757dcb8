// The documented pipelines, in a real shell with the built bin on PATH.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@rclone-b2/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../src/main.js';
import { expectedReport, formatHuman, makeFixture, parseReport } from './helpers.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/tar-ls-du.js');
let parent: string;
let root: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  parent = mkdtempSync(join(tmpdir(), 'tar-ls-du-pipe-'));
  root = makeFixture(parent);
  const binDir = join(parent, 'bin');
  mkdirSync(binDir);
  symlinkSync(bin, join(binDir, 'tar-ls-du'));
  writeFileSync(join(parent, 'rclone.conf'), '');
  await execa('tar', ['-C', parent, '-cf', join(parent, 'fix.tar'), 'fix']);
  env = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, LC_ALL: 'C', RCLONE_CONFIG: join(parent, 'rclone.conf') };
});
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const sh = (script: string) => execa('bash', ['-o', 'pipefail', '-c', script], { cwd: parent, env, reject: false });

describe('pipelines', () => {
  it('rclone ls DIR | tar-ls-du --rclone | sort -n', async () => {
    const result = await sh('rclone ls fix 2>/dev/null | tar-ls-du --rclone | sort -n');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    const sizes = lines.map((l) => Number(l.split('\t')[0]));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(parseReport(result.stdout)).toEqual(expectedReport(root, { prefix: '', symlinks: 'absent', emptyDirs: false, dirOwnSize: false }));
  });

  it('tar tvf X | tar-ls-du', async () => {
    const result = await sh('tar tvf fix.tar | tar-ls-du');
    expect(result.exitCode).toBe(0);
    const expected = expectedReport(root, { prefix: 'fix', symlinks: 'zero', emptyDirs: true, dirOwnSize: false });
    expect(result.stdout.split('\n')[0]).toBe(`${expected.get('fix')}\tfix`);
    expect(parseReport(result.stdout)).toEqual(expected);
  });

  it('ls -lR DIR | tar-ls-du -h --top 10', async () => {
    const result = await sh('ls -lR fix | tar-ls-du -h --top 10');
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(10);
    const total = expectedReport(root, { prefix: 'fix', symlinks: 'lstat', emptyDirs: true, dirOwnSize: false }).get('fix') ?? 0;
    expect(lines[0]).toBe(`${formatHuman(total)}\tfix`);
    expect(lines[1]).toMatch(/^\d+(\.\d)?K\tfix\/l1$/);
  });

  it('tar-ls-du | head -1 ends quietly (EPIPE is a normal end)', async () => {
    let listing = '';
    for (let i = 0; i < 300_000; i += 1) listing += `${String(i).padStart(9)} dir${i % 997}/file ${i}\n`;
    writeFileSync(join(parent, 'big.txt'), listing);
    const result = await sh('tar-ls-du --rclone big.txt | head -1; echo "status=${PIPESTATUS[0]}"');
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([expect.stringMatching(/^\d+\tdir\d+$/), 'status=0']);
    // A slow reader: many waits for 'drain', no listener leak warnings, every line arrives.
    const slow = await sh('tar-ls-du --rclone big.txt | (sleep 0.5; wc -l)');
    expect(slow.stderr).toBe('');
    expect(slow.stdout.trim()).toBe(String(300_000 + 997));
  });

  it('a long report printed by two threads (the bundled worker) is byte-identical to one thread, to a file and to a pipe', async () => {
    expect(existsSync(join(dirname(bin), '../bundle/du-text-print-worker.mjs'))).toBe(true);
    let listing = '';
    for (let i = 0; i < 320_000; i += 1) listing += `${String((i * 7919) % 100_003).padStart(9)} d${i % 61}/e${i % 7}/tab\tname\\${i}\n`;
    writeFileSync(join(parent, 'long.txt'), listing);
    const one = await sh('RCLONE_B2_DU_THREADS=0 tar-ls-du --rclone long.txt > one.txt && tar-ls-du --rclone long.txt > two.txt && tar-ls-du --rclone -h long.txt | cat > two-h.txt && RCLONE_B2_DU_THREADS=0 tar-ls-du --rclone -h long.txt > one-h.txt');
    expect(one).toMatchObject({ exitCode: 0, stderr: '' });
    const [a, b, ah, bh] = ['one.txt', 'two.txt', 'one-h.txt', 'two-h.txt'].map((f) => readFileSync(join(parent, f)));
    expect((a as Buffer).length).toBeGreaterThan(5_000_000);
    expect((b as Buffer).equals(a as Buffer)).toBe(true);
    expect((bh as Buffer).equals(ah as Buffer)).toBe(true);
    expect((a as Buffer).toString('latin1')).toContain('\\t');
  });

  it('a listing of 32 MiB or more (its columns mapped ahead by the bundled toucher thread) gives the report read by one thread', async () => {
    expect(existsSync(join(dirname(bin), '../bundle/du-page-toucher-worker.mjs'))).toBe(true);
    const lines: string[] = [];
    let bytes = 0;
    for (let i = 0; bytes < 33 << 20; i += 1) {
      const line = `${String((i * 7919) % 100_003).padStart(9)} Photos/${2000 + (i % 25)}/album ${i % 4001}/sub\\dir ${i % 3}/IMG_${i} (copy).jpg\n`;
      lines.push(line);
      bytes += line.length;
    }
    writeFileSync(join(parent, 'large.txt'), lines.join(''));
    const run = await sh('RCLONE_B2_DU_THREADS=0 tar-ls-du --rclone large.txt > large-one.txt && tar-ls-du --rclone large.txt > large-two.txt');
    expect(run).toMatchObject({ exitCode: 0, stderr: '' });
    const [one, two] = ['large-one.txt', 'large-two.txt'].map((f) => readFileSync(join(parent, f)));
    expect((one as Buffer).length).toBeGreaterThan(30 << 20);
    expect((two as Buffer).equals(one as Buffer)).toBe(true);
  });

  it('--version prints the version through a real process', async () => {
    expect(await sh('tar-ls-du --version')).toMatchObject({ exitCode: 0, stdout: VERSION, stderr: '' });
  });

  it('--csv through a real process (its writer is loaded on demand)', async () => {
    const result = await sh('printf "5 a/b\\n7 a/c,d\\n" | tar-ls-du --rclone --csv');
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toBe('size,path,type\n12,a,dir\n7,"a/c,d",file\n5,a/b,file');
  });

  // Seeded, not /dev/urandom: random input that happened to open with `{` once passed for lsjson.
  it.each([
    ['binary garbage', ''],
    ['binary garbage opening with `{`', '{'],
  ])('%s through a real process: one message, exit 1, no crash', async (_label, head) => {
    writeFileSync(join(parent, 'garbage.bin'), Buffer.concat([Buffer.from(head), seededBytes(200_000, 20261206)]));
    const result = await sh('cat garbage.bin | tar-ls-du');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tar-ls-du: \(stdin\): unknown listing format \(first line ".*"…?\); force one with --ls/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

/** Garbage that is the same on every run. */
function seededBytes(length: number, seed: number): Buffer {
  const random = seededRandom(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}
