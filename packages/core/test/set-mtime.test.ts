import { mkdtemp, rm, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMtimeMs } from '../src/fs/set-mtime.js';
import { seededRandom } from '../src/random/seeded-random.js';

describe('setMtimeMs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'set-mtime-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // B2 keeps modification times in milliseconds; a restored file must carry exactly that
  // millisecond (seconds as a double put e.g. …712 ms at …711.999999 ms).
  it('lands every millisecond exactly, for files and for symlinks themselves', async () => {
    const random = seededRandom(14);
    const file = join(dir, 'f');
    const link = join(dir, 'l');
    await writeFile(file, 'x');
    await symlink('f', link);
    let plainDoublesEarly = 0;
    for (let i = 0; i < 400; i++) {
      const ms = Math.floor(Date.UTC(2001, 0, 1) + random() * 40 * 365 * 86_400_000);
      await setMtimeMs(file, ms);
      await setMtimeMs(link, ms, { link: true });
      const [f, l] = await Promise.all([stat(file, { bigint: true }), lstat(link, { bigint: true })]);
      expect(f.mtimeNs / 1_000_000n).toBe(BigInt(ms));
      expect(l.mtimeNs / 1_000_000n).toBe(BigInt(ms));
      if (Math.floor((ms / 1000) * 1e9) < ms * 1e6) plainDoublesEarly++;
    }
    // the case is real: many of these times as plain seconds fall before their millisecond
    expect(plainDoublesEarly).toBeGreaterThan(0);
  });
});
