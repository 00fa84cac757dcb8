import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../b2-emulator/src/index.js';
import { B2Client, compareB2Names, listVersionsParallel, splitPoints, type B2FileVersion, type ListVersionsOptions, type ParallelListStats } from '../src/index.js';
import { seededRandom } from '../src/random/index.js';

const B32 = '0123456789abcdefghijklmnopqrstuv';

async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const ids = (versions: B2FileVersion[]): string[] => versions.map((v) => `${v.fileName} ${v.fileId}`);

/** A clock on which every wait of the consumer lasts 10 ms: the listing behaves as over a slow link. */
const slowLink = (): (() => number) => {
  let t = 0;
  return () => (t += 10);
};

describe('splitPoints', () => {
  it.each([
    ['crypt/', 'crypt/0abc', undefined, 'crypt/0000', 16],
    ['crypt/', 'crypt/d1/k2', undefined, 'crypt/d1/a0', 8],
    ['crypt/', 'crypt/d1/k2', 'crypt/d1/m', 'crypt/d1/a0', 8],
    ['', 'uv/', 'v0', 'uv/', 4],
    ['p/', 'p/vvvvvvvvvv', undefined, 'p/vvvvvvvv0', 4],
    ['', 'Zé/a', undefined, 'Zé/0', 4],
  ])('cuts [%s… %s, %s) inside the range, increasing', (prefix, cursor, stop, hint, parts) => {
    const points = splitPoints(prefix, cursor, stop, hint, parts);
    expect(points.length).toBeLessThan(parts);
    let previous = cursor;
    for (const point of points) {
      expect(compareB2Names(point, previous)).toBeGreaterThan(0);
      expect(point.startsWith(prefix)).toBe(true);
      previous = point;
    }
    if (stop !== undefined && points.length > 0) expect(compareB2Names(points[points.length - 1]!, stop)).toBeLessThan(0);
  });

  it('carves pieces of about `span` pages (as wide as the last page) and leaves what follows the directory as the last piece', () => {
    expect(splitPoints('c/', 'c/dir/1', undefined, 'c/dir/0', 6, 4)).toEqual(['c/dir/5', 'c/dir/9', 'c/dir/d', 'c/dir/h', 'c/dir/l']);
    const [inside, after, rest] = [splitPoints('c/', 'c/dir/1', undefined, 'c/dir/0', 6, 8).slice(0, 3), splitPoints('c/', 'c/dir/1', undefined, 'c/dir/0', 6, 8)[3], splitPoints('c/', 'c/dir/1', undefined, 'c/dir/0', 6, 8).slice(4)];
    expect(inside).toEqual(['c/dir/9', 'c/dir/h', 'c/dir/p']);
    expect(after).toBe('c/dir0');
    expect(rest).toHaveLength(1);
    expect(rest[0]! > 'c/dir0' && !rest[0]!.startsWith('c/dir/')).toBe(true);
    expect(splitPoints('c/', 'c/dir/1', 'c/dir/k', 'c/dir/0', 6, 8)).toEqual(['c/dir/9', 'c/dir/h']);
  });
});

