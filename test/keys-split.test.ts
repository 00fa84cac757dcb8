// The key split of rclone-backup-keys, proven with real rclone against the emulator: the
// nightly key (no deleteFiles) cannot destroy history, whatever rclone is told to do with
// it, and after a malicious sync of an empty tree b2-recover (run with the prune key)
// brings everything back.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, startHarness, type Harness } from 'b2-emulator/test-helpers';
import type { StoredKey } from 'b2-emulator';

const bin = (pkg: string, tool: string) => fileURLToPath(new URL(`../packages/${pkg}/bin/${tool}.js`, import.meta.url));
const T0 = Date.UTC(2025, 2, 1);
const FILES = { 'a.txt': 'alpha', 'sub/b.txt': 'bravo bravo', 'sub/deep/c.bin': 'c'.repeat(70_000) };

let h: Harness;
let keysConf: string;
let conf: string;
let created: StoredKey[];

/** rclone with a config; fewer retries so a refused call fails in seconds, not minutes (the outcome is the same). */
const rclone = (args: string[]) =>
  execa('rclone', ['--config', conf, '--low-level-retries', '2', '--retries', '1', ...args], { reject: false, env: { HOME: h.dir }, extendEnv: false });
const versions = () => h.emulator.store.view(h.emulator.store.bucketByName('bucket')!.bucketId);
const uploads = () => [...versions().names.values()].flat().filter((v) => v.action === 'upload').length;

beforeAll(async () => {
  h = await startHarness({ start: T0 });
  h.emulator.clock.freeze();
  keysConf = join(h.dir, 'keys.conf');
  const run = await execa(process.execPath, [bin('rclone-backup', 'rclone-backup-keys'), '--config', h.config.configPath, '--apply', '--output', keysConf, '--name', 'nas', 'b2emu:bucket/backup'], { reject: false });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  created = h.emulator.keys.list();
  // the crypt remote of the harness, once over each new key
  const main = await readFile(h.config.configPath, 'utf8');
  const crypt = main.slice(main.indexOf('[secret]')).split('\n').filter((l) => !l.startsWith('[') && !l.startsWith('remote ='));
  conf = join(h.dir, 'split.conf');
  await writeFile(conf, [await readFile(keysConf, 'utf8'), '[nightly]', 'remote = nas-backup:bucket/backup', ...crypt, '[pruner]', 'remote = nas-prune:bucket/backup', ...crypt].join('\n'), { mode: 0o600 });
  const source = await h.writeTree('src', FILES);
  expect((await rclone(['sync', source, 'nightly:'])).exitCode).toBe(0);
  h.emulator.clock.advance(DAY);
}, 120_000);

afterAll(async () => {
  await h?.close();
});

describe('rclone-backup-keys: a nightly key a thief cannot use to destroy history', () => {
  it('made two keys limited to the bucket and folder, and printed neither secret', async () => {
    expect(created.map((k) => k.keyName).sort()).toEqual(['nas-backup', 'nas-prune']);
    const backup = h.emulator.keys.list().find((k) => k.keyName === 'nas-backup')!;
    expect(backup.capabilities).not.toContain('deleteFiles');
    expect(backup.capabilities).not.toContain('writeBuckets');
    expect(backup.namePrefix).toBe('backup/');
    expect((await stat(keysConf)).mode & 0o777).toBe(0o600);
    const again = await execa(process.execPath, [bin('rclone-backup', 'rclone-backup-keys'), '--config', h.config.configPath, 'b2emu:bucket/backup'], { reject: false });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^would create nas-backup|^would create bucket-backup/m);
    for (const k of created) expect(again.stdout + again.stderr).not.toContain(k.applicationKey);
    expect(h.emulator.keys.list()).toHaveLength(2); // the dry run created nothing
  });

  it('refuses to overwrite an existing --output file, and creates no key then (exit 3)', async () => {
    const run = await execa(process.execPath, [bin('rclone-backup', 'rclone-backup-keys'), '--config', h.config.configPath, '--apply', '--output', keysConf, 'b2emu:bucket/backup'], { reject: false });
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/^rclone-backup-keys: .*keys.conf exists/);
    expect(h.emulator.keys.list()).toHaveLength(2);
  });

  it.each([
    ['rclone purge on the crypt remote', ['purge', 'nightly:']],
    ['rclone delete --b2-hard-delete', ['delete', '--b2-hard-delete', 'nightly:']],
    ['rclone purge on the b2 remote itself', ['purge', 'nas-backup:bucket/backup']],
    ['rclone cleanup (deletes old versions)', ['cleanup', 'nas-backup:bucket']],
  ])('%s with the nightly key fails and deletes no version', async (_name, args) => {
    const before = uploads();
    const result = await rclone(args);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/unauthorized/);
    expect(uploads()).toBe(before);
    expect((await rclone(['cat', 'pruner:sub/b.txt'])).stdout).toBe('bravo bravo');
  });

  it('after a malicious sync of an empty tree with the nightly key, b2-recover (prune key) brings everything back', async () => {
    const empty = join(h.dir, 'empty');
    await mkdir(empty, { recursive: true });
    const wipe = await rclone(['sync', empty, 'nightly:']);
    expect(wipe.exitCode).toBe(0); // hiding is allowed: that is how a deletion is backed up
    expect((await rclone(['lsf', '-R', '--files-only', 'nightly:'])).stdout).toBe('');
    h.emulator.clock.advance(DAY);
    const recovered = await execa(process.execPath, [bin('b2-recover', 'b2-recover'), '--config', conf, '--hidden-after', new Date(T0 + 12 * 3600_000).toISOString(), 'pruner'], { reject: false });
    expect(recovered.stderr).toMatch(/undeleted 3, left 0 deleted/);
    expect(recovered.exitCode).toBe(0);
    for (const [path, content] of Object.entries(FILES)) expect((await rclone(['cat', `nightly:${path}`])).stdout).toBe(content);
  });
});
