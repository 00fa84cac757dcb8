// b2-prune killed with SIGKILL at 50 seeded points (after a seeded number of its delete
// calls, or a seeded delay while it starts and lists), two kills per copy of the bucket,
// then re-run. At every stop: no live file lost its current version, no deleted file came
// back, and nothing the rules keep (per the independent model) is gone. After the re-run
// the bucket holds exactly what the model keeps.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock, startEmulator } from 'b2-emulator';
import { seededRandom, type B2FileVersion } from '@rclone-b2/core';
import { openWithRetry } from '../support/open.js';
import { run } from '../support/io.js';
import { modelKeep } from '../support/model.js';
import { cloneBucket, configFor, DAY, NOW, PASSWORD, SALT, snapshot, sourceAt, START, type Simulation } from '../support/simulation.js';
import { writeRcloneTestConfig } from 'b2-emulator';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'b2-prune.js');
const SPEC = '1..7,*,30';
const KILLS = 50;
const SEED = 4242;
const FAST = { openBucket: openWithRetry({ baseDelayMs: 20, maxDelayMs: 200, retries: 8 }) };
/** Fewer syncs than the two-year simulation (which the other e2e file builds): enough history, a fraction of the time. */
const DAYS = [0, 60, 120, 180, 240, 320, 400, 480, 560, 640, 690, 705, 715, 722, 726, 728, 729, 730];

let sim: Simulation;
let dir: string;
let policies: string;
let clones = 0;

const visible = (v: B2FileVersion): boolean => v.action === 'upload' || v.action === 'hide';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'b2-prune-kill-'));
  const clock = createClock(START);
  clock.freeze();
  const emulator = await startEmulator({ clock });
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'main'), bucket: 'kill-main', password: PASSWORD, password2: SALT });
  const source = join(dir, 'source');
  for (const [runIndex, d] of DAYS.entries()) {
    for (const [path, content] of Object.entries(sourceAt(runIndex, d))) {
      const file = join(source, path);
      if (content === undefined) await rm(file, { force: true });
      else {
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, content);
      }
    }
    clock.set(START + d * DAY);
    await execa('rclone', ['sync', source, config.cryptPath, '--config', config.configPath], { env: config.env });
  }
  clock.set(NOW);
  sim = { emulator, config, source, dir, close: () => emulator.close() };
  policies = join(dir, 'policies.ini');
  await writeFile(policies, `[policies]\ndefault = ${SPEC}\n`);
}, 180_000);

afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

function kept(before: Map<string, B2FileVersion[]>): Map<string, Set<string>> {
  return new Map([...before].map(([name, versions]) => [name, modelKeep(versions, SPEC, NOW)]));
}

/** The invariants that must hold at any moment of a prune, however it was stopped. */
function checkInvariants(before: Map<string, B2FileVersion[]>, after: Map<string, B2FileVersion[]>, where: string): void {
  const keep = kept(before);
  for (const [name, versions] of before) {
    const now = (after.get(name) ?? []).filter(visible);
    const shownBefore = versions.find(visible);
    const shownAfter = now[0];
    if (shownBefore?.action === 'upload') expect(shownAfter?.fileId, `${where}: current version of ${name}`).toBe(shownBefore.fileId);
    else expect(shownAfter === undefined || shownAfter.action === 'hide', `${where}: ${name} came back`).toBe(true);
    const remaining = new Set(now.map((v) => v.fileId));
    for (const id of keep.get(name) ?? []) expect(remaining.has(id), `${where}: ${name} lost ${id}, which the rules keep`).toBe(true);
  }
}

function remainingIds(after: Map<string, B2FileVersion[]>): Record<string, string[]> {
  return Object.fromEntries([...after].map(([name, versions]) => [name, versions.filter(visible).map((v) => v.fileId).sort()] as const).filter(([, ids]) => ids.length > 0));
}

function keptIds(before: Map<string, B2FileVersion[]>): Record<string, string[]> {
  return Object.fromEntries([...kept(before)].map(([name, ids]) => [name, [...ids].sort()] as const).filter(([, ids]) => ids.length > 0));
}

describe('b2-prune killed at 50 seeded points', () => {
  it('the history gives the prune plenty of deletions to interrupt', () => {
    const before = snapshot(sim.emulator, 'kill-main');
    const all = [...before.values()].flat().filter(visible).length;
    const keep = [...kept(before).values()].reduce((n, s) => n + s.size, 0);
    expect(all - keep).toBeGreaterThanOrEqual(40);
  });

  it(`${KILLS} kills (seed ${SEED}), two per bucket copy, then a re-run: invariants at every stop, the model's result at the end`, async () => {
    const random = seededRandom(SEED);
    const log: string[] = [];
    let landed = 0;
    sim.emulator.setFaults([{ kind: 'latency', ms: 10, calls: ['b2_delete_file_version'] }]);
    try {
      for (let copy = 0; copy < KILLS / 2; copy++) {
        clones += 1;
        const bucket = `kill-clone-${clones}`;
        cloneBucket(sim.emulator, 'kill-main', bucket);
        const config = await configFor(sim, bucket);
        const before = snapshot(sim.emulator, bucket);
        for (let k = 0; k < 2; k++) {
          // a quarter of the kills by time (start-up, listing), the rest after N deletions
          const byTime = random() < 0.25;
          const target = byTime ? Math.floor(50 + random() * 700) : 1 + Math.floor(random() * 30);
          const deletes = (): number => sim.emulator.stats.get('b2_delete_file_version') ?? 0;
          const start = deletes();
          const started = Date.now();
          const child = execa('node', [BIN, '--now', new Date(NOW).toISOString(), '--policy-file', policies, '--rclone-config', config.configPath, '--transfers', '3'], { reject: false });
          let exited = false;
          void child.finally(() => (exited = true));
          while (!exited && (byTime ? Date.now() - started < target : deletes() - start < target)) await new Promise((resolve) => setTimeout(resolve, 2));
          const running = !exited;
          if (running && child.kill('SIGKILL')) landed += 1;
          await child;
          const where = `copy ${copy} kill ${k} ${byTime ? `at ${target} ms` : `after ${target} deletions`}${running ? '' : ' (had finished)'}`;
          log.push(where);
          checkInvariants(before, snapshot(sim.emulator, bucket), where);
        }
        const again = await run(['--now', new Date(NOW).toISOString(), '--policy-file', policies, '--rclone-config', config.configPath], FAST);
        expect(again.code, again.err).toBe(0);
        expect(remainingIds(snapshot(sim.emulator, bucket)), `after re-run of copy ${copy}`).toEqual(keptIds(before));
      }
    } finally {
      sim.emulator.setFaults();
    }
    if (process.env.KILL_LOG) console.log(log.join('\n'));
    expect(landed, log.join('\n')).toBeGreaterThanOrEqual(KILLS * 0.7);
  }, 300_000);
});