describe('listVersionsParallel against the emulator', () => {
  let emulator: Emulator;
  let client: B2Client;
  let bucketId: string;
  let expected: B2FileVersion[];

  const put = (fileName: string, versions: number, at = Date.UTC(2024, 0, 1)): void => {
    for (let v = 0; v < versions; v += 1) {
      emulator.store.addVersion({ bucketId, fileName, action: v === 3 ? 'hide' : 'upload', contentLength: v === 3 ? 0 : 100 + v, contentSha1: null, contentType: null, fileInfo: {}, uploadTimestamp: at + v * 1000 });
    }
  };

  beforeAll(async () => {
    emulator = await startEmulator();
    client = await B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, retry: { retries: 8, baseDelayMs: 1, maxDelayMs: 2 } });
    bucketId = (await client.createBucket('parallel')).bucketId;
    const random = seededRandom(7);
    const word = (n: number): string => Array.from({ length: n }, () => B32[Math.floor(random() * 32)]).join('');
    // A dense directory of random names, short names that sit on likely cut points (whole
    // digits, a directory's end 'crypt/dense0'), names with versions that span pages, and
    // names outside the prefix on both sides.
    for (let i = 0; i < 400; i += 1) put(`crypt/dense/${word(1 + (i % 4))}`, 1 + (i % 3));
    for (const c of B32) put(`crypt/dense/${c}`, 5);
    put('crypt/dense0', 7);
    put('crypt/dense0/x', 2);
    for (let i = 0; i < 60; i += 1) put(`crypt/${word(2)}/${word(3)}`, 2);
    put('crypt/', 2);
    put('crypt', 3);
    put('crypu/z', 3);
    expected = await collect(client.listFileVersions(bucketId, { prefix: 'crypt/', pageSize: 1000 }));
    expect(expected.length).toBeGreaterThan(1000);
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.setFaults());

  /** The client, with every range's first call (a startFileName without a startFileId) recorded. */
  const recording = (starts: string[]): Pick<B2Client, 'listFileVersions' | 'listFileVersionsPage'> => ({
    listFileVersions: (id, o) => client.listFileVersions(id, o),
    listFileVersionsPage: (id, o: ListVersionsOptions = {}) => {
      if (o.startFileId === undefined && o.startFileName !== undefined) starts.push(o.startFileName);
      return client.listFileVersionsPage(id, o);
    },
  });

  it.each([
    [1, 50],
    [4, 6],
    [8, 4],
    [16, 7],
    [16, 1000],
  ])('with %i ranges and pages of %i lists exactly what one cursor lists, in order', async (concurrency, pageSize) => {
    const stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 };
    const starts: string[] = [];
    const got = await collect(listVersionsParallel(recording(starts), bucketId, { prefix: 'crypt/', pageSize, concurrency, now: slowLink() }, stats));
    expect(ids(got)).toEqual(ids(expected));
    if (concurrency > 1 && pageSize < 100) {
      expect(stats.splits).toBeGreaterThan(0);
      expect(stats.widest).toBeLessThanOrEqual(concurrency);
      // Some ranges began exactly on a stored name: the border case is exercised.
      const names = new Set(expected.map((v) => v.fileName));
      expect(starts.filter((s) => names.has(s)).length).toBeGreaterThan(0);
    }
  });

  /** B2's paging over `versions` (sorted), answered at once: a source with no latency at all. */
  const instant = (versions: B2FileVersion[]): Pick<B2Client, 'listFileVersions' | 'listFileVersionsPage'> => ({
    listFileVersions: (id, o) => client.listFileVersions(id, o),
    listFileVersionsPage: async (_id, o: ListVersionsOptions = {}) => {
      let at = versions.findIndex((v) => compareB2Names(v.fileName, o.startFileName ?? '') >= 0 && (o.startFileId === undefined || v.fileName !== o.startFileName || v.fileId === o.startFileId));
      if (at < 0) at = versions.length;
      const files = versions.slice(at, at + (o.pageSize ?? 1000));
      const next = versions[at + files.length];
      return next ? { files, nextFileName: next.fileName, nextFileId: next.fileId } : { files };
    },
  });

  it('on a source that answers at once, stays near one cursor: few ranges, few extra calls', async () => {
    const one: ParallelListStats = { calls: 0, splits: 0, widest: 0 };
    expect(ids(await collect(listVersionsParallel(instant(expected), bucketId, { prefix: 'crypt/', pageSize: 7, concurrency: 1 }, one)))).toEqual(ids(expected));
    const stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 };
    const got = await collect(listVersionsParallel(instant(expected), bucketId, { prefix: 'crypt/', pageSize: 7, concurrency: 16, now: () => 0 }, stats));
    expect(ids(got)).toEqual(ids(expected));
    // The consumer never waits long, so the window stays small and the listing is one cursor's.
    expect(stats.splits).toBe(0);
    expect(stats.calls).toBe(one.calls);
  });

  /**
   * A source whose every call takes one round trip: calls made during a round are answered
   * together at its end, after the consumer has taken what it can. Returns the round trips the
   * whole listing took, and checks it lists what `versions` holds.
   */
  const roundTrips = async (versions: B2FileVersion[], pageSize: number, concurrency: number): Promise<{ rounds: number; calls: number }> => {
    const source = instant(versions);
    let waiting: (() => void)[] = [];
    let rounds = 0;
    const slow: Pick<B2Client, 'listFileVersions' | 'listFileVersionsPage'> = {
      listFileVersions: source.listFileVersions,
      listFileVersionsPage: async (id, o) => {
        await new Promise<void>((resolve) => waiting.push(resolve));
        return source.listFileVersionsPage(id, o);
      },
    };
    let done = false;
    const clock = (): number => rounds * 50;
    const stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 };
    const listing = collect(listVersionsParallel(slow, bucketId, { prefix: 'crypt/', pageSize, concurrency, now: clock }, stats)).finally(() => {
      done = true;
    });
    while (!done) {
      // Lets the consumer run until it waits for a page, then answers the round's calls.
      await new Promise((resolve) => setImmediate(resolve));
      const answer = waiting;
      waiting = [];
      rounds += 1;
      for (const resolve of answer) resolve();
    }
    expect(ids(await listing)).toEqual(ids(versions));
    return { rounds, calls: stats.calls };
  };

  it('hides round trips on a slow source: the consumer never waits for one cursor while others sit idle', async () => {
    // An rclone-crypt-like bucket: 20 directories of 100 encrypted names, 5 versions each.
    const random = seededRandom(11);
    const word = (n: number): string => Array.from({ length: n }, () => B32[Math.floor(random() * 32)]).join('');
    const names: string[] = [];
    for (let d = 0; d < 20; d += 1) {
      const dir = word(16);
      for (let f = 0; f < 100; f += 1) names.push(`crypt/${dir}/${word(26)}`);
    }
    names.sort(compareB2Names);
    const versions: B2FileVersion[] = names.flatMap((fileName) =>
      Array.from({ length: 5 }, (_, v) => ({ fileName, fileId: `${fileName}#${v}`, action: 'upload' as const, contentLength: v, contentSha1: null, contentType: null, fileInfo: {}, uploadTimestamp: 5 - v })),
    );
    const one = await roundTrips(versions, 50, 1);
    const parallel = await roundTrips(versions, 50, 16);
    expect(one.rounds).toBeGreaterThanOrEqual(200);
    // 200 pages over 16 cursors: ~30 round trips (12.5 at best, plus the window's opening);
    // 55 when finished ranges held the cursors' slots and the head range went on alone.
    expect(parallel.rounds).toBeLessThan(one.rounds / 5);
    // Each range ends with a partly filled page: directories of 10 small pages make that many.
    expect(parallel.calls).toBeLessThan(one.calls * 1.6);
  });

  it('makes no more calls than one cursor when the listing fits in one page', async () => {
    const stats: ParallelListStats = { calls: 0, splits: 0, widest: 0 };
    const got = await collect(listVersionsParallel(client, bucketId, { prefix: 'crypt/d', pageSize: 10_000, concurrency: 16 }, stats));
    expect(got.length).toBeGreaterThan(0);
    expect(stats).toEqual({ calls: 1, splits: 0, widest: 0 });
  });

  it('honours start (inclusive) and stop (exclusive) names that are stored names', async () => {
    const start = 'crypt/dense/8';
    const stop = 'crypt/dense0';
    const want = expected.filter((v) => compareB2Names(v.fileName, start) >= 0 && compareB2Names(v.fileName, stop) < 0);
    const got = await collect(listVersionsParallel(client, bucketId, { prefix: 'crypt/', startFileName: start, stopBeforeFileName: stop, pageSize: 4, concurrency: 8, now: slowLink() }));
    expect(ids(got)).toEqual(ids(want));
    expect(got[0]!.fileName).toBe(start);
  });

  it('lists the same under 5xx errors and tokens expiring mid-range', async () => {
    emulator.setFaults({
      seed: 3,
      rules: [
        { kind: '503', probability: 0.15, calls: ['b2_list_file_versions'] },
        { kind: '500', probability: 0.05, calls: ['b2_list_file_versions'] },
        // An expiry refuses every call out with that token (as a real one does), and each
        // refused call counts towards the next: at every 9th call half of all calls were
        // refusals, which left a 5xx run of 9 on one call likely (the retry budget here).
        { kind: 'expired', every: 30, calls: ['b2_list_file_versions'] },
        { kind: 'cut', probability: 0.05, calls: ['b2_list_file_versions'] },
      ],
    });
    const got = await collect(listVersionsParallel(client, bucketId, { prefix: 'crypt/', pageSize: 5, concurrency: 8, now: slowLink() }));
    const fired = emulator.faultsFired();
    expect(fired.get('503')).toBeGreaterThan(0);
    expect(fired.get('expired')).toBeGreaterThan(0);
    expect(ids(got)).toEqual(ids(expected));
  });

  it('fails with the error of a call that keeps failing, and stops the other ranges', async () => {
    const failing = await B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    emulator.setFaults([{ kind: '503', every: 1, calls: ['b2_list_file_versions'] }]);
    await expect(collect(listVersionsParallel(failing, bucketId, { prefix: 'crypt/', pageSize: 5, concurrency: 8, now: slowLink() }))).rejects.toMatchObject({ status: 503 });
  });

  it('ends the calls of the other ranges when the consumer stops early', async () => {
    const got: B2FileVersion[] = [];
    for await (const v of listVersionsParallel(client, bucketId, { prefix: 'crypt/', pageSize: 5, concurrency: 8, now: slowLink() })) {
      got.push(v);
      if (got.length === 20) break;
    }
    expect(ids(got)).toEqual(ids(expected.slice(0, 20)));
  });
});
