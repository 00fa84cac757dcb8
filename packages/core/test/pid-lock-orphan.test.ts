// A lock's holder killed outright (SIGKILL) while a child it started under the lock still
// works: real processes, the real /proc. The lock stays busy until that child is gone.
import { fork, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquirePidLock, findMarkedProcess, lockMarkerEnv } from '../src/index.js';
import { currentProcess, formatIdentity, parseIdentity } from '../src/lock/process-identity.js';
import { processEnded } from '../src/testing.js';

const holderScript = fileURLToPath(new URL('./fixtures/lock-holder-with-child.mjs', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pid-lock-orphan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function waitUntil(what: string, probe: () => boolean, ms = 10_000): Promise<void> {
  for (const until = Date.now() + ms; !probe(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
  }
}

const message = (pid: number, child?: { pid: number; name: string }): string => (child ? `busy ${pid}: ${child.name} ${child.pid}` : `busy ${pid}`);

describe.runIf(process.platform === 'linux')('acquirePidLock after its holder was SIGKILLed, its child still at work', () => {
  it('refuses (exit 3, naming the child) while the child lives, and takes the lock once it is gone', async () => {
    const path = join(dir, 'orphan.lock');
    const holder = fork(holderScript, [path], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], execArgv: [] });
    const [{ sleeper }] = (await once(holder, 'message')) as [{ sleeper: number }];
    try {
      holder.kill('SIGKILL');
      await once(holder, 'exit');
      const content = await readFile(path, 'utf8');
      expect(parseIdentity(content)?.pid).toBe(holder.pid);
      await expect(acquirePidLock(path, message)).rejects.toMatchObject({ exitCode: 3, message: `busy ${holder.pid}: sleep ${sleeper}` });
      // Refused twice in a row, and the dead holder's lock left as it was.
      await expect(acquirePidLock(path, message)).rejects.toMatchObject({ exitCode: 3 });
      expect(await readFile(path, 'utf8')).toBe(content);
    } finally {
      process.kill(sleeper, 'SIGKILL');
    }
    await waitUntil('the sleeper to end', () => processEnded(sleeper));
    const release = await acquirePidLock(path, message);
    expect(parseIdentity(await readFile(path, 'utf8'))?.pid).toBe(process.pid);
    await release();
  });

  it("a marker binds one lock and one holder: another lock's, or another holder's, keeps nothing", async () => {
    const other = join(dir, 'other.lock');
    const path = join(dir, 'mine.lock');
    // This process "holds" `other` and `path`; its child carries both markers.
    const child = spawn('sleep', ['30'], { stdio: 'ignore', env: { ...process.env, ...lockMarkerEnv(other), ...lockMarkerEnv(path) } });
    try {
      expect(findMarkedProcess(path, currentProcess())).toEqual({ pid: child.pid, name: 'sleep' });
      expect(findMarkedProcess(other, currentProcess())).toEqual({ pid: child.pid, name: 'sleep' });
      // The same PID with another start time (a dead holder whose PID was reused) is not this holder.
      expect(findMarkedProcess(path, { ...currentProcess(), start: '1' })).toBeUndefined();
      expect(findMarkedProcess(join(dir, 'third.lock'), currentProcess())).toBeUndefined();
      // A stale lock of a dead holder nobody's child carries is taken over at once.
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      await writeFile(path, formatIdentity({ pid: dead, start: '1' }));
      const release = await acquirePidLock(path, message);
      await release();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('lockMarkerEnv: one variable per lock path, naming the path and this process', () => {
    const env = lockMarkerEnv(join(dir, 'x.lock'));
    const { pid, start } = currentProcess();
    expect(Object.entries(env)).toEqual([[expect.stringMatching(/^RCLONE_B2_LOCK_[0-9a-f]{16}$/), `${join(dir, 'x.lock')}\t${pid} ${start}`]]);
    expect(Object.keys(lockMarkerEnv(join(dir, 'y.lock')))).not.toEqual(Object.keys(env));
  });
});
