// listCryptFiles and names that decrypt (valid padding) but are not valid UTF-8: such a
// name is a real file (rclone stores a local name's invalid bytes as they are), never a
// sign of a wrong password — and, since a wrong key also yields such bytes now and then,
// no sign of the right one either.
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  createNameCipher,
  deriveKeys,
  listCryptFiles,
  assertPasswordFits,
  WrongPasswordError,
  nameFromBytes,
  type B2FileVersion,
} from '../src/index.js';
import { type CryptBucket } from '../src/versions/crypt-files.js';
import { ListingOnly } from './helpers/listing-only.js';

const version = (fileName: string): B2FileVersion => ({
  fileId: `id-${fileName}`,
  fileName,
  action: 'upload',
  contentLength: 48,
  contentSha1: null,
  contentType: null,
  uploadTimestamp: 1,
  fileInfo: {},
});

const bad = nameFromBytes(Buffer.from('626164fe2e747874', 'hex')); // "bad\xfe.txt"

async function bucketOf(plainNames: string[], garbage: number, garbageAfter = false): Promise<CryptBucket> {
  const names = createNameCipher(await deriveKeys('pw', 'salt'));
  const fileNames = plainNames.map((p) => names.encryptPath(p));
  // names that are not encrypted with this key: base32 of the right length, invalid padding
  // (or, sorting after every base32 name, not base32 at all)
  for (let i = 0; i < garbage; i += 1) fileNames.push(garbageAfter ? `z${i}`.padEnd(26, 'z') : String(i).padStart(26, '0'));
  return { client: new ListingOnly(fileNames.map(version)), bucketId: 'b', prefix: '', names };
}

async function list(bucket: CryptBucket): Promise<{ paths: string[]; undecryptable: number }> {
  const paths: string[] = [];
  let undecryptable = 0;
  for await (const file of listCryptFiles(bucket, { onUndecryptable: () => (undecryptable += 1) })) paths.push(file.path);
  return { paths, undecryptable };
}

describe('listCryptFiles with names that are not valid UTF-8', () => {
  it('yields them byte-exact; one broken name beside them is reported, not called a wrong password', async () => {
    const result = await list(await bucketOf([bad, `dir/${bad}`], 1));
    expect(result.paths.sort()).toEqual([bad, `dir/${bad}`].sort());
    expect(result.undecryptable).toBe(1);
  });

  it('does not count them as evidence of the right password', async () => {
    await expect(list(await bucketOf([bad], 12))).rejects.toThrow(ConfigError);
  });

  it('one listed before the wrong-password verdict is never yielded', async () => {
    const paths: string[] = [];
    const run = async () => {
      for await (const file of listCryptFiles(await bucketOf([bad], 12, true))) paths.push(file.path);
    };
    await expect(run()).rejects.toThrow(WrongPasswordError);
    expect(paths).toEqual([]);
  });

  it('assertPasswordFits does not take them as evidence either', async () => {
    await expect(assertPasswordFits(await bucketOf([bad], 12, true))).rejects.toThrow(WrongPasswordError);
    await expect(assertPasswordFits(await bucketOf([bad, 'plain.txt'], 12, true))).resolves.toBeUndefined();
  });

  it('a text name among many broken ones is evidence', async () => {
    const result = await list(await bucketOf(['plain.txt'], 3));
    expect(result.paths).toEqual(['plain.txt']);
  });
});

describe('listCryptFiles decrypts names in batches', () => {
  it('hands the cipher batches of files, and yields what name-by-name decryption yields', async () => {
    const names = createNameCipher(await deriveKeys('pw', 'salt'));
    const plain = Array.from({ length: 600 }, (_, i) => `d${i % 7}/f${i}.txt`);
    const fileNames = plain.map((p) => names.encryptPath(p));
    fileNames.splice(300, 0, 'not-a-crypt-name');
    const batches: number[] = [];
    const batching = { ...names, encryptPath: (p: string) => names.encryptPath(p), encryptDirPath: (p: string) => names.encryptDirPath(p), decryptPath: (p: string) => names.decryptPath(p), tryDecryptPaths: (paths: readonly string[]) => (batches.push(paths.length), names.tryDecryptPaths(paths)) };
    const oneByOne = { encryptPath: batching.encryptPath, encryptDirPath: batching.encryptDirPath, decryptPath: batching.decryptPath };
    const client = new ListingOnly(fileNames.map(version));
    const batched = await list({ client, bucketId: 'b', prefix: '', names: batching });
    expect(await list({ client, bucketId: 'b', prefix: '', names: oneByOne })).toEqual(batched);
    expect(batched.paths.sort()).toEqual([...plain].sort());
    expect(batched.undecryptable).toBe(1);
    expect(batches.length).toBe(3);
    expect(Math.max(...batches)).toBeLessThanOrEqual(256);
  });
});
