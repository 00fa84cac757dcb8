import { sharedBytes } from './shared-arrays.js';

/**
 * File names as UTF-8 bytes in one growing Buffer: a name costs its bytes plus two
 * numbers, not a heap string object each (millions of strings dominate memory and GC).
 */
export class NameArena {
  bytes: Buffer = sharedBytes(1 << 16);
  length = 0;

  /** Makes room for `extra` more bytes. */
  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    // ×1.5, not ×2: less unused room at the end (millions of names are tens of MB).
    let size = Math.ceil(this.bytes.length * 1.5);
    while (size < this.length + extra) size = Math.ceil(size * 1.5);
    const grown = sharedBytes(size);
    this.bytes.copy(grown, 0, 0, this.length);
    this.bytes = grown;
  }

  /** Appends `source[start, end)`; returns its offset. */
  appendBytes(source: Uint8Array, start: number, end: number): number {
    const n = end - start;
    this.reserve(n);
    const at = this.length;
    const bytes = this.bytes;
    if (n < 48) for (let i = 0; i < n; i += 1) bytes[at + i] = source[start + i] as number;
    else bytes.set(source.subarray(start, end), at);
    this.length += n;
    return at;
  }

  /** Appends one byte. */
  appendByte(byte: number): void {
    this.reserve(1);
    this.bytes[this.length] = byte;
    this.length += 1;
  }

  /** Appends a string as UTF-8; returns [offset, byte length]. */
  appendString(text: string): [number, number] {
    this.reserve(text.length * 3);
    const at = this.length;
    const n = this.bytes.write(text, at, 'utf8');
    this.length += n;
    return [at, n];
  }

  text(start: number, length: number): string {
    return this.bytes.toString('utf8', start, start + length);
  }

  /** Byte-order comparison of an arena name with `other[start, end)` (negative: arena name first). */
  compareWith(start: number, length: number, other: Uint8Array, otherStart: number, otherEnd: number): number {
    const bytes = this.bytes;
    const otherLength = otherEnd - otherStart;
    const n = length < otherLength ? length : otherLength;
    for (let i = 0; i < n; i += 1) {
      const d = (bytes[start + i] as number) - (other[otherStart + i] as number);
      if (d !== 0) return d;
    }
    return length - otherLength;
  }

  /** Byte-order comparison of two arena names. */
  compare(aStart: number, aLength: number, bStart: number, bLength: number): number {
    return this.compareWith(aStart, aLength, this.bytes, bStart, bStart + bLength);
  }
}
