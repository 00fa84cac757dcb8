import { hasNameEscapes, nameFromBytes, nameToBytes } from '../names/name-bytes.js';
import { compareBytes } from './bytes.js';
import { DirTable } from './dir-table.js';
import { FileTable } from './file-table.js';
import { groupIds } from './group.js';
import { mergeDuplicateNames } from './merge-duplicates.js';
import { ColumnPool } from './column-pool.js';
import { PageToucher } from './page-toucher.js';
import { sharedUint32 } from './shared-arrays.js';
import { sortIdsByName } from './sort-names.js';

/** Where listings put entries: tar-ls-du's parsers, encrypted-du, rclone-backup --audit. */
export interface ListingSink {
  /** A non-directory entry (file, symlink, device...) of `size` bytes. Repeated paths add up. */
  add(path: string, size: number): void;
  /** A directory entry: establishes the directory; its own size is not counted. */
  addDirectory(path: string): void;
  /** An already aggregated total for a path, as `du` prints it (children listed first). */
  addTotal(path: string, total: number): void;
}

/**
 * Lines the compiled `rclone ls` scanner took (rclone-ls-scan.wat): line i's name is
 * `names[namesStart + ends[endsStart + i - 1], namesStart + ends[endsStart + i])` (from
 * `namesStart` for the first), its size `sizes[sizesStart + i]`; `marks[marksStart + 2i]` is
 * -1 when its directory is the previous line's, else where its path starts in the chunk,
 * and `marks[marksStart + 2i + 1]` where its last `/` is there (-1: none, a name in the root).
 */
export interface ScannedLines {
  names: Uint8Array;
  namesStart: number;
  ends: Uint32Array;
  endsStart: number;
  sizes: Float64Array;
  sizesStart: number;
  marks: Int32Array;
  marksStart: number;
  count: number;
}

/** One directory of a finished tree, as `DuTree.directories()` yields it. */
export interface DuDirectory {
  /** Its id: 0 is the listing root, and a parent's id is below its children's. */
  id: number;
  /** Its parent's id (-1 for the root). */
  parent: number;
  /** The full path ('' for the root, `/` for the filesystem root). */
  path: string;
  /** Bytes below it (files, sub-directories, a du-reported total when there is one). */
  total: number;
  /** Files directly in it, and anywhere below it. */
  files: number;
  filesBelow: number;
  /** Path components: 0 for the root, 1 for a top-level directory. */
  depth: number;
}

/**
 * Named inputs at least this large have their columns' pages mapped ahead by another thread
 * (page-toucher.ts); below it the thread's start (~30 ms of the other core) is not worth it.
 */
const TOUCH_MIN_BYTES = 32 << 20;

/** Columns of the pool (ColumnPool): the grouped file ids, then the sort's rows, two keys and two spares. */
const POOL_COLUMNS = 6;

/**
 * The du tree: sizes aggregated per path, in flat columns (see dir-table.ts and
 * file-table.ts): no object per path, so tens of millions of lines cost memory in
 * proportion to the distinct paths' bytes and a few numbers each, and little garbage
 * collection. Paths are bytes, names are never decoded while reading.
 *
 * `finish()` (called by every reader of totals) merges a file whose path is also a
 * directory into that directory, then computes every directory's total in one reverse
 * pass over the directory ids.
 */
export class DuTree implements ListingSink {
  readonly dirs = new DirTable();
  readonly files = new FileTable();
  /**
   * Per directory: bytes of the files directly in it, of files with its own path, a du
   * total (-1: none). The last two are made only when first needed (most listings need
   * neither: two columns less to regrow and fault in as directories come).
   */
  private fileSum: Float64Array = new Float64Array(0);
  private own: Float64Array = new Float64Array(0);
  private reported: Float64Array = new Float64Array(0);
  /** After finish(): totals and file counts per directory. */
  totals = new Float64Array(0);
  fileCount = new Uint32Array(0);
  filesBelow = new Uint32Array(0);
  private dirty = true;
  private scratch = Buffer.allocUnsafe(4096);
  /** While a large input is read: another thread maps the columns' next pages (page-toucher.ts). */
  private toucher: PageToucher | undefined;
  /** With the toucher: the columns finish() and the report's sort will need, mapped meanwhile. */
  private pool: ColumnPool | undefined;

