import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listCryptFileBatches, listCryptFiles } from '@rclone-b2/core';
import { runDu } from '../src/du.js';
import { inventoryEntries } from '../src/inventory.js';
import { lsSink } from '../src/ls-sink.js';
import { summarySink } from '../src/summary-sink.js';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0, 123);

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

function sampleBucket(): FakeB2 {
  const b2 = new FakeB2();
  const put = (path: string, size: number, at: number) => b2.upload(`pre/${hexNames.encryptPath(path)}`, 'x'.repeat(size), {}, at);
  put('docs/a.txt', 10, T0);
  put('docs/a.txt', 20, T0 + DAY);
  put('docs/a.txt', 30, T0 + 2 * DAY);
  put('-dash file ü.txt', 5, T0);
  put('gone/b.bin', 7, T0);
  b2.hide(`pre/${hexNames.encryptPath('gone/b.bin')}`, T0 + DAY);
  b2.upload('pre/zz-not-encrypted!', 'abc', {}, T0);
  return b2;
}

describe('inventoryEntries', () => {
  it('names old versions with the UTC upload time, keeps the current name', () => {
    const b2 = sampleBucket();
    const versions = b2.sorted().filter((v) => v.fileName === `pre/${hexNames.encryptPath('docs/a.txt')}`);
    const entries = [...inventoryEntries({ path: 'docs/a.txt', fileName: 'x', versions }, (n) => n)];
    expect(entries).toEqual([
      { path: 'docs/a.txt', size: 30, stored: 30, current: true },
      { path: 'docs/a-v2024-05-02-120000-123.txt', size: 20, stored: 20, current: false },
      { path: 'docs/a-v2024-05-01-120000-123.txt', size: 10, stored: 10, current: false },
    ]);
  });
  it('gives every upload of a deleted file a suffix and skips the hide marker', () => {
    const b2 = sampleBucket();
    const versions = b2.sorted().filter((v) => v.fileName === `pre/${hexNames.encryptPath('gone/b.bin')}`);
    expect([...inventoryEntries({ path: 'gone/b.bin', fileName: 'x', versions }, (n) => n * 2)]).toEqual([
      { path: 'gone/b-v2024-05-01-120000-123.bin', size: 14, stored: 7, current: false },
    ]);
  });
});

describe('inventoryEntries with an unfinished large upload on top', () => {
  it('ignores the start entry: the newest finished upload stays current', () => {
    const b2 = new FakeB2();
    b2.upload('f', 'old', {}, T0);
    const start = b2.upload('f', '', {}, T0 + DAY);
    start.action = 'start';
    const versions = b2.sorted().map((v) => (v.fileId === start.fileId ? { ...v, action: 'start' as const } : v));
    expect([...inventoryEntries({ path: 'f', fileName: 'f', versions }, (n) => n)]).toEqual([{ path: 'f', size: 3, stored: 3, current: true }]);
  });
});

describe('runDu', () => {
  it('feeds consistent inventories: all = undeleted + deleted', async () => {
    const b2 = sampleBucket();
    const bad: string[] = [];
    const histories = listCryptFileBatches(
      { client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames },
      { onUndecryptable: (name) => bad.push(name) },
    );
    const [all, undeleted, deleted] = [capture(), capture(), capture()];
    const stats = await runDu(histories, (n) => n, {
      all: lsSink(all.stream),
      undeleted: lsSink(undeleted.stream),
      deleted: lsSink(deleted.stream),
    });
    expect(bad).toEqual(['pre/zz-not-encrypted!']);
    const lines = (t: string) => t.split('\n').filter(Boolean).sort();
    expect(lines(all.text())).toEqual([...lines(undeleted.text()), ...lines(deleted.text())].sort());
    expect(lines(undeleted.text())).toEqual(['        5 -dash file ü.txt', '       30 docs/a.txt']);
    expect(lines(deleted.text())).toEqual([
      '       10 docs/a-v2024-05-01-120000-123.txt',
      '        7 gone/b-v2024-05-01-120000-123.bin',
      '       20 docs/a-v2024-05-02-120000-123.txt',
    ].sort());
    expect(stats).toMatchObject({ files: 3, liveFiles: 2, deletedFiles: 1, versions: 6, currentBytes: 35, oldBytes: 37 });
  });

  it.each([
    ['docs', ['docs/a.txt']],
    ['docs/a.txt', ['docs/a.txt']],
    ['gone/', ['gone/b.bin']],
    ['nothing', []],
  ])('lists only what is under %s', async (path, expected) => {
    const b2 = sampleBucket();
    const seen: string[] = [];
    for await (const h of listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path })) seen.push(h.path);
    expect(seen).toEqual(expected);
  });
});

