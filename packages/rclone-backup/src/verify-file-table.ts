import { compareBytes, hashBytes, placeSlot, ProblemError, rehashSlots, sameBytes } from '@rclone-b2/core';

// The backup's file list as verify needs it whole (to join the ledger, pick the sample and
// write the new ledger), in columns rather than one object per file: names as UTF-8 in byte
// arena blocks, a row's numbers side by side in Float64Array blocks (a row's fields in one
// cache line for the passes over every row), and directory runs to find a path (below).
// About 32 bytes per file plus its name, against several hundred for objects in a Map.
//
// A directory's path is stored once per run of its rows, and a row keeps only its name
// (after the last `/`): ~12 bytes a file rather than ~29 for a photo library's paths. Fresh
// memory costs a page fault per 4 KiB (~13 µs here), more than the copying it saves.
//
// Fixed-size blocks, not one array doubled as it fills: each doubling copied everything and
// touched fresh memory twice the size, and a page fault costs more than the copy (a million
// files spent a third of their listing's time there).
//
// Lookups go by directory: rclone lists a directory's files together and sorted by name,
// so while rows are added they are cut into runs of one directory each, and a small table
// maps a directory to its run; a path is then found by a binary search of its name in its
// directory's run. Hashing every path of a million-file listing into a table of 16 MiB
// cost more than the listing's parse (and a page fault per 4 KiB of it). A directory
// listed in more than one run, or whose names do not strictly increase, has its rows
// marked UNSURE and is looked up in the full-path table instead, which is built, for every
// row, on the first such lookup.

/**
 * A row is 32 bytes (each byte of a row costs a page fault per 4 KiB): three doubles,
 * then two 32-bit words in the fourth (the same block seen as Uint32Array).
 */
const SIZE = 0;
const MTIME = 1;
const B = 2;
const STRIDE = 4;
/** Word of a row (in 32-bit words): where its name is, arena block << OFFSET_BITS | offset. */
const START = 6;
/** Word of a row: the name's length × 8 + the bits below. */
const LENGTH = 7;
const WORDS = 2 * STRIDE;
/** Set by index() for a row whose path an earlier row has (lookups find that one). */
const REPEATED = 1;
/** The row's a() is not its size: it is in `otherA` (a() is nearly always the size: a ledger entry's). */
const OWN_A = 2;
/** The row's directory is not one run of rows in strictly increasing name order: its lookups go through the full index. */
const UNSURE = 4;
/** LENGTH is the name's length shifted past the flags above. */
const SHIFT = 3;

const SEED = 0;
/** Where addBytes and setAB hand their numbers on. */
const NUMBERS = new Float64Array(2);

/** Rows per block: 2^15 rows of 32 bytes. */
const ROW_BITS = 15;
const ROW_MASK = (1 << ROW_BITS) - 1;
/** Bytes per arena block (a longer path gets a block of its own, its offset 0). */
const OFFSET_BITS = 22;
const ARENA_BLOCK = 1 << OFFSET_BITS;
const OFFSET_MASK = ARENA_BLOCK - 1;
/** START has 32 - OFFSET_BITS bits for the block: at least 4 GiB of paths. */
const MAX_ARENAS = 2 ** (32 - OFFSET_BITS);
/** LENGTH keeps 32 - SHIFT bits of length. */
const MAX_LENGTH = 2 ** (32 - 3) - 1;

export class FileTable {
  /** Rows so far. */
  length = 0;
  private readonly arenas: Buffer[] = [];
  /** The arena block being filled, and how much of it is used. */
  private arena = Buffer.alloc(0);
  private used = 0;
  private readonly blocks: Float64Array[] = [];
  /** The same blocks as 32-bit words (START, LENGTH). */
  private readonly words: Uint32Array[] = [];
  /** [row + 1, hash] pairs; 0 = free. */
  private slots = new Int32Array(0);
  /** Rows [0, indexed) are in the slots. */
  private indexed = 0;
  private scratch = Buffer.allocUnsafe(4096);
  /** Where index() puts a row's path together (find() holds its query in `scratch` meanwhile). */
  private joined = Buffer.allocUnsafe(4096);
  private readonly otherA = new Map<number, number>();
  /**
   * Runs of rows of one directory: the first row, where the directory's bytes are (arena
   * block << OFFSET_BITS | offset), their length (with the `/`; 0 at the top), whether UNSURE.
   */
  private runStarts: Int32Array = new Int32Array(1024);
  private runDirAt: Uint32Array = new Uint32Array(1024);
  private runDirLengths: Int32Array = new Int32Array(1024);
  private runUnsure = new Uint8Array(1024);
  private runs = 0;
  /** The run runOf() found last: rows are mostly read in order. */
  private lastRun = 0;
  /** [first run of a directory + 1, hash of the directory's bytes] pairs; 0 = free. */
  private dirSlots = new Int32Array(1 << 12);
  private dirs = 0;
  /** Where the last row's name is (to compare the next row's name with). */
  private lastArena: Buffer = Buffer.alloc(0);
  private lastAt = 0;
  private lastLength = 0;

