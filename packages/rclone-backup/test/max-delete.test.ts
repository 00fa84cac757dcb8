import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { startEmulator, writeRcloneTestConfig } from 'b2-emulator';
import { afterAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { runSync } from '../src/sync.js';
import { cleanup, memoryIO, readTree, run, tempDir, writeConfig, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** 10 files of 10 bytes (small/), one of 1000 bytes (big.bin), synced once. */
async function setup(maxDelete: string) {
  const dir = tempDir('rb-maxdel-');
  dirs.push(dir);
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  const files: Record<string, string> = { 'big.bin': 'B'.repeat(1000) };
  for (let i = 0; i < 10; i++) files[`small/s${i}.txt`] = `small ${i}`.padEnd(10, ".");
  writeTree(src, files);
  const conf = writeConfig(dir, 'md', `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\nmax_delete = ${maxDelete}\n`);
  expect((await run([conf, '--lock-dir', dir])).code).toBe(0);
  return { dir, src, dst, conf };
}

const bytesOf = (tree: Record<string, string>): number => Object.values(tree).reduce((sum, c) => sum + c.length, 0);

describe('max_delete bounds the whole run, even when SOURCE changes after the plan', () => {
  it.each([
    // form, limit, planned deletions (within), deletions the race adds after the plan
    ['count', '3', 2],
    ['percent', '20%', 2],
    ['size', '25B', 2],
  ] as const)('%s form (max_delete = %s), strict and one-pass', async (_form, limit, planned) => {
    for (const strictGuards of [true, false]) {
      const t = await setup(limit);
      const before = readTree(t.dst);
      for (let i = 0; i < planned; i++) rmSync(join(t.src, `small/s${i}.txt`));
      writeTree(t.src, { 'new.txt': 'new file' });
      const config = await readConfig(t.conf);
      const io = memoryIO();
      let raced = 0;
      const summary = await runSync(config, createContext(io, 0, undefined, []), {
        dryRun: false,
        copyLinks: false,
        force: false,
        strictGuards,
        // The race: after the plan was judged, SOURCE loses much more — the big file and five small ones.
        onPlanned: async (plan) => {
          raced += 1;
          expect(plan.files).toBe(planned);
          rmSync(join(t.src, 'big.bin'));
          for (let i = 5; i < 10; i++) rmSync(join(t.src, `small/s${i}.txt`));
        },
      });
      expect(raced).toBe(1);
      const after = readTree(t.dst);
      const gone = Object.keys(before).filter((p) => !(p in after));
      expect(gone.sort()).toEqual(Array.from({ length: planned }, (_, i) => `small/s${i}.txt`));
      expect(bytesOf(before) - bytesOf(after) + 'new file'.length).toBe(planned * 10);
      expect(after['new.txt']).toBe('new file');
      expect(summary).toMatchObject({ files: { deleted: planned }, plannedDeletes: planned, errors: 0 });
      // The next run plans again: the race's deletions now break the limit and are refused.
      const next = await run([t.conf, '--lock-dir', t.dir]);
      expect(next.code).toBe(3);
      expect(existsSync(join(t.dst, 'big.bin'))).toBe(true);
    }
  });

  it('a planned deletion of a name with a newline deletes exactly that file (rclone lists it as x␊y), not x and y', async () => {
    const t = await setup('5');
    writeTree(t.src, { x: 'x', y: 'y' });
    expect((await run([t.conf, '--lock-dir', t.dir])).code).toBe(0);
    writeTree(t.dst, { 'x\ny': 'stray' });
    const r = await run([t.conf, '--json', '--lock-dir', t.dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ files: { deleted: 1 } });
    const after = readTree(t.dst);
    expect(after).toMatchObject({ x: 'x', y: 'y' });
    expect(after['x\ny']).toBeUndefined();
  });

  it('the withheld first pass deletes nothing, not even a directory (real rclone, --max-delete 0)', async () => {
    const t = await setup('1');
    writeTree(t.dst, { 'stray/a.txt': 'a', 'stray/deeper/b.txt': 'b' });
    mkdirSync(join(t.dst, 'stray/empty'));
    const refused = await run([t.conf, '--lock-dir', t.dir]);
    expect(refused.code).toBe(3);
    expect(readdirSync(join(t.dst, 'stray')).sort()).toEqual(['a.txt', 'deeper', 'empty']);
    const oneRun = await run([t.conf, '--no-strict-guards', '--lock-dir', t.dir]);
    expect(oneRun.code).toBe(3);
    expect(statSync(join(t.dst, 'stray/empty')).isDirectory()).toBe(true);
    expect(readTree(join(t.dst, 'stray'))).toEqual({ 'a.txt': 'a', 'deeper/b.txt': 'b' });
  });
});

describe('planned deletions through a crypt remote over the b2-emulator', () => {
  it('deletes exactly the planned files in the bucket (the names rclone logs are the decrypted ones)', async () => {
    const dir = tempDir('rb-maxdel-b2-');
    dirs.push(dir);
    const emulator = await startEmulator({ keyId: 'keyid-maxdel', key: 'K-maxdel-SECRET' });
    try {
      const rc = await writeRcloneTestConfig({ emulator, dir, bucket: 'maxdel-bucket', password: 'pw-md', password2: 'salt-md' });
      const src = join(dir, 'src');
      writeTree(src, { 'a/one.txt': '1', 'a/two.txt': '22', 'b/three.txt': '333', 'b/four [x]*.txt': '4444' });
      const conf = writeConfig(dir, 'mdb2', `[default]\nsource = ${src}\ndestination = ${rc.cryptPath}d\narchive_specials = no\nmax_delete = 2\n`);
      const args = [conf, '--json', '--rclone-config', rc.configPath, '--lock-dir', dir];
      expect((await run(args)).code).toBe(0);
      rmSync(join(src, 'a/two.txt'));
      rmSync(join(src, 'b/four [x]*.txt'));
      const r = await run(args);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ files: { deleted: 2 }, plannedDeletes: 2 });
      const left = (await execa('rclone', ['--config', rc.configPath, 'lsf', '-R', '--files-only', `${rc.cryptPath}d`])).stdout.trim().split('\n').sort();
      expect(left).toEqual(['a/one.txt', 'b/three.txt']);
    } finally {
      await emulator.close();
    }
  });
});
