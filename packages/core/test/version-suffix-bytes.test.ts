import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameVersionedPath, nameToBytes, VERSION_SUFFIX_LENGTH, versionedPath, writeVersionedPath, writeVersionSuffix } from '../src/index.js';

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
    // Not a B2 time: the two-digit table would misread it (as the old digit loop did).
    expect(writeVersionSuffix(out, 0, Date.UTC(2024, 0, 1) + 123.5)).toBe(false);
  });

  it('a frame made once names every version of the file: only the suffix is written per version', () => {
    const segment = fc.stringMatching(/^[a-z.\-é]{1,6}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.array(fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), { minLength: 1, maxLength: 6 }),
        (segs, times) => {
          const path = segs.join('/');
          const src = nameToBytes(path);
          const out = Buffer.alloc(src.length + VERSION_SUFFIX_LENGTH);
          const gap = frameVersionedPath(src, 0, src.length, out);
          for (const ms of times) {
            expect(writeVersionSuffix(out, gap, ms)).toBe(true);
            expect(out).toEqual(expected(path, ms));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
