import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  B2Client,
  B2Error,
  backoffMs,
  billedTransactions,
  expectedSha1,
  isRetryableStatus,
  parseAuthorization,
  redact,
  resolveRetry,
  retryAfterMs,
  transactionClass,
  verifyingStream,
} from '../src/index.js';

describe('B2 retry helpers', () => {
  it('backs off exponentially with jitter, capped', () => {
    const retry = resolveRetry({ baseDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5, random: () => 0 });
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(retry, n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    const jittered = resolveRetry({ baseDelayMs: 100, jitter: 0.5, random: () => 0.999 });
    expect(backoffMs(jittered, 0)).toBe(50);
  });

  it.each([
    ['3', 3000],
    ['0', 0],
    [null, undefined],
    ['soon', undefined],
    [new Date(Date.UTC(2024, 0, 1, 0, 0, 10)).toUTCString(), 10_000],
  ])('reads Retry-After %s', (value, ms) => {
    expect(retryAfterMs(value, Date.UTC(2024, 0, 1))).toBe(ms);
  });

  it.each([[408, true], [429, true], [500, true], [503, true], [504, true], [400, false], [401, false], [403, false], [404, false]])(
    'status %i retryable: %s',
    (status, retryable) => expect(isRetryableStatus(status)).toBe(retryable),
  );

  it('redacts secrets', () => {
    expect(redact('token 4_abcdef used with key K0001234', ['4_abcdef', 'K0001234', undefined])).toBe('token *** used with key ***');
  });
});

describe('billing classes', () => {
  it.each([
    ['b2_delete_file_version', 'A'], ['b2_hide_file', 'A'], ['b2_upload_file', 'A'], ['b2_cancel_large_file', 'A'],
    ['b2_download_file_by_id', 'B'], ['b2_get_file_info', 'B'],
    ['b2_list_file_versions', 'C'], ['b2_list_file_names', 'C'], ['b2_authorize_account', 'C'], ['b2_list_buckets', 'C'],
  ])('%s is class %s', (call, cls) => expect(transactionClass(call)).toBe(cls));

  it('bills list calls per 1000 entries', () => {
    expect([0, 1, 1000, 1001, 10_000].map((n) => billedTransactions('b2_list_file_versions', n))).toEqual([1, 1, 1, 2, 10]);
    expect(billedTransactions('b2_hide_file', 5000)).toBe(1);
  });
});

describe('authorize response shapes', () => {
  it.each([
    ['v1/v2 flat', { accountId: 'a', authorizationToken: 't', apiUrl: 'https://api/', downloadUrl: 'https://f', allowed: { bucketId: 'b1', bucketName: 'bn', capabilities: ['listFiles'], namePrefix: null } }],
    ['v3 apiInfo', { accountId: 'a', authorizationToken: 't', apiInfo: { storageApi: { apiUrl: 'https://api/', downloadUrl: 'https://f', bucketId: 'b1', bucketName: 'bn', capabilities: ['listFiles'], namePrefix: null } } }],
    ['v4 allowed.buckets', { accountId: 'a', authorizationToken: 't', apiInfo: { storageApi: { apiUrl: 'https://api/', downloadUrl: 'https://f', allowed: {}, buckets: [{ id: 'b1', name: 'bn' }], capabilities: ['listFiles'] } } }],
  ])('%s', (_name, body) => {
    expect(parseAuthorization(body as Record<string, unknown>)).toMatchObject({
      accountId: 'a', authorizationToken: 't', apiUrl: 'https://api', downloadUrl: 'https://f',
      allowed: { bucketId: 'b1', bucketName: 'bn', capabilities: ['listFiles'] },
    });
  });
});

describe('download verification', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  it.each([
    ['plain', A, {}, A],
    ['unverified prefix', `unverified:${B.toUpperCase()}`, {}, B],
    ['large file', 'none', { large_file_sha1: B }, B],
    ['none without info', 'none', {}, undefined],
    ['null', null, {}, undefined],
  ])('expected SHA-1 for %s', (_n, sha, info, want) => {
    expect(expectedSha1(sha, info as Record<string, string>)).toBe(want);
  });

  it('errors on a length or SHA-1 mismatch', async () => {
    const drain = (s: NodeJS.ReadableStream) => new Promise<void>((resolve, reject) => s.on('error', reject).on('end', resolve).resume());
    await expect(drain(Readable.from([Buffer.from('abc')]).pipe(verifyingStream('f', 3, 'a9993e364706816aba3e25717850c26c9cd0d89d')))).resolves.toBeUndefined();
    await expect(drain(Readable.from([Buffer.from('abd')]).pipe(verifyingStream('f', 3, 'a9993e364706816aba3e25717850c26c9cd0d89d')))).rejects.toMatchObject({ code: 'sha1_mismatch' });
    await expect(drain(Readable.from([Buffer.from('ab')]).pipe(verifyingStream('f', 3, undefined)))).rejects.toMatchObject({ code: 'length_mismatch' });
  });
});

