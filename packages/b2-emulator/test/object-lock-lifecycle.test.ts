import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../src/index.js';

type Json = Record<string, unknown>;
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 1);

let em: Emulator;
let token: string;
let bucketId: string;

async function authorize(id: string, key: string): Promise<string> {
  const res = await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}` } });
  return String(((await res.json()) as Json).authorizationToken);
}
async function call(name: string, body: Json, as = token): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${em.url}/b2api/v2/${name}`, { method: 'POST', headers: { Authorization: as }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Json };
}
async function upload(fileName: string, data: string, headers: Record<string, string> = {}): Promise<Json> {
  const url = (await call('b2_get_upload_url', { bucketId })).json as { uploadUrl: string; authorizationToken: string };
  const res = await fetch(url.uploadUrl, {
    method: 'POST',
    headers: { Authorization: url.authorizationToken, 'X-Bz-File-Name': fileName, 'Content-Type': 'text/plain', 'X-Bz-Content-Sha1': createHash('sha1').update(data).digest('hex'), ...headers },
    body: data,
  });
  const json = (await res.json()) as Json;
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json;
}
/** Moves the emulator clock (tokens last 24 h, so authorize again). */
async function advance(ms: number): Promise<void> {
  em.clock.advance(ms);
  token = await authorize(em.keyId, em.key);
}
const del = (f: Json, extra: Json = {}) => call('b2_delete_file_version', { fileName: f.fileName, fileId: f.fileId, ...extra });
const names = (): string[] => em.store.view(bucketId).sorted.flatMap((n) => em.store.versionsOf(bucketId, n).map((v) => `${n} ${v.action} ${(v.uploadTimestamp - T0) / DAY}`));

beforeEach(async () => {
  em = await startEmulator();
  em.clock.freeze();
  em.clock.set(T0);
  token = await authorize(em.keyId, em.key);
  bucketId = String((await call('b2_create_bucket', { accountId: em.accountId, bucketName: 'locked-bucket', bucketType: 'allPrivate', fileLockEnabled: true })).json.bucketId);
});
afterEach(() => em.close());

describe('Object Lock', () => {
  it('compliance retention: no deletion, not even by the master key, until retainUntil; then it goes', async () => {
    const f = await upload('a.txt', 'a', { 'X-Bz-File-Retention-Mode': 'compliance', 'X-Bz-File-Retention-Retain-Until-Timestamp': String(T0 + 10 * DAY) });
    expect(f.fileRetention).toEqual({ isClientAuthorizedToRead: true, value: { mode: 'compliance', retainUntilTimestamp: T0 + 10 * DAY } });
    expect((await del(f)).json).toMatchObject({ status: 403, code: 'access_denied' });
    expect((await del(f, { bypassGovernance: true })).status).toBe(403);
    const shorten = await call('b2_update_file_retention', { fileName: 'a.txt', fileId: f.fileId, fileRetention: { mode: 'compliance', retainUntilTimestamp: T0 + DAY }, bypassGovernance: true });
    expect(shorten.status).toBe(403);
    // extending is allowed
    expect((await call('b2_update_file_retention', { fileName: 'a.txt', fileId: f.fileId, fileRetention: { mode: 'compliance', retainUntilTimestamp: T0 + 11 * DAY } })).status).toBe(200);
    await advance(11 * DAY);
    expect((await del(f)).status).toBe(200);
  });

  it('governance retention: deletion needs bypassGovernance and a key with that capability', async () => {
    const f = await upload('g.txt', 'g', { 'X-Bz-File-Retention-Mode': 'governance', 'X-Bz-File-Retention-Retain-Until-Timestamp': String(T0 + 10 * DAY) });
    expect((await del(f)).status).toBe(403);
    const k = em.keys.create(em.accountId, { keyName: 'pruner', capabilities: ['listFiles', 'deleteFiles'], bucketId });
    const pruner = await authorize(k.applicationKeyId, k.applicationKey);
    expect((await call('b2_delete_file_version', { fileName: 'g.txt', fileId: f.fileId, bypassGovernance: true }, pruner)).json).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await del(f, { bypassGovernance: true })).status).toBe(200);
  });

  it('legal hold keeps a version until it is released; hiding a locked file is allowed', async () => {
    const f = await upload('h.txt', 'h', { 'X-Bz-File-Legal-Hold': 'on' });
    expect((f.legalHold as Json).value).toBe('on');
    expect((await call('b2_hide_file', { bucketId, fileName: 'h.txt' })).status).toBe(200);
    expect((await del(f, { bypassGovernance: true })).json).toMatchObject({ status: 403, code: 'access_denied' });
    expect((await call('b2_update_file_legal_hold', { fileName: 'h.txt', fileId: f.fileId, legalHold: 'off' })).json).toMatchObject({ legalHold: 'off' });
    expect((await del(f)).status).toBe(200);
  });

  it('the bucket default retention applies to every upload; listings show the lock', async () => {
    const set = await call('b2_update_bucket', { accountId: em.accountId, bucketId, defaultRetention: { mode: 'governance', period: { duration: 7, unit: 'days' } } });
    expect((set.json.fileLockConfiguration as { value: Json }).value).toMatchObject({ isFileLockEnabled: true, defaultRetention: { mode: 'governance', period: { duration: 7, unit: 'days' } } });
    await upload('d.txt', 'd');
    const listed = (await call('b2_list_file_versions', { bucketId })).json.files as Json[];
    expect(listed[0]?.fileRetention).toEqual({ isClientAuthorizedToRead: true, value: { mode: 'governance', retainUntilTimestamp: T0 + 7 * DAY } });
  });

  it('a bucket without Object Lock refuses locks; Object Lock cannot be turned off', async () => {
    const plain = String((await call('b2_create_bucket', { accountId: em.accountId, bucketName: 'plain-bucket', bucketType: 'allPrivate' })).json.bucketId);
    const f = em.store.addVersion({ bucketId: plain, fileName: 'p', action: 'upload', contentLength: 1, contentSha1: null, contentType: 'text/plain', fileInfo: {}, uploadTimestamp: T0 }, Buffer.from('p'));
    expect((await call('b2_update_file_legal_hold', { fileName: 'p', fileId: f.fileId, legalHold: 'on' })).status).toBe(400);
    expect((await call('b2_update_bucket', { accountId: em.accountId, bucketId, fileLockEnabled: false })).status).toBe(400);
  });
});

