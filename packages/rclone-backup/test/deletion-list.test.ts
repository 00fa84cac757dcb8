import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeletionList } from '../src/deletion-list.js';
import { cleanup, tempDir } from './helpers.js';

const dirs: string[] = [];
afterAll(() => cleanup(...dirs));

describe('DeletionList', () => {
  it('makes no file when nothing is deleted (an unchanged run)', async () => {
    const parent = tempDir('deletions-');
    dirs.push(parent);
    const list = new DeletionList(parent);
    await list.remove();
    expect(readdirSync(parent)).toEqual([]);
  });

  it('holds every path, one a line, across chunks, and is removed with its directory', async () => {
    const parent = tempDir('deletions-');
    dirs.push(parent);
    const list = new DeletionList(parent);
    const paths = Array.from({ length: 5000 }, (_, i) => `dir ${i % 7}/file-${i}-${'x'.repeat(20)}`);
    for (const path of paths) list.add(path);
    // More than one 64 KiB chunk went to disk before file() was asked for.
    const file = list.file();
    expect(readFileSync(file, 'utf8')).toBe(paths.map((p) => `${p}\n`).join(''));
    await list.remove();
    expect(existsSync(dirname(file))).toBe(false);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('gives an empty file when asked with nothing in it', async () => {
    const parent = tempDir('deletions-');
    dirs.push(parent);
    const list = new DeletionList(parent);
    expect(readFileSync(list.file(), 'utf8')).toBe('');
    await list.remove();
  });
});
