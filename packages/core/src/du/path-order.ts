import type { DuTree } from './tree.js';

/**
 * Byte order of full paths for report rows (file ids, then `fileRows + directory id`),
 * compared straight from the arenas: a file's path is its directory's prefix (`dir/`)
 * then its name, a directory's is its stored path. No string, no allocation per compare.
 */
export class PathOrder {
  private readonly paths: Uint8Array;
  private readonly names: Uint8Array;
  private readonly fileRows: number;
  private readonly fileDir: Int32Array;
  private readonly nameAt: Uint32Array;
  private readonly nameLength: Uint32Array;
  private readonly pathAt: Uint32Array;
  private readonly pathLength: Uint32Array;
  private readonly prefixLength: Uint32Array;

  constructor(tree: DuTree) {
    const { dirs, files } = tree;
    this.paths = dirs.paths.bytes;
    this.names = files.names.bytes;
    this.fileRows = files.count;
    this.fileDir = files.dir;
    this.nameAt = files.nameAt;
    this.nameLength = files.nameLength;
    this.pathAt = dirs.pathAt;
    this.pathLength = dirs.pathLength;
    this.prefixLength = dirs.prefixLength;
  }

  /** Negative when row a's path sorts before row b's. */
  compare(a: number, b: number): number {
    const F = this.fileRows;
    const names = this.names;
    const paths = this.paths;
    let aDir: number;
    let aPrefix: number;
    let aName = 0;
    let aNameLength = 0;
    if (a < F) {
      aDir = this.fileDir[a] as number;
      aPrefix = this.prefixLength[aDir] as number;
      aName = this.nameAt[a] as number;
      aNameLength = this.nameLength[a] as number;
    } else {
      aDir = a - F;
      aPrefix = this.pathLength[aDir] as number;
    }
    let bDir: number;
    let bPrefix: number;
    let bName = 0;
    let bNameLength = 0;
    if (b < F) {
      bDir = this.fileDir[b] as number;
      bPrefix = this.prefixLength[bDir] as number;
      bName = this.nameAt[b] as number;
      bNameLength = this.nameLength[b] as number;
    } else {
      bDir = b - F;
      bPrefix = this.pathLength[bDir] as number;
    }
    const aAt = this.pathAt[aDir] as number;
    const bAt = this.pathAt[bDir] as number;
    const aLength = aPrefix + aNameLength;
    const bLength = bPrefix + bNameLength;
    const n = aLength < bLength ? aLength : bLength;
    // Two files of one directory share the prefix: start at their names.
    let i = aDir === bDir && aPrefix === bPrefix ? aPrefix : 0;
    for (; i < n; i += 1) {
      const x = (i < aPrefix ? paths[aAt + i] : names[aName + i - aPrefix]) as number;
      const y = (i < bPrefix ? paths[bAt + i] : names[bName + i - bPrefix]) as number;
      if (x !== y) return x - y;
    }
    return aLength - bLength;
  }

  /** Orders by path every run of equal sizes (hi, lo) that starts before `limit`. */
  sortTies(ids: Uint32Array, hi: Uint32Array, lo: Uint32Array, limit: number): void {
    const compare = (a: number, b: number): number => this.compare(a, b);
    const n = ids.length;
    for (let i = 0; i < limit; ) {
      let j = i + 1;
      while (j < n && hi[j] === hi[i] && lo[j] === lo[i]) j += 1;
      if (j - i > 1) ids.subarray(i, j).sort(compare);
      i = j;
    }
  }
}
