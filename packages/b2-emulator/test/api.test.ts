import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';

const sha1 = (b: Buffer | string): string => createHash('sha1').update(b).digest('hex');

interface Session {
  token: string;
  accountId: string;
  apiUrl: string;
}

describe('B2 native API semantics', () => {
  let em: Emulator;
  let s: Session;
  let bucketId: string;

  const call = async (name: string, body: unknown, opts: { token?: string | null; v?: number } = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const token = opts.token === undefined ? s.token : opts.token;
    if (token !== null) headers.Authorization = token;
    const res = await fetch(`${em.url}/b2api/v${opts.v ?? 2}/${name}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const upload = async (name: string, data: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> => {
    const u = (await call('b2_get_upload_url', { bucketId })).json as { uploadUrl: string; authorizationToken: string };
    const res = await fetch(u.uploadUrl, {
      method: 'POST',
      headers: { Authorization: u.authorizationToken, 'X-Bz-File-Name': encodeURIComponent(name), 'Content-Type': 'text/plain', 'X-Bz-Content-Sha1': sha1(data), ...headers },
      body: data,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    em = await startEmulator({ keyId: 'test-key-id', key: 'test-application-key', minimumPartSize: 1000 });
    const res = await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from('test-key-id:test-application-key').toString('base64')}` } });
    const j = (await res.json()) as { authorizationToken: string; accountId: string; apiUrl: string };
    s = { token: j.authorizationToken, accountId: j.accountId, apiUrl: j.apiUrl };
    bucketId = (await call('b2_create_bucket', { accountId: s.accountId, bucketName: 'api-bucket', bucketType: 'allPrivate' })).json.bucketId as string;
  });
  afterAll(() => em.close());

  it.each([
    [1, ['apiUrl', 'downloadUrl', 'minimumPartSize', 'allowed']],
    [2, ['apiUrl', 'downloadUrl', 'recommendedPartSize', 'allowed']],
    [3, ['apiInfo']],
  ])('authorize v%i has the documented shape', async (v, keys) => {
    const res = await fetch(`${em.url}/b2api/v${v}/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from('test-key-id:test-application-key').toString('base64')}` } });
    const j = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(200);
    for (const k of keys) expect(j).toHaveProperty(k);
    if (v === 3) expect(j).toMatchObject({ apiInfo: { storageApi: { apiUrl: em.url, downloadUrl: em.url } } });
  });

  it.each([
    ['wrong key', 'b2_authorize_account', 401, 'unauthorized'],
    ['missing token', 'b2_list_buckets', 401, 'missing_auth_token'],
    ['bad token', 'b2_list_buckets', 401, 'bad_auth_token'],
    ['unknown call', 'b2_no_such_call', 404, 'not_found'],
  ])('answers %s with B2 error JSON', async (what, name, status, code) => {
    let res: Response;
    if (name === 'b2_authorize_account') {
      res = await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from('test-key-id:nope').toString('base64')}` } });
    } else {
      const headers: Record<string, string> = {};
      if (what === 'bad token') headers.Authorization = 'bogus';
      if (what === 'unknown call') headers.Authorization = s.token;
      res = await fetch(`${em.url}/b2api/v2/${name}`, { method: 'POST', headers, body: JSON.stringify({ accountId: s.accountId }) });
    }
    const j = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(status);
    expect(j).toEqual({ status, code, message: expect.any(String) });
  });

  it.each([
    ['bad bucket id', 'b2_list_file_names', { bucketId: 'nope' }, 400, 'bad_bucket_id'],
    ['maxFileCount over 10000', 'b2_list_file_versions', { bucketId: 'X', maxFileCount: 10001 }, 400, 'out_of_range'],
    ['missing field', 'b2_hide_file', {}, 400, 'bad_request'],
    ['bad JSON', 'b2_list_buckets', '{nope', 400, 'bad_json'],
    ['duplicate bucket', 'b2_create_bucket', { accountId: 'A', bucketName: 'api-bucket', bucketType: 'allPrivate' }, 400, 'duplicate_bucket_name'],
    ['unknown file', 'b2_get_file_info', { fileId: 'nope' }, 404, 'not_found'],
    ['delete unknown version', 'b2_delete_file_version', { fileName: 'a', fileId: 'b' }, 400, 'file_not_present'],
  ])('rejects %s', async (_what, name, body, status, code) => {
    const b = typeof body === 'object' ? JSON.parse(JSON.stringify(body).replace('"X"', JSON.stringify(bucketId)).replace('"A"', JSON.stringify(s.accountId))) : body;
    const r = await call(name, b);
    expect(r.status).toBe(status);
    expect(r.json).toMatchObject({ status, code });
  });

  it('verifies upload SHA-1 in all three forms and stores lower-cased, decoded info', async () => {
    const data = Buffer.from('payload');
    expect((await upload('sha/plain.txt', data)).status).toBe(200);
    const bad = await upload('sha/bad.txt', data, { 'X-Bz-Content-Sha1': sha1('other') });
    expect(bad.json).toMatchObject({ status: 400, code: 'bad_request' });
    const atEnd = await upload('sha/at end ü.txt', Buffer.concat([data, Buffer.from(sha1(data))]), {
      'X-Bz-Content-Sha1': 'hex_digits_at_end',
      'X-Bz-Info-Src_Last_Modified_Millis': '1700000000000',
      'X-Bz-Info-note': encodeURIComponent('a b/ü'),
    });
    expect(atEnd.json).toMatchObject({
      fileName: 'sha/at end ü.txt', contentLength: 7, contentSha1: sha1(data),
      fileInfo: { src_last_modified_millis: '1700000000000', note: 'a b/ü' },
    });
    const unverified = await upload('sha/unverified.txt', data, { 'X-Bz-Content-Sha1': 'do_not_verify' });
    expect(unverified.json.contentSha1).toBe(`unverified:${sha1(data)}`);
    const badEnd = await upload('sha/badend.txt', Buffer.concat([data, Buffer.from(sha1('x'))]), { 'X-Bz-Content-Sha1': 'hex_digits_at_end' });
    expect(badEnd.status).toBe(400);
  });

  it('downloads by id and by name with B2 headers and ranges', async () => {
    const data = Buffer.from('0123456789abcdef');
    const up = (await upload('dl/x y.txt', data, { 'X-Bz-Info-src_last_modified_millis': '42' })).json;
    const byId = await fetch(`${em.url}/b2api/v1/b2_download_file_by_id?fileId=${String(up.fileId)}`, { headers: { Authorization: s.token, Range: 'bytes=2-5' } });
    expect(byId.status).toBe(206);
    expect(await byId.text()).toBe('2345');
    expect(byId.headers.get('content-range')).toBe('bytes 2-5/16');
    expect(byId.headers.get('x-bz-content-sha1')).toBe(sha1(data));
    expect(byId.headers.get('x-bz-file-name')).toBe('dl/x%20y.txt');
    expect(byId.headers.get('x-bz-info-src_last_modified_millis')).toBe('42');
    expect(byId.headers.get('x-bz-upload-timestamp')).toBe(String(up.uploadTimestamp));
    const byName = await fetch(`${em.url}/file/api-bucket/dl/x%20y.txt`, { headers: { Authorization: s.token } });
    expect(await byName.text()).toBe('0123456789abcdef');
    expect(byName.headers.get('x-bz-file-id')).toBe(up.fileId);
    const head = await fetch(`${em.url}/file/api-bucket/dl/x%20y.txt`, { method: 'HEAD', headers: { Authorization: s.token } });
    expect(head.headers.get('content-length')).toBe('16');
    const missing = await fetch(`${em.url}/file/api-bucket/dl/none`, { headers: { Authorization: s.token } });
    expect(missing.status).toBe(404);
    const suffix = await fetch(`${em.url}/file/api-bucket/dl/x%20y.txt`, { headers: { Authorization: s.token, Range: 'bytes=-3' } });
    expect(await suffix.text()).toBe('def');
    const beyond = await fetch(`${em.url}/file/api-bucket/dl/x%20y.txt`, { headers: { Authorization: s.token, Range: 'bytes=99-' } });
    expect(beyond.status).toBe(416);
    expect(await beyond.json()).toMatchObject({ code: 'range_not_satisfiable' });
    const noAuth = await fetch(`${em.url}/file/api-bucket/dl/x%20y.txt`);
    expect(noAuth.status).toBe(401);
  });

  it('lists with size in v1 only, folders with a delimiter, and pages by name and id', async () => {
    for (const n of ['lst/a', 'lst/a', 'lst/b/1', 'lst/b/2', 'lst/c']) await upload(n, Buffer.from(n));
    const v1 = await call('b2_list_file_names', { bucketId, prefix: 'lst/' }, { v: 1 });
    expect((v1.json.files as Array<Record<string, unknown>>)[0]).toHaveProperty('size', 5);
    const v2 = await call('b2_list_file_names', { bucketId, prefix: 'lst/', delimiter: '/' });
    const files = v2.json.files as Array<Record<string, unknown>>;
    expect(files.map((f) => [f.fileName, f.action])).toEqual([['lst/a', 'upload'], ['lst/b/', 'folder'], ['lst/c', 'upload']]);
    expect(files[0]).not.toHaveProperty('size');
    const page1 = await call('b2_list_file_versions', { bucketId, prefix: 'lst/', maxFileCount: 1 });
    expect(page1.json).toMatchObject({ nextFileName: 'lst/a' });
    const page2 = await call('b2_list_file_versions', { bucketId, prefix: 'lst/', maxFileCount: 10, startFileName: page1.json.nextFileName, startFileId: page1.json.nextFileId });
    expect((page2.json.files as unknown[]).length).toBe(4);
    expect(page2.json.nextFileName).toBeNull();
  });

  it('runs the large-file API: parts, list, finish checks, cancel', async () => {
    const start = (await call('b2_start_large_file', { bucketId, fileName: 'big/file.bin', contentType: 'application/octet-stream', fileInfo: { Large_File_Sha1: 'abc' } })).json;
    expect(start).toMatchObject({ action: 'start', contentSha1: 'none', fileInfo: { large_file_sha1: 'abc' } });
    const fileId = start.fileId as string;
    const parts = [Buffer.alloc(1500, 1), Buffer.alloc(1500, 2), Buffer.alloc(10, 3)];
    for (const [i, part] of parts.entries()) {
      const u = (await call('b2_get_upload_part_url', { fileId })).json as { uploadUrl: string; authorizationToken: string };
      const res = await fetch(u.uploadUrl, {
        method: 'POST',
        headers: { Authorization: u.authorizationToken, 'X-Bz-Part-Number': String(i + 1), 'X-Bz-Content-Sha1': 'hex_digits_at_end' },
        body: Buffer.concat([part, Buffer.from(sha1(part))]),
      });
      expect(await res.json()).toMatchObject({ partNumber: i + 1, contentLength: part.length, contentSha1: sha1(part) });
    }
    const listed = await call('b2_list_parts', { fileId, maxPartCount: 2 });
    expect(listed.json).toMatchObject({ nextPartNumber: 3 });
    const unfinished = await call('b2_list_unfinished_large_files', { bucketId });
    expect((unfinished.json.files as Array<{ fileId: string }>).map((f) => f.fileId)).toContain(fileId);
    const versions = await call('b2_list_file_versions', { bucketId, prefix: 'big/' });
    expect((versions.json.files as Array<{ action: string }>)[0]?.action).toBe('start');
    const shas = parts.map((p) => sha1(p));
    expect((await call('b2_finish_large_file', { fileId, partSha1Array: [shas[0], shas[0], shas[2]] })).json).toMatchObject({ code: 'part_sha1_mismatch' });
    expect((await call('b2_finish_large_file', { fileId, partSha1Array: [...shas, shas[0]] })).json).toMatchObject({ code: 'missing_part' });
    const done = (await call('b2_finish_large_file', { fileId, partSha1Array: shas })).json;
    expect(done).toMatchObject({ action: 'upload', contentLength: 3010, contentSha1: 'none', fileId });
    const body = Buffer.from(await (await fetch(`${em.url}/b2api/v2/b2_download_file_by_id?fileId=${fileId}`, { headers: { Authorization: s.token } })).arrayBuffer());
    expect(body.equals(Buffer.concat(parts))).toBe(true);
    const small = (await call('b2_start_large_file', { bucketId, fileName: 'big/small.bin', contentType: 'b2/x-auto' })).json.fileId as string;
    const u = (await call('b2_get_upload_part_url', { fileId: small })).json as { uploadUrl: string; authorizationToken: string };
    for (const n of [1, 2]) {
      await fetch(u.uploadUrl, { method: 'POST', headers: { Authorization: u.authorizationToken, 'X-Bz-Part-Number': String(n), 'X-Bz-Content-Sha1': sha1('tiny') }, body: 'tiny' });
    }
    expect((await call('b2_finish_large_file', { fileId: small, partSha1Array: [sha1('tiny'), sha1('tiny')] })).status).toBe(400);
    expect((await call('b2_cancel_large_file', { fileId: small })).json).toMatchObject({ fileId: small, fileName: 'big/small.bin' });
    expect((await call('b2_cancel_large_file', { fileId: small })).status).toBe(400);
  });

  it('hides, refuses a second hide, and unhides by deleting the marker', async () => {
    await upload('hide/me', Buffer.from('x'));
    const marker = (await call('b2_hide_file', { bucketId, fileName: 'hide/me' })).json;
    expect(marker).toMatchObject({ action: 'hide', contentLength: 0, contentSha1: null });
    expect((await call('b2_hide_file', { bucketId, fileName: 'hide/me' })).json).toMatchObject({ code: 'already_hidden' });
    expect((await call('b2_list_file_names', { bucketId, prefix: 'hide/' })).json.files).toEqual([]);
    await call('b2_delete_file_version', { fileName: 'hide/me', fileId: marker.fileId });
    expect((await call('b2_list_file_names', { bucketId, prefix: 'hide/' })).json.files).toHaveLength(1);
  });

  it('copies a file (b2_copy_file) with COPY and REPLACE metadata', async () => {
    const src = (await upload('copy/src', Buffer.from('source'), { 'X-Bz-Info-k': 'v' })).json;
    const copy = (await call('b2_copy_file', { sourceFileId: src.fileId, fileName: 'copy/dst' })).json;
    expect(copy).toMatchObject({ fileName: 'copy/dst', contentSha1: sha1('source'), fileInfo: { k: 'v' } });
    const replaced = (await call('b2_copy_file', { sourceFileId: src.fileId, fileName: 'copy/dst2', metadataDirective: 'REPLACE', contentType: 'text/x', fileInfo: { a: 'b' }, range: 'bytes=0-2' })).json;
    expect(replaced).toMatchObject({ contentLength: 3, contentType: 'text/x', fileInfo: { a: 'b' }, contentSha1: sha1('sou') });
  });

  it('uses the controllable clock for uploadTimestamp and token expiry', async () => {
    em.clock.set(Date.UTC(2023, 5, 1));
    const res = await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from('test-key-id:test-application-key').toString('base64')}` } });
    s.token = ((await res.json()) as { authorizationToken: string }).authorizationToken;
    expect((await upload('clock/a', Buffer.from('a'))).json.uploadTimestamp).toBeGreaterThanOrEqual(Date.UTC(2023, 5, 1));
    em.clock.advance(12 * 3_600_000);
    const second = (await upload('clock/a', Buffer.from('b'))).json.uploadTimestamp as number;
    expect(second).toBeGreaterThanOrEqual(Date.UTC(2023, 5, 1, 12));
    expect(second).toBeLessThan(Date.UTC(2023, 5, 1, 13));
    em.clock.advance(13 * 3_600_000);
    expect((await call('b2_list_buckets', { accountId: s.accountId })).json).toMatchObject({ status: 401, code: 'expired_auth_token' });
  });
});
