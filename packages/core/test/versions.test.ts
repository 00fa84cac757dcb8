import { describe, expect, it } from 'vitest';
import {
  bucketPrefix,
  compareB2Names,
  crashSafeOrder,
  currentVersion,
  DeletionExecutor,
  encryptedBucketName,
  groupVersions,
  isLive,
  listCryptFiles,
  supersededAt,
  supersededTimes,
  transactionsSince,
  type B2FileVersion,
  type NameCipher,
} from '../src/index.js';
import { ListingOnly } from './helpers/listing-only.js';

let n = 0;
const v = (fileName: string, action: B2FileVersion['action'], t: number, size = 10): B2FileVersion => ({
  fileId: `id${++n}`,
  fileName,
  action,
  contentLength: size,
  contentSha1: null,
  contentType: null,
  uploadTimestamp: t,
  fileInfo: {},
});

async function* from<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('groupVersions', () => {
  it('yields one history per name, versions in listing order, from a stream', async () => {
    const versions = [v('a', 'upload', 3), v('a', 'hide', 2), v('b', 'upload', 1), v('c', 'upload', 5), v('c', 'upload', 4)];
    const out = await collect(groupVersions(from(versions)));
    expect(out.map((h) => [h.fileName, h.versions.map((x) => x.uploadTimestamp)])).toEqual([
      ['a', [3, 2]],
      ['b', [1]],
      ['c', [5, 4]],
    ]);
    expect(await collect(groupVersions(from([])))).toEqual([]);
  });
});

describe('history helpers', () => {
  const h = [v('a', 'hide', 50), v('a', 'start', 45), v('a', 'upload', 40), v('a', 'upload', 30)];
  it('supersededTimes: next newer upload/hide, skipping start entries', () => {
    expect(supersededTimes(h)).toEqual([undefined, undefined, 50, 40]);
    expect(supersededAt(h, 3)).toBe(40);
    expect(supersededAt(h, 2)).toBe(50);
    expect(supersededAt(h, 0)).toBeUndefined();
  });
  it.each([
    [[v('a', 'upload', 2), v('a', 'hide', 1)], true],
    [[v('a', 'hide', 2), v('a', 'upload', 1)], false],
    [[v('a', 'start', 3), v('a', 'upload', 2)], true],
    [[v('a', 'start', 3)], false],
    [[], false],
  ])('isLive %#', (versions, live) => {
    expect(isLive({ versions })).toBe(live);
    expect(currentVersion({ versions }) !== undefined).toBe(live);
  });
});

describe('listCryptFiles', () => {
  const segments = (p: string, f: (s: string) => string): string => p.split('/').map(f).join('/');
  const names: NameCipher = {
    encryptPath: (p) => segments(p, (s) => `E${s}`),
    encryptDirPath: (p) => segments(p, (s) => `E${s}`),
    decryptPath: (p) =>
      segments(p, (s) => {
        if (!s.startsWith('E')) throw new Error(`bad name ${s}`);
        return s.slice(1);
      }),
  };
  const bucket = (versions: B2FileVersion[], prefix = 'pre') => ({ client: new ListingOnly(versions), bucketId: 'b', prefix, names });
  it('yields plain paths and reports undecryptable names with their versions', async () => {
    const versions = [v('pre/Ea', 'upload', 1), v('pre/bad', 'upload', 1), v('pre/bad', 'hide', 2), v('pre/Eb', 'upload', 2), v('pre/Eb', 'upload', 1), v('other/Ec', 'upload', 1)];
    const problems: string[] = [];
    const out = await collect(
      listCryptFiles(bucket(versions), { onUndecryptable: (fileName, error, vs) => problems.push(`${fileName}: ${error.message} (${vs.length})`) }),
    );
    expect(out.map((d) => [d.path, d.fileName, d.versions.length])).toEqual([
      ['a', 'pre/Ea', 1],
      ['b', 'pre/Eb', 2],
    ]);
    expect(problems).toEqual(['pre/bad: bad name bad (2)']);
  });
  it('handles the bucket root as prefix', async () => {
    const out = await collect(listCryptFiles(bucket([v('Ex/Ey', 'upload', 1)], '')));
    expect(out[0]?.path).toBe('x/y');
  });
  it('starts at the start name and stops before the stop name', async () => {
    const b = bucket(['pre/Ea', 'pre/Eb', 'pre/Eb', 'pre/Ec', 'pre/Ed'].map((name, i) => v(name, 'upload', 100 - i)));
    const startFileName = encryptedBucketName(names, 'pre', 'b');
    const out = await collect(listCryptFiles(b, { startFileName, stopBeforeFileName: encryptedBucketName(names, 'pre', 'd') }));
    expect(out.map((x) => [x.fileName, x.versions.length])).toEqual([
      ['pre/Eb', 2],
      ['pre/Ec', 1],
    ]);
    expect(b.client.listings.at(-1)).toMatchObject({ prefix: 'pre/', startFileName: 'pre/Eb' });
  });
});

