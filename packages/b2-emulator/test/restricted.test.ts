import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, writeRcloneTestConfig, type Emulator } from '../src/index.js';
import { rclone, tempDir } from './helpers.js';

describe('bucket-restricted application key (--restrict-bucket)', () => {
  let em: Emulator;
  let token: string;
  let allowedId: string;
  let otherId: string;
  const call = async (name: string, body: unknown, v = 2): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${em.url}/b2api/v${v}/${name}`, { method: 'POST', headers: { Authorization: token }, body: JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    em = await startEmulator({ restrictToBucket: 'allowed-bucket' });
    otherId = em.store.createBucket('other-bucket', 'allPrivate', {}, []).bucketId;
    const res = await fetch(`${em.url}/b2api/v2/b2_authorize_account`, { headers: { Authorization: `Basic ${Buffer.from(`${em.keyId}:${em.key}`).toString('base64')}` } });
    const j = (await res.json()) as { authorizationToken: string; allowed: { bucketId: string; bucketName: string } };
    token = j.authorizationToken;
    allowedId = j.allowed.bucketId;
    expect(j.allowed.bucketName).toBe('allowed-bucket');
  });
  afterAll(() => em.close());

  it('narrows list_buckets (v1 silently, v2 only when the bucket is named)', async () => {
    expect((await call('b2_list_buckets', { accountId: em.accountId }, 1)).json.buckets).toHaveLength(1);
    expect((await call('b2_list_buckets', { accountId: em.accountId })).json).toMatchObject({ status: 401, code: 'unauthorized' });
    const named = await call('b2_list_buckets', { accountId: em.accountId, bucketName: 'allowed-bucket' });
    expect((named.json.buckets as Array<{ bucketId: string }>).map((b) => b.bucketId)).toEqual([allowedId]);
  });

  it('refuses other buckets and bucket management', async () => {
    expect((await call('b2_list_file_names', { bucketId: otherId })).json).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((await call('b2_create_bucket', { accountId: em.accountId, bucketName: 'new-bucket', bucketType: 'allPrivate' })).status).toBe(401);
    expect((await call('b2_list_file_names', { bucketId: allowedId })).status).toBe(200);
  });

  it('lets real rclone work inside the allowed bucket', async () => {
    const tmp = await tempDir();
    try {
      const cfg = await writeRcloneTestConfig({ emulator: em, dir: tmp.dir, bucket: 'allowed-bucket' });
      const src = join(tmp.dir, 'src');
      await mkdir(src, { recursive: true });
      await writeFile(join(src, 'a.txt'), 'restricted');
      expect((await rclone(cfg.configPath, 'copy', src, cfg.cryptPath)).exitCode).toBe(0);
      expect((await rclone(cfg.configPath, 'cat', `${cfg.cryptPath}a.txt`)).stdout).toBe('restricted');
      expect((await rclone(cfg.configPath, 'ls', `${cfg.b2Remote}:other-bucket`)).exitCode).not.toBe(0);
    } finally {
      await tmp.cleanup();
    }
  });
});
