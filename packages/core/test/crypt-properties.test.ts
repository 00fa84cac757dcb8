// fast-check round trips: names in every mode/encoding, contents with any chunking.
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContentCipher, plainSize } from '../src/crypt/content.js';
import { createNameCipher, deriveKeys, encryptedSize } from '../src/index.js';
import { type CryptKeys } from '../src/crypt/keys.js';
import { type NameCipherOptions } from '../src/crypt/names.js';

let keys: CryptKeys;
beforeAll(async () => {
  keys = await deriveKeys('property password', 'property salt');
});

const segment = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 60 })
  .filter((s) => !s.includes('/') && s.isWellFormed() && Buffer.byteLength(s) <= 2047);
const path = fc.array(segment, { minLength: 1, maxLength: 5 }).map((segs) => segs.join('/'));

const MODES: NameCipherOptions[] = [
  { filenameEncryption: 'standard', filenameEncoding: 'base32' },
  { filenameEncryption: 'standard', filenameEncoding: 'base64' },
  { filenameEncryption: 'standard', filenameEncoding: 'base32768' },
  { filenameEncryption: 'standard', directoryNameEncryption: false },
  { filenameEncryption: 'obfuscate' },
  { filenameEncryption: 'obfuscate', directoryNameEncryption: false },
  { filenameEncryption: 'off' },
];

describe.each(MODES)('names %j', (options) => {
  it('decryptPath(encryptPath(p)) = p', () => {
    const names = createNameCipher(keys, options);
    fc.assert(
      fc.property(path, (p) => {
        expect(names.decryptPath(names.encryptPath(p))).toBe(p);
      }),
      { numRuns: 300 },
    );
  });
  it('decryptDirPath(encryptDirPath(p)) = p', () => {
    const names = createNameCipher(keys, options);
    fc.assert(
      fc.property(path, (p) => {
        expect(names.decryptDirPath(names.encryptDirPath(p))).toBe(p);
      }),
      { numRuns: 200 },
    );
  });
  it('tryDecryptPaths(batch) = batch.map(tryDecryptPath)', () => {
    const names = createNameCipher(keys, options);
    const item = fc.oneof(
      path.map((p) => names.encryptPath(p)),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 20 }), (batch) => {
        const fresh = createNameCipher(keys, options);
        const show = (r: { ok: boolean; path?: string; error?: Error }): string => (r.ok ? r.path! : r.error!.message);
        expect(names.tryDecryptPaths(batch).map(show)).toEqual(batch.map((b) => show(fresh.tryDecryptPath(b))));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws anything but CryptNameError on arbitrary input', () => {
    const names = createNameCipher(keys, options);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
        const r = names.tryDecryptPath(s);
        if (!r.ok) expect(r.error.name).toBe('CryptNameError');
      }),
      { numRuns: 300 },
    );
  });
});

describe('contents', () => {
  it.each([0, 2])('decrypt(encrypt(x)) = x for any size and chunking (workers=%i)', async (workers) => {
    const content = createContentCipher(keys.dataKey, { workers });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        fc.integer({ min: 1, max: 70_000 }),
        async (size, inChunk, outChunk) => {
          const data = Buffer.alloc(size, size % 251);
          const split = (b: Buffer, n: number): Buffer[] => {
            const parts: Buffer[] = [];
            for (let i = 0; i < b.length; i += n) parts.push(b.subarray(i, i + n));
            return parts;
          };
          const enc = await buffer(Readable.from(split(data, inChunk)).pipe(content.encryptStream()));
          expect(enc.length).toBe(encryptedSize(size));
          const dec = await buffer(Readable.from(split(enc, outChunk)).pipe(content.decryptStream()));
          expect(dec.equals(data)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
    await content.close();
  });
  it('plainSize(encryptedSize(n)) = n', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 40 }), (n) => plainSize(encryptedSize(n)) === n));
  });
});
