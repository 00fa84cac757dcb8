// The backup's file list as verify needs it whole (to join the ledger, pick the sample and
// write the new ledger), in columns rather than one object per file: paths as UTF-8 in one
// byte arena, numbers in typed arrays, an open-addressing hash of row numbers to find a
// path. About 40 bytes per file plus its path, against several hundred for objects in a Map.

const NONE = 0;

/** FNV-1a over bytes: cheap and spreads paths well. */
function hashBytes(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return h & 0x7fffffff;
}

function grownFloat64(old: Float64Array<ArrayBuffer>, size: number, fill?: number): Float64Array<ArrayBuffer> {
  const grown = new Float64Array(size);
  grown.set(old);
  if (fill !== undefined) grown.fill(fill, old.length);
  return grown;
}

export class FileTable {
  /** Rows so far. */
  length = 0;
  private arena = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  /** Row i's path is arena[starts[i], starts[i + 1]). */
  private starts = new Float64Array(1 << 12);
  private sizes = new Float64Array(1 << 12);
  private mtimes = new Float64Array(1 << 12);
  /** Per-row numbers the join sets (NaN = none). */
  private extraA = new Float64Array(1 << 12).fill(NaN);
  private extraB = new Float64Array(1 << 12).fill(NaN);
  private flags = new Uint8Array(1 << 12);
  /** Each row's path hash, so growing the slots hashes no path again. */
  private hashes = new Int32Array(1 << 12);
  /** row + 1, 0 = empty slot. */
  private slots = new Int32Array(1 << 13);
  private scratch = Buffer.allocUnsafe(4096);

  /** Adds a row; a path already present keeps its first row for lookups. */
  add(path: string, size: number, mtimeMs: number): void {
    const i = this.length;
    if (i + 2 > this.starts.length) this.growRows();
    const need = this.used + 3 * path.length;
    if (need > this.arena.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.arena.length, need));
      this.arena.copy(grown, 0, 0, this.used);
      this.arena = grown;
    }
    const start = this.used;
    this.used += this.arena.write(path, start);
    this.starts[i] = start;
    this.starts[i + 1] = this.used;
    this.sizes[i] = size;
    this.mtimes[i] = mtimeMs;
    this.hashes[i] = hashBytes(this.arena, start, this.used);
    this.length = i + 1;
    if (2 * this.length > this.slots.length) this.rehash();
    else this.insert(i);
  }

  path(i: number): string {
    return this.arena.toString('utf8', this.starts[i], this.starts[i + 1]);
  }

  size(i: number): number {
    return this.sizes[i] as number;
  }

  mtimeMs(i: number): number {
    return this.mtimes[i] as number;
  }

  /** Two free numbers per row (NaN until set), e.g. a ledger entry's size and time. */
  a(i: number): number {
    return this.extraA[i] as number;
  }

  b(i: number): number {
    return this.extraB[i] as number;
  }

  setAB(i: number, a: number, b: number): void {
    this.extraA[i] = a;
    this.extraB[i] = b;
  }

  flag(i: number): boolean {
    return this.flags[i] === 1;
  }

  setFlag(i: number): void {
    this.flags[i] = 1;
  }

  /** The row of `path`, or -1. */
  find(path: string): number {
    if (3 * path.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(3 * path.length);
    return this.findBytes(this.scratch, 0, this.scratch.write(path, 0));
  }

  /** The row whose path is buf[start, end) as UTF-8, or -1. */
  findBytes(buf: Buffer, start: number, end: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let s = hashBytes(buf, start, end) & mask; ; s = (s + 1) & mask) {
      const row = (this.slots[s] as number) - 1;
      if (row < 0) return -1;
      const from = this.starts[row] as number;
      if ((this.starts[row + 1] as number) - from === length && buf.compare(this.arena, from, from + length, start, end) === 0) return row;
    }
  }

  private insert(i: number): void {
    const from = this.starts[i] as number;
    const to = this.starts[i + 1] as number;
    const mask = this.slots.length - 1;
    for (let s = (this.hashes[i] as number) & mask; ; s = (s + 1) & mask) {
      const row = (this.slots[s] as number) - 1;
      if (row < 0) {
        this.slots[s] = i + 1;
        return;
      }
      const start = this.starts[row] as number;
      if ((this.starts[row + 1] as number) - start === to - from && this.arena.compare(this.arena, start, start + to - from, from, to) === 0) return;
    }
  }

  /** Four times the slots; rows already in are distinct, so each only needs a free slot. */
  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 4);
    const mask = this.slots.length - 1;
    for (let i = 0; i < this.length - 1; i++) {
      let s = (this.hashes[i] as number) & mask;
      while (this.slots[s] !== NONE) s = (s + 1) & mask;
      this.slots[s] = i + 1;
    }
    this.insert(this.length - 1);
  }

  private growRows(): void {
    const size = this.starts.length * 2;
    this.starts = grownFloat64(this.starts, size);
    this.sizes = grownFloat64(this.sizes, size);
    this.mtimes = grownFloat64(this.mtimes, size);
    this.extraA = grownFloat64(this.extraA, size, NaN);
    this.extraB = grownFloat64(this.extraB, size, NaN);
    const flags = new Uint8Array(size);
    flags.set(this.flags);
    this.flags = flags;
    const hashes = new Int32Array(size);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }
}
