import { NameArena } from './arena.js';
import { compareBytes, grown, hashBytes, placeSlot, rehashSlots, sameBytes } from './bytes.js';
import { sharedFloat64, sharedInt32, sharedUint32 } from './shared-arrays.js';
import type { ScannedLines } from './tree.js';

/**
 * Files as columns: directory id, size, and the name's place in one byte arena (no
 * object, no string per file). A path listed twice must add to its entry, not take
 * memory again, so a file is found again by (directory, name bytes) through an
 * open-addressing table. Listings nearly always give a directory's names in increasing
 * order, and then a new name is known to be new by one comparison with the directory's
 * last name: such a directory stays out of the table (no hashing, no cache miss per line)
 * until a name arrives out of order, when its files (linked through `prevInDir`) are
 * put in. A file whose directory is -1 was merged into a directory of the same path.
 */
export class FileTable {
  count = 0;
  /** Files not merged away. */
  live = 0;
  readonly names = new NameArena();
  dir = sharedInt32(1024);
  size = sharedFloat64(1024);
  /**
   * File id's name is `names.bytes[nameAt[id], nameAt[id + 1])`: names are appended in id
   * order, so a length column would only repeat the offsets (4 bytes a file), and
   * `nameAt[count]` is the arena's end.
   */
  nameAt = sharedUint32(1024);
  /**
   * The file added to the same directory before this one (-1: none). Only walked when a
   * directory's names stop arriving in order (or for lookups): it is made from the columns
   * the first time it is needed (chains()) and kept from then on, so a listing in order
   * never writes it (4 bytes a file of fresh memory, whose page faults cost more than the writes).
   */
  private prevInDir = new Int32Array(0);
  private chained = false;
  /** Per directory: its last file (-1: none), and whether its files are in the table. */
  private lastInDir = new Int32Array(1024).fill(-1);
  private hashedDir = new Uint8Array(1024);
  /** Pairs [id + 1, hash]; 0 marks a free slot. */
  private slots: Int32Array = new Int32Array(4096);
  private hashed = 0;
  /**
   * Names known to be mostly distinct, in no order (encrypted-du: crypt listings come in
   * encrypted-name order): a directory whose names stop arriving in order is not hashed;
   * its names are appended as they come (state 2 in hashedDir) and repeats are merged
   * after DuTree.finish() sorts them (merge-duplicates.ts): no lookup table, no hash per name.
   */
  deferDuplicates = false;

  /** Makes room for about `files` files with `nameBytes` bytes of names (avoids regrowing). */
  reserve(files: number, nameBytes: number): void {
    if (files + 1 > this.dir.length) this.growColumns(files + 1);
    this.names.reserve(nameBytes);
  }

  /** Adds `size` to the file named `src[start, end)` in directory `dir`; returns its id. */
  add(dir: number, src: Uint8Array, start: number, end: number, size: number): number {
    if (dir >= this.lastInDir.length) this.growDirs(dir + 1);
    const state = this.hashedDir[dir] as number;
    if (state === UNCHECKED) return this.append(dir, src, start, end, size);
    if (state === 0) {
      const last = this.lastInDir[dir] as number;
      if (last < 0 || compareBytes(this.names.bytes, this.nameAt[last] as number, this.nameLength(last), src, start, end - start) < 0) {
        return this.append(dir, src, start, end, size);
      }
      if (this.deferDuplicates) {
        this.hashedDir[dir] = UNCHECKED;
        return this.append(dir, src, start, end, size);
      }
      this.hashDir(dir);
    }
    const h = hashBytes(src, start, end, dir);
    const found = this.find(dir, src, start, end, h);
    if (found >= 0) {
      this.size[found]! += size;
      return found;
    }
    const id = this.append(dir, src, start, end, size);
    this.put(id, h);
    return id;
  }

