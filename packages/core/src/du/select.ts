import type { DuDir, DuTree } from './tree.js';
import { TopRows } from './top.js';

/** Which lines a report shows; the tree itself always holds everything. */
export interface DuSelectOptions {
  /** Only paths with at most this many components (`a/b` has 2). */
  depth?: number | undefined;
  /** Only the N largest (after the other filters). */
  top?: number | undefined;
  /** Only paths whose total is at least this many bytes. */
  minSize?: number | undefined;
}

export interface DuRow {
  path: string;
  size: number;
  dir: boolean;
}

/** Joins a child name to its parent's path ('' is the listing root, '/' the filesystem root). */
export function joinPath(parent: string, name: string): string {
  if (parent === '') return name;
  if (parent === '/') return `/${name}`;
  return `${parent}/${name}`;
}

/** A directory's full path ('' for the root), cached on the node. */
export function pathOf(dir: DuDir): string {
  if (dir.parent === null) return '';
  return (dir.path ??= joinPath(pathOf(dir.parent), dir.name));
}

/** A directory's path followed by `/` (or '' for the root), the start of its children's paths. */
export function prefixOf(dir: DuDir): string {
  if (dir.prefix !== undefined) return dir.prefix;
  const path = pathOf(dir);
  return (dir.prefix = path === '' || path === '/' ? path : `${path}/`);
}

/**
 * The selected rows as parallel arrays in path order: a name, and a `meta` word holding
 * the index of the row's directory in `dirList` (times 2) plus 1 for directories.
 */
class Selection {
  names: string[] = [];
  dirList: DuDir[] = [];
  sizes = new Float64Array(1024);
  meta = new Uint32Array(1024);
  length = 0;

  push(dirIndex: number, name: string, size: number, dir: boolean): void {
    if (this.length === this.sizes.length) {
      const sizes = new Float64Array(this.length * 2);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const meta = new Uint32Array(this.length * 2);
      meta.set(this.meta);
      this.meta = meta;
    }
    this.names.push(name);
    this.sizes[this.length] = size;
    this.meta[this.length] = dirIndex * 2 + (dir ? 1 : 0);
    this.length += 1;
  }
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i += 1) if ((keys[i - 1] as string) > (keys[i] as string)) return false;
  return true;
}

/**
 * Collects the selected paths in path order (code-unit order of the full path), so a
 * stable sort by size alone leaves ties ordered by path. Within a directory, a child
 * directory's own row sorts under its name and its contents under `name/`: that is
 * exactly where full-path order puts them (`a` < `a b` < `a b/x` < `a/x`).
 */
function select(tree: DuTree, options: DuSelectOptions): Selection {
  tree.finish();
  const maxDepth = options.depth ?? Infinity;
  const minSize = options.minSize ?? 0;
  const selection = new Selection();
  const walk = (dir: DuDir, depth: number): void => {
    const dirIndex = selection.dirList.push(dir) - 1;
    const names = dir.names ?? [];
    const sizes = dir.sizes ?? [];
    const dirs = dir.dirs;
    if (dirs === null) {
      for (let i = 0; i < names.length; i += 1) {
        const size = sizes[i] as number;
        if (size >= minSize) selection.push(dirIndex, names[i] as string, size, false);
      }
      return;
    }
    // Merge the (sorted) files with the subdirectories' keys: `name` for the row, `name/` for its contents.
    const keys: string[] = [];
    for (const [name, sub] of dirs) {
      if (sub.total < minSize) continue; // nothing below can reach minSize either
      keys.push(name);
      if (depth < maxDepth && (sub.names !== null || sub.dirs !== null)) keys.push(`${name}/`);
    }
    if (!isSorted(keys)) keys.sort();
    let i = 0;
    for (const key of keys) {
      for (; i < names.length && (names[i] as string) < key; i += 1) {
        const size = sizes[i] as number;
        if (size >= minSize) selection.push(dirIndex, names[i] as string, size, false);
      }
      if (key.length > 1 && key.charCodeAt(key.length - 1) === 47) walk(dirs.get(key.slice(0, -1)) as DuDir, depth + 1);
      else selection.push(dirIndex, key, (dirs.get(key) as DuDir).total, true);
    }
    for (; i < names.length; i += 1) {
      const size = sizes[i] as number;
      if (size >= minSize) selection.push(dirIndex, names[i] as string, size, false);
    }
  };
  walk(tree.root, 1);
  return selection;
}

/**
 * The selected rows in report order: largest first, ties by path (code-unit order).
 * Rows are collected in path order, then a stable LSD radix sort on the sizes (five
 * 11-bit passes) orders them: for millions of paths ~20× faster than a comparator sort.
 * Rows are read by position (no per-row objects), so printers can stream them cheaply.
 */
