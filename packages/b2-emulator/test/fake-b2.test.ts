// The in-memory FakeB2 other packages' unit tests use must answer like the B2 API (here: the
// emulator through core's real client): a fake that disagrees would hide the bugs it is for.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B2Client, B2Error, type B2Api, type B2FileVersion } from '@rclone-b2/core';
import { startEmulator, type Emulator } from '../src/index.js';
import { FakeB2 } from '../src/testing/fake-b2.js';

// Names whose UTF-16 order differs from B2's UTF-8 byte order, a space, a directory.
const NAMES = ['a', 'a b', 'b', 'b/c', '\uffff', '\u{10000}', 'é', 'z'];

const row = (v: B2FileVersion): string => `${v.fileName} ${v.action}`;
async function all(it: AsyncIterable<B2FileVersion>): Promise<string[]> {
  const out: string[] = [];
  for await (const v of it) out.push(row(v));
  return out;
}
async function failure(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await p;
  } catch (error) {
    if (error instanceof B2Error) return { status: error.status, code: error.code };
    throw error;
  }
  throw new Error('expected a B2Error');
}

describe('FakeB2 answers like the B2 API', () => {
  let em: Emulator;
  let real: { client: B2Client; bucketId: string };
  const fake = new FakeB2();

  beforeAll(async () => {
    em = await startEmulator({ keyId: 'fake-key-id', key: 'fake-application-key' });
    const client = await B2Client.authorize({ applicationKeyId: 'fake-key-id', applicationKey: 'fake-application-key', endpoint: em.url });
    real = { client, bucketId: (await client.createBucket('fake-contract')).bucketId };
    // The same history in both: two uploads of 'a', every name once, then 'b' hidden.
    let at = fake.now;
    for (const name of ['a', ...NAMES]) {
      await real.client.uploadFile(real.bucketId, name, Buffer.from(name));
      fake.upload(name, name, {}, (at += 10));
      await sleep(5);
    }
    await real.client.hideFile(real.bucketId, 'b');
    fake.hide('b', (at += 10));
  }, 30_000);
  afterAll(() => em?.close());

  const both = async <T>(f: (client: B2Api, bucketId: string) => Promise<T>): Promise<[T, T]> => [await f(real.client, real.bucketId), await f(fake, 'b1')];

  it('lists versions in UTF-8 byte order, newest first within a name', async () => {
    const [theirs, ours] = await both((c, id) => all(c.listFileVersions(id)));
    expect(ours).toEqual(theirs);
    expect(theirs.indexOf('\u{10000} upload')).toBeGreaterThan(theirs.indexOf('\uffff upload'));
  });

  it('lists names (hidden ones not), from a start name, under a prefix, in small pages', async () => {
    for (const options of [{}, { startFileName: '\uffff' }, { prefix: 'b' }, { pageSize: 2 }]) {
      const [theirs, ours] = await both((c, id) => all(c.listFileNames(id, options)));
      expect(ours, JSON.stringify(options)).toEqual(theirs);
      const [theirVersions, ourVersions] = await both((c, id) => all(c.listFileVersions(id, options)));
      expect(ourVersions, JSON.stringify(options)).toEqual(theirVersions);
    }
  });

  it('bills listings as the real client does', async () => {
    for (const pageSize of [3, 1000]) {
      const [theirs, ours] = await both(async (c, id) => {
        const before = c.transactions.C;
        await all(c.listFileVersions(id, { pageSize }));
        return c.transactions.C - before;
      });
      expect(ours, `pageSize ${pageSize}`).toBe(theirs);
    }
  });

  it('fails with B2 status and code for a version that is not there', async () => {
    const [theirs, ours] = await both(async (c, id) => {
      const [first] = await (async () => {
        const out: B2FileVersion[] = [];
        for await (const v of c.listFileVersions(id, { prefix: 'z' })) out.push(v);
        return out;
      })();
      return failure(c.deleteFileVersion('not-z', first!.fileId));
    });
    expect(ours).toEqual(theirs);
    expect(ours.code).toBe('file_not_present');
  });
});
