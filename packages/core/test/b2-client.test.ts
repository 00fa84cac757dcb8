import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
// The emulator is a workspace package that depends on core; importing its source keeps
// the dependency graph acyclic (core tests only).
import { startEmulator, type Emulator } from '../../b2-emulator/src/index.js';
import { B2Client, B2Error, openCryptBucket, type B2FileVersion } from '../src/index.js';
import { type B2Clock } from '../src/b2/retry.js';
import { formatRetry } from '../src/b2/retry-log.js';
import { type B2RetryEvent } from '../src/b2/client.js';
import { type CryptRemote } from '../src/crypt/types.js';

const BUCKET = 'client-test-bucket';

function fakeClock(): B2Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) };
}

async function collect<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

async function text(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

describe('B2Client against the emulator', () => {
  let emulator: Emulator;
  let clock: ReturnType<typeof fakeClock>;
  let client: B2Client;
  let bucketId: string;

  const connect = (extra: Partial<Parameters<typeof B2Client.authorize>[0]> = {}): Promise<B2Client> =>
    B2Client.authorize({ applicationKeyId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, clock, ...extra });

  beforeAll(async () => {
    emulator = await startEmulator();
    emulator.clock.set(Date.UTC(2024, 0, 1));
    clock = fakeClock();
    client = await connect();
    bucketId = (await client.createBucket(BUCKET)).bucketId;
  });
  afterAll(() => emulator.close());
  beforeEach(() => {
    emulator.setFaults();
    clock.sleeps.length = 0;
  });

  it.each(['v1', 'v2', 'v3', 'v4'] as const)('authorizes and finds the bucket with API %s', async (apiVersion) => {
    const c = await connect({ apiVersion });
    const bucket = await c.getBucket(BUCKET);
    expect(bucket).toMatchObject({ bucketId, bucketName: BUCKET, bucketType: 'allPrivate' });
    expect(c.authorization.apiUrl).toBe(emulator.url);
    expect(c.transactions).toEqual({ A: 0, B: 0, C: 2 });
  });

  it('reports a wrong key as B2Error 401 unauthorized without leaking the key', async () => {
    const error = await connect({ applicationKey: 'Kwrong-secret-key-value' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(B2Error);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', call: 'b2_authorize_account' });
    expect(String((error as Error).message)).not.toContain('Kwrong-secret-key-value');
    expect(String((error as Error).message)).not.toContain(emulator.key);
  });

  it('reports a missing bucket', async () => {
    await expect(client.getBucket('no-such-bucket-here')).rejects.toMatchObject({ code: 'no_such_bucket' });
  });

  it('uploads, lists names and versions, hides, deletes, gets info', async () => {
    const up = async (name: string, body: string): Promise<B2FileVersion> => {
      emulator.clock.advance(1000);
      return client.uploadFile(bucketId, name, Buffer.from(body), { fileInfo: { src_last_modified_millis: '123' } });
    };
    const a1 = await up('ops/a.txt', 'one');
    const a2 = await up('ops/a.txt', 'two');
    await up('ops/b.txt', 'bee');
    await up('ops/sub/c.txt', 'sea');
    const names = await collect(client.listFileNames(bucketId, { prefix: 'ops/' }));
    expect(names.map((f) => f.fileName)).toEqual(['ops/a.txt', 'ops/b.txt', 'ops/sub/c.txt']);
    expect(names[0]).toMatchObject({ fileId: a2.fileId, contentLength: 3, fileInfo: { src_last_modified_millis: '123' } });
    const folders = await collect(client.listFileNames(bucketId, { prefix: 'ops/', delimiter: '/' }));
    expect(folders.map((f) => [f.fileName, f.action])).toEqual([['ops/a.txt', 'upload'], ['ops/b.txt', 'upload'], ['ops/sub/', 'folder']]);
    emulator.clock.advance(1000);
    const hidden = await client.hideFile(bucketId, 'ops/b.txt');
    expect(hidden.action).toBe('hide');
    await expect(client.hideFile(bucketId, 'ops/b.txt')).rejects.toMatchObject({ status: 400, code: 'already_hidden' });
    await expect(client.hideFile(bucketId, 'ops/none.txt')).rejects.toMatchObject({ status: 400, code: 'no_such_file' });
    expect((await collect(client.listFileNames(bucketId, { prefix: 'ops/' }))).map((f) => f.fileName)).toEqual(['ops/a.txt', 'ops/sub/c.txt']);
    const versions = await collect(client.listFileVersions(bucketId, { prefix: 'ops/' }));
    expect(versions.map((v) => `${v.fileName}:${v.action}`)).toEqual([
      'ops/a.txt:upload', 'ops/a.txt:upload', 'ops/b.txt:hide', 'ops/b.txt:upload', 'ops/sub/c.txt:upload',
    ]);
    expect(versions[0]?.fileId).toBe(a2.fileId);
    expect(versions[1]?.fileId).toBe(a1.fileId);
    // Unhide = delete the hide marker.
    await client.deleteFileVersion('ops/b.txt', hidden.fileId);
    expect((await collect(client.listFileNames(bucketId, { prefix: 'ops/' }))).map((f) => f.fileName)).toContain('ops/b.txt');
    // Deleting the newest version promotes the older one.
    await client.deleteFileVersion('ops/a.txt', a2.fileId);
    const info = await client.getFileInfo(a1.fileId);
    expect(info).toMatchObject({ fileName: 'ops/a.txt', contentSha1: createHash('sha1').update('one').digest('hex') });
    expect((await collect(client.listFileNames(bucketId, { prefix: 'ops/a' })))[0]?.fileId).toBe(a1.fileId);
    await expect(client.deleteFileVersion('ops/a.txt', a2.fileId)).rejects.toMatchObject({ status: 400, code: 'file_not_present' });
    await expect(client.getFileInfo('4_nonexistent')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('pages across the 10,000-entry boundary with many versions per name', async () => {
    const seeded = await startEmulator();
    try {
      const c = await B2Client.authorize({ applicationKeyId: seeded.keyId, applicationKey: seeded.key, endpoint: seeded.url, clock });
      const id = (await c.createBucket('paging-bucket')).bucketId;
      const expected: string[] = [];
      const t0 = Date.UTC(2024, 0, 1);
      // 2,001 names × 5 versions = 10,005 versions, uploaded in shuffled time order.
      for (let v = 0; v < 5; v++) {
        for (let n = 0; n < 2001; n++) {
          seeded.store.addVersion({
            bucketId: id, fileName: `p/${String(n).padStart(5, '0')}`, action: v === 4 && n % 7 === 0 ? 'hide' : 'upload',
            contentLength: v, contentSha1: null, contentType: 'text/plain', fileInfo: {}, uploadTimestamp: t0 + v * 1000 + n,
          });
        }
      }
      for (let n = 0; n < 2001; n++) for (let v = 4; v >= 0; v--) expected.push(`p/${String(n).padStart(5, '0')}@${t0 + v * 1000 + n}`);
      for (const pageSize of [10_000, 997, 7]) {
        const before = c.calls.b2_list_file_versions ?? 0;
        const got = (await collect(c.listFileVersions(id, { pageSize }))).map((f) => `${f.fileName}@${f.uploadTimestamp}`);
        expect(got).toEqual(expected);
        expect((c.calls.b2_list_file_versions ?? 0) - before).toBe(Math.ceil(10_005 / pageSize));
      }
      // Resume from the middle of a name's versions.
      const all = await collect(c.listFileVersions(id, { pageSize: 10_000 }));
      const mid = all[5002] as B2FileVersion;
      const rest = await collect(c.listFileVersions(id, { startFileName: mid.fileName, startFileId: mid.fileId, pageSize: 333 }));
      expect(rest.map((f) => f.fileId)).toEqual(all.slice(5002).map((f) => f.fileId));
      const names = await collect(c.listFileNames(id, { pageSize: 500 }));
      expect(names.length).toBe(2001 - Math.ceil(2001 / 7));
      expect(c.transactions.C).toBeGreaterThan(0);
    } finally {
      await seeded.close();
    }
  });

  it('downloads with SHA-1 check, ranges, and detects corruption', async () => {
    const data = Buffer.alloc(200_000, 7);
    data.write('hello', 1000);
    const f = await client.uploadFile(bucketId, 'dl/data.bin', data);
    const full = await client.downloadFileById(f.fileId);
    expect(full.contentLength).toBe(data.length);
    expect(full.fileName).toBe('dl/data.bin');
    expect((await text(full.stream)).equals(data)).toBe(true);
    const part = await client.downloadFileById(f.fileId, { range: { start: 1000, end: 1004 } });
    expect((await text(part.stream)).toString()).toBe('hello');
    const byName = await client.downloadFileByName(BUCKET, 'dl/data.bin');
    expect((await text(byName.stream)).length).toBe(data.length);
    const damaged = Buffer.from(data);
    damaged[5] = 99;
    emulator.store.blobs.put(f.fileId, damaged);
    const bad = await client.downloadFileById(f.fileId);
    await expect(text(bad.stream)).rejects.toMatchObject({ code: 'sha1_mismatch' });
    emulator.store.blobs.put(f.fileId, data);
    const before = client.transactions.B;
    await (await client.downloadFileById(f.fileId)).stream.resume();
    expect(client.transactions.B).toBe(before + 1);
  });

  it.each([
    ['429 with Retry-After', { kind: '429' as const, every: 2, retryAfter: 3 }, [3000]],
    ['503', { kind: '503' as const, every: 2 }, [undefined]],
    ['500', { kind: '500' as const, every: 2 }, [undefined]],
    ['a dropped connection', { kind: 'drop' as const, every: 2 }, [undefined]],
  ])('retries after %s and completes', async (_name, rule, expectedSleeps) => {
    await client.uploadFile(bucketId, `faults/${rule.kind}.txt`, Buffer.from('x'));
    emulator.setFaults({ seed: 7, rules: [{ ...rule, limit: 1, calls: ['b2_list_file_names', 'b2_hide_file', 'b2_download_file_by_id', 'b2_get_file_info'] }] });
    const first = await collect(client.listFileNames(bucketId, { prefix: `faults/${rule.kind}` }));
    const second = await collect(client.listFileNames(bucketId, { prefix: `faults/${rule.kind}` }));
    expect(first).toEqual(second);
    expect(second).toHaveLength(1);
    expect(clock.sleeps).toHaveLength(1);
    if (expectedSleeps[0] !== undefined) expect(clock.sleeps[0]).toBe(expectedSleeps[0]);
    else expect(clock.sleeps[0]).toBeGreaterThan(0);
  });

  it('treats file_not_present after a lost delete reply as success', async () => {
    const f = await client.uploadFile(bucketId, 'lost/reply.txt', Buffer.from('x'));
    emulator.setFaults([{ kind: 'drop-after', every: 1, limit: 1, calls: ['b2_delete_file_version'] }]);
    await client.deleteFileVersion(f.fileName, f.fileId);
    expect(emulator.stats.get('b2_delete_file_version')).toBeGreaterThanOrEqual(2);
    expect(emulator.store.get(f.fileId)).toBeUndefined();
    expect(clock.sleeps).toHaveLength(1);
  });

  it('reports retries to onRetry without secrets', async () => {
    const events: unknown[] = [];
    const c = await connect({ onRetry: (e) => events.push(e) });
    emulator.setFaults([{ kind: '429', every: 1, limit: 1, retryAfter: 1, calls: ['b2_list_buckets'] }, { kind: 'expired', every: 1, limit: 1, calls: ['b2_get_file_info'] }]);
    await c.getBucket(BUCKET);
    await c.getFileInfo((await c.uploadFile(bucketId, 'events.txt', Buffer.from('e'))).fileId);
    expect(events).toEqual([
      { call: 'b2_list_buckets', attempt: 1, counted: true, status: 429, code: 'too_many_requests', waitMs: 1000, reauthorized: false, reason: expect.stringMatching(/Too many requests/), retries: 5 },
      // a free token renewal: no retry spent yet
      { call: 'b2_get_file_info', attempt: 0, counted: false, status: 401, code: 'expired_auth_token', waitMs: 0, reauthorized: true, reason: expect.stringMatching(/expired/), retries: 5 },
    ]);
  });

  it('re-authorizes once on an expired token and retries', async () => {
    const before = client.calls.b2_authorize_account ?? 0;
    emulator.setFaults([{ kind: 'expired', every: 1, limit: 1 }]);
    const names = await collect(client.listFileNames(bucketId, { prefix: 'ops/' }));
    expect(names.length).toBeGreaterThan(0);
    expect((client.calls.b2_authorize_account ?? 0) - before).toBe(1);
    expect(clock.sleeps).toHaveLength(0);
  });

  it('renews an expired token without spending a retry (a 503 then an expiry still succeed with one retry)', async () => {
    const c = await connect({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    emulator.setFaults([
      { kind: '503', every: 1, limit: 1, calls: ['b2_list_buckets'] },
      { kind: 'expired', every: 1, limit: 1, calls: ['b2_list_buckets'] },
    ]);
    const bucket = await c.getBucket(BUCKET);
    expect(bucket.bucketId).toBe(bucketId);
    expect(emulator.faultsFired().get('503')).toBe(1);
    expect(emulator.faultsFired().get('expired')).toBe(1);
    expect(c.calls.b2_authorize_account).toBe(2);
  });

  it('a free token renewal after the last counted retry is not numbered past the limit (no "retry 6/5")', async () => {
    const events: B2RetryEvent[] = [];
    const c = await connect({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 }, onRetry: (e) => events.push(e) });
    // the first try and both retries get 503, the last retry's answer is an expired token
    emulator.setFaults([
      { kind: '503', every: 1, limit: 2, calls: ['b2_list_buckets'] },
      { kind: 'expired', every: 3, limit: 1, calls: ['b2_list_buckets'] },
    ]);
    expect((await c.getBucket(BUCKET)).bucketId).toBe(bucketId);
    expect(events.map((e) => [e.attempt, e.counted])).toEqual([
      [1, true],
      [2, true],
      [2, false],
    ]);
    for (const e of events) expect(e.attempt).toBeLessThanOrEqual(e.retries);
    expect(events.map(formatRetry).at(-1)).toMatch(/re-authorizing, then trying again \(token renewals do not count against the 2 retries\)$/);
  });

  it('still fails when B2 refuses every renewed token', async () => {
    const c = await connect({ retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    emulator.setFaults([{ kind: 'expired', calls: ['b2_list_buckets'] }]);
    const error = await c.getBucket(BUCKET).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, code: 'expired_auth_token' });
    // two free renewals, then the one retry the client was given
    expect(c.calls.b2_authorize_account).toBe(4);
  });

  it('calls out together survive tokens expiring under them: a refusal of a token already renewed spends nothing', async () => {
    const c = await connect({ retry: { retries: 0 }, concurrency: 16 });
    // Three expiries, each of the token every call out holds (as a real expiry does), caused
    // by three different calls: old code spent a renewal of every call out on each, and a
    // call out through all three failed.
    emulator.setFaults([
      { kind: 'latency', ms: 30 },
      { kind: 'expired', every: 1, limit: 1, calls: ['b2_list_buckets'] },
      { kind: 'expired', every: 18, limit: 1, calls: ['b2_list_buckets'] },
      { kind: 'expired', every: 35, limit: 1, calls: ['b2_list_buckets'] },
    ]);
    const buckets = await Promise.all(Array.from({ length: 16 }, () => c.getBucket(BUCKET)));
    expect(buckets.every((b) => b.bucketId === bucketId)).toBe(true);
    expect(emulator.faultsFired().get('expired')).toBe(3);
  });

  it('re-authorizes when the clock passes the 24-hour token lifetime', async () => {
    const c = await connect();
    emulator.clock.advance(25 * 3600 * 1000);
    await c.getBucket(BUCKET);
    expect(c.calls.b2_authorize_account).toBe(2);
  });

  it('gives up after the retry budget with B2 code and message', async () => {
    const c = await connect({ retry: { retries: 2 } });
    emulator.setFaults([{ kind: '503', calls: ['b2_list_buckets'] }]);
    const error = await c.getBucket(BUCKET).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 503, code: 'service_unavailable', call: 'b2_list_buckets' });
    expect((error as Error).message).toContain('service_unavailable');
    expect(clock.sleeps).toHaveLength(2);
  });

  it('does not retry permanent errors', async () => {
    await expect(client.deleteFileVersion('x', 'y')).rejects.toMatchObject({ status: 400, code: 'file_not_present' });
    expect(clock.sleeps).toHaveLength(0);
  });

  it('aborts a call in flight', async () => {
    emulator.setFaults([{ kind: 'latency', ms: 2000 }]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(collect(client.listFileNames(bucketId, { signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('limits concurrent calls', async () => {
    let active = 0;
    let peak = 0;
    const counting: typeof fetch = async (input, init) => {
      active++;
      peak = Math.max(peak, active);
      try {
        return await fetch(input, init);
      } finally {
        active--;
      }
    };
    const c = await connect({ concurrency: 3, fetch: counting });
    emulator.setFaults([{ kind: 'latency', ms: 30 }]);
    await Promise.all(Array.from({ length: 12 }, () => c.getFileInfo((emulator.store.view(bucketId).names.get('ops/a.txt') ?? [])[0]?.fileId ?? '')));
    expect(peak).toBe(3);
    expect(c.transactions.B).toBe(12);
  });

  it('lists and cancels unfinished large files', async () => {
    const started = emulator.store.addVersion({
      bucketId, fileName: 'large/unfinished.bin', action: 'start', contentLength: 0, contentSha1: 'none',
      contentType: 'application/octet-stream', fileInfo: {}, uploadTimestamp: emulator.clock.now(),
    });
    const unfinished = await collect(client.listUnfinishedLargeFiles(bucketId, { namePrefix: 'large/' }));
    expect(unfinished.map((f) => [f.fileId, f.action])).toEqual([[started.fileId, 'start']]);
    await client.cancelLargeFile(started.fileId);
    expect(await collect(client.listUnfinishedLargeFiles(bucketId))).toEqual([]);
  });

  it('works with a bucket-restricted key', async () => {
    const restricted = await startEmulator({ restrictToBucket: 'only-this-bucket' });
    try {
      restricted.store.createBucket('someone-elses', 'allPrivate', {}, []);
      const c = await B2Client.authorize({ applicationKeyId: restricted.keyId, applicationKey: restricted.key, endpoint: restricted.url, clock });
      expect(c.authorization.allowed.bucketName).toBe('only-this-bucket');
      expect((await c.listBuckets()).map((b) => b.bucketName)).toEqual(['only-this-bucket']);
      const bucket = await c.getBucket('only-this-bucket');
      await c.uploadFile(bucket.bucketId, 'x', Buffer.from('x'));
      expect(await collect(c.listFileNames(bucket.bucketId))).toHaveLength(1);
      await expect(c.getBucket('someone-elses')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    } finally {
      await restricted.close();
    }
  });

  it('opens a crypt remote\'s bucket', async () => {
    const remote = {
      name: 'secret', underlying: `b2emu:${BUCKET}/backup/`, secrets: [],
      b2: { remoteName: 'b2emu', accountId: emulator.keyId, applicationKey: emulator.key, endpoint: emulator.url, bucket: BUCKET, prefix: 'backup' },
    } as unknown as CryptRemote;
    const opened = await openCryptBucket({ remote, clock });
    expect(opened.bucket.bucketId).toBe(bucketId);
    expect(opened.prefix).toBe('backup');
    expect(opened.remote).toBe(remote);
    await expect(openCryptBucket({ remote: { ...remote, b2: undefined } })).rejects.toThrow(/not on a b2 remote/);
  });
});
