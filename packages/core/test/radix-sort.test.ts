// The du report's order comes from this sort: sizes descending, equal sizes in their given
// order, carried ids moved along, including sizes of 4 GiB and more among small ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixSortDescending } from '../src/du/radix-sort.js';

function sortBoth(sizes: number[]): { ids: number[]; sizes: number[] } {
  const n = sizes.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const ids = new Uint32Array(n);
  sizes.forEach((size, i) => {
    hi[i] = ~Math.floor(size / 4294967296) >>> 0;
    lo[i] = ~(size >>> 0) >>> 0;
    ids[i] = i;
  });
  const sorted = radixSortDescending(hi, lo, [ids], n);
  const out = Array.from({ length: n }, (_, k) => (~(sorted.hi[k] as number) >>> 0) * 4294967296 + (~(sorted.lo[k] as number) >>> 0));
  return { ids: Array.from(sorted.carried[0] as Uint32Array), sizes: out };
}

describe('radixSortDescending', () => {
  it('orders sizes descending, ties in their given order, with sizes of 4 GiB and more among small ones', () => {
    const size = fc.oneof(fc.nat(3000), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 43 + 5, 2 ** 53 - 1), fc.nat(2 ** 53 - 1));
    fc.assert(
      fc.property(fc.array(size, { maxLength: 300 }), (sizes) => {
        const expected = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        const got = sortBoth(sizes);
        expect(got.ids).toEqual(expected.map(([, i]) => i));
        expect(got.sizes).toEqual(expected.map(([s]) => s));
      }),
      { numRuns: 500 },
    );
  });

  it('a report of many small sizes and a few large ones', () => {
    const sizes = Array.from({ length: 50000 }, (_, i) => (i % 997 === 0 ? 2 ** 33 + (i % 7) : (i * 7919) % 65536));
    const expected = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(sortBoth(sizes).ids).toEqual(expected.map(([, i]) => i));
  });
});
