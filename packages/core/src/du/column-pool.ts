import { sharedUint32 } from './shared-arrays.js';

/**
 * Uint32 columns in shared memory made before they are needed: made while a large input
 * is read, their pages are mapped on the other core meanwhile (page-toucher.ts), and the
 * tree's grouping and the report's sort then write into mapped memory. Each column is
 * handed out once, zeroed as a fresh one; a request none left can hold gets a fresh one.
 */
export class ColumnPool {
  private readonly taken: boolean[];

  private constructor(readonly columns: Uint32Array[]) {
    this.taken = columns.map(() => false);
  }

  /** `count` columns of `capacity`, or undefined where that much memory cannot be had (the sort then makes its own). */
  static make(count: number, capacity: number): ColumnPool | undefined {
    try {
      return new ColumnPool(Array.from({ length: count }, () => sharedUint32(capacity)));
    } catch (error) {
      if (error instanceof RangeError) return undefined;
      throw error;
    }
  }

  /** A column of `n` elements, all 0. */
  take(n: number): Uint32Array {
    for (let i = 0; i < this.columns.length; i += 1) {
      const column = this.columns[i] as Uint32Array;
      if (this.taken[i] || column.length < n) continue;
      this.taken[i] = true;
      return column.subarray(0, n);
    }
    return sharedUint32(n);
  }
}
