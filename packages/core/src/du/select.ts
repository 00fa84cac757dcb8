import { nameFromBytes } from '../names/name-bytes.js';
import { gatherRows, type RowColumns } from './printers/row-columns.js';
import { pathOrderedRows } from './path-order.js';
import { radixSortDescending } from './radix-sort.js';
import type { DuTree } from './tree.js';

/** Rows whose print positions are gathered at a time (SortedRows.gather). */
const GATHER_WINDOW = 65536;

/** Which lines a report shows; the tree itself always holds everything. */
export interface DuSelectOptions {
  /** Only paths with at most this many components (`a/b` has 2). */
  depth?: number | undefined;
  /** Only the N largest (after the other filters). */
  top?: number | undefined;
  /** Only paths whose total is at least this many bytes (and under directories that are). */
  minSize?: number | undefined;
}

export interface DuRow {
  path: string;
  size: number;
  dir: boolean;
}

/** Report rows by position (0 = first printed). */
export interface ReportRows {
  readonly length: number;
  size(k: number): number;
  isDir(k: number): boolean;
  /** The id (in `tree.dirs`) of the directory holding row k; `name(k)` is the row's own name in it. */
  dirOf(k: number): number;
  /** The row's directory path followed by `/` ('' at the top): `prefix(k) + name(k)` is the path. */
  prefix(k: number): string;
  name(k: number): string;
  path(k: number): string;
}

/**
 * The selected rows in report order: largest first, ties by path (byte order). A row id
 * is a file id, or `files.count + d` for directory d. Rows are collected in path order
 * (path-order.ts), then a stable LSD radix sort on the sizes orders their ids; where each
 * printed row's bytes are (prefix in the path arena, name in the name arena) is then
 * gathered in report order, so printing reads the rows sequentially.
 */
export class SortedRows implements ReportRows {
  readonly length: number;
  /** Row ids in report order, and their sizes as complemented high and low 32-bit halves. */
  readonly ids: Uint32Array;
  readonly hi: Uint32Array;
  readonly lo: Uint32Array;
  /**
   * For the rows of the current window (`gather`), indexed from its start: the directory
   * prefix (or a directory's own path) in the path arena, the name in the name arena.
   * Gathered a window at a time, not for every row at once: at ten million rows these
   * five columns would cost 170 MB on top of the tree.
   */
  readonly prefixAt: Uint32Array;
  readonly prefixLength: Uint32Array;
  readonly nameAt: Uint32Array;
  readonly nameLength: Uint32Array;
  /** Per window row: 1 when its prefix (directory path) holds bytes that may need escaping. */
  readonly prefixOdd: Uint8Array;
  /** Row ids from here on are directories (`id - fileRows` is the directory id). */
  readonly fileRows: number;

  constructor(
    readonly tree: DuTree,
    options: DuSelectOptions,
  ) {
    tree.finish();
    const { dirs, files } = tree;
    // The file lookup table is not needed to print; free it for the columns below.
    files.releaseIndex();
    const fileRows = (this.fileRows = files.count);
    const maxDepth = Math.max(1, options.depth ?? Infinity);
    const minSize = options.minSize ?? 0;
    const totals = tree.totals;
    // shown[d]: d's row is printed (d and every ancestor pass the filters); open[d]: so are its contents.
    const shown = new Uint8Array(dirs.count);
    const open = new Uint8Array(dirs.count);
    shown[0] = 1;
    open[0] = 1;
    let n = 0;
    for (let d = 1; d < dirs.count; d += 1) {
      if (open[dirs.parent[d] as number] === 1 && (totals[d] as number) >= minSize) {
        shown[d] = 1;
        open[d] = (dirs.depth[d] as number) < maxDepth ? 1 : 0;
        n += 1;
      }
    }
    const fileDir = files.dir;
    const fileSize = files.size;
    for (let f = 0; f < fileRows; f += 1) {
      const d = fileDir[f] as number;
      if (d >= 0 && open[d] === 1 && (fileSize[f] as number) >= minSize) n += 1;
    }
    const pathOrder = pathOrderedRows(tree, { shown, open, minSize }, n);
    // In shared memory, as the sort's output (radix-sort.ts): a printing thread reads them.
    const hi = tree.uint32Column(n);
    const lo = tree.uint32Column(n);
    for (let k = 0; k < n; k += 1) {
      const id = pathOrder[k] as number;
      const size = id >= fileRows ? (totals[id - fileRows] as number) : (fileSize[id] as number);
      hi[k] = ~Math.floor(size / 4294967296) >>> 0;
      lo[k] = ~(size >>> 0) >>> 0;
    }
    // Only the ids travel through the sort; where each printed row's bytes are is looked up
    // afterwards, a window at a time, for the rows that are printed (--top: a few).
    const sorted = radixSortDescending(hi, lo, [pathOrder], n, (m) => tree.uint32Column(m));
    this.ids = sorted.carried[0] as Uint32Array;
    this.hi = sorted.hi;
    this.lo = sorted.lo;
    const length = (this.length = Math.min(n, options.top ?? Infinity));
    const window = Math.min(length, GATHER_WINDOW);
    this.prefixAt = new Uint32Array(window);
    this.prefixLength = new Uint32Array(window);
    this.nameAt = new Uint32Array(window);
    this.nameLength = new Uint32Array(window);
    this.prefixOdd = new Uint8Array(window);
  }