  /** Rows in the full-path table: 0 while every lookup went by directory. */
  get fullyIndexed(): number {
    return this.indexed;
  }

  /** Adds a row; a path already present keeps its first row for lookups. */
  add(path: string, size: number, mtimeMs: number): void {
    const bytes = Buffer.from(path);
    this.addBytes(bytes, 0, bytes.length, size, mtimeMs);
  }

  /** add() for a path given as UTF-8 bytes buf[start, end) (a listing read as bytes). */
  addBytes(buf: Buffer, start: number, end: number, size: number, mtimeMs: number): void {
    NUMBERS[0] = size;
    NUMBERS[1] = mtimeMs;
    this.addListed(buf, start, end, NUMBERS);
  }

  /**
   * addBytes with the size in numbers[0] and the time in numbers[1]. The hot callers pass
   * numbers this way: this function is too big to be inlined, and a time passed as an
   * argument to a call that is not inlined is a fresh heap number (garbage per file).
   */
  addListed(buf: Buffer, start: number, end: number, numbers: Float64Array): void {
    const length = end - start;
    if (length > MAX_LENGTH) throw new ProblemError(`verify: a path of ${length} bytes is longer than verify can hold (${MAX_LENGTH} bytes)`);
    let slash = end - 1;
    while (slash >= start && buf[slash] !== 47) slash--;
    const nameStart = slash + 1;
    const dirLength = nameStart - start;
    const run = this.runs - 1;
    // The same directory as the row before (rclone lists a directory's files together)?
    const same = run >= 0 && this.runDirLengths[run] === dirLength && this.sameDir(run, buf, start);
    const where = this.put(buf, nameStart, end);
    const arena = this.arena;
    const at = where & OFFSET_MASK;
    const i = this.length;
    if ((i & ROW_MASK) === 0) {
      const block = new Float64Array(STRIDE << ROW_BITS);
      this.blocks.push(block);
      this.words.push(new Uint32Array(block.buffer));
    }
    const rows = this.blocks[i >>> ROW_BITS] as Float64Array;
    const words = this.words[i >>> ROW_BITS] as Uint32Array;
    const r = (i & ROW_MASK) * STRIDE;
    const w = (i & ROW_MASK) * WORDS;
    words[w + START] = where;
    words[w + LENGTH] = (end - nameStart) * (1 << SHIFT);
    rows[r + SIZE] = numbers[0] as number;
    rows[r + MTIME] = numbers[1] as number;
    rows[r + B] = NaN;
    this.length = i + 1;
    const { lastArena, lastAt, lastLength } = this;
    this.lastArena = arena;
    this.lastAt = at;
    this.lastLength = end - nameStart;
    if (!same) {
      this.startRun(i, buf, start, dirLength);
      return;
    }
    // The same directory as the row before: its name must come after that row's.
    if (this.runUnsure[run] === 0 && compareBytes(arena, at, end - nameStart, lastArena, lastAt, lastLength) <= 0) this.markUnsure(run);
    else if (this.runUnsure[run] !== 0) this.markRow(i);
  }

  /** Copies buf[from, to) into the arena; returns where (arena block << OFFSET_BITS | offset). */
  private put(buf: Buffer, from: number, to: number): number {
    const length = to - from;
    if (this.used + length > this.arena.length || this.arenas.length === 0) this.nextArena(length);
    const at = this.used;
    const arena = this.arena;
    // A short name: a loop beats a native copy call.
    if (length < 48) for (let i = from, j = at; i < to; i++, j++) arena[j] = buf[i] as number;
    else buf.copy(arena, at, from, to);
    this.used = at + length;
    return (this.arenas.length - 1) * ARENA_BLOCK + at;
  }

