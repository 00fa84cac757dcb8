import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameToBytes, versionedPath, writeVersionedPath, writeVersionSuffix } from '../src/index.js';

/** What writeVersionedPath must equal: versionedPath's text, as the du tree encodes it. */
const expected = (path: string, ms: number): Buffer => nameToBytes(versionedPath(path, ms));

function written(path: string, ms: number): Buffer | undefined {
  const src = nameToBytes(path);
  const out = Buffer.alloc(src.length + 23);
  const n = writeVersionedPath(src, 0, src.length, ms, out);
  return n < 0 ? undefined : out.subarray(0, n);
}

describe('writeVersionedPath', () => {
  it.each([
    ['docs/a.txt', Date.UTC(2024, 4, 1, 12, 0, 0, 123)],
    ['notes', Date.UTC(2024, 4, 1, 12, 0, 0, 0)],
    ['home/.bashrc', Date.UTC(2000, 1, 29, 23, 59, 59, 999)],
    ['a.', 0],
    ['dir.d/file', Date.UTC(1999, 11, 31)],
    ['x/y.tar.gz', Date.UTC(2100, 2, 1)],
    ['ünï/çødé.txt', Date.UTC(2026, 11, 5, 10, 1, 2, 3)],
    ['bad\udcfe.bin', Date.UTC(2026, 0, 1)],
    ['-1 ms/a.b', -1],
  ])('%s at %d: the bytes of versionedPath', (path, ms) => {
    expect(written(path, ms)).toEqual(expected(path, ms));
  });

  it('dates from a cache of recent days stay right when days share a slot (day d and d + 1024, alternating)', () => {
    const d = Math.floor(Date.UTC(2024, 4, 1) / 86_400_000);
    for (const day of [d, d + 1024, d, d - 1024, d + 1024, d + 1]) {
      const ms = day * 86_400_000 + 45_296_789;
      expect(written('dir/x.bin', ms)).toEqual(expected('dir/x.bin', ms));
    }
  });

  it('agrees with versionedPath on any path and any time of years 1000-9999', () => {
    const segment = fc.stringMatching(/^[a-z.\-é]{1,6}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
        (segs, ms) => {
          expect(written(segs.join('/'), ms)).toEqual(expected(segs.join('/'), ms));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('declines years it would not write as versionedPath does (the caller falls back)', () => {
    const out = Buffer.alloc(64);
    expect(writeVersionSuffix(out, 0, Date.UTC(999, 11, 31, 23, 59, 59, 999))).toBe(false);
    expect(writeVersionSuffix(out, 0, Date.UTC(10000, 0, 1))).toBe(false);
    expect(writeVersionSuffix(out, 0, Number.NaN)).toBe(false);
    expect(writeVersionSuffix(out, 0, Date.UTC(1000, 0, 1))).toBe(true);
    expect(out.toString('latin1', 0, 23)).toBe('-v1000-01-01-000000-000');
  });
});