  /**
   * A hint: about `bytes` of listing text will follow. Room for the files it probably
   * holds is made at once, instead of regrowing the columns and rehashing the table
   * again and again (each regrowth copies everything so far). A wrong guess costs nothing
   * but the room. From `touchFrom` bytes on, another thread maps the columns' pages ahead
   * of the reader until finish() (page-toucher.ts; checkpoint() between chunks).
   */
  expectListingBytes(bytes: number, touchFrom = TOUCH_MIN_BYTES): void {
    // Short lines are ~40 bytes (`rclone ls` of short paths): an overestimate costs address space only.
    const lines = Math.min(Math.floor(bytes / 40), 1 << 27);
    try {
      this.files.reserve(lines, Math.min(Math.floor(bytes / 3), 1 << 30));
      // Directory paths too (untouched room costs address space, not memory; regrowing copies).
      this.dirs.paths.reserve(Math.min(Math.floor(bytes / 8), 1 << 29));
      this.dirs.reserve(Math.min(Math.floor(bytes / 256), 1 << 24));
    } catch (error) {
      // Only a hint: where that much address space cannot be had, the columns grow as they fill.
      if (!(error instanceof RangeError)) throw error;
      return;
    }
    if (bytes >= touchFrom && this.toucher === undefined) {
      this.toucher = PageToucher.start();
      if (this.toucher !== undefined) this.pool = ColumnPool.make(POOL_COLUMNS, Math.ceil(lines * 1.25));
      this.checkpoint();
    }
  }

  /** Between chunks of input: the page toucher, if any, follows where the columns are written. */
  checkpoint(): void {
    const toucher = this.toucher;
    if (toucher === undefined) return;
    const { files, dirs } = this;
    toucher.follow(0, files.names.bytes, files.names.length);
    toucher.follow(1, files.dir, files.count);
    toucher.follow(2, files.size, files.count);
    toucher.follow(3, files.nameAt, files.count + 1);
    toucher.follow(4, dirs.paths.bytes, dirs.paths.length);
    // The pool's columns get one element per file or directory (a report row each, at most).
    const rows = files.count + dirs.count;
    let slot = 5;
    for (const column of this.pool?.columns ?? []) toucher.follow(slot++, column, rows);
    for (const column of dirs.columns()) toucher.follow(slot++, column, dirs.count);
    toucher.wake();
  }

  /** A zeroed Uint32 column of `n` in shared memory: one mapped while the input was read, where there is one. */
  uint32Column(n: number): Uint32Array {
    return this.pool?.take(n) ?? sharedUint32(n);
  }

  add(path: string, size: number): void {
    const [bytes, length] = this.encode(path);
    this.addPathBytes(bytes, 0, length, size);
  }

  addDirectory(path: string): void {
    const [bytes, length] = this.encode(path);
    this.addDirectoryBytes(bytes, 0, length);
  }

  addTotal(path: string, total: number): void {
    const [bytes, length] = this.encode(path);
    const end = trimEnd(bytes, 0, length);
    const canon = this.canonical(bytes, 0, end);
    const dir = end === 0 ? -1 : canon < 0 ? this.dirs.lookup(bytes, 0, end) : this.dirs.lookup(this.canon, 0, canon);
    if (dir > 0) {
      this.ensureColumns();
      if (this.reported.length === 0) this.reported = new Float64Array(this.fileSum.length).fill(-1);
      this.reported[dir] = total;
      this.dirty = true;
    } else this.addPathBytes(bytes, 0, length, total);
  }

  /** A directory entry from bytes (a trailing `/` is dropped). */
  addDirectoryBytes(src: Uint8Array, start: number, end: number): void {
    const stop = trimEnd(src, start, end);
    if (stop > start) this.dirId(src, start, stop);
  }

