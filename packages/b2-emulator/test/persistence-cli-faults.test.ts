import { reportError } from '@rclone-b2/core';
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { FaultInjector, parseFaultSpec, startEmulator } from '../src/index.js';
import { main } from '../src/main.js';
import { tempDir } from './helpers.js';

const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

async function session(url: string, keyId: string, key: string): Promise<{ token: string; accountId: string }> {
  const res = await fetch(`${url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from(`${keyId}:${key}`).toString('base64')}` } });
  const j = (await res.json()) as { authorizationToken: string; accountId: string };
  return { token: j.authorizationToken, accountId: j.accountId };
}

async function post(url: string, token: string, name: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/b2api/v2/${name}`, { method: 'POST', headers: { Authorization: token }, body: JSON.stringify(body) });
  return (await res.json()) as Record<string, unknown>;
}

describe('persistence with --data-dir', () => {
  it('keeps keys, buckets, versions, contents and unfinished parts across a restart', async () => {
    const tmp = await tempDir();
    try {
      const dataDir = join(tmp.dir, 'data');
      const first = await startEmulator({ dataDir });
      first.clock.set(Date.UTC(2024, 2, 1));
      let s = await session(first.url, first.keyId, first.key);
      const bucketId = (await post(first.url, s.token, 'b2_create_bucket', { accountId: s.accountId, bucketName: 'persist-bucket', bucketType: 'allPrivate' })).bucketId as string;
      const up = (await post(first.url, s.token, 'b2_get_upload_url', { bucketId })) as { uploadUrl: string; authorizationToken: string };
      for (const body of ['v1', 'v2']) {
        await fetch(up.uploadUrl, { method: 'POST', headers: { Authorization: up.authorizationToken, 'X-Bz-File-Name': 'a/file.txt', 'Content-Type': 'text/plain', 'X-Bz-Content-Sha1': sha1(body) }, body });
      }
      const started = await post(first.url, s.token, 'b2_start_large_file', { bucketId, fileName: 'big', contentType: 'application/octet-stream' });
      const before = await post(first.url, s.token, 'b2_list_file_versions', { bucketId });
      const { keyId, key } = first;
      await first.close();

      const second = await startEmulator({ dataDir });
      expect([second.keyId, second.key]).toEqual([keyId, key]);
      s = await session(second.url, keyId, key);
      const after = await post(second.url, s.token, 'b2_list_file_versions', { bucketId });
      expect(after.files).toEqual(before.files);
      const newest = (after.files as Array<{ fileId: string; fileName: string }>).find((f) => f.fileName === 'a/file.txt');
      const dl = await fetch(`${second.url}/b2api/v2/b2_download_file_by_id?fileId=${newest?.fileId}`, { headers: { Authorization: s.token } });
      expect(await dl.text()).toBe('v2');
      const unfinished = await post(second.url, s.token, 'b2_list_unfinished_large_files', { bucketId });
      expect((unfinished.files as Array<{ fileId: string }>)[0]?.fileId).toBe(started.fileId);
      // Deletions persist too.
      await post(second.url, s.token, 'b2_delete_file_version', { fileName: 'a/file.txt', fileId: newest?.fileId });
      await second.close();
      const third = await startEmulator({ dataDir });
      s = await session(third.url, keyId, key);
      const names = await post(third.url, s.token, 'b2_list_file_names', { bucketId });
      expect((names.files as Array<{ fileName: string; contentLength: number }>).map((f) => [f.fileName, f.contentLength])).toEqual([['a/file.txt', 2]]);
      await third.close();
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('fault injection', () => {
  it('is deterministic by seed', () => {
    const run = (seed: number): string => {
      const injector = new FaultInjector({ seed, rules: [{ kind: '503', probability: 0.3 }] });
      return Array.from({ length: 40 }, () => injector.decide('b2_list_file_names').failure?.kind ?? '.').join('');
    };
    const a = run(42);
    expect(run(42)).toBe(a);
    expect(a).toMatch(/5/);
    expect(a).toMatch(/\./);
    expect(run(43)).not.toBe(a);
  });

  it('fires every Nth matching call, per call name, up to a limit, with latency added', () => {
    const injector = new FaultInjector([
      { kind: '429', every: 3, calls: ['b2_hide_file'], retryAfter: 2, limit: 2 },
      { kind: 'latency', ms: 50 },
    ]);
    const seen = Array.from({ length: 12 }, (_, i) => injector.decide(i % 2 === 0 ? 'b2_hide_file' : 'b2_list_buckets'));
    // Hide calls are at even indexes: the 3rd (index 4) and 6th (index 10) fire; the limit stops the 9th.
    expect(seen.map((d) => (d.failure ? 'X' : '.')).join('')).toBe('....X.....X.');
    expect(seen[4]?.failure).toMatchObject({ kind: '429', retryAfter: 2 });
    expect(seen.every((d) => d.latencyMs === 50)).toBe(true);
  });

  it.each([
    ['503:p=0.1', { kind: '503', probability: 0.1 }],
    ['latency:ms=50', { kind: 'latency', ms: 50 }],
    ['429:every=5,retryAfter=1,calls=b2_list_file_versions+b2_hide_file', { kind: '429', every: 5, retryAfter: 1, calls: ['b2_list_file_versions', 'b2_hide_file'] }],
    ['drop:every=3,limit=1', { kind: 'drop', every: 3, limit: 1 }],
    ['expired', { kind: 'expired' }],
    ['drop-after:every=2', { kind: 'drop-after', every: 2 }],
  ])('parses --fault %s', (spec, rule) => {
    expect(parseFaultSpec(spec)).toEqual(rule);
  });

  it.each(['boom', '503:p=x', '503:nope=1'])('rejects --fault %s', (spec) => {
    expect(() => parseFaultSpec(spec)).toThrow();
  });

  it('answers 429 with Retry-After and drops connections over HTTP', async () => {
    const em = await startEmulator({ faults: [{ kind: '429', every: 1, retryAfter: 7, limit: 1 }, { kind: 'drop', every: 2, limit: 1 }] });
    try {
      const first = await fetch(`${em.url}/b2api/v2/b2_authorize_account`);
      expect(first.status).toBe(429);
      expect(first.headers.get('retry-after')).toBe('7');
      expect(await first.json()).toEqual({ status: 429, code: 'too_many_requests', message: expect.any(String) });
      await expect(fetch(`${em.url}/b2api/v2/b2_authorize_account`)).rejects.toThrow();
    } finally {
      await em.close();
    }
  });
});

describe('b2-emulator CLI', () => {
  it('prints its URL, key id and key and serves until stopped', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const running = main(['--key-id', 'cli-key-id', '--key', 'cli-key', '--fault', 'latency:ms=1'], { stdin: new PassThrough(), stdout, stderr: new PassThrough(), env: {}, cwd: '/', stderrIsTTY: false }, stopped);
    for (let i = 0; i < 100 && !out.includes('key:'); i++) await new Promise((r) => setTimeout(r, 20));
    const url = /url: (\S+)/.exec(out)?.[1] ?? '';
    expect(out).toContain('keyId: cli-key-id');
    expect(out).toContain('key: cli-key');
    const s = await session(url, 'cli-key-id', 'cli-key');
    expect(s.token).toBeTruthy();
    stop();
    expect(await running).toBe(0);
  });

  it('rejects a bad fault spec with exit 2', async () => {
    const stderr = new PassThrough();
    let err = '';
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: {}, cwd: '/', stderrIsTTY: false };
    const code = await main(['--fault', 'nonsense'], io, Promise.resolve()).catch((error: unknown) => reportError('b2-emulator', error, io, false));
    expect(code).toBe(2);
    expect(err).toMatch(/^b2-emulator: invalid value "nonsense" for --fault: unknown fault kind 'nonsense' \(.*\)\n$/);
  });

  it('runs as a bin', async () => {
    const child = execa('node', [join(import.meta.dirname, '..', 'bin', 'b2-emulator.js'), '--port', '0'], { reject: false });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    for (let i = 0; i < 100 && !out.includes('key:'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(out).toMatch(/^url: http:\/\/127\.0\.0\.1:\d+\nkeyId: \S+\nkey: \S+\n/);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