  /**
   * Appends the compiled scanner's lines `from`.. as new files (their names already put in
   * the arena by the caller, line i's ending at `base + ends[endsStart + i]`), the first in
   * `dir`, as `add` would for names that sort after `lastIn(dir)`'s in directories still
   * `inOrder`. At a line that starts another directory `enter(i)` gives that directory, or
   * -1 when line i cannot be appended so (then the lines from i are left); returns how many
   * lines were appended.
   */
  appendScanned(dir: number, run: ScannedLines, from: number, base: number, enter: (line: number) => number): number {
    const { count, ends, endsStart, sizes, sizesStart, marks, marksStart } = run;
    const first = this.count;
    if (first + count - from + 1 > this.dir.length) this.growColumns(first + count - from + 1);
    if (dir >= this.lastInDir.length) this.growDirs(dir + 1);
    const { dir: dirs, size, nameAt, prevInDir, chained } = this;
    let lastInDir = this.lastInDir;
    let d = dir;
    let last = lastInDir[d] as number;
    let id = first;
    let i = from;
    for (; i < count; i += 1) {
      if ((marks[marksStart + 2 * i] as number) >= 0) {
        lastInDir[d] = last;
        this.count = id;
        d = enter(i);
        if (d < 0) break;
        if (d >= lastInDir.length) this.growDirs(d + 1);
        lastInDir = this.lastInDir;
        last = lastInDir[d] as number;
      }
      dirs[id] = d;
      size[id] = sizes[sizesStart + i] as number;
      nameAt[id + 1] = base + (ends[endsStart + i] as number);
      if (chained) prevInDir[id] = last;
      last = id;
      id += 1;
    }
    if (d >= 0) lastInDir[d] = last;
    this.count = id;
    this.live += id - first;
    return i - from;
  }

  /** The file added to `dir` last (-1: none). */
  lastIn(dir: number): number {
    return dir < this.lastInDir.length ? (this.lastInDir[dir] as number) : -1;
  }

  /** The live file named `src[start, end)` in `dir`, or -1. */
  lookup(dir: number, src: Uint8Array, start: number, end: number): number {
    if (dir >= this.lastInDir.length || this.lastInDir[dir] === -1) return -1;
    if (this.hashedDir[dir] === UNCHECKED) {
      // Not in the table (and may hold repeats until finish() merges them): the oldest match.
      let found = -1;
      const prevInDir = this.chains();
      for (let id = this.lastInDir[dir] as number; id >= 0; id = prevInDir[id] as number) {
        if (this.dir[id] === dir && this.nameLength(id) === end - start && sameBytes(this.names.bytes, this.nameAt[id] as number, src, start, end - start)) found = id;
      }
      return found;
    }
    if (this.hashedDir[dir] === 0) this.hashDir(dir);
    return this.find(dir, src, start, end, hashBytes(src, start, end, dir));
  }

  /** Whether directory `dir`'s names arrived in strictly increasing byte order (ids order = name order). */
  inOrder(dir: number): boolean {
    return dir >= this.hashedDir.length || this.hashedDir[dir] === 0;
  }

  /** Whether directory `dir` took names unchecked (deferDuplicates): it may hold a name twice until merged. */
  mayRepeat(dir: number): boolean {
    return dir < this.hashedDir.length && this.hashedDir[dir] === UNCHECKED;
  }

  /** Takes file `id` out (its size now belongs to a directory of the same path). */
  remove(id: number): void {
    this.chains(); // made while every file still has its directory
    this.dir[id] = -1;
    this.live -= 1;
  }

  private append(dir: number, src: Uint8Array, start: number, end: number, size: number): number {
    const id = this.count;
    if (id + 1 === this.dir.length) this.growColumns(id + 2); // room for the end offset too
    this.count += 1;
    this.live += 1;
    this.dir[id] = dir;
    this.size[id] = size;
    this.names.appendBytes(src, start, end);
    this.nameAt[id + 1] = this.names.length;
    if (this.chained) this.prevInDir[id] = this.lastInDir[dir] as number;
    this.lastInDir[dir] = id;
    return id;
  }

  /** prevInDir, made from the directory column the first time it is needed (see there). */
  private chains(): Int32Array {
    if (this.chained) return this.prevInDir;
    const prev = new Int32Array(this.dir.length);
    const last = new Int32Array(this.lastInDir.length).fill(-1);
    for (let id = 0; id < this.count; id += 1) {
      const d = this.dir[id] as number;
      if (d < 0) {
        prev[id] = -1;
        continue;
      }
      prev[id] = last[d] as number;
      last[d] = id;
    }
    this.prevInDir = prev;
    this.chained = true;
    return prev;
  }