  /** The parsers' hot path: the entry `src[start, end)` of `size` bytes, no string made. */
  addPathBytes(src: Uint8Array, start: number, end: number, size: number): void {
    const stop = trimEnd(src, start, end);
    if (stop === start) return;
    let slash = stop - 1;
    while (slash >= start && src[slash] !== 47) slash -= 1;
    let dir = 0;
    // `/` alone is a name in the root; `/x` is `x` in `/`.
    if (slash >= start && stop - start > 1) dir = this.dirId(src, start, slash === start ? start + 1 : slash);
    this.addFileBytes(dir, src, slash >= start && stop - start > 1 ? slash + 1 : start, stop, size);
  }

  /** Adds `size` to the file named `src[start, end)` directly in directory `dir`. */
  addFileBytes(dir: number, src: Uint8Array, start: number, end: number, size: number): void {
    this.files.add(dir, src, start, end, size);
    if (dir >= this.fileSum.length) this.ensureColumns();
    this.fileSum[dir]! += size;
    this.dirty = true;
  }

  /**
   * The compiled `rclone ls` scanner's lines (see rclone-ls-scan.wat), the first in
   * directory `dir`: their names are put in the arena in one copy and each file appended
   * without a lookup. A line starting another directory interns it from `src` (the chunk);
   * if that directory already holds names this one does not sort after, that line and the
   * rest go through the general path (FileTable.add: lookups, repeated paths added up).
   */
  addScannedLines(dir: number, run: ScannedLines, src: Uint8Array): void {
    const { files } = this;
    const { count, ends, endsStart, marks, marksStart } = run;
    if (count === 0) return;
    const arena = files.names;
    const base = arena.length;
    const bytes = ends[endsStart + count - 1] as number;
    arena.reserve(bytes);
    arena.bytes.set(run.names.subarray(run.namesStart, run.namesStart + bytes), base);
    arena.length = base + bytes;
    this.dirty = true;
    const firstFile = files.count;
    const enter = (i: number): number => {
      const start = marks[marksStart + 2 * i] as number;
      const slash = marks[marksStart + 2 * i + 1] as number;
      const d = slash < 0 ? 0 : this.dirId(src, start, slash === start ? start + 1 : slash);
      return this.takesNext(d, base + (i === 0 ? 0 : (ends[endsStart + i - 1] as number)), base + (ends[endsStart + i] as number)) ? d : -1;
    };
    const taken = files.appendScanned(dir, run, 0, base, enter);
    this.ensureColumns();
    const { fileSum } = this;
    const fileDir = files.dir;
    const size = files.size;
    // One add per file in listing order, as addFileBytes does: the same sums to the last bit.
    for (let f = firstFile; f < firstFile + taken; f += 1) fileSum[fileDir[f] as number]! += size[f] as number;
    if (taken < count) {
      // Line `taken` starts a directory holding names it does not sort after: it and the rest the general way.
      arena.length = base + (taken === 0 ? 0 : (ends[endsStart + taken - 1] as number));
      this.addScannedSlowly(dir, run, src, taken);
    }
  }

  /** Whether the arena name [start, end) can be appended to `dir` as a new file (see FileTable.appendScanned). */
  private takesNext(dir: number, start: number, end: number): boolean {
    const { files } = this;
    if (!files.inOrder(dir)) return false;
    const last = files.lastIn(dir);
    const names = files.names.bytes;
    return last < 0 || compareBytes(names, files.nameAt[last] as number, files.nameLength(last), names, start, end - start) < 0;
  }

  /** addScannedLines from line `from` on, each through FileTable.add. */
  private addScannedSlowly(dir: number, run: ScannedLines, src: Uint8Array, from: number): void {
    const { ends, endsStart, sizes, sizesStart, marks, marksStart, names, namesStart } = run;
    let d = dir;
    for (let i = from; i < run.count; i += 1) {
      const start = marks[marksStart + 2 * i] as number;
      if (start >= 0) {
        const slash = marks[marksStart + 2 * i + 1] as number;
        d = slash < 0 ? 0 : this.dirId(src, start, slash === start ? start + 1 : slash);
      }
      const nameStart = namesStart + (i === 0 ? 0 : (ends[endsStart + i - 1] as number));
      this.addFileBytes(d, names, nameStart, namesStart + (ends[endsStart + i] as number), sizes[sizesStart + i] as number);
    }
  }

