import { mkdirSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectLinkConflicts, forEachDirectory } from '../src/link-names.js';
import { findLinkConflicts, readLinkNamesCache, type LinkNamesCache } from '../src/link-names-cache.js';
import { cleanup, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

/** Every directory below root ('' for root) with its entry names, read one by one. */
function reference(root: string, relative = '', into = new Map<string, string[]>()): Map<string, string[]> {
  const entries = readdirSync(relative ? join(root, relative) : root, { withFileTypes: true });
  into.set(relative, entries.map((e) => e.name).sort());
  for (const e of entries) if (e.isDirectory()) reference(root, relative ? `${relative}/${e.name}` : e.name, into);
  return into;
}

describe('forEachDirectory (the --links name walk)', () => {
  it('hands over every directory once with all its entries, deep trees and more directories than reads in flight', async () => {
    const root = tempDir('link-walk-');
    dirs.push(root);
    for (let i = 0; i < 40; i++) {
      const deep = join(root, `d${i}`, 'a', 'b', i % 3 ? 'c' : 'c/d/e');
      mkdirSync(deep, { recursive: true });
      writeFileSync(join(deep, `f${i}`), '');
      writeFileSync(join(root, `d${i}`, 'top'), '');
    }
    symlinkSync('d0', join(root, 'link-to-dir'));
    mkdirSync(join(root, 'd7', 'a', 'x.rclonelink'));
    symlinkSync('b', join(root, 'd7', 'a', 'x'));
    writeFileSync(join(root, 'd39', 'a', 'b', 'c', 'notes.rclonelink'), 'text');
    const seen = new Map<string, string[]>();
    const conflicts: string[] = [];
    await forEachDirectory(
      root,
      (relative, entries) => {
        expect(seen.has(relative)).toBe(false);
        seen.set(relative, entries.map((e) => e.name).sort());
        collectLinkConflicts(conflicts, relative, entries);
      },
      4,
    );
    // The symlink to a directory is an entry, never walked into.
    expect(seen).toEqual(reference(root));
    expect(conflicts.sort()).toEqual(['d39/a/b/c/notes.rclonelink', 'd7/a/x.rclonelink']);
  });

  it('rejects when a directory cannot be read or the callback throws', async () => {
    await expect(forEachDirectory('/nonexistent/rclone-backup-walk', () => undefined)).rejects.toMatchObject({ code: 'ENOENT' });
    const root = tempDir('link-walk-');
    dirs.push(root);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    await expect(
      forEachDirectory(root, (relative) => {
        if (relative === 'a') throw new Error('stop here');
      }),
    ).rejects.toThrow('stop here');
  });
});

describe('findLinkConflicts (the --links name check, reading only changed directories)', () => {
  // Directories made by the test are seconds old only for a clock that runs ahead.
  const later = () => Date.now() + 60_000;

  function tree() {
    const root = tempDir('link-cache-');
    dirs.push(root);
    for (let i = 0; i < 20; i++) {
      mkdirSync(join(root, `d${i}`, 'deep', 'er'), { recursive: true });
      writeFileSync(join(root, `d${i}`, 'deep', 'er', `f${i}`), '');
    }
    symlinkSync('d1', join(root, 'd1-link'));
    writeFileSync(join(root, 'd3', 'old.rclonelink'), 'a conflict from the start');
    return root;
  }

  it('finds what the full walk finds, then reads nothing of an unchanged tree', async () => {
    const root = tree();
    const first = await findLinkConflicts(root, undefined, later);
    expect(first.conflicts.sort()).toEqual(['d3/old.rclonelink']);
    expect(first.changed).toBe(true);
    expect(Object.keys(first.cache.dirs)).toHaveLength(1 + 20 * 3);
    const again = await findLinkConflicts(root, first.cache, later);
    expect(again).toEqual({ conflicts: ['d3/old.rclonelink'], links: ['d1-link'], cache: first.cache, changed: false });
  });

  it('keeps the symlinks of each directory: an unchanged tree gives them from the record, a changed one anew; a cache without them (version 1) is not trusted', async () => {
    const root = tree();
    symlinkSync('../f', join(root, 'd4/deep/l1'));
    symlinkSync('/nowhere', join(root, 'd4/deep/l2'));
    const first = await findLinkConflicts(root, undefined, later);
    expect(first.links.sort()).toEqual(['d1-link', 'd4/deep/l1', 'd4/deep/l2']);
    expect(first.cache.dirs['d4/deep']?.links?.sort()).toEqual(['d4/deep/l1', 'd4/deep/l2']);
    // No symlinks, nothing kept: the record of a directory without any is as it was.
    expect(first.cache.dirs['d5/deep']).not.toHaveProperty('links');
    const again = await findLinkConflicts(root, first.cache, later);
    expect(again.changed).toBe(false);
    expect(again.links.sort()).toEqual(first.links.sort());
    rmSync(join(root, 'd4/deep/l2'));
    symlinkSync('x', join(root, 'd9/deep/er/l3'));
    expect((await findLinkConflicts(root, again.cache, later)).links.sort()).toEqual(['d1-link', 'd4/deep/l1', 'd9/deep/er/l3']);
    const file = join(root, '..', `${root.split('/').pop()}.links.json`);
    const { version: _version, ...old } = first.cache;
    writeFileSync(file, JSON.stringify(old), { mode: 0o600 });
    expect(await readLinkNamesCache(file, root)).toBeUndefined();
    writeFileSync(file, JSON.stringify(first.cache), { mode: 0o600 });
    expect(await readLinkNamesCache(file, root)).toEqual(first.cache);
    rmSync(file);
  });

  it.each([
    ['a file named *.rclonelink deep down', (root: string) => writeFileSync(join(root, 'd7/deep/er/new.rclonelink'), 'x'), ['d3/old.rclonelink', 'd7/deep/er/new.rclonelink']],
    ['a directory X.rclonelink next to a symlink X', (root: string) => mkdirSync(join(root, 'd1-link.rclonelink')), ['d1-link.rclonelink', 'd3/old.rclonelink']],
    ['the conflict removed', (root: string) => renameAway(root), []],
    ['a new subdirectory holding one', (root: string) => writeTree2(root, 'd9/new/sub/x.rclonelink'), ['d3/old.rclonelink', 'd9/new/sub/x.rclonelink']],
  ])('sees a change in a directory whose record it trusts: %s', async (_what, change, expected) => {
    const root = tree();
    const first = await findLinkConflicts(root, undefined, later);
    change(root);
    const again = await findLinkConflicts(root, first.cache, later);
    expect(again.conflicts.sort()).toEqual(expected);
    expect(again.changed).toBe(true);
  });

  it('a directory whose mtime is put back is still read again (its ctime changed)', async () => {
    const root = tree();
    const first = await findLinkConflicts(root, undefined, later);
    const dir = join(root, 'd5/deep');
    const { atime, mtime } = statSync(dir);
    writeFileSync(join(dir, 'sneaky.rclonelink'), 'x');
    utimesSync(dir, atime, mtime);
    expect((await findLinkConflicts(root, first.cache, later)).conflicts.sort()).toEqual(['d3/old.rclonelink', 'd5/deep/sneaky.rclonelink']);
  });

  it('keeps no stamp for a directory changed within two seconds of its reading, and trusts no damaged record', async () => {
    const root = tree();
    const racy = await findLinkConflicts(root, undefined);
    expect(Object.values(racy.cache.dirs).every((d) => d.stamp === undefined)).toBe(true);
    expect((await findLinkConflicts(root, racy.cache)).changed).toBe(true);
    const first = await findLinkConflicts(root, undefined, later);
    // A record that would lead the walk out of SOURCE, or hide a conflict under another name.
    const damaged: LinkNamesCache = { ...first.cache, dirs: { ...first.cache.dirs, '': { ...first.cache.dirs['']!, subdirs: ['..', 'd1'], conflicts: [] } } };
    const again = await findLinkConflicts(root, damaged, later);
    expect(again.conflicts.sort()).toEqual(['d3/old.rclonelink']);
    expect(Object.keys(again.cache.dirs)).toHaveLength(1 + 20 * 3);
  });
});

function renameAway(root: string): void {
  writeFileSync(join(root, 'd3/renamed.txt'), '');
  rmSync(join(root, 'd3/old.rclonelink'));
}

function writeTree2(root: string, path: string): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), 'x');
}
