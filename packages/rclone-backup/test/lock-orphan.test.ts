// rclone-backup killed outright (SIGKILL) mid-sync, through its real bin: its rclone goes on
// (reparented), carrying the lock's marker, so a second run of the config refuses (exit 3)
// and names that rclone until it is gone; then the next run completes the backup.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from './helpers.js';
import { processEnded } from '@rclone-b2/core/testing';

const bin = fileURLToPath(new URL('../bin/rclone-backup.js', import.meta.url));
const dir = tempDir('rb-lock-orphan-');
const strays: number[] = [];
afterAll(() => {
  for (const pid of strays) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  cleanup(dir);
});

/** The `rclone sync` (not a dry run) that `parent` started, from /proc. */
function rcloneSyncOf(parent: number): number | undefined {
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (ppid === parent && argv.includes('sync') && !argv.includes('--dry-run') && stat.includes('(rclone)')) return Number(entry);
    } catch {
      // ended meanwhile
    }
  }
  return undefined;
}

async function waitFor<T>(what: string, probe: () => T | undefined, ms = 30_000): Promise<T> {
  for (const until = Date.now() + ms; Date.now() < until; await new Promise((r) => setTimeout(r, 25))) {
    const value = probe();
    if (value !== undefined) return value;
  }
  throw new Error(`timed out waiting for ${what}`);
}

function start(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<{ code: number | null; err: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const done = new Promise<{ code: number | null; err: string }>((resolve) => child.on('close', (code) => resolve({ code, err })));
  return { child, done };
}

describe.runIf(process.platform === 'linux')('rclone-backup killed with SIGKILL mid-sync', () => {
  it('the orphaned rclone keeps the lock: a second run exits 3 naming it; once it is gone the next run completes', async () => {
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    const locks = join(dir, 'locks');
    await mkdir(src, { recursive: true });
    await mkdir(locks);
    await writeFile(join(src, 'big.bin'), Buffer.alloc(4 * 1024 * 1024, 7));
    await writeFile(join(src, 'small.txt'), 'small\n');
    const conf = join(dir, 'orphan.conf');
    await writeFile(conf, `[default]\nsource = ${src}\ndestination = ${dst}\n`);

    // rclone honours RCLONE_BWLIMIT: 4 MiB at 64 KiB/s keeps the sync busy for a minute.
    const first = start([conf, '--lock-dir', locks], { RCLONE_BWLIMIT: '64k' });
    const rclone = await waitFor('rclone sync to start', () => rcloneSyncOf(first.child.pid!));
    strays.push(rclone);
    // Past rclone's start-up notices: written to the dead run's pipe, one would end rclone (SIGPIPE).
    await waitFor('rclone to copy', () => (existsSync(dst) && readdirSync(dst).length > 0 ? true : undefined));
    const lock = join(
      locks,
      readdirSync(locks).find((name) => name.endsWith('.lock'))!,
    );
    // The marker: the lock's path and its holder, the run we are about to kill.
    const holder = readFileSync(lock, 'utf8');
    const startTime = /^start (\d+)$/m.exec(holder)?.[1];
    const markers = readFileSync(`/proc/${rclone}/environ`, 'utf8')
      .split('\0')
      .filter((v) => v.startsWith('RCLONE_B2_LOCK_'));
    expect(markers.map((v) => v.slice(v.indexOf('=') + 1))).toEqual([`${lock}\t${first.child.pid} ${startTime}`]);

    first.child.kill('SIGKILL');
    await first.done;
    expect(processEnded(rclone)).toBe(false);

    const second = await start([conf, '--lock-dir', locks]).done;
    expect(second).toEqual({
      code: 3,
      err: `rclone-backup: backup orphan is already running: process ${rclone} (rclone, started by the killed run ${first.child.pid}) still works on it (${lock})\n`,
    });
    // The refusal changed nothing: the orphan still works under the dead run's lock.
    expect(processEnded(rclone)).toBe(false);
    expect(readFileSync(lock, 'utf8')).toBe(holder);

    process.kill(rclone, 'SIGKILL');
    await waitFor('the orphaned rclone to end', () => (processEnded(rclone) ? true : undefined), 10_000);
    const third = await start([conf, '--lock-dir', locks]).done;
    expect(third.code).toBe(0);
    // Buffer.equals: vitest's deep equality walks 4 MiB byte by byte.
    expect((await readFile(join(dst, 'big.bin'))).equals(await readFile(join(src, 'big.bin')))).toBe(true);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);
});