  /** Whether run's directory is buf[start, start + its length). */
  private sameDir(run: number, buf: Uint8Array, start: number): boolean {
    const where = this.runDirAt[run] as number;
    return sameBytes(this.arenas[where >>> OFFSET_BITS] as Buffer, where & OFFSET_MASK, buf, start, this.runDirLengths[run] as number);
  }

  /** A run for row i, whose directory is buf[start, start + dirLength): its bytes stored once. */
  private startRun(i: number, buf: Buffer, start: number, dirLength: number): void {
    const run = this.runs++;
    if (run === this.runStarts.length) {
      this.runStarts = grownInt32(this.runStarts, 2 * run);
      this.runDirLengths = grownInt32(this.runDirLengths, 2 * run);
      const at = new Uint32Array(2 * run);
      at.set(this.runDirAt);
      this.runDirAt = at;
      const unsure = new Uint8Array(2 * run);
      unsure.set(this.runUnsure);
      this.runUnsure = unsure;
    }
    this.runStarts[run] = i;
    this.runDirLengths[run] = dirLength;
    const h = hashBytes(buf, start, start + dirLength, SEED);
    const first = this.findRun(buf, start, dirLength, h);
    // A directory seen before (out of order, or listed in pieces) shares the first run's bytes.
    this.runDirAt[run] = first >= 0 ? (this.runDirAt[first] as number) : this.put(buf, start, start + dirLength);
    if (first < 0) {
      if (4 * (this.dirs + 1) > this.dirSlots.length) this.dirSlots = rehashSlots(this.dirSlots, 2 * this.dirSlots.length);
      placeSlot(this.dirSlots, run + 1, h);
      this.dirs += 1;
      return;
    }
    // The directory again, after others: both runs (and any between) go by the full index.
    this.markUnsure(first);
    this.markUnsure(run);
  }

