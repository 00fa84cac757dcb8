import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';

type Json = Record<string, unknown>;

describe('application keys (b2_create_key / b2_list_keys / b2_delete_key)', () => {
  let em: Emulator;
  let master: string;
  let bucketId: string;
  let otherId: string;

  const authorize = async (id: string, key: string, v = 2): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${em.url}/b2api/v${v}/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}` } });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const call = async (token: string, name: string, body: Json): Promise<{ status: number; json: Json }> => {
    const res = await fetch(`${em.url}/b2api/v2/${name}`, { method: 'POST', headers: { Authorization: token }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const upload = async (token: string, fileName: string, data = 'x'): Promise<{ status: number; json: Json }> => {
    const url = (await call(token, 'b2_get_upload_url', { bucketId })).json as { uploadUrl: string; authorizationToken: string };
    const { createHash } = await import('node:crypto');
    const res = await fetch(url.uploadUrl, {
      method: 'POST',
      headers: { Authorization: url.authorizationToken, 'X-Bz-File-Name': encodeURIComponent(fileName), 'Content-Type': 'text/plain', 'X-Bz-Content-Sha1': createHash('sha1').update(data).digest('hex') },
      body: data,
    });
    return { status: res.status, json: (await res.json()) as Json };
  };
  const createKey = async (body: Json): Promise<{ status: number; json: Json }> => call(master, 'b2_create_key', { accountId: em.accountId, ...body });
  const tokenFor = async (key: Json): Promise<string> => {
    const auth = await authorize(String(key.applicationKeyId), String(key.applicationKey));
    expect(auth.status).toBe(200);
    return String(auth.json.authorizationToken);
  };

  beforeAll(async () => {
    em = await startEmulator();
    em.clock.set(Date.UTC(2025, 0, 1));
    bucketId = em.store.createBucket('key-bucket', 'allPrivate', {}, []).bucketId;
    otherId = em.store.createBucket('other-bucket', 'allPrivate', {}, []).bucketId;
    master = String((await authorize(em.keyId, em.key)).json.authorizationToken);
  });
  afterAll(() => em.close());

  it('shows the secret once: b2_create_key returns it, b2_list_keys and b2_delete_key never do', async () => {
    const made = await createKey({ keyName: 'once-only', capabilities: ['listFiles'], bucketId });
    expect(made.status).toBe(200);
    expect(made.json).toMatchObject({ keyName: 'once-only', capabilities: ['listFiles'], bucketId, namePrefix: null, expirationTimestamp: null, accountId: em.accountId });
    expect(String(made.json.applicationKey)).toMatch(/^K00/);
    const listed = await call(master, 'b2_list_keys', { accountId: em.accountId });
    const keys = listed.json.keys as Json[];
    const mine = keys.find((k) => k.applicationKeyId === made.json.applicationKeyId);
    expect(mine).toMatchObject({ keyName: 'once-only' });
    expect(JSON.stringify(listed.json)).not.toContain(String(made.json.applicationKey));
    const deleted = await call(master, 'b2_delete_key', { applicationKeyId: made.json.applicationKeyId });
    expect(deleted.json).toMatchObject({ applicationKeyId: made.json.applicationKeyId });
    expect(deleted.json.applicationKey).toBeUndefined();
  });

  it('authorize reports the key\'s capabilities, bucket and name prefix (v2 allowed, v3 storageApi)', async () => {
    const made = (await createKey({ keyName: 'nightly', capabilities: ['listBuckets', 'listFiles', 'writeFiles'], bucketId, namePrefix: 'backup/' })).json;
    const v2 = await authorize(String(made.applicationKeyId), String(made.applicationKey));
    expect(v2.json.allowed).toEqual({ bucketId, bucketName: 'key-bucket', capabilities: ['listBuckets', 'listFiles', 'writeFiles'], namePrefix: 'backup/' });
    const v3 = await authorize(String(made.applicationKeyId), String(made.applicationKey), 3);
    expect((v3.json.apiInfo as { storageApi: Json }).storageApi).toMatchObject({ bucketId, namePrefix: 'backup/', capabilities: ['listBuckets', 'listFiles', 'writeFiles'] });
  });

  it.each<[Json, RegExp]>([
    [{ keyName: 'bad name!', capabilities: ['listFiles'] }, /keyName/],
    [{ keyName: 'k', capabilities: [] }, /capabilities/],
    [{ keyName: 'k', capabilities: ['fly'] }, /Unknown capability: fly/],
    [{ keyName: 'k', capabilities: ['listFiles'], namePrefix: 'a/' }, /namePrefix requires bucketId/],
    [{ keyName: 'k', capabilities: ['writeKeys'], bucketId: 'BUCKET' }, /cannot have: writeKeys/],
  ])('refuses a bad b2_create_key with 400 (%j)', async (body, message) => {
    const fixed = { ...body, ...(body.bucketId ? { bucketId } : {}) };
    const r = await createKey(fixed);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ status: 400, code: 'bad_request' });
    expect(String(r.json.message)).toMatch(message);
  });

  it('a key without deleteFiles can upload and hide but not delete a version (401 unauthorized)', async () => {
    const token = await tokenFor((await createKey({ keyName: 'no-delete', capabilities: ['listFiles', 'writeFiles', 'readFiles'], bucketId })).json);
    const up = await upload(token, 'doc.txt');
    expect(up.status).toBe(200);
    expect((await call(token, 'b2_hide_file', { bucketId, fileName: 'doc.txt' })).status).toBe(200);
    const del = await call(token, 'b2_delete_file_version', { fileName: 'doc.txt', fileId: up.json.fileId });
    expect(del.status).toBe(401);
    expect(del.json).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(String(del.json.message)).toBe("unauthorized for application key with capabilities 'listFiles,writeFiles,readFiles', restricted to bucket 'key-bucket'");
    expect(em.store.get(String(up.json.fileId))).toBeDefined();
    // nor can it change the bucket (lifecycle rules would delete history) or make keys
    expect((await call(token, 'b2_update_bucket', { accountId: em.accountId, bucketId, lifecycleRules: [{ fileNamePrefix: '', daysFromHidingToDeleting: 1, daysFromUploadingToHiding: null }] })).status).toBe(401);
    expect((await call(token, 'b2_create_key', { accountId: em.accountId, keyName: 'escalate', capabilities: ['deleteFiles'] })).status).toBe(401);
  });

  it('a bucket key cannot reach another bucket', async () => {
    const token = await tokenFor((await createKey({ keyName: 'one-bucket', capabilities: ['listBuckets', 'listFiles'], bucketId })).json);
    expect((await call(token, 'b2_list_file_names', { bucketId })).status).toBe(200);
    expect((await call(token, 'b2_list_file_names', { bucketId: otherId })).json).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('a name-prefix key lists, uploads and reads only under its prefix', async () => {
    const token = await tokenFor((await createKey({ keyName: 'prefixed', capabilities: ['listFiles', 'writeFiles', 'readFiles'], bucketId, namePrefix: 'mine/' })).json);
    expect((await upload(token, 'mine/a.txt', 'in')).status).toBe(200);
    const outside = await upload(token, 'theirs/a.txt');
    expect(outside.json).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await call(token, 'b2_list_file_names', { bucketId, prefix: 'mine/' })).status).toBe(200);
    expect((await call(token, 'b2_list_file_names', { bucketId })).status).toBe(401);
    expect((await call(token, 'b2_list_file_names', { bucketId, prefix: 'theirs/' })).status).toBe(401);
    const theirs = em.store.addVersion({ bucketId, fileName: 'theirs/secret.txt', action: 'upload', contentLength: 1, contentSha1: null, contentType: 'text/plain', fileInfo: {}, uploadTimestamp: em.clock.now() }, Buffer.from('s'));
    expect((await fetch(`${em.url}/file/key-bucket/theirs/secret.txt`, { headers: { Authorization: token } })).status).toBe(401);
    expect((await fetch(`${em.url}/b2api/v2/b2_download_file_by_id?fileId=${theirs.fileId}`, { headers: { Authorization: token } })).status).toBe(401);
    const mine = await fetch(`${em.url}/file/key-bucket/mine/a.txt`, { headers: { Authorization: token } });
    expect(await mine.text()).toBe('in');
  });

  it('a deleted key\'s tokens stop working (bad_auth_token) and it cannot authorize again', async () => {
    const made = (await createKey({ keyName: 'short-lived', capabilities: ['listFiles'], bucketId })).json;
    const token = await tokenFor(made);
    await call(master, 'b2_delete_key', { applicationKeyId: made.applicationKeyId });
    expect((await call(token, 'b2_list_file_names', { bucketId })).json).toMatchObject({ status: 401, code: 'bad_auth_token' });
    expect((await authorize(String(made.applicationKeyId), String(made.applicationKey))).json).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('a key with validDurationInSeconds expires on the emulator clock', async () => {
    em.clock.freeze();
    const made = (await createKey({ keyName: 'one-hour', capabilities: ['listFiles'], bucketId, validDurationInSeconds: 3600 })).json;
    expect(made.expirationTimestamp).toBe(em.clock.now() + 3600_000);
    const token = await tokenFor(made);
    em.clock.advance(3601_000);
    expect((await call(token, 'b2_list_file_names', { bucketId })).json).toMatchObject({ status: 401, code: 'expired_auth_token' });
    expect((await authorize(String(made.applicationKeyId), String(made.applicationKey))).status).toBe(401);
    em.clock.freeze(false);
  });

  it('b2_list_keys pages with maxKeyCount and nextApplicationKeyId; listing needs listKeys', async () => {
    for (const n of [1, 2, 3]) await createKey({ keyName: `page-${n}`, capabilities: ['listFiles'] });
    const all = ((await call(master, 'b2_list_keys', { accountId: em.accountId, maxKeyCount: 1000 })).json.keys as Json[]).map((k) => k.applicationKeyId);
    const first = (await call(master, 'b2_list_keys', { accountId: em.accountId, maxKeyCount: 2 })).json;
    expect((first.keys as Json[]).map((k) => k.applicationKeyId)).toEqual(all.slice(0, 2));
    expect(first.nextApplicationKeyId).toBe(all[2]);
    const rest = (await call(master, 'b2_list_keys', { accountId: em.accountId, maxKeyCount: 1000, startApplicationKeyId: first.nextApplicationKeyId })).json;
    expect((rest.keys as Json[]).map((k) => k.applicationKeyId)).toEqual(all.slice(2));
    const token = await tokenFor((await createKey({ keyName: 'no-list', capabilities: ['listFiles'] })).json);
    expect((await call(token, 'b2_list_keys', { accountId: em.accountId })).status).toBe(401);
  });
});
