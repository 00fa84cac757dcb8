import { NameArena } from './arena.js';
import { grown, hashBytes, sameBytes } from './bytes.js';

/**
 * Files as columns: directory id, size, and the name's place in one byte arena (no
 * object, no string per file). A file is found again by (directory, name bytes) through
 * an open-addressing table, so a path listed twice adds to its entry instead of taking
 * memory. A file whose directory is -1 was merged into a directory of the same path.
 */
export class FileTable {
  count = 0;
  /** Files not merged away. */
  live = 0;
  readonly names = new NameArena();
  dir = new Int32Array(1024);
  size = new Float64Array(1024);
  nameAt = new Uint32Array(1024);
  nameLength = new Uint32Array(1024);
  /** Pairs [id + 1, hash]; 0 marks a free slot. */
  private slots = new Int32Array(4096);

  /** Adds `size` to the file named `src[start, end)` in directory `dir`; returns its id. */
  add(dir: number, src: Uint8Array, start: number, end: number, size: number): number {
    const h = hashBytes(src, start, end, dir);
    const found = this.find(dir, src, start, end, h);
    if (found >= 0) {
      this.size[found]! += size;
      return found;
    }
    const id = this.count;
    if (id === this.dir.length) this.growColumns(id + 1);
    this.count += 1;
    this.live += 1;
    this.dir[id] = dir;
    this.size[id] = size;
    this.nameAt[id] = this.names.appendBytes(src, start, end);
    this.nameLength[id] = end - start;
    if (this.count * 3 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(id + 1, h);
    return id;
  }

  /** The live file named `src[start, end)` in `dir`, or -1. */
  lookup(dir: number, src: Uint8Array, start: number, end: number): number {
    return this.find(dir, src, start, end, hashBytes(src, start, end, dir));
  }

  /** Takes file `id` out (its size now belongs to a directory of the same path). */
  remove(id: number): void {
    this.dir[id] = -1;
    this.live -= 1;
  }

  private find(dir: number, src: Uint8Array, start: number, end: number, h: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    const length = end - start;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot * 2] as number;
      if (v === 0) return -1;
      if (slots[slot * 2 + 1] !== h) continue;
      const id = v - 1;
      if (this.dir[id] === dir && this.nameLength[id] === length && sameBytes(this.names.bytes, this.nameAt[id] as number, src, start, length)) return id;
    }
  }

  private place(v: number, h: number): void {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    let slot = h & mask;
    while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
    slots[slot * 2] = v;
    slots[slot * 2 + 1] = h;
  }

  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size);
    for (let s = 0; s < old.length; s += 2) if (old[s] !== 0) this.place(old[s] as number, old[s + 1] as number);
  }

  private growColumns(size: number): void {
    this.dir = grown(this.dir, size, (n) => new Int32Array(n));
    this.size = grown(this.size, size, (n) => new Float64Array(n));
    this.nameAt = grown(this.nameAt, size, (n) => new Uint32Array(n));
    this.nameLength = grown(this.nameLength, size, (n) => new Uint32Array(n));
  }

  /** File `id`'s name as bytes (a view into the arena). */
  nameBytes(id: number): Buffer {
    const at = this.nameAt[id] as number;
    return this.names.bytes.subarray(at, at + (this.nameLength[id] as number));
  }
}
