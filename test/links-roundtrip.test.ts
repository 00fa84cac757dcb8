// Symlinks and special files survive the whole trip: rclone-backup into a crypt remote on
// the b2-emulator, then encrypted-restore (and, as the oracle, `rclone copy -l`).
import { lstat, mkdir, mkdtemp, rm, symlink, lutimes, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startEmulator, type Emulator } from 'b2-emulator';
import { writeRcloneTestConfig } from 'b2-emulator/test-helpers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = (tool: string) => fileURLToPath(new URL(`../packages/${tool}/bin/${tool}.js`, import.meta.url));
const ARCHIVE = '.rclone-backup-special-files.tar.gz';
const LINK_TIME = Date.parse('2023-02-03T04:05:06Z') / 1000;
let dir: string;
let src: string;
let emulator: Emulator;
let env: Record<string, string>;

/** `find DIR -printf '%y %p %l\n' | sort`. */
async function find(root: string): Promise<string[]> {
  const { stdout } = await execa('find', ['.', '-printf', '%y %p %l\\n'], { cwd: root });
  return stdout.split('\n').sort();
}

/** Every symlink's mtime (seconds), by path. */
async function linkTimes(root: string, base = ''): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const e of await readdir(join(root, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, await linkTimes(root, rel));
    else if (e.isSymbolicLink()) out[rel] = Math.floor((await lstat(join(root, rel))).mtimeMs / 1000);
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'links-trip-'));
  emulator = await startEmulator({});
  const config = await writeRcloneTestConfig({ emulator, dir: join(dir, 'conf'), bucket: 'links-bucket', prefix: 'crypt' });
  env = { RCLONE_CONFIG: config.configPath, HOME: dir };
  src = join(dir, 'src');
  const files: Record<string, string> = { 'a.txt': 'alpha', 'realdir/f.txt': 'f', 'deep/er/b.txt': 'bravo', 'special-files.tar.gz': 'a user file, not an archive' };
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(src, path)), { recursive: true });
    await writeFile(join(src, path), content);
  }
  const links: Record<string, string> = {
    absolute: '/etc/hostname',
    'deep/er/relative': '../../a.txt',
    dangling: '/nonexistent/nowhere',
    dirlink: 'realdir',
    'deep/dir up': '..',
    'name with spaces #2': 'target with spaces',
  };
  for (const [path, target] of Object.entries(links)) {
    await symlink(target, join(src, path));
    await lutimes(join(src, path), LINK_TIME, LINK_TIME);
  }
  await execa('mkfifo', [join(src, 'deep/pipe')]);
  await writeFile(join(dir, 'trip.conf'), `[default]\nsource = ${src}\ndestination = secret:photos\n`);
  const backup = await execa('node', [bin('rclone-backup'), '--lock-dir', dir, join(dir, 'trip.conf')], { env, reject: false });
  expect(backup.stderr).toBe('');
  expect(backup.exitCode).toBe(0);
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('symlinks and special files: rclone-backup → crypt on B2 → restore', () => {
  it('encrypted-restore recreates the tree: links (absolute, relative, dangling, directory) and, from the archive, the FIFO', async () => {
    const out = join(dir, 'restored');
    const restored = await execa('node', [bin('encrypted-restore'), '--as-of', '0s', 'secret:photos', out], { env, reject: false });
    expect(restored.exitCode).toBe(0);
    // The special files come back from their archive (README: how to restore them).
    await execa('tar', ['-xzpf', join(out, ARCHIVE), '-C', out]);
    await rm(join(out, ARCHIVE));
    expect(await find(out)).toEqual(await find(src));
    expect(await linkTimes(out)).toEqual(await linkTimes(src));
    expect(Object.keys(await linkTimes(src))).toHaveLength(6);
  });

  it('rclone copy -l from the crypt remote gives the same tree (the oracle)', async () => {
    const oracle = join(dir, 'oracle');
    await execa('rclone', ['copy', '-l', 'secret:photos', oracle], { env });
    await execa('tar', ['-xzpf', join(oracle, ARCHIVE), '-C', oracle]);
    await rm(join(oracle, ARCHIVE));
    expect(await find(oracle)).toEqual(await find(src));
    expect(await linkTimes(oracle)).toEqual(await linkTimes(src));
  });

  it.each([
    ['all', 'download'],
    ['all', 'hash'],
    ['files=100%', 'download'],
    ['files=100%', 'hash'],
  ])('rclone-backup --verify %s --verify-mode %s checks the links too', async (condition, mode) => {
    const verified = await execa('node', [bin('rclone-backup'), '--json', '--verify', condition, '--verify-mode', mode, '--lock-dir', dir, join(dir, 'trip.conf')], { env, reject: false });
    // Only the summary line: 4 files + 6 links (the archive is not a file of SOURCE), nothing missing or extra.
    expect(verified.stderr).toMatch(/^rclone-backup: verify trip: checked the contents of 10 of 10 files .*; 10 files present on both sides; 0 failed\n?$/);
    expect(verified.exitCode).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ matched: 10, differ: [], missing: [], extra: [] });
  });

  it('encrypted-restore --no-links gives the raw .rclonelink files', async () => {
    const raw = join(dir, 'raw');
    expect((await execa('node', [bin('encrypted-restore'), '--no-links', '--as-of', '0s', 'secret:photos/deep', raw], { env, reject: false })).exitCode).toBe(0);
    expect(await find(raw)).toEqual(['d . ', 'd ./er ', 'f ./dir up.rclonelink ', 'f ./er/b.txt ', 'f ./er/relative.rclonelink '].sort());
  });
});