/** Report rows by position (0 = first printed). */
export interface ReportRows {
  readonly length: number;
  size(k: number): number;
  isDir(k: number): boolean;
  /** The directory holding row k; `name(k)` is the row's own name in it. */
  parent(k: number): DuDir;
  /** The row's directory path followed by `/` ('' at the top): `prefix(k) + name(k)` is the path. */
  prefix(k: number): string;
  name(k: number): string;
  path(k: number): string;
}

export class SortedRows implements ReportRows {
  readonly length: number;
  private readonly sorted: RadixSorted;
  private readonly prefixes: Array<string | undefined>;
  // Names and prefixes of a window of rows, gathered in one tight loop: reading millions
  // of rows in size order is random access, and a gather loop overlaps the cache misses.
  private windowStart = 0;
  private windowEnd = 0;
  private windowNames: string[] = [];
  private windowPrefixes: string[] = [];
  constructor(private readonly selection: Selection, top: number | undefined) {
    this.sorted = radixSortDescending(selection.sizes, selection.meta, selection.length);
    this.length = Math.min(selection.length, top ?? Infinity);
    this.prefixes = new Array<string | undefined>(selection.dirList.length);
  }
  size(k: number): number {
    // The keys were complemented for a descending sort; undo that.
    return (~(this.sorted.hi[k] as number) >>> 0) * 4294967296 + (~(this.sorted.lo[k] as number) >>> 0);
  }
  isDir(k: number): boolean {
    return ((this.sorted.meta[k] as number) & 1) === 1;
  }
  parent(k: number): DuDir {
    return this.selection.dirList[(this.sorted.meta[k] as number) >>> 1] as DuDir;
  }
  prefix(k: number): string {
    if (k < this.windowStart || k >= this.windowEnd) this.gather(k);
    return this.windowPrefixes[k - this.windowStart] as string;
  }
  name(k: number): string {
    if (k < this.windowStart || k >= this.windowEnd) this.gather(k);
    return this.windowNames[k - this.windowStart] as string;
  }
  path(k: number): string {
    return this.prefix(k) + this.name(k);
  }

  private gather(start: number): void {
    const end = Math.min(this.length, start + WINDOW);
    const { index, meta } = this.sorted;
    const names = this.selection.names;
    const dirList = this.selection.dirList;
    const prefixes = this.prefixes;
    for (let k = start; k < end; k += 1) this.windowNames[k - start] = names[index[k] as number] as string;
    for (let k = start; k < end; k += 1) {
      const d = (meta[k] as number) >>> 1;
      this.windowPrefixes[k - start] = prefixes[d] ??= prefixOf(dirList[d] as DuDir);
    }
    this.windowStart = start;
    this.windowEnd = end;
  }
}

const WINDOW = 65536;

/** The rows a report prints, in order; `--top N` (N well below the path count) takes a heap path. */
export function sortedRows(tree: DuTree, options: DuSelectOptions): ReportRows {
  if (options.top !== undefined && options.top * 16 < tree.count) return new TopRows(tree, options.top, options);
  return new SortedRows(select(tree, options), options.top);
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

export interface RadixSorted {
  /** Original positions, in sorted order. */
  index: Uint32Array;
  /** The `meta` words, carried along. */
  meta: Uint32Array;
  /** Complemented high and low 32 bits of each size, in sorted order. */
  hi: Uint32Array;
  lo: Uint32Array;
}

/**
 * Sorts sizes descending, stable (equal sizes keep their order). LSD radix sort on
 * 11-bit digits of the 53-bit sizes; every array travels with its key, so afterwards
 * rows are read sequentially (random access into millions of rows costs cache misses).
 * Passes whose digit is the same everywhere are skipped.
 */
export function radixSortDescending(sizes: Float64Array, meta: Uint32Array, n: number): RadixSorted {
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let index = new Uint32Array(n);
  let carried = meta.slice(0, n);
  for (let i = 0; i < n; i += 1) {
    const size = sizes[i] as number;
    // Complemented, so an ascending radix sort gives descending sizes.
    hi[i] = ~Math.floor(size / 4294967296) >>> 0;
    lo[i] = ~(size >>> 0) >>> 0;
    index[i] = i;
  }
  let lo2 = new Uint32Array(n);
  let hi2 = new Uint32Array(n);
  let index2 = new Uint32Array(n);
  let carried2 = new Uint32Array(n);
  const count = new Uint32Array(2048);
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
    for (let i = 0; i < n; i += 1) {
      const to = count[((keys[i] as number) >>> shift) & 2047]!++;
      lo2[to] = lo[i] as number;
      hi2[to] = hi[i] as number;
      index2[to] = index[i] as number;
      carried2[to] = carried[i] as number;
    }
    [lo, lo2, hi, hi2, index, index2, carried, carried2] = [lo2, lo, hi2, hi, index2, index, carried2, carried];
  };
  pass(false, 0);
  pass(false, 11);
  pass(false, 22);
  pass(true, 0);
  pass(true, 11);
  return { index, meta: carried, hi, lo };
}