  /**
   * Fills the window columns for rows `[from, end)` and returns `end` (at most
   * GATHER_WINDOW rows on): window index `k - from` is row k.
   */
  gather(from: number): number {
    const end = Math.min(this.length, from + GATHER_WINDOW);
    gatherRows(this.columns(), this, from, end);
    return end;
  }

  /** The arrays printing reads (the tree's own, not copies). */
  columns(): RowColumns {
    const { dirs, files } = this.tree;
    return {
      ids: this.ids,
      hi: this.hi,
      lo: this.lo,
      fileRows: this.fileRows,
      fileDir: files.dir,
      fileNameAt: files.nameAt,
      dirPathAt: dirs.pathAt,
      dirPathLength: dirs.pathLength,
      dirPrefixLength: dirs.prefixLength,
      dirOdd: dirs.odd,
      names: files.names.bytes,
      paths: dirs.paths.bytes,
    };
  }

  size(k: number): number {
    // The keys were complemented for a descending sort; undo that.
    return (~(this.hi[k] as number) >>> 0) * 4294967296 + (~(this.lo[k] as number) >>> 0);
  }
  isDir(k: number): boolean {
    return (this.ids[k] as number) >= this.fileRows;
  }
  dirOf(k: number): number {
    const id = this.ids[k] as number;
    return id >= this.fileRows ? (this.tree.dirs.parent[id - this.fileRows] as number) : (this.tree.files.dir[id] as number);
  }
  prefix(k: number): string {
    const dirs = this.tree.dirs;
    const d = this.dirOf(k);
    const at = dirs.pathAt[d] as number;
    return nameFromBytes(dirs.paths.bytes.subarray(at, at + (dirs.prefixLength[d] as number)));
  }
  name(k: number): string {
    const id = this.ids[k] as number;
    return nameFromBytes(id >= this.fileRows ? this.tree.dirs.nameBytes(id - this.fileRows) : this.tree.files.nameBytes(id));
  }
  path(k: number): string {
    const id = this.ids[k] as number;
    return id >= this.fileRows ? this.tree.dirPath(id - this.fileRows) : this.prefix(k) + this.name(k);
  }
}

/** The rows a report prints, in order. */
export function sortedRows(tree: DuTree, options: DuSelectOptions): SortedRows {
  return new SortedRows(tree, options);
}

/** The same rows as objects, in batches (convenient for printers that are not hot). */
export function* sortedRowBatches(tree: DuTree, options: DuSelectOptions, batchSize = 4096): Generator<DuRow[]> {
  const rows = sortedRows(tree, options);
  for (let start = 0; start < rows.length; start += batchSize) {
    const end = Math.min(rows.length, start + batchSize);
    const batch: DuRow[] = new Array<DuRow>(end - start);
    for (let k = start; k < end; k += 1) batch[k - start] = { path: rows.path(k), size: rows.size(k), dir: rows.isDir(k) };
    yield batch;
  }
}
