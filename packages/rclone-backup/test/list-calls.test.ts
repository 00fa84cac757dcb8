import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { startEmulator, writeRcloneTestConfig, type Emulator, type RcloneTestConfig } from 'b2-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIALS_ARCHIVE, unionSource } from '../src/rclone-args.js';
import { cleanup, run, tempDir, writeConfig, writeTree } from './helpers.js';

// rclone 1.60.1 lists 1,000 names a call and has no option to page smaller: this small bucket is one page
// (the bench, pnpm bench rclone-backup, counts the calls on 10,000 files). Before, the guarded run listed it twice.

describe('an unchanged re-run lists the bucket once, as plain rclone sync does', () => {
  const dir = tempDir('rb-listcalls-');
  const src = join(dir, 'src');
  let emulator: Emulator;
  let rc: RcloneTestConfig;
  beforeAll(async () => {
    emulator = await startEmulator({ keyId: 'keyid-lc', key: 'K-list-calls-SECRET' });
    rc = await writeRcloneTestConfig({ emulator, dir, bucket: 'list-calls', password: 'pw-lc', password2: 'salt-lc' });
    const files: Record<string, string> = { 'SENTINEL': 'here' };
    for (let i = 0; i < 44; i++) files[`d${i % 4}/f${i}.txt`] = `file ${i}`;
    writeTree(src, files);
    await execa('mkfifo', [join(src, 'd0/pipe')]);
  });
  afterAll(async () => {
    await emulator.close();
    cleanup(dir);
  });
  const listCalls = (): number => emulator.stats.get('b2_list_file_names') ?? 0;
  const rclone = (args: readonly string[]) => execa('rclone', ['--config', rc.configPath, ...args]);

  it.each([
    ['default mode (max_delete 50 %, strict guards)', 'def', ''],
    ['strictest mode (min_files, max_delete count, %, size, sentinel, specials)', 'strict', 'min_files = 40\nmax_delete = 5, 20%, 1M\nsentinel = SENTINEL\n'],
  ])('%s: as many b2_list_file_names calls as plain rclone sync, and no listing of SOURCE', async (_mode, name, extra) => {
    const destination = `${rc.cryptPath}${name}`;
    const conf = writeConfig(dir, name, `[default]\nsource = ${src}\ndestination = ${destination}\n${extra}`);
    const args = [conf, '--rclone-config', rc.configPath, '--lock-dir', dir];
    expect((await run(args)).code).toBe(0);
    // The plain sync the backup amounts to, over the same tree: SOURCE plus the archive (fetched back with its mtime).
    const archiveDir = join(dir, `archive-${name}`);
    mkdirSync(archiveDir);
    await rclone(['copy', `${destination}/${SPECIALS_ARCHIVE}`, archiveDir]);
    const plain = ['sync', unionSource(src, archiveDir), destination, '--delete-excluded', '--filter', '- *~', '--filter', '- .#*', '--filter', `+ /${SPECIALS_ARCHIVE}`, '--links', '--fast-list'];
    let before = listCalls();
    await rclone(plain);
    const plainCalls = listCalls() - before;
    expect(plainCalls).toBeGreaterThanOrEqual(1);

    before = listCalls();
    const again = await run([...args, '-v', '--json']);
    expect(again.code).toBe(0);
    expect(listCalls() - before).toBe(plainCalls);
    expect(JSON.parse(again.out)).toMatchObject({ files: { transferred: 0, deleted: 0 }, specials: 'archived' });
    // min_files is answered from the sync's own listing, not from an rclone lsf of SOURCE.
    expect(again.err).not.toMatch(/ lsf /);
  });

  it('min_files still refuses (exit 3, nothing changed) when SOURCE shrinks, judged from the same dry run', async () => {
    const conf = writeConfig(dir, 'shrink', `[default]\nsource = ${src}\ndestination = ${rc.cryptPath}shrink\nmin_files = 40\nmax_delete = 100%\n`);
    const args = [conf, '--rclone-config', rc.configPath, '--lock-dir', dir];
    expect((await run(args)).code).toBe(0);
    const stored = (await rclone(['lsf', '-R', rc.b2Path])).stdout;
    const { rmSync } = await import('node:fs');
    for (let i = 0; i < 10; i++) rmSync(join(src, `d${i % 4}/f${i}.txt`));
    writeTree(src, { 'new.txt': 'new' });
    const refused = await run(args);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/has at most 36 files to back up, fewer than min_files = 40/);
    expect((await rclone(['lsf', '-R', rc.b2Path])).stdout).toBe(stored);
  });
});

describe('min_files when the dry run cannot tell new copies from replacing ones', () => {
  it('counts SOURCE exactly (rclone lsf) only then: a run at the threshold passes, one above it is refused with the exact count', async () => {
    const dir = tempDir('rb-minfiles-');
    try {
      const src = join(dir, 'src');
      const dst = join(dir, 'dst');
      const files: Record<string, string> = {};
      for (let i = 0; i < 10; i++) files[`f${i}.txt`] = `file ${i}`;
      writeTree(src, files);
      const conf = (min: number) => writeConfig(dir, `m${min}`, `[default]\nsource = ${src}\ndestination = ${dst}\narchive_specials = no\nmin_files = ${min}\n`);
      expect((await run([conf(10), '--lock-dir', dir])).code).toBe(0);
      // 2 new and 2 changed: 4 copies over 10 pairs, so SOURCE holds 10 to 14 files by the plan's counts; it holds 12.
      writeTree(src, { 'new1.txt': 'n1', 'new2.txt': 'n2', 'f0.txt': 'changed 0', 'f1.txt': 'changed 1' });
      const refused = await run([conf(13), '--lock-dir', dir, '-v']);
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(/ lsf /);
      expect(refused.err).toMatch(/has 12 files to back up, fewer than min_files = 13/);
      expect(readFileSync(join(dst, 'f0.txt'), 'utf8')).toBe('file 0');
      const passed = await run([conf(12), '--lock-dir', dir, '--json']);
      expect(passed.code).toBe(0);
      expect(JSON.parse(passed.out)).toMatchObject({ files: { transferred: 4, deleted: 0 } });
    } finally {
      cleanup(dir);
    }
  });
});
