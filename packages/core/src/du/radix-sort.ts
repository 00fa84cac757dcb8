export interface RadixSorted {
  /** The carried columns, in sorted order. */
  carried: Uint32Array[];
  /** Complemented high and low 32 bits of each size, in sorted order. */
  hi: Uint32Array;
  lo: Uint32Array;
}

/**
 * Sorts sizes descending (given as complemented high and low 32-bit halves, so this is
 * an ascending sort of those), stable (equal sizes keep their order), carrying the given
 * columns along. LSD radix sort on 11-bit digits of the 53-bit sizes, passes whose digit
 * is the same everywhere skipped: for millions of rows ~20× faster than a comparator sort.
 * The given keys and columns are sorted in place (they serve as one of the two buffers),
 * so the caller must use the returned arrays, not its own, afterwards.
 */
export function radixSortDescending(hiKeys: Uint32Array, loKeys: Uint32Array, columns: Uint32Array[], n: number): RadixSorted {
  let lo: Uint32Array = loKeys;
  let hi: Uint32Array = hiKeys;
  let carried: Uint32Array[] = columns;
  let lo2: Uint32Array = new Uint32Array(n);
  let hi2: Uint32Array = new Uint32Array(0);
  let carried2: Uint32Array[] = columns.map(() => new Uint32Array(n));
  // Sizes below 4 GiB all have the same high half: then it is neither sorted nor moved.
  let sameHigh = true;
  for (let i = 1; i < n && sameHigh; i += 1) sameHigh = hi[i] === hi[0];
  hi2 = sameHigh ? hi : new Uint32Array(n);
  const count = new Uint32Array(2048);
  // One carried column (the usual case) moves in the same loop as the keys.
  const single = columns.length === 1 && sameHigh;
  const target = single ? new Uint32Array(0) : new Uint32Array(n);
  const pass = (useHi: boolean, shift: number): void => {
    const keys = useHi ? hi : lo;
    count.fill(0);
    for (let i = 0; i < n; i += 1) count[((keys[i] as number) >>> shift) & 2047]! += 1;
    if (count[((keys[0] ?? 0) >>> shift) & 2047] === n) return; // one digit value: nothing to do
    let sum = 0;
    for (let d = 0; d < 2048; d += 1) {
      const c = count[d] as number;
      count[d] = sum;
      sum += c;
    }
    if (single) {
      const from = carried[0] as Uint32Array;
      const into = carried2[0] as Uint32Array;
      for (let i = 0; i < n; i += 1) {
        const to = count[((keys[i] as number) >>> shift) & 2047]!++;
        lo2[to] = lo[i] as number;
        into[to] = from[i] as number;
      }
      [lo, lo2, carried, carried2] = [lo2, lo, carried2, carried];
      return;
    }
    for (let i = 0; i < n; i += 1) {
      const to = count[((keys[i] as number) >>> shift) & 2047]!++;
      target[i] = to;
      lo2[to] = lo[i] as number;
    }
    if (!sameHigh) for (let i = 0; i < n; i += 1) hi2[target[i] as number] = hi[i] as number;
    for (let c = 0; c < carried.length; c += 1) {
      const from = carried[c] as Uint32Array;
      const into = carried2[c] as Uint32Array;
      for (let i = 0; i < n; i += 1) into[target[i] as number] = from[i] as number;
    }
    [lo, lo2, hi, hi2, carried, carried2] = [lo2, lo, hi2, hi, carried2, carried];
  };
  pass(false, 0);
  pass(false, 11);
  pass(false, 22);
  if (!sameHigh) {
    pass(true, 0);
    pass(true, 11);
  }
  return { carried, hi, lo };
}
