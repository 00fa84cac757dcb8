import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockPathFor } from '../src/fs/lock-path.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'core-lockpath-'));
  mkdirSync(join(root, 'real', 'out'), { recursive: true });
  symlinkSync(join(root, 'real'), join(root, 'link'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lockPathFor', () => {
  it('is outside the directory, and the same for every spelling of its path', () => {
    const lock = lockPathFor('tool', join(root, 'real', 'out'));
    expect(lock.startsWith(join(root, 'real'))).toBe(false);
    expect(dirname(lock)).toMatch(/^\/run\/lock$|^\/tmp/);
    for (const spelling of [join(root, 'link', 'out'), `${join(root, 'real', 'out')}/`, join(root, 'real', 'x', '..', 'out')]) {
      expect(lockPathFor('tool', spelling)).toBe(lock);
    }
  });

  it('names a directory that does not exist yet by its existing ancestor\'s real path', () => {
    expect(lockPathFor('tool', join(root, 'link', 'new', 'deeper'))).toBe(lockPathFor('tool', join(root, 'real', 'new', 'deeper')));
  });

  it('differs per tool and per directory', () => {
    const out = join(root, 'real', 'out');
    expect(lockPathFor('a', out)).not.toBe(lockPathFor('b', out));
    expect(lockPathFor('a', out)).not.toBe(lockPathFor('a', join(root, 'real')));
  });
});
