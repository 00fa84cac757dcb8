// The du report's order comes from this sort: sizes descending, equal sizes in their given
// order, carried ids moved along, including sizes of 4 GiB and more among small ones.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { radixSortDescending } from '../src/du/radix-sort.js';

function sortBoth(sizes: number[], columns = 1): { ids: number[]; sizes: number[] } {
  const n = sizes.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  const carried = Array.from({ length: columns }, () => new Uint32Array(n));
  sizes.forEach((size, i) => {
    hi[i] = ~Math.floor(size / 4294967296) >>> 0;
    lo[i] = ~(size >>> 0) >>> 0;
    carried.forEach((c, j) => (c[i] = i * (j + 1)));
  });
  const sorted = radixSortDescending(hi, lo, carried, n);
  const out = Array.from({ length: n }, (_, k) => (~(sorted.hi[k] as number) >>> 0) * 4294967296 + (~(sorted.lo[k] as number) >>> 0));
  const ids = Array.from(sorted.carried[0] as Uint32Array);
  // Every further column moved with the first.
  sorted.carried.forEach((c, j) => expect(Array.from(c)).toEqual(ids.map((i) => i * (j + 1))));
  return { ids, sizes: out };
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

  it('a few sizes of 4 GiB or more among many smaller ones (sorted apart), with one or two carried columns', () => {
    const small = fc.oneof(fc.nat(3000), fc.constantFrom(0, 2 ** 32 - 1, 2 ** 31));
    const large = fc.oneof(fc.constantFrom(2 ** 32, 2 ** 32 + 1, 2 ** 43 + 5, 2 ** 53 - 1), fc.integer({ min: 2 ** 32, max: 2 ** 53 - 1 }));
    const rows = fc.tuple(fc.array(small, { minLength: 160, maxLength: 400 }), fc.array(large, { minLength: 1, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }));
    fc.assert(
      fc.property(rows, fc.constantFrom(1, 2), ([smalls, larges, places], columns) => {
        const sizes = [...smalls];
        larges.forEach((size, i) => sizes.splice((places[i] ?? i * 37) % (sizes.length + 1), 0, size));
        const expected = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
        const got = sortBoth(sizes, columns);
        expect(got.ids).toEqual(expected.map(([, i]) => i));
        expect(got.sizes).toEqual(expected.map(([s]) => s));
      }),
      { numRuns: 300 },
    );
  });

  it('a report of many small sizes and a few large ones', () => {
    const sizes = Array.from({ length: 50000 }, (_, i) => (i % 997 === 0 ? 2 ** 33 + (i % 7) : (i * 7919) % 65536));
    const expected = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
    expect(sortBoth(sizes).ids).toEqual(expected.map(([, i]) => i));
  });
});
