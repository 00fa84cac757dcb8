/**
 * Small byte helpers for the du tables: hashing and comparing byte ranges without making
 * strings, and growing typed-array columns.
 */
import { nameFromBytes } from '../names/name-bytes.js';

/**
 * The line `buf[start, end)` as a string that keeps its exact bytes (nameFromBytes: a byte
 * that is not UTF-8 becomes a lone surrogate, not U+FFFD, so `a\xffb` and `a\xfeb` stay
 * apart). Decoded as plain UTF-8 first: only a line whose text then holds U+FFFD (invalid
 * bytes, or a real U+FFFD) is decoded again byte by byte.
 */
export function lineText(buf: Buffer, start: number, end: number): string {
  const text = buf.toString('utf8', start, end);
  return text.includes('\ufffd') ? nameFromBytes(buf.subarray(start, end)) : text;
}

/** FNV-1a over `src[start, end)` from `seed`, then a finaliser so the low bits (the table slot) mix well. */
export function hashBytes(src: Uint8Array, start: number, end: number, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = start; i < end; i += 1) h = Math.imul(h ^ (src[i] as number), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Whether `a[aAt, aAt + length)` and `b[bAt, bAt + length)` hold the same bytes. */
export function sameBytes(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  for (let i = length - 1; i >= 0; i -= 1) if (a[aAt + i] !== b[bAt + i]) return false;
  return true;
}

/** Byte-order comparison of `a[aAt, aAt + aLength)` and `b[bAt, bAt + bLength)` (Go's string order, which rclone sorts by). */
export function compareBytes(a: Uint8Array, aAt: number, aLength: number, b: Uint8Array, bAt: number, bLength: number): number {
  const n = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < n; i += 1) {
    const x = a[aAt + i] as number;
    const y = b[bAt + i] as number;
    if (x !== y) return x - y;
  }
  return aLength - bLength;
}

/**
 * Open-addressing slots as pairs [value, hash] in one Int32Array (0: free), probed
 * linearly: the hash sits next to the value, so a probe costs one cache line.
 */
export function placeSlot(slots: Int32Array, value: number, h: number): void {
  const mask = (slots.length >>> 1) - 1;
  let slot = h & mask;
  while (slots[slot * 2] !== 0) slot = (slot + 1) & mask;
  slots[slot * 2] = value;
  slots[slot * 2 + 1] = h;
}

/** The same pairs in a table of `size` Int32 entries. */
export function rehashSlots(old: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const slots = new Int32Array(size);
  for (let s = 0; s < old.length; s += 2) if (old[s] !== 0) placeSlot(slots, old[s] as number, old[s + 1] as number);
  return slots;
}

type Column = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** A column with room for `size` entries, its contents kept (the same one if it already has room). */
export function grown<T extends Column>(column: T, size: number, make: (n: number) => T): T {
  if (column.length >= size) return column;
  let n = column.length * 2;
  while (n < size) n *= 2;
  const bigger = make(n);
  bigger.set(column);
  return bigger;
}
