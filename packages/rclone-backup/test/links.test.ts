import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, symlinkSync, utimesSync, lutimesSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, readTree, run, tempDir, writeConfig, writeTree } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** `find DIR -printf '%y %p %l\n' | sort`, paths relative to DIR. */
const find = (dir: string): string[] =>
  execFileSync('find', ['.', '-printf', '%y %p %l\\n'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').sort();

const LINK_TIME = Date.parse('2022-03-04T05:06:07Z');

function setup(extra = '') {
  const dir = tempDir('rb-links-');
  dirs.push(dir);
  const src = join(dir, 'src');
  const dst = join(dir, 'dst');
  mkdirSync(src);
  writeTree(src, { 'a.txt': 'alpha', 'realdir/f.txt': 'f', 'sub/b.txt': 'bravo' });
  symlinkSync('/etc/hostname', join(src, 'absolute'));
  symlinkSync('../a.txt', join(src, 'sub/relative'));
  symlinkSync('/nonexistent/nowhere', join(src, 'dangling'));
  symlinkSync('realdir', join(src, 'dirlink'));
  symlinkSync('target with spaces #1', join(src, 'sub/odd name'));
  lutimesSync(join(src, 'sub/relative'), LINK_TIME / 1000, LINK_TIME / 1000);
  const conf = writeConfig(dir, 'links', `[default]\nsource = ${src}\ndestination = ${dst}\n${extra}`);
  return { dir, src, dst, conf, lock: ['--lock-dir', dir] };
}

describe('symbolic links are backed up as links (rclone --links)', () => {
  it('absolute, relative, dangling and directory links arrive as links with their mtime', async () => {
    const t = setup();
    const result = await run([t.conf, '--json', ...t.lock]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ files: { transferred: 8 } });
    // A local destination gets the links themselves (rclone turns X.rclonelink back into X).
    expect(find(t.dst)).toEqual(find(t.src));
    expect(lstatSync(join(t.dst, 'sub/relative')).mtimeMs).toBe(LINK_TIME);
    const again = await run([t.conf, '--json', ...t.lock]);
    expect(JSON.parse(again.out)).toMatchObject({ files: { transferred: 0, deleted: 0 } });
  });

  it('--ls, --newest, min_files and --verify see the links the sync sees', async () => {
    const t = setup('min_files = 8\n');
    const future = Date.now() + 86_400_000;
    for (const path of ['a.txt', 'realdir/f.txt', 'sub/b.txt', 'absolute', 'dangling', 'dirlink', 'sub/odd name']) lutimesSync(join(t.src, path), LINK_TIME / 1000, LINK_TIME / 1000);
    symlinkSync('a.txt', join(t.src, 'newest-link'));
    lutimesSync(join(t.src, 'newest-link'), (Date.now() - 60_000) / 1000, (Date.now() - 60_000) / 1000);
    writeTree(t.src, { 'future.txt': 'x' });
    utimesSync(join(t.src, 'future.txt'), future / 1000, future / 1000);
    const listed = await run([t.conf, '--ls', ...t.lock]);
    const names = listed.out.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(1).join(' ')).sort();
    expect(names).toEqual(['a.txt', 'absolute.rclonelink', 'dangling.rclonelink', 'dirlink.rclonelink', 'future.txt', 'newest-link.rclonelink', 'realdir/f.txt', 'sub/b.txt', 'sub/odd name.rclonelink', 'sub/relative.rclonelink']);
    const newest = await run([t.conf, '--newest', ...t.lock]);
    expect(newest.out).toMatch(/ newest-link\.rclonelink\n$/);
    expect((await run([t.conf, ...t.lock])).code).toBe(0);
    const verified = await run([t.conf, '--json', '--verify', 'all', ...t.lock]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.out)).toMatchObject({ matched: 10 });
    // Sampled verification goes through a filter file of exact paths: the links must pass it too.
    const sampled = await run([t.conf, '--json', '--verify', 'files=100%', ...t.lock]);
    expect(sampled.code).toBe(0);
    expect(JSON.parse(sampled.out)).toMatchObject({ selected: { files: 10 }, matched: 10 });
  });

  it.each([
    ['a file X.rclonelink next to a symlink X', { 'sub/relative.rclonelink': 'a real file of the user' }, 'sub/relative.rclonelink'],
    ['a lone file named *.rclonelink', { 'notes.rclonelink': 'just text' }, 'notes.rclonelink'],
    ['a directory X.rclonelink next to a symlink X', { 'dirlink.rclonelink/in.txt': 'in' }, 'dirlink.rclonelink'],
  ])('%s: exit 3, nothing changed; --force names it', async (_what, files, named) => {
    const t = setup();
    writeTree(t.src, { 'ok.rclonelink/inside.txt': 'a directory with the suffix is fine' });
    expect((await run([t.conf, ...t.lock])).code).toBe(0);
    const before = find(t.dst);
    writeTree(t.src, { ...files, 'new.txt': 'new' });
    for (const extra of [[], ['-n']]) {
      const refused = await run([t.conf, ...extra, ...t.lock]);
      expect(refused.code).toBe(3);
      expect(refused.err).toContain(`refusing to sync links: 1 name(s) that rclone's --links encoding`);
      expect(refused.err).toContain(`\n  ${named}`);
      expect(find(t.dst)).toEqual(before);
    }
    const forced = await run([t.conf, '--force', ...t.lock]);
    expect(forced.err).toContain('--force: not backed up: 1 name(s)');
    expect(forced.err).toContain(`\n  ${named}`);
    expect(find(t.dst)).toContain('f ./new.txt ');
  });

  it('copy_links = yes keeps its meaning: links are followed, dangling ones reported', async () => {
    const t = setup('copy_links = yes\n');
    const result = await run([t.conf, ...t.lock]);
    expect(result.code).toBe(1);
    expect(readTree(t.dst)).toMatchObject({ absolute: expect.any(String) as unknown, 'dirlink/f.txt': 'f', 'sub/relative': 'alpha' });
  });
});