  /** The first run of the directory buf[at, at + dirLength) with hash h, or -1. */
  private findRun(buf: Uint8Array, at: number, dirLength: number, h: number): number {
    const slots = this.dirSlots;
    const mask = (slots.length >>> 1) - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const run = (slots[2 * s] as number) - 1;
      if (run < 0) return -1;
      if (slots[2 * s + 1] !== h || this.runDirLengths[run] !== dirLength) continue;
      if (this.sameDir(run, buf, at)) return run;
    }
  }

  /** The run holding row i (i < length). */
  runOf(i: number): number {
    let run = this.lastRun;
    const starts = this.runStarts;
    if ((starts[run] as number) <= i && (run + 1 === this.runs || i < (starts[run + 1] as number))) return run;
    // The next run (a pass in order), else a binary search.
    if (run + 1 < this.runs && (starts[run + 1] as number) <= i && (run + 2 === this.runs || i < (starts[run + 2] as number))) run += 1;
    else {
      let low = 0;
      let high = this.runs - 1;
      while (low < high) {
        const mid = (low + high + 1) >>> 1;
        if ((starts[mid] as number) <= i) low = mid;
        else high = mid - 1;
      }
      run = low;
    }
    this.lastRun = run;
    return run;
  }

  private markUnsure(run: number): void {
    if (this.runUnsure[run] !== 0) return;
    this.runUnsure[run] = 1;
    const end = run + 1 < this.runs ? (this.runStarts[run + 1] as number) : this.length;
    for (let i = this.runStarts[run] as number; i < end; i++) this.markRow(i);
  }

  private markRow(i: number): void {
    this.flag(i, UNSURE);
  }

  private flag(i: number, bit: number): void {
    const words = this.wordsOf(i);
    const w = (i & ROW_MASK) * WORDS + LENGTH;
    words[w] = (words[w] as number) | bit;
  }

  /** A fresh arena block with room for `bytes`. */
  private nextArena(bytes: number): void {
    if (this.arenas.length === MAX_ARENAS) throw new ProblemError(`verify: the backup's paths take more than ${(MAX_ARENAS * ARENA_BLOCK) / 2 ** 30} GiB, more than verify can hold`);
    this.arena = Buffer.allocUnsafe(Math.max(ARENA_BLOCK, bytes));
    this.arenas.push(this.arena);
    this.used = 0;
  }

  /** The block holding row i (its fields start at (i & ROW_MASK) × STRIDE). */
  private rowsOf(i: number): Float64Array {
    return this.blocks[i >>> ROW_BITS] as Float64Array;
  }

  /** Row i's 32-bit word w (START or LENGTH). */
  private word(i: number, w: number): number {
    return (this.words[i >>> ROW_BITS] as Uint32Array)[(i & ROW_MASK) * WORDS + w] as number;
  }

  private wordsOf(i: number): Uint32Array {
    return this.words[i >>> ROW_BITS] as Uint32Array;
  }

  /** Row i's whole path's bytes in `joined` (grown to fit); returns their length. */
  private pathIntoJoined(i: number): number {
    const run = this.runOf(i);
    const dirLength = this.runDirLengths[run] as number;
    const nameLength = this.nameLength(i);
    if (dirLength + nameLength > this.joined.length) this.joined = Buffer.allocUnsafe(2 * (dirLength + nameLength));
    const dir = this.runDirStart(run);
    this.runArena(run).copy(this.joined, 0, dir, dir + dirLength);
    const name = this.nameStart(i);
    this.nameArena(i).copy(this.joined, dirLength, name, name + nameLength);
    return dirLength + nameLength;
  }

  /** Puts rows [indexed, length) into the full-path slots, which stay at most half full (short probes); lookups that need it do it first. */
  private index(): void {
    if (this.indexed === this.length) return;
    let size = Math.max(this.slots.length, 1 << 14);
    while (size < 4 * this.length) size *= 2;
    if (size > this.slots.length) this.slots = rehashSlots(this.slots, size);
    const { slots } = this;
    const mask = (slots.length >>> 1) - 1;
    // Only directories that are not one sorted run are looked up here, so building it for
    // every row is the rare case: each path is put together in `joined` and hashed whole.
    for (let i = this.indexed; i < this.length; i++) {
      const length = this.pathIntoJoined(i);
      const joined = this.joined;
      const h = hashBytes(joined, 0, length, SEED);
      // One probe finds an equal path (the first row keeps it) or the free slot for this one.
      let s = h & mask;
      let row = (slots[2 * s] as number) - 1;
      while (row >= 0 && !(slots[2 * s + 1] === h && this.samePath(row, joined, 0, length))) {
        s = (s + 1) & mask;
        row = (slots[2 * s] as number) - 1;
      }
      if (row >= 0) {
        this.flag(i, REPEATED);
        continue;
      }
      slots[2 * s] = i + 1;
      slots[2 * s + 1] = h;
    }
    this.indexed = this.length;
  }

  /**
   * Whether `row` is the row a lookup of buf[start, end) finds, checked without the hash
   * table: its path is those bytes and no earlier row has it. For callers that can guess
   * the row (a file read in listing order).
   */
  isRowOf(row: number, buf: Uint8Array, start: number, end: number): boolean {
    if (row >= this.length || !this.samePath(row, buf, start, end - start)) return false;
    // A row of a sorted directory listed once has no twin; any other needs the full index's word.
    if ((this.word(row, LENGTH) & UNSURE) === 0) return true;
    this.index();
    return (this.word(row, LENGTH) & REPEATED) === 0;
  }

  private samePath(row: number, buf: Uint8Array, start: number, length: number): boolean {
    const run = this.runOf(row);
    const dirLength = this.runDirLengths[run] as number;
    const nameLength = this.nameLength(row);
    return dirLength + nameLength === length && sameBytes(this.nameArena(row), this.nameStart(row), buf, start + dirLength, nameLength) && this.sameDir(run, buf, start);
  }

  private field(i: number, f: number): number {
    return this.rowsOf(i)[(i & ROW_MASK) * STRIDE + f] as number;
  }

  path(i: number): string {
    // Decoded in two parts: the directory ends with `/`, which no UTF-8 sequence spans.
    const run = this.runOf(i);
    const dir = this.runDirStart(run);
    const name = this.nameStart(i);
    return this.runArena(run).toString('utf8', dir, dir + (this.runDirLengths[run] as number)) + this.nameArena(i).toString('utf8', name, name + this.nameLength(i));
  }

  /** The arena block holding row i's name (after its directory's `/`): its UTF-8 bytes are [nameStart(i), nameStart(i) + nameLength(i)) there. */
  nameArena(i: number): Buffer {
    return this.arenas[this.word(i, START) >>> OFFSET_BITS] as Buffer;
  }

  nameStart(i: number): number {
    return this.word(i, START) & OFFSET_MASK;
  }

  nameLength(i: number): number {
    return this.word(i, LENGTH) >>> SHIFT;
  }

  /** The arena block holding run's directory (runOf(row)): its bytes, with the `/`, are [runDirStart(run), + runDirLength(run)) there. */
  runArena(run: number): Buffer {
    return this.arenas[(this.runDirAt[run] as number) >>> OFFSET_BITS] as Buffer;
  }

  runDirStart(run: number): number {
    return (this.runDirAt[run] as number) & OFFSET_MASK;
  }

  runDirLength(run: number): number {
    return this.runDirLengths[run] as number;
  }

  size(i: number): number {
    return this.field(i, SIZE);
  }

  mtimeMs(i: number): number {
    return this.field(i, MTIME);
  }
  /** Two free numbers per row (NaN until set), e.g. a ledger entry's size and time. */
  a(i: number): number {
    if (this.word(i, LENGTH) & OWN_A) return this.otherA.get(i) as number;
    return Number.isNaN(this.field(i, B)) ? NaN : this.field(i, SIZE);
  }

  b(i: number): number {
    return this.field(i, B);
  }

  setAB(i: number, a: number, b: number): void {
    NUMBERS[0] = a;
    NUMBERS[1] = b;
    this.setABFrom(i, NUMBERS);
  }

  /** setAB with a in numbers[0] and b in numbers[1] (as addListed takes them, for the same reason). */
  setABFrom(i: number, numbers: Float64Array): void {
    const a = numbers[0] as number;
    const b = numbers[1] as number;
    const rows = this.rowsOf(i);
    const r = (i & ROW_MASK) * STRIDE;
    const words = this.wordsOf(i);
    const w = (i & ROW_MASK) * WORDS + LENGTH;
    const flags = words[w] as number;
    if (a === rows[r + SIZE] || (Number.isNaN(a) && Number.isNaN(b))) {
      if (flags & OWN_A) {
        words[w] = flags - OWN_A;
        this.otherA.delete(i);
      }
    } else {
      words[w] = flags | OWN_A;
      this.otherA.set(i, a);
    }
    rows[r + B] = b;
  }

  /** Row i's size, mtimeMs, a() and b() into out[0..3] (no number returned from a call: see addListed). */
  numbersOf(i: number, out: Float64Array): void {
    const rows = this.rowsOf(i);
    const r = (i & ROW_MASK) * STRIDE;
    const size = rows[r + SIZE] as number;
    const b = rows[r + B] as number;
    out[0] = size;
    out[1] = rows[r + MTIME] as number;
    out[2] = (this.word(i, LENGTH) & OWN_A) !== 0 ? (this.otherA.get(i) as number) : Number.isNaN(b) ? NaN : size;
    out[3] = b;
  }

  /** The row of `path`, or -1. */
  find(path: string): number {
    if (3 * path.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(3 * path.length);
    return this.findBytes(this.scratch, 0, this.scratch.write(path, 0));
  }

  /** The row whose path is buf[start, end) as UTF-8, or -1. */
  findBytes(buf: Uint8Array, start: number, end: number): number {
    let slash = end - 1;
    while (slash >= start && buf[slash] !== 47) slash--;
    const dirLength = slash + 1 - start;
    const run = this.findRun(buf, start, dirLength, hashBytes(buf, start, start + dirLength, SEED));
    if (run < 0) return -1;
    if (this.runUnsure[run] !== 0) return this.findIndexed(buf, start, end);
    // The run's names strictly increase: a binary search.
    const nameStart = start + dirLength;
    const nameLength = end - nameStart;
    let low = this.runStarts[run] as number;
    let high = run + 1 < this.runs ? (this.runStarts[run + 1] as number) : this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const order = compareBytes(buf, nameStart, nameLength, this.nameArena(mid), this.nameStart(mid), this.nameLength(mid));
      if (order === 0) return mid;
      if (order < 0) high = mid;
      else low = mid + 1;
    }
    return -1;
  }

  /** findBytes through the full-path table (built on first use). */
  private findIndexed(buf: Uint8Array, start: number, end: number): number {
    this.index();
    const h = hashBytes(buf, start, end, SEED);
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const row = (slots[2 * s] as number) - 1;
      if (row < 0) return -1;
      if (slots[2 * s + 1] === h && this.samePath(row, buf, start, end - start)) return row;
    }
  }
}

function grownInt32(column: Int32Array, size: number): Int32Array {
  const bigger = new Int32Array(size);
  bigger.set(column);
  return bigger;
}
