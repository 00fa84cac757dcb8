import { describe, expect, it } from 'vitest';
import {
  bucketPrefix,
  compareB2Names,
  crashSafeOrder,
  currentVersion,
  decryptHistories,
  DeletionExecutor,
  encryptedBucketName,
  groupVersions,
  isLive,
  listCryptVersions,
  supersededAt,
  supersededTimes,
  transactionsSince,
  type B2FileVersion,
  type FileHistory,
  type ListVersionsOptions,
} from '../src/index.js';

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

describe('decryptHistories', () => {
  const names = {
    decryptPath: (p: string): string => {
      if (!p.startsWith('E')) throw new Error(`bad name ${p}`);
      return p.slice(1);
    },
  };
  it('yields plain paths and reports undecryptable or foreign names without throwing', async () => {
    const versions = [v('pre/Ea', 'upload', 1), v('pre/bad', 'upload', 1), v('pre/Eb', 'upload', 2), v('pre/Eb', 'upload', 1), v('other/Ec', 'upload', 1)];
    const problems: string[] = [];
    const out = await collect(
      decryptHistories(groupVersions(from(versions)), {
        names,
        prefix: 'pre',
        onUndecryptable: (history: FileHistory, error: Error) => problems.push(`${history.fileName}: ${error.message}`),
      }),
    );
    expect(out.map((d) => [d.path, d.fileName, d.versions.length])).toEqual([
      ['a', 'pre/Ea', 1],
      ['b', 'pre/Eb', 2],
    ]);
    expect(problems).toEqual(['pre/bad: bad name bad', 'other/Ec: "other/Ec" is outside the crypt remote\'s prefix "pre/"']);
  });
  it('handles the bucket root as prefix', async () => {
    const out = await collect(decryptHistories(groupVersions(from([v('Ex/Ey', 'upload', 1)])), { names, prefix: '' }));
    expect(out[0]?.path).toBe('x/Ey');
  });
});

describe('listCryptVersions', () => {
  const names = { encryptPath: (p: string) => p.toUpperCase(), encryptDirPath: (p: string) => p.toUpperCase() };
  const all = ['p/A', 'p/B', 'p/B', 'p/C', 'p/D'].map((name, i) => v(name, 'upload', 100 - i));
  const seen: ListVersionsOptions[] = [];
  const client = {
    async *listFileVersions(_bucket: string, options: ListVersionsOptions = {}) {
      seen.push(options);
      yield* all.filter((x) => x.fileName.startsWith(options.prefix ?? '') && (!options.startFileName || x.fileName >= options.startFileName));
    },
  };
  it('starts at the encrypted start name and stops before the encrypted stop name', async () => {
    const out = await collect(listCryptVersions({ client, bucketId: 'b', prefix: 'p', names, startAt: 'b', stopAt: 'd' }));
    expect(out.map((x) => x.fileName)).toEqual(['p/B', 'p/B', 'p/C']);
    expect(seen.at(-1)).toMatchObject({ prefix: 'p/', startFileName: 'p/B' });
  });
  it('encrypts a directory start as a directory', () => {
    expect(encryptedBucketName(names, 'p', 'x/y/')).toBe('p/X/Y/');
    expect(bucketPrefix('')).toBe('');
    expect(bucketPrefix('/a/b/')).toBe('a/b/');
  });
  it('needs a cipher for start/stop', () => {
    expect(() => listCryptVersions({ client, bucketId: 'b', prefix: 'p', startAt: 'x' })).toThrow(/name cipher/);
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
