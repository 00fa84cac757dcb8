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

/** The selected paths as parallel arrays: no path strings until a row is printed. */
class Selection {
  names: string[] = [];
  parents: DuDir[] = [];
  sizes = new Float64Array(1024);
  dirs = new Uint8Array(1024);
  length = 0;

  push(parent: DuDir, name: string, size: number, dir: boolean): void {
    if (this.length === this.sizes.length) {
      const sizes = new Float64Array(this.length * 2);
      sizes.set(this.sizes);
      this.sizes = sizes;
      const dirs = new Uint8Array(this.length * 2);
      dirs.set(this.dirs);
      this.dirs = dirs;
    }
    this.names.push(name);
    this.parents.push(parent);
    this.sizes[this.length] = size;
    this.dirs[this.length] = dir ? 1 : 0;
    this.length += 1;
  }

  path(i: number): string {
    return prefixOf(this.parents[i] as DuDir) + (this.names[i] as string);
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
    const keys = dir.files ? Array.from(dir.files.keys()) : [];
    const dirs = dir.dirs;
    if (dirs) {
      for (const [name, sub] of dirs) {
        if (sub.total < minSize) continue; // nothing below can reach minSize either
        keys.push(name);
        if (depth < maxDepth && (sub.files || sub.dirs)) keys.push(`${name}/`);
      }
    }
    if (!isSorted(keys)) keys.sort();
    for (const key of keys) {
      if (key.length > 1 && key.charCodeAt(key.length - 1) === 47) {
        walk(dirs?.get(key.slice(0, -1)) as DuDir, depth + 1);
        continue;
      }
      const sub = dirs?.get(key);
      if (sub) selection.push(dir, key, sub.total, true);
      else {
        const size = dir.files?.get(key) as number;
        if (size >= minSize) selection.push(dir, key, size, false);
      }
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
  name(k: number): string;
  path(k: number): string;
}

export class SortedRows implements ReportRows {
  readonly length: number;
  private readonly order: Uint32Array;
  constructor(private readonly selection: Selection, top: number | undefined) {
    this.order = sortIndices(selection.sizes, selection.length);
    this.length = Math.min(selection.length, top ?? Infinity);
  }
  size(k: number): number {
    return this.selection.sizes[this.order[k] as number] as number;
  }
  isDir(k: number): boolean {
    return this.selection.dirs[this.order[k] as number] === 1;
  }
  parent(k: number): DuDir {
    return this.selection.parents[this.order[k] as number] as DuDir;
  }
  name(k: number): string {
    return this.selection.names[this.order[k] as number] as string;
  }
  path(k: number): string {
    return this.selection.path(this.order[k] as number);
  }
}

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

/**
 * Indices 0..n-1 ordered by sizes descending, stable (equal sizes keep index order).
 * LSD radix sort on 11-bit digits of the 53-bit sizes, keys carried along with the
 * indices (sequential reads), passes whose digit is the same everywhere skipped.
 */
export function sortIndices(sizes: Float64Array, n: number): Uint32Array {
  let lo = new Uint32Array(n);
  let hi = new Uint32Array(n);
  let index = new Uint32Array(n);
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
    }
    [lo, lo2, hi, hi2, index, index2] = [lo2, lo, hi2, hi, index2, index];
  };
  pass(false, 0);
  pass(false, 11);
  pass(false, 22);
  pass(true, 0);
  pass(true, 11);
  return index;
}
