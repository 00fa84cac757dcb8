import { UsageError } from '@rclone-b2/core';
// X-Bz-Test-Mode as B2 documents it (header or forced per emulator start) and the `cut`
// fault (a response that breaks off mid-body).
import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseFaultSpec, startEmulator, type Emulator, type TestMode } from '../src/index.js';
import { main } from '../src/main.js';

const sha1 = (b: string): string => createHash('sha1').update(b).digest('hex');

interface Session {
  em: Emulator;
  token: string;
  bucketId: string;
  call(name: string, body: unknown, mode?: TestMode): Promise<Response>;
  upload(name: string, content: string, mode?: TestMode): Promise<Response>;
}

async function session(options: { testMode?: TestMode } = {}): Promise<Session> {
  const em = await startEmulator(options);
  const basic = Buffer.from(`${em.keyId}:${em.key}`).toString('base64');
  const auth = (await (await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${basic}` } })).json()) as { authorizationToken: string; accountId: string };
  const headers = (mode?: TestMode): Record<string, string> => ({ Authorization: auth.authorizationToken, ...(mode ? { 'X-Bz-Test-Mode': mode } : {}) });
  const call = (name: string, body: unknown, mode?: TestMode): Promise<Response> =>
    fetch(`${em.url}/b2api/v2/${name}`, { method: 'POST', headers: headers(mode), body: JSON.stringify(body) });
  const bucket = em.store.createBucket('tm-bucket', 'allPrivate', {}, []);
  const upload = async (name: string, content: string, mode?: TestMode): Promise<Response> => {
    const target = (await (await call('b2_get_upload_url', { bucketId: bucket.bucketId })).json()) as { uploadUrl: string; authorizationToken: string };
    return fetch(target.uploadUrl, {
      method: 'POST',
      headers: { Authorization: target.authorizationToken, 'X-Bz-File-Name': name, 'Content-Type': 'text/plain', 'X-Bz-Content-Sha1': sha1(content), ...(mode ? { 'X-Bz-Test-Mode': mode } : {}) },
      body: content,
    });
  };
  return { em, token: auth.authorizationToken, bucketId: bucket.bucketId, call, upload };
}

const statusAndCode = async (r: Response): Promise<[number, string]> => [r.status, r.ok ? 'ok' : ((await r.json()) as { code: string }).code];

let open: Emulator | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('X-Bz-Test-Mode', () => {
  it('force_cap_exceeded: 403 storage cap on uploads, download cap on downloads, transaction cap on class B/C calls; class A calls are free', async () => {
    const s = await session();
    open = s.em;
    const file = (await (await s.upload('a.txt', 'hello')).json()) as { fileId: string };
    expect(await statusAndCode(await s.upload('b.txt', 'x', 'force_cap_exceeded'))).toEqual([403, 'storage_cap_exceeded']);
    const dl = await fetch(`${s.em.url}/b2api/v2/b2_download_file_by_id?fileId=${file.fileId}`, { headers: { Authorization: s.token, 'X-Bz-Test-Mode': 'force_cap_exceeded' } });
    expect(dl.status).toBe(403);
    expect(await dl.json()).toEqual({ status: 403, code: 'download_cap_exceeded', message: expect.stringMatching(/^Cannot download file, download bandwidth or transaction \(Class B\) cap exceeded/) });
    expect(await statusAndCode(await s.call('b2_list_file_names', { bucketId: s.bucketId }, 'force_cap_exceeded'))).toEqual([403, 'transaction_cap_exceeded']);
    expect(await statusAndCode(await s.call('b2_get_file_info', { fileId: file.fileId }, 'force_cap_exceeded'))).toEqual([403, 'transaction_cap_exceeded']);
    expect(await statusAndCode(await s.call('b2_hide_file', { bucketId: s.bucketId, fileName: 'a.txt' }, 'force_cap_exceeded'))).toEqual([200, 'ok']);
    // without the header nothing is capped
    expect(await statusAndCode(await s.call('b2_list_file_names', { bucketId: s.bucketId }))).toEqual([200, 'ok']);
  });

  it('fail_some_uploads: every second upload gets 503; other calls are untouched', async () => {
    const s = await session();
    open = s.em;
    const results = [];
    for (let i = 0; i < 4; i++) results.push((await s.upload(`f${i}`, `c${i}`, 'fail_some_uploads')).status);
    expect(results).toEqual([200, 503, 200, 503]);
    expect(await statusAndCode(await s.call('b2_list_file_names', { bucketId: s.bucketId }, 'fail_some_uploads'))).toEqual([200, 'ok']);
    expect([0, 1, 2, 3].map((i) => s.em.store.versionsOf(s.bucketId, `f${i}`).length)).toEqual([1, 0, 1, 0]);
  });

  it('expire_some_account_authorization_tokens: every third account-token call gets 401 expired_auth_token, and the token stays dead', async () => {
    const s = await session();
    open = s.em;
    const list = (mode?: TestMode): Promise<Response> => s.call('b2_list_buckets', { accountId: s.em.accountId }, mode);
    const seen = [];
    for (let i = 0; i < 3; i++) seen.push(await statusAndCode(await list('expire_some_account_authorization_tokens')));
    expect(seen).toEqual([[200, 'ok'], [200, 'ok'], [401, 'expired_auth_token']]);
    expect(await statusAndCode(await list())).toEqual([401, 'expired_auth_token']);
  });

  it('an unknown header value is ignored', async () => {
    const s = await session();
    open = s.em;
    const r = await fetch(`${s.em.url}/b2api/v2/b2_list_file_names`, { method: 'POST', headers: { Authorization: s.token, 'X-Bz-Test-Mode': 'nonsense' }, body: JSON.stringify({ bucketId: s.bucketId }) });
    expect(r.status).toBe(200);
  });

  it('can be forced on every request per emulator start (startEmulator testMode, setTestMode)', async () => {
    const s = await session({ testMode: 'force_cap_exceeded' });
    open = s.em;
    expect(await statusAndCode(await s.call('b2_list_file_names', { bucketId: s.bucketId }))).toEqual([403, 'transaction_cap_exceeded']);
    s.em.setTestMode();
    expect(await statusAndCode(await s.call('b2_list_file_names', { bucketId: s.bucketId }))).toEqual([200, 'ok']);
    s.em.setTestMode('fail_some_uploads');
    expect([(await s.upload('x', 'x')).status, (await s.upload('y', 'y')).status]).toEqual([200, 503]);
  });

  it('the CLI takes --test-mode and rejects an unknown one', async () => {
    const io = (): { out: () => string; io: Parameters<typeof main>[1] } => {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      let text = '';
      stdout.on('data', (c: Buffer) => (text += c.toString()));
      stderr.on('data', (c: Buffer) => (text += c.toString()));
      return { out: () => text, io: { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: '/', stderrIsTTY: false } };
    };
    const good = io();
    expect(await main(['--test-mode', 'force_cap_exceeded'], good.io, Promise.resolve())).toBe(0);
    expect(good.out()).toMatch(/^testMode: force_cap_exceeded$/m);
    const bad = io();
    await expect(main(['--test-mode', 'fail_everything'], bad.io, Promise.resolve())).rejects.toThrow(
      new UsageError('invalid value "fail_everything" for --test-mode: expected one of fail_some_uploads, expire_some_account_authorization_tokens, force_cap_exceeded'),
    );
  });
});

describe('cut: a connection dropped mid-body', () => {
  it('parses', () => {
    expect(parseFaultSpec('cut:p=0.1,calls=b2_download_file_by_id')).toEqual({ kind: 'cut', probability: 0.1, calls: ['b2_download_file_by_id'] });
  });

  it('sends the headers and half the body, then closes the connection', async () => {
    const s = await session();
    open = s.em;
    const content = 'x'.repeat(100_000);
    const file = (await (await s.upload('big.txt', content)).json()) as { fileId: string };
    s.em.setFaults([{ kind: 'cut', every: 1, limit: 1, calls: ['b2_download_file_by_id'] }]);
    const first = await fetch(`${s.em.url}/b2api/v2/b2_download_file_by_id?fileId=${file.fileId}`, { headers: { Authorization: s.token } });
    expect(first.status).toBe(200);
    expect(first.headers.get('content-length')).toBe(String(content.length));
    await expect(first.text()).rejects.toThrow();
    const second = await fetch(`${s.em.url}/b2api/v2/b2_download_file_by_id?fileId=${file.fileId}`, { headers: { Authorization: s.token } });
    expect(await second.text()).toBe(content);
  });

  it('also breaks listings (JSON) off mid-body, after the call took effect', async () => {
    const s = await session();
    open = s.em;
    await s.upload('a', 'a');
    s.em.setFaults([{ kind: 'cut', every: 1, limit: 1, calls: ['b2_hide_file'] }]);
    const r = await s.call('b2_hide_file', { bucketId: s.bucketId, fileName: 'a' });
    await expect(r.json()).rejects.toThrow();
    expect(s.em.store.versionsOf(s.bucketId, 'a')[0]?.action).toBe('hide');
  });
});