describe('summarySink', () => {
  // Names where writing old versions' names as bytes could go wrong: no extension, a leading
  // dot, several dots, a dotted directory, non-ASCII, control characters, invalid UTF-8, a
  // version older than year 1000 (written by versionedPath instead) and a repeated old name.
  // Paths no crypt remote gives (a doubled or leading `/`) take the tree's general path handling.
  const paths = ['notes', 'home/.bashrc', 'x/y.tar.gz', 'dir.d/file', 'ünï/çødé.txt', 'tab\there/a\nb.c', 'bad\udcfe.bin', 'a/b.', 'a//b.txt', '/lead/x.y', 'home/.bashrc.d/z'];
  const histories = paths.map((path, i) => ({
    path,
    fileName: `enc${i}`,
    versions: [0, 1, 2, 3].map((v) => ({
      fileId: `${i}_${v}`,
      fileName: `enc${i}`,
      action: 'upload' as const,
      contentLength: 100 * i + v,
      contentSha1: null,
      contentType: null,
      uploadTimestamp: v === 3 ? Date.UTC(999, 0, 1) : v === 2 ? T0 + DAY : T0 + (3 - v) * DAY,
      fileInfo: {},
    })),
  }));

  it.each(['text', 'json', 'ncdu'] as const)('%s: a file at once gives the report its versions one by one give', async (format) => {
    const [byFile, byEntry] = [capture(), capture()];
    await runDu((async function* () { yield histories; })(), (n) => n, { all: summarySink(byFile.stream, { format, human: false }) });
    const oneByOne = summarySink(byEntry.stream, { format, human: false });
    for (const history of histories) for (const entry of inventoryEntries(history, (n) => n)) await oneByOne.add(entry.path, entry.size);
    await oneByOne.finish();
    expect(byFile.text()).toContain('b-v2024-05-02-120000-123.');
    expect(byFile.text()).toEqual(byEntry.text());
  });
});

describe('summarySink with repeated names (listed in encrypted, not plain, order)', () => {
  const upload = (fileName: string, v: number, size: number, at: number) => ({
    fileId: `${fileName}_${v}`,
    fileName,
    action: 'upload' as const,
    contentLength: size,
    contentSha1: null,
    contentType: null,
    uploadTimestamp: at,
    fileInfo: {},
  });

  it('adds up two old versions uploaded in the same millisecond, and an old name equal to another file\'s name', async () => {
    // zz.txt first, then a.txt: out of name order, so the tree merges repeats after sorting.
    const histories = [
      { path: 'd/zz.txt', fileName: 'e1', versions: [upload('e1', 0, 1, T0 + DAY)] },
      { path: 'd/a.txt', fileName: 'e2', versions: [upload('e2', 0, 1000, T0 + DAY), upload('e2', 1, 200, T0), upload('e2', 2, 30, T0)] },
      { path: 'd/a-v2024-05-01-120000-123.txt', fileName: 'e3', versions: [upload('e3', 0, 4, T0)] },
    ];
    const out = capture();
    await runDu((async function* () { yield histories; })(), (n) => n, { all: summarySink(out.stream, { format: 'text', human: false }) });
    expect(out.text()).toBe('1235\td\n1000\td/a.txt\n234\td/a-v2024-05-01-120000-123.txt\n1\td/zz.txt\n');
  });
});

describe('listCryptFiles with the wrong password', () => {
  it.each([3, 25])('fails with a configuration error when none of %d names decrypt', async (count) => {
    const b2 = new FakeB2();
    for (let i = 0; i < count; i += 1) b2.upload(`pre/not-hex-${i}`, 'x');
    const seen: string[] = [];
    const run = async () => {
      for await (const h of listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames })) seen.push(h.path);
    };
    await expect(run()).rejects.toThrow(/wrong crypt password/);
    expect(seen).toEqual([]);
  });
});