  /** The id of the directory `src[start, end)` (created with its ancestors if new). */
  dirId(src: Uint8Array, start: number, end: number): number {
    if (this.dirs.isLast(src, start, end)) return this.dirs.last;
    const canon = this.canonical(src, start, end);
    this.dirty = true;
    return canon < 0 ? this.dirs.intern(src, start, end) : this.dirs.intern(this.canon, 0, canon);
  }

  /**
   * After finish(): the live files grouped by directory, each group in name order
   * (`fileOrder[fileFirst[d] .. fileFirst[d + 1])`; a file merged away by this finish()
   * has directory -1 and is skipped by readers).
   */
  fileFirst: Uint32Array = new Uint32Array(1);
  fileOrder: Uint32Array = new Uint32Array(0);

  /** Normalises everything and computes totals (cheap when nothing changed). */
  finish(): void {
    // The input is read: nothing more to touch ahead of.
    this.toucher?.stop();
    this.toucher = undefined;
    if (!this.dirty) return;
    this.ensureColumns();
    const { dirs, files } = this;
    const count = dirs.count;
    this.groupFiles();
    const { fileFirst, fileOrder } = this;
    const names = files.names.bytes;
    const paths = dirs.paths.bytes;
    // A file added with the path of a directory: its size is the directory's own. Found by a
    // binary search of the directory's name among its parent's files (in name order).
    for (let d = 1; d < count; d += 1) {
      const p = dirs.parent[d] as number;
      let lo = fileFirst[p] as number;
      let hi = fileFirst[p + 1] as number;
      if (lo === hi) continue;
      const at = dirs.nameAt[d] as number;
      const length = (dirs.pathAt[d] as number) + (dirs.pathLength[d] as number) - at;
      let f = -1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const g = fileOrder[mid] as number;
        const c = compareBytes(names, files.nameAt[g] as number, files.nameLength(g), paths, at, length);
        if (c === 0) {
          f = g;
          break;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
      }
      if (f < 0) continue;
      const size = files.size[f] as number;
      if (this.own.length === 0) this.own = new Float64Array(this.fileSum.length);
      this.own[d]! += size;
      this.fileSum[p]! -= size;
      files.remove(f);
    }
    const total = (this.totals = new Float64Array(count));
    const fileCount = (this.fileCount = new Uint32Array(count));
    for (let f = 0; f < files.count; f += 1) {
      const d = files.dir[f] as number;
      if (d >= 0) fileCount[d]! += 1;
    }
    const below = (this.filesBelow = fileCount.slice());
    total.set(this.fileSum.subarray(0, count));
    if (this.own.length > 0) for (let d = 0; d < count; d += 1) total[d]! += this.own[d] as number;
    const hasReported = this.reported.length > 0;
    for (let d = count - 1; d > 0; d -= 1) {
      if (hasReported && (this.reported[d] as number) >= 0) total[d] = this.reported[d] as number;
      const parent = dirs.parent[d] as number;
      total[parent]! += total[d] as number;
      below[parent]! += below[d] as number;
    }
    this.dirty = false;
  }

  /**
   * Groups the files by directory (a counting sort: ids ascending within a group). A
   * directory whose names arrived in increasing order (nearly always) is then in name
   * order already; only the others are sorted.
   */
  private groupFiles(): void {
    const { dirs, files } = this;
    const fileDir = files.dir;
    const [first, order] = groupIds(dirs.count, 0, files.count, (f) => fileDir[f] as number, (n) => this.uint32Column(n));
    const names = files.names.bytes;
    const { nameAt } = files;
    const byName = (a: number, b: number): number =>
      compareBytes(names, nameAt[a] as number, (nameAt[a + 1] as number) - (nameAt[a] as number), names, nameAt[b] as number, (nameAt[b + 1] as number) - (nameAt[b] as number));
    for (let d = 0; d < dirs.count; d += 1) {
      const start = first[d] as number;
      const end = first[d + 1] as number;
      if (end - start > 1 && files.mayRepeat(d)) sortIdsByName(files, order.subarray(start, end));
      else if (end - start > 1 && !files.inOrder(d)) order.subarray(start, end).sort(byName);
    }
    const merged = files.deferDuplicates ? mergeDuplicateNames(files, dirs.count, first, order) : 0;
    this.fileFirst = first;
    this.fileOrder = merged > 0 ? order.subarray(0, order.length - merged) : order;
  }