describe('lifecycle rules on the emulator clock', () => {
  const rules = async (lifecycleRules: Json[]) => {
    const r = await call('b2_update_bucket', { accountId: em.accountId, bucketId, lifecycleRules });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
  };

  it('daysFromHidingToDeleting deletes a replaced version N days after it was replaced, and a lone hide marker', async () => {
    await upload('logs/a', 'v1');
    await advance(2 * DAY);
    await upload('logs/a', 'v2');
    await upload('keep/b', 'k1');
    await advance(DAY);
    await upload('keep/b', 'k2');
    await call('b2_hide_file', { bucketId, fileName: 'logs/a' });
    await rules([{ fileNamePrefix: 'logs/', daysFromHidingToDeleting: 5, daysFromUploadingToHiding: null }]);
    await advance(5 * DAY - 1); // day 8 minus 1 ms: v1 (replaced on day 2) has been hidden for 6 days
    em.applyLifecycle();
    expect(names()).toEqual(['keep/b upload 3', 'keep/b upload 2', 'logs/a hide 3', 'logs/a upload 2']);
    await advance(1); // day 8: v2 (hidden on day 3) is due, then the lone hide marker
    expect((await call('b2_list_file_names', { bucketId })).status).toBe(200); // a request runs the sweep
    expect(names()).toEqual(['keep/b upload 3', 'keep/b upload 2']);
  });

  it('daysFromUploadingToHiding hides the file N days after its last upload (marker dated then)', async () => {
    await upload('tmp/x', 'x');
    await rules([{ fileNamePrefix: 'tmp/', daysFromUploadingToHiding: 3, daysFromHidingToDeleting: null }]);
    await advance(10 * DAY);
    em.applyLifecycle();
    expect(names()).toEqual(['tmp/x hide 3', 'tmp/x upload 0']);
  });

  it('a rule never deletes a version under Object Lock', async () => {
    await upload('logs/l', 'old', { 'X-Bz-File-Retention-Mode': 'governance', 'X-Bz-File-Retention-Retain-Until-Timestamp': String(T0 + 30 * DAY) });
    await advance(DAY);
    await upload('logs/l', 'new');
    await rules([{ fileNamePrefix: 'logs/', daysFromHidingToDeleting: 1, daysFromUploadingToHiding: null }]);
    await advance(5 * DAY);
    expect(em.applyLifecycle()).toMatchObject({ deleted: 0, keptByLock: 1 });
    await advance(30 * DAY); // the retention has run out: the next sweep (this request's) deletes it
    em.applyLifecycle();
    expect(names()).toEqual(['logs/l upload 1']);
  });

  it.each([
    [[{ fileNamePrefix: '' }], /at least one/],
    [[{ fileNamePrefix: 'a', daysFromHidingToDeleting: 0 }], /positive/],
    [[{ fileNamePrefix: 'a', daysFromHidingToDeleting: 1 }, { fileNamePrefix: 'ab', daysFromHidingToDeleting: 2 }], /overlap/],
  ])('refuses bad rules (%j)', async (lifecycleRules, message) => {
    const r = await call('b2_update_bucket', { accountId: em.accountId, bucketId, lifecycleRules });
    expect(r.status).toBe(400);
    expect(String(r.json.message)).toMatch(message);
  });
});
