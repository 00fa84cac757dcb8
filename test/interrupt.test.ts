// Stopping a tool that changes things, through its real bin: SIGTERM/SIGINT mid-sync ends the
// child rclone, releases the lock, exits 128+N with one line and no stack trace, and the
// next run completes the backup; a closed stdout under a changing run is status 1.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { lockPathFor } from '@rclone-b2/core';
import { startEmulator } from 'b2-emulator';
import { writeRcloneTestConfig } from 'b2-emulator/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../packages/rclone-backup/bin/rclone-backup.js', import.meta.url));
let dir: string;
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'interrupt-'));
});

/** The child processes of `pid` named `name`, from /proc. */
function childrenNamed(pid: number, name: string): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).flatMap((e) => {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid && comm === name ? [Number(e)] : [];
    } catch {
      return [];
    }
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 60_000): Promise<T> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 50))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface Finished {
  code: number | null;
  err: string;
}

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, err })));
  return { child, done };
}

async function backupSetup(name: string): Promise<{ conf: string; src: string; dst: string; locks: string }> {
  const root = join(dir, name);
  const src = join(root, 'src');
  const dst = join(root, 'dst');
  const locks = join(root, 'locks');
  await mkdir(src, { recursive: true });
  await mkdir(locks);
  await writeFile(join(src, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
  await writeFile(join(src, 'small.txt'), 'small\n');
  const conf = join(root, `${name}.conf`);
  await writeFile(conf, `[default]\nsource = ${src}\ndestination = ${dst}\n`);
  return { conf, src, dst, locks };
}

describe('rclone-backup stopped by a signal mid-sync', () => {
  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s: rclone is gone, the lock is released, status %d, one line; the next run completes', async (signal, status) => {
    const t = await backupSetup(signal);
    // rclone honours RCLONE_BWLIMIT: 4 MiB at 64 KiB/s keeps the sync busy for a minute.
    const run = start([t.conf, '--lock-dir', t.locks], { RCLONE_BWLIMIT: '64k' });
    const rclone = await waitFor('rclone to start', () => childrenNamed(run.child.pid!, 'rclone')[0]);
    await new Promise((r) => setTimeout(r, 500));
    run.child.kill(signal);
    const result = await run.done;
    expect(result.code).toBe(status);
    expect(result.err).toBe(`rclone-backup: ${signal} received; stopping after the current step (again to stop at once)\n`);
    expect(existsSync(`/proc/${rclone}`)).toBe(false);
    expect(readdirSync(t.locks)).toEqual([]);

    const again = start([t.conf, '--lock-dir', t.locks]);
    expect((await again.done).code).toBe(0);
    // Buffer.equals: vitest's deep equality walks 4 MiB byte by byte.
    expect((await readFile(join(t.dst, 'big.bin'))).equals(await readFile(join(t.src, 'big.bin')))).toBe(true);
    expect(await readFile(join(t.dst, 'small.txt'), 'utf8')).toBe('small\n');
  }, 120_000);

  it('a second signal ends the run at once, rclone included', async () => {
    const t = await backupSetup('twice');
    const run = start([t.conf, '--lock-dir', t.locks], { RCLONE_BWLIMIT: '64k' });
    const rclone = await waitFor('rclone to start', () => childrenNamed(run.child.pid!, 'rclone')[0]);
    run.child.kill('SIGTERM');
    run.child.kill('SIGTERM');
    const result = await run.done;
    expect(result.code).toBe(143);
    expect(result.err).not.toMatch(/^\s+at /m);
    await waitFor('rclone to end', () => (existsSync(`/proc/${rclone}`) ? undefined : true), 10_000);
  }, 120_000);
});

