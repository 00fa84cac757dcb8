// rclone-backup killed with SIGKILL (the whole process group: node and its rclone, as a
// power cut or the OOM killer of a systemd unit would) at 50 seeded moments while it syncs
// a changing tree; after every fifth kill it is re-run, and then the destination must
// equal the source, byte for byte (rclone check --download).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { seededRandom } from '@rclone-b2/core';
import { sourceFiles, startWorld, T0, writeFiles, type World } from './support/world.js';

const KILLS = 50;
const SEED = 20_241_205;

describe('rclone-backup killed at random points', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld({ name: 'kill-backup' });
    world.emulator.clock.freeze(false);
    await writeFiles(world.source, sourceFiles(seededRandom(1), 20, 'start'), T0);
    // slow uploads down a little so that kills land inside the sync, not only around it
    world.emulator.setFaults([{ kind: 'latency', ms: 25, calls: ['b2_upload_file', 'b2_hide_file'] }]);
  });

  afterAll(async () => {
    await world?.close();
  });

  it(`${KILLS} kills (seed ${SEED}); after every re-run the destination equals the source`, async () => {
    const random = seededRandom(SEED);
    const log: string[] = [];
    // Kill moments are drawn within the duration of a whole run, measured here and at every
    // re-run, so that they land inside the sync however fast or loaded the machine is.
    let started = Date.now();
    expect((await world.run('rclone-backup', [world.backupConf])).code).toBe(0);
    let runMs = Date.now() - started;
    let landed = 0;
    for (let attempt = 0; landed < KILLS && attempt < KILLS * 3; attempt++) {
      // the tree changes between runs: some files rewritten, one deleted, new ones added
      const fresh = sourceFiles(random, 6, `k${attempt}`);
      const changes: Record<string, Buffer | null> = {};
      Object.values(fresh).forEach((bytes, i) => (changes[`${['docs', 'photos/2023', 'deep/a/b/c', 'new'][i % 4]}/file-${Math.floor(random() * 12)}.bin`] = bytes));
      changes[`docs/file-${Math.floor(random() * 12)}.bin`] = null;
      await writeFiles(world.source, changes, T0 + attempt * 1000);
      const delayMs = Math.floor(50 + random() * Math.max(100, runMs * 0.9 - 50));
      const child = world.spawn('rclone-backup', [world.backupConf]);
      let exited = false;
      void child.finally(() => (exited = true));
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const running = !exited && child.pid !== undefined;
      if (running && child.pid !== undefined) {
        process.kill(-child.pid, 'SIGKILL');
        landed += 1;
      }
      const result = await child;
      log.push(`kill ${attempt} at ${delayMs} ms of ~${runMs} ms${running ? '' : ` (already done: exit ${result.exitCode})`}`);
      if (attempt % 5 !== 4) continue;
      started = Date.now();
      const rerun = await world.run('rclone-backup', [world.backupConf]);
      expect(rerun.code, `${log.join('\n')}\nre-run: ${rerun.err}`).toBe(0);
      runMs = Date.now() - started;
      log.push(`re-run: ${runMs} ms`);
      const check = await execa('rclone', ['--config', world.config.configPath, 'check', '--download', world.source, `${world.config.cryptPath}data`], { reject: false });
      expect(check.exitCode, `${log.join('\n')}\n${check.stderr}`).toBe(0);
    }
    // every one of the KILLS kills must have hit a running backup, or the test proves little
    if (process.env.KILL_LOG) console.log(log.join('\n'));
    expect(landed, log.join('\n')).toBe(KILLS);
    const final = await world.run('rclone-backup', [world.backupConf]);
    expect(final.code).toBe(0);
    const check = await execa('rclone', ['--config', world.config.configPath, 'check', '--download', world.source, `${world.config.cryptPath}data`], { reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
  }, 600_000);
});
