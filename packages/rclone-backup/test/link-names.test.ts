import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectLinkConflicts, forEachDirectory } from '../src/link-names.js';
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