describe('standard output closed under a changing run', () => {
  it('rclone-backup --json with stdout closed: the sync finishes, status 1, one line', async () => {
    const t = await backupSetup('closed');
    const child = spawn(process.execPath, [bin, t.conf, '--json', '--lock-dir', t.locks], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.destroy();
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('rclone-backup: standard output was closed; stopping\n');
    expect(code).toBe(1);
    expect(await readFile(join(t.dst, 'small.txt'), 'utf8')).toBe('small\n');
    // The lock is released; the finished sync leaves only its special-files cache beside it.
    expect(readdirSync(t.locks).filter((name) => !name.endsWith('.specials.json'))).toEqual([]);
  }, 60_000);

  it('rclone-backup --ls | head (read-only listing) ends quietly with status 0', async () => {
    const t = await backupSetup('ls');
    for (let i = 0; i < 3000; i++) await writeFile(join(t.src, `f${i}.txt`), 'x');
    const child = spawn(process.execPath, [bin, t.conf, '--ls'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.once('data', () => child.stdout!.destroy());
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, err }).toEqual({ code: 0, err: '' });
  }, 60_000);
});

describe('mysql-dump-splitter stopped by a signal while reading stdin', () => {
  const splitter = fileURLToPath(new URL('../packages/mysql-dump-splitter/bin/mysql-dump-splitter.js', import.meta.url));
  const rows = (value: string): string => Array.from({ length: 2000 }, (_, i) => `(${i},'${value}')`).join(',');
  const dump = (value: string): string =>
    '-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: localhost    Database: db\n\n' +
    'DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (\n  `id` int NOT NULL,\n  `v` text,\n  PRIMARY KEY (`id`)\n);\n' +
    `INSERT INTO \`t\` VALUES ${rows(value)};\n`.repeat(3) +
    '-- Dump completed on 2024-01-01  0:00:00\n';
  const tree = (root: string): Record<string, string> =>
    Object.fromEntries(readdirSync(root).sort().map((name) => [name, readFileSync(join(root, name), 'utf8')]));

  it('SIGTERM mid-input: status 143, the directory exactly as before, no lock or temporary file left', async () => {
    const out = join(dir, 'split-out');
    const first = spawn(process.execPath, [splitter, '--out', out, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    first.stdin!.end(dump('old'));
    expect(await new Promise((resolve) => first.on('close', resolve))).toBe(0);
    const before = tree(out);

    const child = spawn(process.execPath, [splitter, '--out', out, '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    const text = dump('new');
    child.stdin!.write(text.slice(0, text.length / 2)); // stdin stays open: the run waits for more
    // the lock lives outside the directory (an unchanged run must not touch its mtime)
    await waitFor('the lock to be taken', () => (existsSync(lockPathFor('mysql-dump-splitter', out)) ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(143);
    expect(err).toBe('mysql-dump-splitter: SIGTERM received; stopping after the current step (again to stop at once)\n');
    expect(tree(out)).toEqual(before);
    expect(existsSync(lockPathFor('mysql-dump-splitter', out))).toBe(false);
  }, 60_000);
});

describe('encrypted-cleanup stopped by SIGTERM mid-deletion', () => {
  it('status 143 with one line, deletions stop, the bucket stays consistent and a rerun finishes', async () => {
    const emulator = await startEmulator({});
    try {
      const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'cleanup-conf'), bucket: 'cleanup-sigterm' });
      const src = join(dir, 'cleanup-src');
      await mkdir(join(src, 'docs'), { recursive: true });
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 20; i++) await writeFile(join(src, 'docs', `f${i}.txt`), `round ${round} file ${i}`);
        await execa('rclone', ['--config', config.configPath, 'sync', src, 'secret:']);
      }
      const deletes = (): number => emulator.stats.get('b2_delete_file_version') ?? 0;
      // 40 old versions, one at a time, 150 ms each: the run is busy for ~6 s.
      emulator.setFaults([{ kind: 'latency', ms: 150, calls: ['b2_delete_file_version'] }]);
      const env = { ...process.env, RCLONE_CONFIG: config.configPath };
      const tool = fileURLToPath(new URL('../packages/encrypted-cleanup/bin/encrypted-cleanup.js', import.meta.url));
      const child = spawn(process.execPath, [tool, '--transfers', '1', 'secret', 'docs'], { stdio: ['ignore', 'ignore', 'pipe'], env });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      await waitFor('deletions to start', () => (deletes() >= 3 ? true : undefined), 60_000);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(143);
      expect(err.split('\n')[0]).toBe('encrypted-cleanup: SIGTERM received; stopping after the current step (again to stop at once)');
      expect(err).not.toMatch(/^\s+at /m);
      const stopped = deletes();
      expect(stopped).toBeLessThan(40);
      await new Promise((r) => setTimeout(r, 500));
      expect(deletes()).toBe(stopped); // nothing still deleting after the exit
      // Every file still shows its newest content, and a rerun deletes the rest.
      emulator.setFaults([]);
      for (let i = 0; i < 20; i++) {
        expect((await execa('rclone', ['--config', config.configPath, 'cat', `secret:docs/f${i}.txt`])).stdout).toBe(`round 2 file ${i}`);
      }
      const rerun = await execa('node', [tool, 'secret', 'docs'], { env, reject: false });
      expect(rerun.exitCode, rerun.stderr).toBe(0);
      expect(deletes()).toBe(40);
    } finally {
      await emulator.close();
    }
  }, 120_000);
});
