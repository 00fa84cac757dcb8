import { describe, expect, it } from 'vitest';
import { groupVersionPages, groupVersions } from '../src/versions/group.js';
import type { B2FileVersion } from '../src/index.js';

const v = (fileName: string, n: number): B2FileVersion => ({
  fileId: `${fileName}#${n}`,
  fileName,
  action: 'upload',
  contentLength: n,
  contentSha1: null,
  contentType: null,
  uploadTimestamp: 1000 - n,
  fileInfo: {},
});

async function* pagesOf<T>(pages: T[][]): AsyncGenerator<T[]> {
  yield* pages;
}
async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

describe('groupVersionPages', () => {
  // a history inside one page, one across a page boundary, one over three pages, one alone at the end
  const versions = [v('a', 0), v('a', 1), v('b', 0), v('b', 1), v('b', 2), v('c', 0), v('c', 1), v('c', 2), v('c', 3), v('c', 4), v('d', 0)];
  it.each([1, 2, 3, 4, 11])('pages of %i give the histories groupVersions gives, each whole', async (size) => {
    const pages: B2FileVersion[][] = [];
    for (let i = 0; i < versions.length; i += size) pages.push(versions.slice(i, i + size));
    const got = [];
    for await (const batch of groupVersionPages(pagesOf(pages))) got.push(...batch);
    const want = [];
    for await (const history of groupVersions(each(versions))) want.push(history);
    expect(got).toEqual(want);
    expect(got.map((h) => `${h.fileName}:${h.versions.length}`)).toEqual(['a:2', 'b:3', 'c:5', 'd:1']);
  });
});
