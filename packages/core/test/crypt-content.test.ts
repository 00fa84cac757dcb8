// Content conformance with the real rclone: we decrypt what `rclone copy` wrote through a crypt
// remote, and `rclone cat` reads back what we encrypted. Plus damage detection and size mapping.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CryptDataError } from '../src/crypt/errors.js';
import { encryptedSize, openCryptRemote } from '../src/index.js';
import { plainSize } from '../src/crypt/content.js';
import { type OpenedCryptRemote } from '../src/crypt/open-crypt-remote.js';
import { makeCryptFixture, type CryptFixture } from './helpers/rclone.js';

const SIZES = [0, 1, 21, 65535, 65536, 65537, 131072, 5_000_000];

function pieces(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) out.push(data.subarray(i, i + size));
  return out;
}
const decrypt = (remote: OpenedCryptRemote, data: Buffer, label: string, chunk = 8191): Promise<Buffer> =>
  buffer(Readable.from(pieces(data, chunk)).pipe(remote.content.decryptStream(label)));
const encrypt = (remote: OpenedCryptRemote, data: Buffer, chunk = 10007): Promise<Buffer> =>
  buffer(Readable.from(pieces(data, chunk)).pipe(remote.content.encryptStream()));

let fx: CryptFixture;
let remote: OpenedCryptRemote;
const originals = new Map<number, Buffer>();

beforeAll(async () => {
  fx = await makeCryptFixture({ password2: 'content salt' });
  remote = await openCryptRemote({ configPath: fx.configPath, env: {} });
  const src = join(fx.dir, 'src');
  await mkdir(src);
  for (const size of SIZES) {
    const data = randomBytes(size);
    originals.set(size, data);
    await writeFile(join(src, `f${size}.bin`), data);
  }
  await fx.rclone(['copy', src, 'c:written']);
}, 120_000);
afterAll(() => fx.cleanup());

describe('files written by rclone', () => {
  it.each(SIZES)('%i bytes: size mapping and our decryption', async (size) => {
    const file = join(fx.store, remote.names.encryptPath(`written/f${size}.bin`));
    const encrypted = await readFile(file);
    expect(encrypted.length).toBe(encryptedSize(size));
    expect(plainSize(encrypted.length)).toBe(size);
    expect((await decrypt(remote, encrypted, `f${size}.bin`)).equals(originals.get(size)!)).toBe(true);
  });
});

describe('files we encrypt', () => {
  it.each(SIZES)('%i bytes: rclone cat reads them back', async (size) => {
    const data = originals.get(size)!;
    const name = `ours/g${size}.bin`;
    const file = join(fx.store, remote.names.encryptPath(name));
    await mkdir(join(file, '..'), { recursive: true });
    const encrypted = await encrypt(remote, data);
    expect(encrypted.length).toBe(encryptedSize(size));
    await writeFile(file, encrypted);
    const { stdoutBuffer } = await fx.rclone(['cat', `c:${name}`]);
    expect(stdoutBuffer.equals(data)).toBe(true);
    expect((await stat(file)).size).toBe(encryptedSize(size));
  });
});

describe('with worker threads', () => {
  it('decrypts rclone files and rclone reads ours back', async () => {
    const parallel = await openCryptRemote({ configPath: fx.configPath, env: {}, contentWorkers: 2 });
    try {
      for (const size of [65537, 5_000_000]) {
        const encrypted = await readFile(join(fx.store, remote.names.encryptPath(`written/f${size}.bin`)));
        expect((await decrypt(parallel, encrypted, 'p', 100_000)).equals(originals.get(size)!)).toBe(true);
        const name = `parallel/h${size}.bin`;
        const file = join(fx.store, remote.names.encryptPath(name));
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, await encrypt(parallel, originals.get(size)!, 1 << 20));
        expect((await fx.rclone(['cat', `c:${name}`])).stdoutBuffer.equals(originals.get(size)!)).toBe(true);
      }
      const damaged = Buffer.from(await readFile(join(fx.store, remote.names.encryptPath('written/f131072.bin'))));
      damaged[32 + 65552 + 7]! ^= 4;
      await expect(decrypt(parallel, damaged, 'bad.bin')).rejects.toThrow(/bad\.bin: failed to authenticate.*block 1/);
    } finally {
      await parallel.content.close();
    }
  });
});

describe('damaged files are errors naming the file', () => {
  const load = (size: number): Promise<Buffer> =>
    readFile(join(fx.store, remote.names.encryptPath(`written/f${size}.bin`)));
  const cases: { name: string; size: number; damage: (b: Buffer) => Buffer; re: RegExp }[] = [
    { name: 'flipped byte in block 1', size: 131072, damage: (b) => (b[32 + 65552 + 100]! ^= 1, b), re: /authenticate.*block 1/ },
    { name: 'flipped tag', size: 1, damage: (b) => (b[40]! ^= 0x80, b), re: /authenticate/ },
    { name: 'truncated mid block', size: 131072, damage: (b) => b.subarray(0, b.length - 5), re: /authenticate/ },
    { name: 'truncated block header', size: 65537, damage: (b) => b.subarray(0, 32 + 65552 + 10), re: /truncated block header/ },
    { name: 'too short', size: 21, damage: (b) => b.subarray(0, 20), re: /too short/ },
    { name: 'bad magic', size: 21, damage: (b) => (b[0] = 0x41, b), re: /bad magic/ },
  ];
  it.each(cases)('$name', async (c) => {
    const damaged = c.damage(Buffer.from(await load(c.size)));
    const error = await decrypt(remote, damaged, 'docs/the-file.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CryptDataError);
    expect((error as Error).message).toMatch(/^docs\/the-file\.txt: /);
    expect((error as Error).message).toMatch(c.re);
  });

  it('wrong password', async () => {
    const other = await makeCryptFixture({ password: 'another password', password2: 'content salt' });
    try {
      const wrong = await openCryptRemote({ configPath: other.configPath, env: {} });
      await expect(decrypt(wrong, await load(65536), 'x.bin')).rejects.toThrow(/x\.bin: failed to authenticate.*bad password/);
    } finally {
      await other.cleanup();
    }
  });

  it.each([0, 31, 33, 48, 32 + 65552 + 16])('plainSize(%i) is impossible', (size) => {
    expect(() => plainSize(size)).toThrow(CryptDataError);
  });
});

describe('no_data_encryption', () => {
  it('passes contents through, like rclone', async () => {
    const plainFx = await makeCryptFixture({ extra: 'no_data_encryption = true\n' });
    try {
      // the fixture's [c] section is last, so the extra line belongs to it
      const r = await openCryptRemote({ configPath: plainFx.configPath, env: {} });
      expect(r.settings.noDataEncryption).toBe(true);
      await plainFx.rclone(['rcat', 'c:clear.txt'], 'in clear\n');
      const stored = await readFile(join(plainFx.store, r.names.encryptPath('clear.txt')));
      expect(stored.toString()).toBe('in clear\n');
      expect((await decrypt(r, stored, 'clear.txt')).toString()).toBe('in clear\n');
    } finally {
      await plainFx.cleanup();
    }
  });
});
