import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneEmptyDirectories } from '../src/tree.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'mie-tree-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('pruneEmptyDirectories', () => {
  it('climbs past a directory that is already gone (a run killed between two rmdirs)', async () => {
    await mkdir(join(root, 'coll', 'a', '0'), { recursive: true });
    await pruneEmptyDirectories(join(root, 'coll', 'a', '0', '9'), join(root, 'coll'));
    await expect(stat(join(root, 'coll', 'a'))).rejects.toThrow();
    expect((await stat(join(root, 'coll'))).isDirectory()).toBe(true);
  });

  it('stops at a directory that is not empty', async () => {
    await mkdir(join(root, 'c2', 'b', '1'), { recursive: true });
    await writeFile(join(root, 'c2', 'b', 'keep'), '');
    await pruneEmptyDirectories(join(root, 'c2', 'b', '1'), join(root, 'c2'));
    await expect(stat(join(root, 'c2', 'b', '1'))).rejects.toThrow();
    expect((await stat(join(root, 'c2', 'b', 'keep'))).isFile()).toBe(true);
  });
});