  /** Puts every file of `dir` in the table (its names stopped arriving in order). */
  private hashDir(dir: number): void {
    if (this.slots.length === 0) this.rebuildIndex(); // before `dir` counts as hashed
    this.hashedDir[dir] = 1;
    const names = this.names.bytes;
    const prevInDir = this.chains();
    for (let id = this.lastInDir[dir] as number; id >= 0; id = prevInDir[id] as number) {
      if (this.dir[id] !== dir) continue; // merged away
      const at = this.nameAt[id] as number;
      this.put(id, hashBytes(names, at, this.nameAt[id + 1] as number, dir));
    }
  }

  /**
   * Frees the lookup table (8-16 bytes a hashed file: 134 MB at ten million) while a report
   * is printed; the next lookup or out-of-order add rebuilds it from the columns.
   */
  releaseIndex(): void {
    this.slots = new Int32Array(0);
    this.hashed = 0;
  }

  private rebuildIndex(): void {
    let hashed = 0;
    for (let id = 0; id < this.count; id += 1) {
      const d = this.dir[id] as number;
      if (d >= 0 && this.hashedDir[d] === 1) hashed += 1;
    }
    let size = 4096;
    while (hashed * 3 > size) size *= 2;
    this.slots = new Int32Array(size);
    const names = this.names.bytes;
    for (let id = 0; id < this.count; id += 1) {
      const d = this.dir[id] as number;
      if (d < 0 || this.hashedDir[d] !== 1) continue;
      const at = this.nameAt[id] as number;
      placeSlot(this.slots, id + 1, hashBytes(names, at, this.nameAt[id + 1] as number, d));
    }
    this.hashed = hashed;
  }

  private find(dir: number, src: Uint8Array, start: number, end: number, h: number): number {
    if (this.slots.length === 0) this.rebuildIndex();
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    const length = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot * 2] as number;
      if (v === 0) return -1;
      if (slots[slot * 2 + 1] !== h) continue;
      const id = v - 1;
      if (this.dir[id] === dir && this.nameLength(id) === length && sameBytes(this.names.bytes, this.nameAt[id] as number, src, start, length)) return id;
    }
  }

  private put(id: number, h: number): void {
    if (this.slots.length === 0) this.rebuildIndex();
    this.hashed += 1;
    if (this.hashed * 3 > this.slots.length) this.slots = rehashSlots(this.slots, this.slots.length * 2);
    placeSlot(this.slots, id + 1, h);
  }

  private growColumns(size: number): void {
    // ×1.5, not ×2: these five columns are 24 bytes a file, and with tens of millions of
    // files a doubling leaves hundreds of MB unused (and holds old and new at once while copying).
    let n = this.dir.length;
    while (n < size) n = Math.ceil(n * 1.5);
    // All made before any is replaced: if memory runs out, the columns stay as they were (of one length).
    const dir = copied(this.dir, sharedInt32(n));
    const sizes = copied(this.size, sharedFloat64(n));
    const nameAt = copied(this.nameAt, sharedUint32(n));
    const prevInDir = this.chained ? copied(this.prevInDir, new Int32Array(n)) : this.prevInDir;
    this.dir = dir;
    this.size = sizes;
    this.nameAt = nameAt;
    this.prevInDir = prevInDir;
  }

  private growDirs(size: number): void {
    const old = this.lastInDir.length;
    this.lastInDir = grown(this.lastInDir, size, (n) => new Int32Array(n));
    this.lastInDir.fill(-1, old);
    this.hashedDir = grown(this.hashedDir, size, (n) => new Uint8Array(n));
  }

  /** File `id`'s name's length in bytes. */
  nameLength(id: number): number {
    return (this.nameAt[id + 1] as number) - (this.nameAt[id] as number);
  }

  /** File `id`'s name as bytes (a view into the arena). */
  nameBytes(id: number): Buffer {
    const at = this.nameAt[id] as number;
    return this.names.bytes.subarray(at, this.nameAt[id + 1] as number);
  }
}

/** hashedDir state of a directory whose names are appended unchecked (deferDuplicates). */
const UNCHECKED = 2;

/** `into` holding `from`'s entries at its start. */
function copied<T extends Int32Array | Uint32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}