describe('bucket names', () => {
  const names = { encryptPath: (p: string) => p.toUpperCase(), encryptDirPath: (p: string) => p.toUpperCase() };
  it('encrypts a directory start as a directory', () => {
    expect(encryptedBucketName(names, 'p', 'x/y/')).toBe('p/X/Y/');
    expect(bucketPrefix('')).toBe('');
    expect(bucketPrefix('/a/b/')).toBe('a/b/');
  });
  it('compares names by UTF-8 bytes as B2 does', () => {
    expect(compareB2Names('\u{10000}', '\uffff')).toBeGreaterThan(0);
    expect(compareB2Names('a', 'b')).toBeLessThan(0);
  });
});

describe('transactions', () => {
  it('subtracts', () => {
    expect(transactionsSince({ A: 1, B: 1, C: 1 }, { A: 3, B: 1, C: 5 })).toEqual({ A: 2, B: 0, C: 4 });
  });
});

describe('crash-safe deletion', () => {
  it('orders uploads oldest first, then hides oldest first', () => {
    const order = crashSafeOrder([v('a', 'hide', 50), v('a', 'upload', 40), v('a', 'hide', 30), v('a', 'upload', 20)]);
    expect(order.map((x) => `${x.action}${x.uploadTimestamp}`)).toEqual(['upload20', 'upload40', 'hide30', 'hide50']);
  });

  function fakeClient(latency: number, failing = new Set<string>(), gone = new Set<string>()) {
    const log: string[] = [];
    let active = 0;
    let peak = 0;
    return {
      log,
      peak: () => peak,
      async deleteFileVersion(fileName: string, fileId: string) {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, latency));
        active -= 1;
        if (failing.has(fileId)) throw new Error('boom');
        if (gone.has(fileId)) throw Object.assign(new Error('File not present'), { code: 'file_not_present' });
        log.push(`${fileName}:${fileId}`);
      },
    };
  }

  it('bounds concurrency, deletes hides after the uploads of their file, counts bytes', async () => {
    const client = fakeClient(5);
    const executor = new DeletionExecutor({ client, concurrency: 4 });
    const files = Array.from({ length: 10 }, (_, f) => [v(`f${f}`, 'hide', 100, 0), v(`f${f}`, 'upload', 50), v(`f${f}`, 'upload', 40)]);
    for (const file of files) await executor.submit(file);
    const totals = await executor.drain();
    expect(totals).toMatchObject({ deleted: 30, bytes: 200, alreadyGone: 0, failures: [] });
    expect(client.peak()).toBeLessThanOrEqual(4);
    expect(client.peak()).toBeGreaterThan(1);
    for (const file of files) {
      const at = (x: B2FileVersion): number => client.log.indexOf(`${x.fileName}:${x.fileId}`);
      expect(at(file[0]!)).toBeGreaterThan(Math.max(at(file[1]!), at(file[2]!)));
    }
  });

  it('keeps a file\'s hide markers when one of its uploads fails; treats "already gone" as done', async () => {
    const files = [[v('x', 'hide', 9, 0), v('x', 'upload', 5)], [v('y', 'hide', 9, 0), v('y', 'upload', 5)]];
    const client = fakeClient(1, new Set([files[0]![1]!.fileId]), new Set([files[1]![1]!.fileId]));
    const failed: string[] = [];
    const executor = new DeletionExecutor({ client, concurrency: 2, onFailed: (x) => failed.push(`${x.fileName}:${x.action}`) });
    for (const file of files) await executor.submit(file);
    const totals = await executor.drain();
    expect(failed.sort()).toEqual(['x:hide', 'x:upload']);
    expect(totals).toMatchObject({ deleted: 2, alreadyGone: 1 });
    expect(client.log).toEqual([`y:${files[1]![0]!.fileId}`]);
  });

  it('applies back-pressure to submit()', async () => {
    const client = fakeClient(20);
    const executor = new DeletionExecutor({ client, concurrency: 1, maxPendingFiles: 2 });
    const started = Date.now();
    for (let i = 0; i < 4; i++) await executor.submit([v(`b${i}`, 'upload', 1)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
    await executor.drain();
    expect(client.log).toHaveLength(4);
  });

  it('stops calling B2 once aborted', async () => {
    const client = fakeClient(1);
    const controller = new AbortController();
    controller.abort();
    const executor = new DeletionExecutor({ client, concurrency: 2, signal: controller.signal });
    await executor.submit([v('z', 'upload', 1), v('z', 'hide', 2)]);
    const totals = await executor.drain();
    expect(totals.deleted).toBe(0);
    expect(totals.failures).toHaveLength(2);
  });
});