describe('B2Client with a scripted fetch', () => {
  const authBody = JSON.stringify({ accountId: 'acc', authorizationToken: 'SECRET-TOKEN-1', apiUrl: 'https://api.example', downloadUrl: 'https://dl.example', allowed: { capabilities: [] } });

  function scripted(responses: Array<() => Response | Promise<Response>>): { fetch: typeof fetch; urls: string[] } {
    const urls: string[] = [];
    let i = 0;
    return {
      urls,
      fetch: (async (input: string | URL | Request) => {
        urls.push(String(input));
        const next = responses[i++];
        if (!next) throw new Error('unexpected call');
        return next();
      }) as typeof fetch,
    };
  }

  it('retries 408 and honours a Retry-After date; never leaks the token or key', async () => {
    const sleeps: number[] = [];
    const clock = { now: () => Date.UTC(2024, 0, 1), sleep: async (ms: number) => void sleeps.push(ms) };
    const f = scripted([
      () => new Response(authBody),
      () => new Response(JSON.stringify({ status: 408, code: 'request_timeout', message: 'slow' }), { status: 408 }),
      () => new Response('{"status":503,"code":"service_unavailable","message":"busy"}', { status: 503, headers: { 'Retry-After': new Date(Date.UTC(2024, 0, 1, 0, 0, 2)).toUTCString() } }),
      () => new Response(JSON.stringify({ buckets: [{ bucketId: 'b', bucketName: 'n', bucketType: 'allPrivate' }] })),
      () => new Response(JSON.stringify({ status: 400, code: 'bad_request', message: 'token SECRET-TOKEN-1 and key the-app-key echoed' }), { status: 400 }),
    ]);
    const client = await B2Client.authorize({ applicationKeyId: 'id', applicationKey: 'the-app-key', endpoint: 'https://auth.example/', fetch: f.fetch, clock, retry: { random: () => 0 } });
    expect(f.urls[0]).toBe('https://auth.example/b2api/v3/b2_authorize_account');
    expect((await client.getBucket('n')).bucketId).toBe('b');
    expect(sleeps).toEqual([1000, 2000]);
    const error = (await client.getFileInfo('x').catch((e: unknown) => e)) as B2Error;
    expect(error).toBeInstanceOf(B2Error);
    expect(error.message).toBe('b2_get_file_info: 400 bad_request: token *** and key *** echoed');
    expect(client.transactions).toEqual({ A: 0, B: 0, C: 2 });
  });

  it('turns network errors into retried B2Error network_error', async () => {
    const sleeps: number[] = [];
    const clock = { now: () => 0, sleep: async (ms: number) => void sleeps.push(ms) };
    const f = scripted([
      () => new Response(authBody),
      () => Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNRESET') })),
      () => Promise.reject(new TypeError('fetch failed', { cause: new Error('ECONNRESET') })),
    ]);
    const client = await B2Client.authorize({ applicationKeyId: 'id', applicationKey: 'k', fetch: f.fetch, clock, retry: { retries: 1 } });
    await expect(client.getBucket('n')).rejects.toMatchObject({ status: 0, code: 'network_error', message: 'b2_list_buckets: network_error: ECONNRESET' });
    expect(sleeps).toHaveLength(1);
    expect(f.urls[0]).toBe('https://api.backblazeb2.com/b2api/v3/b2_authorize_account');
  });
});
