import type { NameArena } from './arena.js';
import { prefixOf } from './paths.js';
import { radixSortDescending, type RadixSorted } from './radix-sort.js';
import { FILE_STRIDE, type DuDir, type DuTree } from './tree.js';
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

/**
 * The selected rows as parallel arrays in path order: the name's place in the arena, the
 * size, and a `meta` word holding the row's directory index in `dirList` (times 2) plus 1
 * for directories.
 */
class Selection {
  dirList: DuDir[] = [];
  nameAt: Uint32Array;
  nameLength: Uint32Array;
  /** The size's high and low 32 bits, complemented (so an ascending sort is descending). */
  hi: Uint32Array;
  lo: Uint32Array;
  meta: Uint32Array;
  length = 0;

  /** `capacity`: the tree's path count, so the columns never grow. */
  constructor(capacity: number) {
    const n = Math.max(16, capacity);
    this.nameAt = new Uint32Array(n);
    this.nameLength = new Uint32Array(n);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.meta = new Uint32Array(n);
  }

  /** Drops the columns (after sorting has taken them over). */
  release(): void {
    this.nameAt = this.nameLength = this.meta = this.hi = this.lo = new Uint32Array(0);
  }

  push(dirIndex: number, nameAt: number, nameLength: number, size: number, dir: boolean): void {
    if (this.length === this.lo.length) {
      this.nameAt = grow(this.nameAt, new Uint32Array(this.length * 2));
      this.nameLength = grow(this.nameLength, new Uint32Array(this.length * 2));
      this.hi = grow(this.hi, new Uint32Array(this.length * 2));
      this.lo = grow(this.lo, new Uint32Array(this.length * 2));
      this.meta = grow(this.meta, new Uint32Array(this.length * 2));
    }
    const i = this.length;
    this.nameAt[i] = nameAt;
    this.nameLength[i] = nameLength;
    this.hi[i] = ~Math.floor(size / 4294967296) >>> 0;
    this.lo[i] = ~(size >>> 0) >>> 0;
    this.meta[i] = dirIndex * 2 + (dir ? 1 : 0);
    this.length += 1;
  }
}

function grow<T extends Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

interface DirKey {
  bytes: Buffer;
  sub: DuDir;
  /** The key of the directory's contents (`name/`) rather than its own row (`name`). */
  contents: boolean;
}

/**
 * Collects the selected paths in path order (byte order of the full path, as
 * `LC_ALL=C sort`), so a stable sort by size alone leaves ties ordered by path. Files
 * are kept sorted by the tree; a child directory's own row sorts under its name and its
 * contents under `name/`: exactly where full-path order puts them (`a` < `a b` < `a/x`).
 */
function select(tree: DuTree, options: DuSelectOptions): Selection {
  tree.finish();
  const arena = tree.arena;
  const maxDepth = options.depth ?? Infinity;
  const minSize = options.minSize ?? 0;
  const selection = new Selection(tree.count);
  const pushFiles = (dirIndex: number, files: number[], from: number, to: number): void => {
    for (let i = from; i < to; i += FILE_STRIDE) {
      const size = files[i + 2] as number;
      if (size >= minSize) selection.push(dirIndex, files[i] as number, files[i + 1] as number, size, false);
    }
  };
  const walk = (dir: DuDir, depth: number): void => {
    const dirIndex = selection.dirList.push(dir) - 1;
    const files = dir.files ?? [];
    if (dir.dirs === null) {
      pushFiles(dirIndex, files, 0, files.length);
      return;
    }
    const keys: DirKey[] = [];
    for (const sub of dir.dirs.values()) {
      if (sub.total < minSize) continue; // nothing below can reach minSize either
      if (sub.nameAt < 0) [sub.nameAt, sub.nameLength] = arena.appendString(sub.name);
      const bytes = arena.bytes.subarray(sub.nameAt, sub.nameAt + sub.nameLength);
      keys.push({ bytes, sub, contents: false });
      if (depth < maxDepth && (sub.files !== null || sub.dirs !== null)) {
        keys.push({ bytes: Buffer.concat([bytes, Buffer.from('/')]), sub, contents: true });
      }
    }
    keys.sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    let i = 0;
    for (const key of keys) {
      let j = i;
      while (j < files.length && arena.compareWith(files[j] as number, files[j + 1] as number, key.bytes, 0, key.bytes.length) < 0) {
        j += FILE_STRIDE;
      }
      pushFiles(dirIndex, files, i, j);
      i = j;
      if (key.contents) walk(key.sub, depth + 1);
      else selection.push(dirIndex, key.sub.nameAt, key.sub.nameLength, key.sub.total, true);
    }
    pushFiles(dirIndex, files, i, files.length);
  };
  walk(tree.root, 1);
  return selection;
}

