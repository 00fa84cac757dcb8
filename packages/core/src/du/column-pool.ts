import { sharedUint32 } from './shared-arrays.js';

/**
 * Uint32 columns in shared memory made before they are needed: made while a large input
 * is read, their pages are mapped on the other core meanwhile (page-toucher.ts), and the
 * tree's grouping and the report's sort then write into mapped memory. Each column is
 * handed out once, zeroed as a fresh one; a request none left can hold gets a fresh one.
 */
export class ColumnPool {
  readonly columns: Uint32Array[];
  private readonly taken: boolean[];

  constructor(count: number, capacity: number) {
    this.columns = Array.from({ length: count }, () => sharedUint32(capacity));
    this.taken = this.columns.map(() => false);
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
