import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SPECIALS_ARCHIVE } from '../src/rclone-args.js';
import { readArchiveMembers } from '../src/specials.js';
import { cleanup, readTree, run, tempDir, writeConfig, writeTree } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterAll(() => cleanup(...dirs));
// Load the CLI (yargs) once up front: under vitest, its first dynamic import fails to
// resolve yargs' own dependencies while a unix socket server of this process is listening.
beforeAll(async () => {
  expect((await run(['--version'])).code).toBe(0);
});

/** Every entry below root with its type, size, mtime and inode: any write into the tree changes it. */
function fingerprint(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    const info = lstatSync(dir);
    out.push(`${rel || '.'} ${info.mode} ${info.size} ${info.mtimeMs} ${info.ino}`);
    if (!info.isDirectory()) return;
    for (const name of readdirSync(dir).sort()) walk(join(dir, name), rel ? `${rel}/${name}` : name);
  };
  walk(root, '');
  return out;
}

function setup(files: Record<string, string> = { 'a.txt': 'alpha', 'dir/real.txt': 'real' }, srcName = 'src') {
  const dir = tempDir('rb-specials-');
  dirs.push(dir);
  const src = join(dir, srcName);
  const dst = join(dir, 'dst');
  mkdirSync(src);
  writeTree(src, files);
  const conf = writeConfig(dir, 'photos', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
  return { dir, src, dst, conf, lock: ['--lock-dir', dir] };
}

const OLD = Date.parse('2021-06-01T10:00:00Z');

describe('archive_specials', () => {
  it('archives FIFOs and device nodes outside SOURCE, keeps the mtime rule, is restorable', async () => {
    const t = setup();
    execFileSync('mkfifo', [join(t.src, 'dir/pipe')]);
    utimesSync(join(t.src, 'dir/pipe'), OLD / 1000, OLD / 1000);
    if (isRoot) execFileSync('mknod', [join(t.src, 'null-dev'), 'c', '1', '3']);
    if (isRoot) utimesSync(join(t.src, 'null-dev'), (OLD - 5000) / 1000, (OLD - 5000) / 1000);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(t.src, 'sock'), resolve));
    try {
      const before = fingerprint(t.src);
      const result = await run([t.conf, '--json', ...t.lock]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.out)).toMatchObject({ specials: 'archived', files: { transferred: 3 } });
      // Nothing was written into SOURCE, not even a temporary file (directory mtimes would show it).
      expect(fingerprint(t.src)).toEqual(before);
      const archive = join(t.dst, SPECIALS_ARCHIVE);
      const members = await readArchiveMembers(archive);
      expect(members?.map((m) => m.path)).toEqual(isRoot ? ['null-dev', 'dir/pipe'] : ['dir/pipe']);
      // The second before the newest member's, plus 1-999 ms from the archive's hash (archiveMtimeMs).
      expect(statSync(archive).mtimeMs).toBeGreaterThan(OLD - 1000);
      expect(statSync(archive).mtimeMs).toBeLessThan(OLD);
      // Restorable with GNU tar.
      const restore = join(t.dir, 'restore');
      mkdirSync(restore);
      execFileSync('tar', ['-xzpf', archive, '-C', restore]);
      expect(statSync(join(restore, 'dir/pipe')).isFIFO()).toBe(true);
      if (isRoot) {
        const dev = statSync(join(restore, 'null-dev'));
        expect(dev.isCharacterDevice()).toBe(true);
        expect(dev.rdev).toBe(statSync('/dev/null').rdev);
      }
      // Unchanged set: same bytes, same mtime, not uploaded again.
      const again = await run([t.conf, '--json', ...t.lock]);
      expect(JSON.parse(again.out)).toMatchObject({ specials: 'archived', files: { transferred: 0 } });
      // A new special file: uploaded again, its mtime the newest member's, never the future.
      const future = Date.now() + 86_400_000;
      execFileSync('mkfifo', [join(t.src, 'pipe2')]);
      utimesSync(join(t.src, 'pipe2'), future / 1000, future / 1000);
      const third = await run([t.conf, '--json', ...t.lock]);
      expect(JSON.parse(third.out)).toMatchObject({ specials: 'archived', files: { transferred: 1 } });
      expect(statSync(archive).mtimeMs).toBeLessThanOrEqual(Date.now());
      expect(statSync(archive).mtimeMs).toBeGreaterThan(Date.now() - 60_000);
      expect((await readArchiveMembers(archive))?.map((m) => m.path)).toContain('pipe2');
    } finally {
      server.close();
    }
  });

  it('no special files left: the archive leaves the destination', async () => {
    const t = setup();
    execFileSync('mkfifo', [join(t.src, 'pipe')]);
    expect((await run([t.conf, ...t.lock])).code).toBe(0);
    expect(existsSync(join(t.dst, SPECIALS_ARCHIVE))).toBe(true);
    execFileSync('rm', [join(t.src, 'pipe')]);
    const result = await run([t.conf, '--json', '--force', ...t.lock]);
    expect(JSON.parse(result.out)).toMatchObject({ specials: 'none' });
    expect(existsSync(join(t.dst, SPECIALS_ARCHIVE))).toBe(false);
  });

  it("a user's file named like the old archive (special-files.tar.gz) is left alone and backed up as the user's", async () => {
    // SOURCE's name also needs rclone's quoting in the union's connection string.
    const t = setup({ 'a.txt': 'alpha', 'special-files.tar.gz': 'my own tarball' }, 'my "src", x: y');
    execFileSync('mkfifo', [join(t.src, 'pipe')]);
    const before = fingerprint(t.src);
    for (const extra of [['-n'], []]) expect((await run([t.conf, ...extra, ...t.lock])).code).toBe(0);
    expect(fingerprint(t.src)).toEqual(before);
    expect(readFileSync(join(t.src, 'special-files.tar.gz'), 'utf8')).toBe('my own tarball');
    expect(readTree(t.dst)).toMatchObject({ 'a.txt': 'alpha', 'special-files.tar.gz': 'my own tarball' });
    expect((await readArchiveMembers(join(t.dst, SPECIALS_ARCHIVE)))?.map((m) => m.path)).toEqual(['pipe']);
  });

  it('a SOURCE entry with the reserved name: exit 3, nothing changed; --force backs up the user file and leaves the archive out', async () => {
    const t = setup();
    expect((await run([t.conf, ...t.lock])).code).toBe(0);
    const backup = readTree(t.dst);
    writeTree(t.src, { [SPECIALS_ARCHIVE]: 'mine, not an archive', 'b.txt': 'new' });
    execFileSync('mkfifo', [join(t.src, 'pipe')]);
    const before = fingerprint(t.src);
    for (const extra of [[], ['-n']]) {
      const refused = await run([t.conf, ...extra, ...t.lock]);
      expect(refused.code).toBe(3);
      expect(refused.err).toMatch(/refusing to sync photos: SOURCE has its own \.rclone-backup-special-files\.tar\.gz/);
      expect(readTree(t.dst)).toEqual(backup);
    }
    const forced = await run([t.conf, '--force', '--json', ...t.lock]);
    expect(forced.code).toBe(0);
    expect(forced.err).toMatch(/--force: .*the special files are not archived/);
    expect(JSON.parse(forced.out)).toMatchObject({ specials: 'skipped' });
    expect(readTree(t.dst)).toMatchObject({ [SPECIALS_ARCHIVE]: 'mine, not an archive', 'b.txt': 'new' });
    expect(fingerprint(t.src)).toEqual(before);
  });

  it('works from a read-only SOURCE (a snapshot)', async () => {
    const t = setup();
    execFileSync('mkfifo', [join(t.src, 'pipe')]);
    const ro = join(t.dir, 'ro');
    mkdirSync(ro);
    // A read-only bind mount needs root; elsewhere the fingerprint tests above stand for it.
    if (spawnSync('mount', ['--bind', '-o', 'ro', t.src, ro]).status !== 0) return;
    try {
      expect(() => writeFileSync(join(ro, 'probe'), 'x')).toThrow(/EROFS/);
      const conf = writeConfig(t.dir, 'snap', `[default]\nsource = ${ro}\ndestination = ${t.dst}\n`);
      const result = await run([conf, '--json', ...t.lock]);
      expect(result.err).toBe('');
      expect(result.code).toBe(0);
      expect(Object.keys(readTree(t.dst)).sort()).toEqual([SPECIALS_ARCHIVE, 'a.txt', 'dir/real.txt']);
    } finally {
      spawnSync('umount', [ro]);
    }
  });
});
