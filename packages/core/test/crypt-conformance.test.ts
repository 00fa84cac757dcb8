// Name conformance against the real rclone 1.60.1: for every mode/encoding it supports, our
// encryption of ≥ 2,000 random paths equals `rclone backend encode`, and our decryption of
// rclone's output gives the input back (rclone decodes ours the same way, since they are equal).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptNameError } from '../src/crypt/errors.js';
import { openCryptRemote, seededRandom } from '../src/index.js';
import { type OpenedCryptRemote } from '../src/crypt/open-crypt-remote.js';
import { makeCryptFixture, rcloneBackend, type CryptFixture, type CryptFixtureOptions } from './helpers/rclone.js';

const POOLS: [number, number][] = [
  [0x20, 0x7e], // ASCII printable (includes space, '!', '.', digits, letters)
  [0x20, 0x7e],
  [0x20, 0x7e],
  [0xa0, 0xff], // Latin-1
  [0x100, 0x17f],
  [0x3b1, 0x3c9], // Greek
  [0x4e00, 0x4fff], // CJK
  [0xd700, 0xd7ff], // next to the surrogates: obfuscate's "quote instead" case
  [0xff00, 0xffef],
  [0x1f600, 0x1f64f], // emoji (astral)
];

function randomSegment(rnd: () => number, maxBytes: number): string {
  const target = 1 + Math.floor(rnd() ** 3 * maxBytes);
  let s = '';
  let bytes = 0;
  while (bytes < target) {
    const pool = POOLS[Math.floor(rnd() * POOLS.length)]!;
    let cp = pool[0] + Math.floor(rnd() * (pool[1] - pool[0] + 1));
    if (cp === 0x2f) cp = 0x5f; // no '/' inside a segment
    const ch = String.fromCodePoint(cp);
    const size = Buffer.byteLength(ch);
    if (bytes + size > target) break;
    s += ch;
    bytes += size;
  }
  return s === '' ? 'x' : s;
}

const SPECIAL = [
  'hello.txt',
  '1234567890123456',
  '.hidden',
  'a.b.c',
  'quote!mark.txt',
  '!!',
  'file-v2023-01-02-030405-678.txt',
  'dir/file-v2023-01-02-030405-678',
  'not-a-version-v2023-02-29-000000-000.txt',
  'x-v2024-02-29-235959-999.tar.gz',
  '.bin',
  'a.bin',
  'with space /and  more/ trailing ',
  'ünïcödé/日本語/🎉.txt',
];

function randomPaths(seed: number, count: number): string[] {
  const rnd = seededRandom(seed);
  const out = [...SPECIAL];
  while (out.length < count) {
    const depth = 1 + Math.floor(rnd() * rnd() * 5);
    const segs: string[] = [];
    for (let i = 0; i < depth; i++) segs.push(randomSegment(rnd, rnd() < 0.1 ? 255 : 40));
    let p = segs.join('/');
    if (rnd() < 0.05) p += '-v2021-06-30-121314-015' + (rnd() < 0.5 ? '.dat' : '');
    out.push(p);
  }
  return out;
}

const MODES: CryptFixtureOptions[] = [
  { filenameEncryption: 'standard', filenameEncoding: 'base32' },
  { filenameEncryption: 'standard', filenameEncoding: 'base64' },
  { filenameEncryption: 'standard', filenameEncoding: 'base32768' },
  { filenameEncryption: 'standard', filenameEncoding: 'base32', directoryNameEncryption: false },
  { filenameEncryption: 'standard', filenameEncoding: 'base32768', directoryNameEncryption: false },
  { filenameEncryption: 'obfuscate' },
  { filenameEncryption: 'obfuscate', directoryNameEncryption: false },
  { filenameEncryption: 'off' },
];

const COUNT = 2000;

describe.each(MODES)('rclone backend encode/decode: %j', (mode) => {
  let fx: CryptFixture;
  let remote: OpenedCryptRemote;
  const paths = randomPaths(MODES.indexOf(mode) + 1, COUNT);
  let theirs: string[];

  beforeAll(async () => {
    fx = await makeCryptFixture({ ...mode, password2: `salt ${MODES.indexOf(mode)}` });
    remote = await openCryptRemote({ configPath: fx.configPath, env: {} });
    theirs = await rcloneBackend(fx, 'encode', paths, 200_000);
  }, 120_000);
  afterAll(() => fx.cleanup());

  it(`encrypts ${COUNT} paths exactly like rclone`, () => {
    const mismatches = paths
      .map((p, i) => ({ plain: p, ours: remote.names.encryptPath(p), theirs: theirs[i] }))
      .filter((m) => m.ours !== m.theirs);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it("decrypts rclone's output back to the input", () => {
    const mismatches = theirs
      .map((enc, i) => ({ enc, plain: paths[i], ours: remote.names.tryDecryptPath(enc) }))
      .filter((m) => !m.ours.ok || m.ours.path !== m.plain);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });

  it('batch decryption (tryDecryptPaths) gives the same results, invalid names included', () => {
    const mixed = theirs.flatMap((e, i) => (i % 50 === 0 ? [e, `${e}x`, `zz/${e}`, ''] : [e]));
    const batch = remote.names.tryDecryptPaths(mixed);
    const single = mixed.map((e) => remote.names.tryDecryptPath(e));
    expect(batch.map((r) => (r.ok ? r.path : r.error.message))).toEqual(single.map((r) => (r.ok ? r.path : r.error.message)));
  });

  it('decrypts like rclone backend decode (sample)', async () => {
    const sample = theirs.filter((_, i) => i % 10 === 0);
    const decoded = await rcloneBackend(fx, 'decode', sample, 200_000);
    expect(sample.map((e) => remote.names.decryptPath(e))).toEqual(decoded);
  });
});

describe('invalid names', () => {
  let remote: OpenedCryptRemote;
  let fx: CryptFixture;
  beforeAll(async () => {
    fx = await makeCryptFixture({ password2: 'x' });
    remote = await openCryptRemote({ configPath: fx.configPath, env: {} });
  });
  afterAll(() => fx.cleanup());

  it.each([
    ['not-base32!', /not valid base32/],
    ['abc', /bad length|multiple of 16/],
    ['0000000000000000000000000000000000000000', /multiple of 16/],
    ['4vioup3m6n3knsa5e0vski2ji8', /padding|UTF-8/],
    [`${'a'.repeat(26)}/x`, /segment "a{26}"/],
  ])('%s → CryptNameError', (name, re) => {
    const r = remote.names.tryDecryptPath(name);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(CryptNameError);
      expect(r.error.message).toMatch(re);
    }
    expect(() => remote.names.decryptPath(name)).toThrow(CryptNameError);
  });

  it('rclone rejects them too', async () => {
    await expect(rcloneBackend(fx, 'decode', ['not-base32!'])).rejects.toThrow();
  });
});
