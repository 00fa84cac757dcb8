// The PID lock under contention, through separate processes racing for the same stale
// lock file, and its stale-lock rules (dead holder, reused PID, live holder).
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirePidLock } from '../src/index.js';
import { formatIdentity, parseIdentity, processStartTime } from '../src/lock/process-identity.js';

const contenderScript = fileURLToPath(new URL('./fixtures/lock-contender.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pid-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A PID that just ended: no process has it (a freshly reused one would still fail the start-time check). */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

interface Answer {
  path: string;
  won: boolean;
  exitCode?: number;
  message?: string;
}

async function startContenders(count: number): Promise<ChildProcess[]> {
  const children = Array.from({ length: count }, () => fork(contenderScript, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] }));
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('message', resolve))));
  return children;
}

/** One round: a stale lock, then every contender told to go at once; resolves with every answer. */
async function round(children: ChildProcess[], path: string, stalePid: number): Promise<Answer[]> {
  // The recorded start time makes the PID stale even if a new process has reused it since.
  await writeFile(path, formatIdentity({ pid: stalePid, start: '1' }));
  const answers = children.map((child) => new Promise<Answer>((resolve) => child.once('message', (m) => resolve(m as Answer))));
  for (const child of children) child.send({ path });
  return Promise.all(answers);
}

async function stress(contenders: number, rounds: number): Promise<void> {
  const children = await startContenders(contenders);
  const stalePid = deadPid();
  const started = Date.now();
  try {
    for (let r = 0; r < rounds; r++) {
      const path = join(dir, `c${contenders}-r${r}.lock`);
      const answers = await round(children, path, stalePid);
      const winners = answers.filter((a) => a.won);
      expect(winners, `round ${r}: ${winners.length} winners`).toHaveLength(1);
      for (const loser of answers.filter((a) => !a.won)) expect(loser, `round ${r}`).toMatchObject({ exitCode: 3, message: expect.stringMatching(/^busy \d+$/) });
      // The lock names the one winner, and no temporary or claim file is left behind.
      const holder = parseIdentity(await readFile(path, 'utf8'));
      expect(children.map((c) => c.pid)).toContain(holder?.pid);
      expect((await readdir(dir)).filter((n) => n.startsWith(`c${contenders}-r${r}.lock`))).toEqual([`c${contenders}-r${r}.lock`]);
    }
    console.log(`${contenders} contenders x ${rounds} rounds: ${Date.now() - started} ms`);
  } finally {
    for (const child of children) child.kill();
  }
}

describe('acquirePidLock under contention (separate processes, one stale lock)', () => {
  it('exactly one of 10 contenders wins, 200 rounds in a row', () => stress(10, 200), 120_000);
  it('exactly one of 200 contenders wins, 10 rounds in a row', () => stress(200, 10), 300_000);
});

describe('acquirePidLock stale-lock rules', () => {
  it('refuses a live holder (exit 3) and leaves its lock alone', async () => {
    const path = join(dir, 'live.lock');
    const content = formatIdentity({ pid: process.ppid, start: processStartTime(process.ppid) });
    await writeFile(path, content);
    await expect(acquirePidLock(path, (pid) => `busy ${pid}`)).rejects.toMatchObject({ exitCode: 3, message: `busy ${process.ppid}` });
    expect(await readFile(path, 'utf8')).toBe(content);
  });

  it('refuses an old-style lock (PID only) of a live process', async () => {
    const path = join(dir, 'old-live.lock');
    await writeFile(path, `${process.ppid}\n`);
    await expect(acquirePidLock(path, (pid) => `busy ${pid}`)).rejects.toMatchObject({ exitCode: 3 });
  });

  it.each([
    ['a dead process', () => formatIdentity({ pid: deadPid() })],
    ['a dead process (old-style, PID only)', () => `${deadPid()}\n`],
    ['a reused PID (live process, other start time)', () => formatIdentity({ pid: process.ppid, start: '1' })],
  ])('takes over the lock of %s, records itself, and releases', async (_label, content) => {
    const path = join(dir, `stale-${Math.random()}.lock`);
    await writeFile(path, content());
    const release = await acquirePidLock(path, () => 'busy');
    expect(parseIdentity(await readFile(path, 'utf8'))).toEqual({ pid: process.pid, start: processStartTime(process.pid), host: expect.any(String) });
    await release();
    await expect(readFile(path, 'utf8')).rejects.toThrow();
  });

  it('a lock from another host is never judged by our process table', async () => {
    const path = join(dir, 'remote.lock');
    await writeFile(path, formatIdentity({ pid: deadPid(), start: '1', host: 'some-other-host.invalid' }));
    await expect(acquirePidLock(path, () => 'busy')).rejects.toMatchObject({ exitCode: 3 });
  });

  it('release never removes a lock that is no longer its own', async () => {
    const path = join(dir, 'replaced.lock');
    const release = await acquirePidLock(path, () => 'busy');
    // Replaced (by hand, or a mistaken take-over): on tmpfs the new file may even reuse the inode number.
    await rm(path);
    await writeFile(path, formatIdentity({ pid: process.ppid }));
    await release();
    expect(await readFile(path, 'utf8')).toBe(formatIdentity({ pid: process.ppid }));
  });

  it('reads the start time of a process from /proc (command names with spaces and parentheses)', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(deadPid())).toBeUndefined();
  });
});