/**
 * The selected rows in report order: largest first, ties by path (byte order). Rows are
 * collected in path order, then a stable LSD radix sort on the sizes orders them, every
 * column travelling with its key so rows are then read sequentially.
 */
export class SortedRows implements ReportRows {
  readonly length: number;
  readonly arena: NameArena;
  private readonly sorted: RadixSorted;
  private readonly prefixes: Array<string | undefined>;
  private prefixArena: { bytes: Buffer; at: Uint32Array; length: Uint32Array } | undefined;
  constructor(
    private readonly selection: Selection,
    tree: DuTree,
    top: number | undefined,
  ) {
    this.arena = tree.arena;
    this.sorted = radixSortDescending(selection.hi, selection.lo, [selection.meta, selection.nameAt, selection.nameLength], selection.length);
    // The columns were sorted in place (or are scratch now): only dirList is read later.
    selection.release();
    this.length = Math.min(selection.length, top ?? Infinity);
    this.prefixes = new Array<string | undefined>(selection.dirList.length);
  }
  size(k: number): number {
    // The keys were complemented for a descending sort; undo that.
    return (~(this.sorted.hi[k] as number) >>> 0) * 4294967296 + (~(this.sorted.lo[k] as number) >>> 0);
  }
  isDir(k: number): boolean {
    return (((this.sorted.carried[0] as Uint32Array)[k] as number) & 1) === 1;
  }
  dirIndex(k: number): number {
    return ((this.sorted.carried[0] as Uint32Array)[k] as number) >>> 1;
  }
  parent(k: number): DuDir {
    return this.selection.dirList[this.dirIndex(k)] as DuDir;
  }
  prefix(k: number): string {
    const d = this.dirIndex(k);
    return (this.prefixes[d] ??= prefixOf(this.selection.dirList[d] as DuDir));
  }
  /**
   * Every directory's prefix as UTF-8 in one Buffer (`at[d]`, `length[d]` for directory
   * index `dirIndex(k)`): one place in memory, not a Buffer object per directory.
   */
  prefixBytes(): { bytes: Buffer; at: Uint32Array; length: Uint32Array } {
    if (this.prefixArena) return this.prefixArena;
    const dirs = this.selection.dirList;
    const at = new Uint32Array(dirs.length);
    const length = new Uint32Array(dirs.length);
    let total = 0;
    const texts = dirs.map((dir, d) => {
      const text = (this.prefixes[d] ??= prefixOf(dir));
      length[d] = Buffer.byteLength(text);
      at[d] = total;
      total += length[d] as number;
      return text;
    });
    const bytes = Buffer.allocUnsafe(total);
    texts.forEach((text, d) => bytes.write(text, at[d] as number, 'utf8'));
    return (this.prefixArena = { bytes, at, length });
  }
  /** The sorted columns themselves, for printers that walk every row. */
  columns(): { meta: Uint32Array; nameAt: Uint32Array; nameLength: Uint32Array; hi: Uint32Array; lo: Uint32Array } {
    const [meta, nameAt, nameLength] = this.sorted.carried as [Uint32Array, Uint32Array, Uint32Array];
    return { meta, nameAt, nameLength, hi: this.sorted.hi, lo: this.sorted.lo };
  }
  /** Where row k's name is in `arena.bytes`, and its byte length. */
  nameAt(k: number): number {
    return (this.sorted.carried[1] as Uint32Array)[k] as number;
  }
  nameLength(k: number): number {
    return (this.sorted.carried[2] as Uint32Array)[k] as number;
  }
  name(k: number): string {
    return this.arena.text(this.nameAt(k), this.nameLength(k));
  }
  path(k: number): string {
    return this.prefix(k) + this.name(k);
  }
}

/** The rows a report prints, in order; `--top N` (N well below the path count) takes a heap path. */
export function sortedRows(tree: DuTree, options: DuSelectOptions): ReportRows {
  if (options.top !== undefined && options.top * 16 < tree.count) return new TopRows(tree, options.top, options);
  return new SortedRows(select(tree, options), tree, options.top);
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
