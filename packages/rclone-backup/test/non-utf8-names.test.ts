import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectLinkConflicts, forEachDirectory } from '../src/link-names.js';
import { findLinkConflicts } from '../src/link-names-cache.js';
import { SPECIALS_ARCHIVE } from '../src/rclone-args.js';
import { findSpecialFiles, readArchiveMembers } from '../src/specials.js';
import { cleanup, run, tempDir, writeConfig } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

// Names are written here as latin1 strings, one character per byte: 'dir\xff' is the bytes
// d i r 0xff on disk. The walks give such a byte as U+DC80+byte−0x80 (core's nameFromBytes).
const onDisk = (path: string): Buffer => Buffer.from(path, 'latin1');
const walked = (name: string): string => name.replace(/[\x80-\xff]/g, (c) => String.fromCharCode(0xdc00 + c.charCodeAt(0)));
const fifo = (path: string): void => {
  execFileSync('python3', ['-c', 'import os,sys; os.mkfifo(bytes.fromhex(sys.argv[1]))', onDisk(path).toString('hex')]);
};
/** `find` of a tree, byte for byte (latin1): type, path, link target. */
const listing = (root: string): string[] => execFileSync('find', ['.', '-printf', '%y %p %l\\n'], { cwd: root, encoding: 'latin1' }).trim().split('\n').sort();

/**
 * A SOURCE with a directory, a file, FIFOs and symlinks whose names are not UTF-8, beside a
 * directory with a real U+FFFD (valid UTF-8: 'ok\xef\xbf\xbd') and an ordinary FIFO. `s\xfc` and
 * `s\xfd.rclonelink` differ in a byte: rclone 1.60.1 stores both, so that is no --links conflict.
 */
function oddSource(src: string): void {
  mkdirSync(onDisk(join(src, 'dir\xff')), { recursive: true });
  mkdirSync(onDisk(join(src, 'ok\xef\xbf\xbd')));
  mkdirSync(onDisk(join(src, 's\xfd.rclonelink')));
  writeFileSync(join(src, 'a.txt'), 'alpha');
  writeFileSync(onDisk(join(src, 'dir\xff/file')), 'inside');
  writeFileSync(onDisk(join(src, 'ok\xef\xbf\xbd/file')), 'fine');
  writeFileSync(onDisk(join(src, 's\xfd.rclonelink/f')), 'not a link');
  for (const name of ['p\xfe', 'dir\xff/q', 'ok-pipe', 'ok\xef\xbf\xbd/pipe']) fifo(join(src, name));
  symlinkSync('a.txt', onDisk(join(src, 'l\xfd')));
  symlinkSync(onDisk('dir\xff'), onDisk(join(src, 's\xfc')));
}

describe('names that are not UTF-8 in SOURCE', () => {
  it('the walks read every directory and name entries by their bytes; --links conflicts are judged by bytes, as rclone does', async () => {
    const src = tempDir('rb-nonutf8-walk-');
    dirs.push(src);
    oddSource(src);
    expect((await findSpecialFiles(src)).map((m) => m.path)).toEqual(['ok-pipe', walked('p\xfe'), walked('dir\xff/q'), 'ok\ufffd/pipe']);
    const seen: string[] = [];
    const none: string[] = [];
    await forEachDirectory(src, (relative, entries) => {
      seen.push(relative);
      collectLinkConflicts(none, relative, entries);
    });
    expect(seen.sort()).toEqual(['', walked('dir\xff'), 'ok\ufffd', walked('s\xfd.rclonelink')].sort());
    expect(none).toEqual([]);
    // A file x.rclonelink is read by rclone as the link x, a directory beside the link x collides with it.
    writeFileSync(onDisk(join(src, 'dir\xff/n\xfa.rclonelink')), 'text');
    symlinkSync('a.txt', onDisk(join(src, 'ok\xef\xbf\xbd/m\xfb')));
    mkdirSync(onDisk(join(src, 'ok\xef\xbf\xbd/m\xfb.rclonelink')));
    const expected = [walked('dir\xff/n\xfa.rclonelink'), `ok\ufffd/${walked('m\xfb.rclonelink')}`].sort();
    const full: string[] = [];
    await forEachDirectory(src, (relative, entries) => collectLinkConflicts(full, relative, entries));
    expect(full.sort()).toEqual(expected);
    // The cached check agrees, also from a record that went through its JSON file.
    const first = await findLinkConflicts(src, undefined, () => Date.now() + 10_000);
    expect(first.conflicts.sort()).toEqual(expected);
    const again = await findLinkConflicts(src, JSON.parse(JSON.stringify(first.cache)));
    expect(again.conflicts.sort()).toEqual(expected);
    expect(again.changed).toBe(false);
  });

  it('a default-config sync backs them up; a FIFO that is not UTF-8 is named in a warning on the first run and every later one, not archived', async () => {
    const dir = tempDir('rb-nonutf8-sync-');
    dirs.push(dir);
    const src = join(dir, 'src');
    const dst = join(dir, 'dst');
    oddSource(src);
    const conf = writeConfig(dir, 'odd', `[default]\nsource = ${src}\ndestination = ${dst}\n`);
    const locks = join(dir, 'locks');
    mkdirSync(locks);
    const args = [conf, '--json', '--lock-dir', locks];
    const notArchived = /^rclone-backup: (.*): rclone names it as a special file, but it is not in SOURCE under that name .*; not archived$/gm;
    const expectedTree = listing(src).filter((line) => !line.startsWith('p ')).concat(`f ./${SPECIALS_ARCHIVE} `).sort();
    for (const attempt of ['first run (a walk of SOURCE)', 'second run (the cache and rclone\'s log)', 'third run']) {
      const result = await run(args);
      expect(result.code, `${attempt}\n${result.err}`).toBe(0);
      expect(result.err, attempt).not.toMatch(/cannot (read|access)/);
      expect([...result.err.matchAll(notArchived)].map((m) => m[1]).sort(), attempt).toEqual(['dir\ufffd/q', 'p\ufffd']);
      expect(JSON.parse(result.out), attempt).toMatchObject({ specials: 'archived' });
      expect(listing(dst), attempt).toEqual(expectedTree);
      expect((await readArchiveMembers(join(dst, SPECIALS_ARCHIVE)))?.map((m) => m.path), attempt).toEqual(['ok-pipe', 'ok\ufffd/pipe']);
    }
    expect(readFileSync(onDisk(join(dst, 'dir\xff/file')), 'utf8')).toBe('inside');
    expect(readlinkSync(onDisk(join(dst, 'l\xfd')), 'latin1')).toBe('a.txt');
    expect(readlinkSync(onDisk(join(dst, 's\xfc')), 'latin1')).toBe('dir\xff');

    // A file beside the link l\xfd, named as its rclone object: refused from the cached check
    // and from a first run's walk alike, named escaped, nothing changed.
    writeFileSync(onDisk(join(src, 'l\xfd.rclonelink')), 'not a link');
    for (const lockDir of [locks, join(dir, 'fresh-locks')]) {
      mkdirSync(lockDir, { recursive: true });
      const refused = await run([conf, '--lock-dir', lockDir]);
      expect(refused.code, refused.err).toBe(3);
      expect(refused.err).toContain('\n  l\\375.rclonelink');
      expect(listing(dst)).toEqual(expectedTree);
    }
  });
});