  /** Whether nothing was added yet (cheap: no finish()). */
  isEmpty(): boolean {
    return this.files.count === 0 && this.dirs.count <= 1;
  }

  /** The grand total of everything added. */
  get total(): number {
    this.finish();
    return this.totals[0] as number;
  }

  /** Number of distinct paths (files and directories). */
  get count(): number {
    this.finish();
    return this.files.live + this.dirs.count - 1;
  }

  /** Directory `id`'s path as a string (names that are not UTF-8 keep their bytes, see name-bytes.ts). */
  dirPath(id: number): string {
    return nameFromBytes(this.dirs.pathBytes(id));
  }

  /**
   * Every directory of the finished tree, parents before children (the reading API for
   * other views of the tree, such as an HTML treemap). Set `root` false to skip the root.
   */
  *directories(root = true): Generator<DuDirectory> {
    this.finish();
    for (let id = root ? 0 : 1; id < this.dirs.count; id += 1) {
      yield {
        id,
        parent: this.dirs.parent[id] as number,
        path: this.dirPath(id),
        total: this.totals[id] as number,
        files: this.fileCount[id] as number,
        filesBelow: this.filesBelow[id] as number,
        depth: this.dirs.depth[id] as number,
      };
    }
  }

  /** Per-directory columns sized to the directory table. */
  private ensureColumns(): void {
    const n = this.dirs.parent.length;
    if (this.fileSum.length >= n) return;
    const widen = (old: Float64Array, fill: number): Float64Array<ArrayBuffer> => {
      // A fresh array is all 0: filling it with 0 would only write (fault in) every page of the reserved room.
      const next = new Float64Array(n);
      if (fill !== 0) next.fill(fill, old.length);
      next.set(old);
      return next;
    };
    this.fileSum = widen(this.fileSum, 0);
    if (this.own.length > 0) this.own = widen(this.own, 0);
    if (this.reported.length > 0) this.reported = widen(this.reported, -1);
  }

  /** A string path as bytes in the scratch buffer (byte-exact for names from nameFromBytes). */
  private encode(path: string): [Buffer, number] {
    if (hasNameEscapes(path)) {
      const bytes = nameToBytes(path);
      return [bytes, bytes.length];
    }
    if (this.scratch.length < path.length * 3) this.scratch = Buffer.allocUnsafe(path.length * 3);
    return [this.scratch, this.scratch.write(path, 0, 'utf8')];
  }

  private canon = Buffer.allocUnsafe(4096);

  /**
   * A directory path without `//` and without a trailing `/` (but `/` itself): -1 when the
   * range is canonical already, else the length of its canonical form in `this.canon`.
   */
  private canonical(src: Uint8Array, start: number, end: number): number {
    let clean = !(end - start > 1 && src[end - 1] === 47);
    for (let i = start + 1; clean && i < end; i += 1) if (src[i] === 47 && src[i - 1] === 47) clean = false;
    if (clean) return -1;
    if (this.canon.length < end - start) this.canon = Buffer.allocUnsafe((end - start) * 2);
    let n = 0;
    for (let i = start; i < end; i += 1) {
      const c = src[i] as number;
      if (c === 47 && n > 0 && this.canon[n - 1] === 47) continue;
      this.canon[n++] = c;
    }
    if (n > 1 && this.canon[n - 1] === 47) n -= 1;
    return n;
  }
}

/** The end of `src[start, end)` without trailing `/` (one is kept when that is all there is). */
function trimEnd(src: Uint8Array, start: number, end: number): number {
  let stop = end;
  while (stop > start + 1 && src[stop - 1] === 47) stop -= 1;
  return stop;
}
