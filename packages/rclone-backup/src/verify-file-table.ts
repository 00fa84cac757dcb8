import { hashBytes, rehashSlots, sameBytes } from '@rclone-b2/core';

// The backup's file list as verify needs it whole (to join the ledger, pick the sample and
// write the new ledger), in columns rather than one object per file: paths as UTF-8 in one
// byte arena, a row's numbers side by side in one Float64Array (one allocation and one copy
// when it grows, and a row's fields in one cache line for the passes over every row), and
// an open-addressing table of [row, hash] pairs to find a path. About 80 bytes per file
// plus its path, against several hundred for objects in a Map.
//
// The table is built on the first lookup, for every row then listed, in one tight pass
// sized for them: built while the listing streams in, each insert was a cache miss between
// two lines' parsing, and the table was rehashed at every doubling.

/** Fields of a row, in order. */
const START = 0;
const LENGTH = 1;
const SIZE = 2;
const MTIME = 3;
const A = 4;
const B = 5;
const FLAG = 6;
/** Set in FLAG by index() for a row whose path an earlier row has (lookups find that one). */
const REPEATED = 2;
const STRIDE = 7;

const SEED = 0;

export class FileTable {
  /** Rows so far. */
  length = 0;
  private arena = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private rows = new Float64Array(STRIDE << 12);
  /** [row + 1, hash] pairs; 0 = free. */
  private slots = new Int32Array(0);
  /** Rows [0, indexed) are in the slots. */
  private indexed = 0;
  private scratch = Buffer.allocUnsafe(4096);

  /** Adds a row; a path already present keeps its first row for lookups. */
  add(path: string, size: number, mtimeMs: number): void {
    this.reserve(3 * path.length);
    const start = this.used;
    this.used += this.arena.write(path, start);
    this.added(start, size, mtimeMs);
  }

  /** add() for a path given as UTF-8 bytes buf[start, end) (a listing read as bytes). */
  addBytes(buf: Buffer, start: number, end: number, size: number, mtimeMs: number): void {
    this.reserve(end - start);
    const at = this.used;
    const arena = this.arena;
    // A short path: a loop beats a native copy call.
    if (end - start < 48) for (let i = start, j = at; i < end; i++, j++) arena[j] = buf[i] as number;
    else buf.copy(arena, at, start, end);
    this.used += end - start;
    this.added(at, size, mtimeMs);
  }

  /** Room for one more row and `bytes` more path bytes. */
  private reserve(bytes: number): void {
    if ((this.length + 1) * STRIDE > this.rows.length) {
      const rows = new Float64Array(this.rows.length * 2);
      rows.set(this.rows);
      this.rows = rows;
    }
    const need = this.used + bytes;
    if (need > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.arena.length, need));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
  }

  /** Files the row whose path was just written to arena[start, used). */
  private added(start: number, size: number, mtimeMs: number): void {
    const i = this.length;
    const at = i * STRIDE;
    const rows = this.rows;
    rows[at + START] = start;
    rows[at + LENGTH] = this.used - start;
    rows[at + SIZE] = size;
    rows[at + MTIME] = mtimeMs;
    rows[at + A] = NaN;
    rows[at + B] = NaN;
    rows[at + FLAG] = 0;
    this.length = i + 1;
  }

  /** Puts rows [indexed, length) into the slots, which stay at most half full (short probes); lookups do it first. */
  index(): void {
    if (this.indexed === this.length) return;
    let size = Math.max(this.slots.length, 1 << 14);
    while (size < 4 * this.length) size *= 2;
    if (size > this.slots.length) this.slots = rehashSlots(this.slots, size);
    const { slots, rows, arena } = this;
    const mask = (slots.length >>> 1) - 1;
    for (let i = this.indexed; i < this.length; i++) {
      const start = rows[i * STRIDE + START] as number;
      const length = rows[i * STRIDE + LENGTH] as number;
      const h = hashBytes(arena, start, start + length, SEED);
      // One probe finds an equal path (the first row keeps it) or the free slot for this one.
      let s = h & mask;
      let row = (slots[2 * s] as number) - 1;
      while (row >= 0 && !(slots[2 * s + 1] === h && this.samePath(row, arena, start, length))) {
        s = (s + 1) & mask;
        row = (slots[2 * s] as number) - 1;
      }
      if (row >= 0) {
        rows[i * STRIDE + FLAG] = (rows[i * STRIDE + FLAG] as number) | REPEATED;
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
   * the row (a file read in listing order); index() first.
   */
  isRowOf(row: number, buf: Uint8Array, start: number, end: number): boolean {
    return row < this.indexed && ((this.rows[row * STRIDE + FLAG] as number) & REPEATED) === 0 && this.samePath(row, buf, start, end - start);
  }

  private samePath(row: number, buf: Uint8Array, start: number, length: number): boolean {
    const at = row * STRIDE;
    return this.rows[at + LENGTH] === length && sameBytes(this.arena, this.rows[at + START] as number, buf, start, length);
  }

  path(i: number): string {
    const at = i * STRIDE;
    const start = this.rows[at + START] as number;
    return this.arena.toString('utf8', start, start + (this.rows[at + LENGTH] as number));
  }

  /** The arena holding every path's UTF-8 bytes: row i's are [pathStart(i), pathEnd(i)). */
  get pathBytes(): Buffer {
    return this.arena;
  }

  pathStart(i: number): number {
    return this.rows[i * STRIDE + START] as number;
  }

  pathEnd(i: number): number {
    return (this.rows[i * STRIDE + START] as number) + (this.rows[i * STRIDE + LENGTH] as number);
  }

  size(i: number): number {
    return this.rows[i * STRIDE + SIZE] as number;
  }

  mtimeMs(i: number): number {
    return this.rows[i * STRIDE + MTIME] as number;
  }

  /** Two free numbers per row (NaN until set), e.g. a ledger entry's size and time. */
  a(i: number): number {
    return this.rows[i * STRIDE + A] as number;
  }

  b(i: number): number {
    return this.rows[i * STRIDE + B] as number;
  }

  setAB(i: number, a: number, b: number): void {
    this.rows[i * STRIDE + A] = a;
    this.rows[i * STRIDE + B] = b;
  }

  flag(i: number): boolean {
    return ((this.rows[i * STRIDE + FLAG] as number) & 1) === 1;
  }

  setFlag(i: number): void {
    this.rows[i * STRIDE + FLAG] = (this.rows[i * STRIDE + FLAG] as number) | 1;
  }

  /** The row of `path`, or -1. */
  find(path: string): number {
    if (3 * path.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(3 * path.length);
    return this.findBytes(this.scratch, 0, this.scratch.write(path, 0));
  }

  /** The row whose path is buf[start, end) as UTF-8, or -1. */
  findBytes(buf: Uint8Array, start: number, end: number): number {
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
