import { NameArena } from './arena.js';
import { grown, hashBytes, placeSlot, rehashSlots, sameBytes } from './bytes.js';
import { sharedInt32, sharedUint32, sharedUint8 } from './shared-arrays.js';

/**
 * Directories interned by their full path's bytes in one open-addressing table.
 *
 * Directory 0 is the listing root (''); every other one is created after its parent, so
 * a parent's id is always below its children's: one reverse pass over the ids adds every
 * total into its parent. Each path is kept once, in `paths`, followed by `/`: that byte
 * range is both the directory's own path and the prefix printed before its files' names.
 * The last directory looked up is compared first (listings name one directory's files
 * together), so most lines cost one byte comparison and no hashing.
 */
export class DirTable {
  count = 1;
  readonly paths = new NameArena();
  parent = sharedInt32(1024).fill(-1, 0, 1);
  /** Where the path starts in `paths.bytes`, its byte length, and with its `/` (0 for the root, 1 for `/`). */
  pathAt = sharedUint32(1024);
  pathLength = sharedUint32(1024);
  prefixLength = sharedUint32(1024);
  /** Where the last component (the directory's name; `/` for `/`) starts in `paths.bytes`. */
  nameAt = sharedUint32(1024);
  /** Components in the path: 1 for a top-level directory (and `/`), 0 for the root. */
  depth = sharedUint32(1024);
  /**
   * 1 when the path holds a byte that may need an `ls -b` escape when printed (a control
   * character, DEL, a backslash, or any byte ≥ 0x80): the printer copies the others
   * without looking at each byte. Inherited from the parent, so only the name is scanned.
   */
  odd = sharedUint8(1024);
  /** Pairs [id + 1, hash]; 0 marks a free slot. */
  private slots = new Int32Array(4096);
  /** The directory interned last. */
  last = 0;

  /** The directory `src[start, end)` names (canonical: no `//`, no trailing `/` except `/` itself), created if new. */
  intern(src: Uint8Array, start: number, end: number): number {
    const length = end - start;
    if (length === 0) return 0;
    if (this.isLast(src, start, end)) return this.last;
    // A listing goes depth first: a new directory's parent is most often the last one's parent (a sibling's).
    const up = this.parent[this.last] as number;
    if (up > 0 && this.pathLength[up] === length && sameBytes(this.paths.bytes, this.pathAt[up] as number, src, start, length)) return (this.last = up);
    const h = hashBytes(src, start, end, 0);
    const found = this.find(src, start, length, h);
    if (found >= 0) return (this.last = found);
    let slash = end - 1;
    while (slash > start && src[slash] !== 47) slash -= 1;
    let parent = 0;
    let nameStart = start;
    if (src[slash] === 47 && length > 1) {
      // `/x`: the parent is `/`; `a/b`: the parent is `a`.
      parent = this.intern(src, start, slash === start ? start + 1 : slash);
      nameStart = slash + 1;
    }
    return (this.last = this.create(src, start, end, h, parent, nameStart));
  }

  /** Whether `src[start, end)` is the path of the directory interned last. */
  isLast(src: Uint8Array, start: number, end: number): boolean {
    const last = this.last;
    const length = end - start;
    return this.pathLength[last] === length && sameBytes(this.paths.bytes, this.pathAt[last] as number, src, start, length);
  }

  /** The id of an existing canonical directory path, or -1. */
  lookup(src: Uint8Array, start: number, end: number): number {
    if (end === start) return 0;
    return this.find(src, start, end - start, hashBytes(src, start, end, 0));
  }

  private find(src: Uint8Array, start: number, length: number, h: number): number {
    const slots = this.slots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = slots[slot * 2] as number;
      if (v === 0) return -1;
      const id = v - 1;
      if (slots[slot * 2 + 1] === h && this.pathLength[id] === length && sameBytes(this.paths.bytes, this.pathAt[id] as number, src, start, length)) return id;
    }
  }

  private create(src: Uint8Array, start: number, end: number, h: number, parent: number, nameStart: number): number {
    const id = this.count;
    if (id === this.parent.length) this.growColumns(id + 1);
    this.count += 1;
    const at = this.paths.appendBytes(src, start, end);
    const length = end - start;
    const slashRoot = length === 1 && src[start] === 47;
    if (!slashRoot) this.paths.appendByte(47);
    this.parent[id] = parent;
    this.pathAt[id] = at;
    this.pathLength[id] = length;
    this.prefixLength[id] = slashRoot ? 1 : length + 1;
    this.nameAt[id] = at + (nameStart - start);
    this.depth[id] = (this.depth[parent] as number) + 1;
    let odd = this.odd[parent] as number;
    for (let i = nameStart; i < end && odd === 0; i += 1) {
      const c = src[i] as number;
      if (c < 0x20 || c === 0x5c || c >= 0x7f) odd = 1;
    }
    this.odd[id] = odd;
    if (this.count * 4 > this.slots.length) this.slots = rehashSlots(this.slots, this.slots.length * 2);
    placeSlot(this.slots, id + 1, h);
    return id;
  }

  /** Makes room for about `dirs` directories (avoids regrowing: each regrowth copies every column). */
  reserve(dirs: number): void {
    if (dirs > this.parent.length) this.growColumns(dirs);
  }

  /** The columns, one entry per directory (in shared memory: page-toucher.ts maps them ahead). */
  columns(): Array<Int32Array | Uint32Array | Uint8Array> {
    return [this.parent, this.pathAt, this.pathLength, this.prefixLength, this.nameAt, this.depth, this.odd];
  }

  private growColumns(size: number): void {
    // All made before any is replaced: if memory runs out, the columns stay as they were (of one length).
    const columns = [grown(this.parent, size, sharedInt32), grown(this.pathAt, size, sharedUint32), grown(this.pathLength, size, sharedUint32), grown(this.prefixLength, size, sharedUint32), grown(this.nameAt, size, sharedUint32), grown(this.depth, size, sharedUint32), grown(this.odd, size, sharedUint8)] as const;
    [this.parent, this.pathAt, this.pathLength, this.prefixLength, this.nameAt, this.depth, this.odd] = columns;
  }

  /** Directory `id`'s path as bytes (a view into the arena: copy it to keep it). */
  pathBytes(id: number): Buffer {
    const at = this.pathAt[id] as number;
    return this.paths.bytes.subarray(at, at + (this.pathLength[id] as number));
  }

  /** Directory `id`'s name (last component) as bytes, a view into the arena. */
  nameBytes(id: number): Buffer {
    return this.paths.bytes.subarray(this.nameAt[id] as number, (this.pathAt[id] as number) + (this.pathLength[id] as number));
  }
}
