import { isUtf8 } from 'node:buffer';
import { escapeName } from '../../names/escape-name.js';
import { nameFromBytes } from '../../names/name-bytes.js';
import { formatSize } from '../../text/sizes.js';
import { gatherRows, type RowColumns, type RowWindow } from './row-columns.js';

// The text report's row loop, shared by the main thread (text.ts) and the printing thread
// (text-print-worker.ts): nothing here touches the tree or a stream.

/** Rows whose names are brought into cache ahead of copying them (see fillChunk). */
const TOUCH_AHEAD = 1024;
/** From this length on a native copy beats a loop of byte copies (its call costs ~30 bytes' worth). */
const NATIVE_COPY = 40;
/** Keeps the touching reads from being optimised away. */
let _touchSink = 0;

/** Room a chunk must have for row k of a window (4×: room for escapes). */
export function rowRoom(w: RowWindow, k: number): number {
  return 64 + 4 * ((w.prefixLength[k] as number) + (w.nameLength[k] as number));
}

/**
 * Rows `[from, end)` (at most the window's length) formatted into buffers from `chunk`,
 * each handed to `emit` with the length filled, in order.
 */
export function formatRows(c: RowColumns, w: RowWindow, human: boolean, from: number, end: number, chunk: (size: number) => Buffer, emit: (buf: Buffer, length: number) => void): void {
  gatherRows(c, w, from, end);
  const fill = rowFiller(c, w, human, from, end);
  for (let k = 0; k < fill.rows; ) {
    const buf = chunk(rowRoom(w, k));
    const filled = fillChunk(fill, buf, k);
    k = filled.next;
    emit(buf, filled.at);
  }
}

/** The filler of window rows `[from, end)` (gathered into `w`). */
export function rowFiller(c: RowColumns, w: RowWindow, human: boolean, from: number, end: number): RowFiller {
  return {
    human,
    names: c.names,
    paths: c.paths,
    prefixAt: w.prefixAt,
    prefixLength: w.prefixLength,
    nameAt: w.nameAt,
    nameLength: w.nameLength,
    prefixOdd: w.prefixOdd,
    hi: c.hi.subarray(from, end),
    lo: c.lo.subarray(from, end),
    rows: end - from,
    paths32: LITTLE_ENDIAN && c.paths.byteOffset % 4 === 0 ? new Int32Array(c.paths.buffer, c.paths.byteOffset, c.paths.length >>> 2) : NO_WORDS,
  };
}

/** The sorted rows' columns and the arenas printBytes copies from. */
export interface RowFiller {
  human: boolean;
  names: Buffer;
  paths: Buffer;
  prefixAt: Uint32Array;
  prefixLength: Uint32Array;
  nameAt: Uint32Array;
  nameLength: Uint32Array;
  prefixOdd: Uint8Array;
  hi: Uint32Array;
  lo: Uint32Array;
  rows: number;
  /** `paths` as 32-bit words (empty where it cannot be: see copyWords). */
  paths32: Int32Array;
}

/**
 * Writes rows from `k` on into `buf` until the next one might not fit (a synchronous loop,
 * so it is optimised as one; the caller awaits back-pressure between chunks). A row is
 * two copies: its directory's prefix from the path arena, then its name from the name
 * arena (a directory's row is its stored path alone). A prefix known to need no escape is
 * copied natively without looking at its bytes; names are short and looked at.
 */
export function fillChunk(f: RowFiller, buf: Buffer, k: number): { next: number; at: number } {
  const { human, names, paths, prefixAt, prefixLength, nameAt, nameLength, prefixOdd, hi, lo, rows } = f;
  const limit = buf.length;
  // Long prefixes are copied 4 bytes at a time (see copyWords): the arena and the chunk as 32-bit words.
  const paths32 = f.paths32;
  const words = paths32.length > 0 && buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >>> 2) : undefined;
  let at = 0;
  let touchedTo = k;
  for (; k < rows; k += 1) {
    if (k === touchedTo) {
      // Rows are in size order, so their bytes are scattered over the arenas: read a byte at
      // each end of the next rows' names and prefixes (and a prefix's middle) first. That tight loop lets the CPU
      // fetch many cache lines at once; the copy below then finds them in cache (~2x faster).
      touchedTo = Math.min(rows, k + TOUCH_AHEAD);
      let x = 0;
      for (let j = k; j < touchedTo; j += 1) {
        // Both ends of each part (a directory row has no name; a root file no prefix).
        const n = nameAt[j] as number;
        const nLength = nameLength[j] as number;
        const p = prefixAt[j] as number;
        const pLength = prefixLength[j] as number;
        if (nLength > 0) x ^= (names[n] as number) ^ (names[n + nLength - 1] as number);
        // A prefix is ~100-150 bytes: its middle too, or the line between its ends is missed.
        if (pLength > 0) x ^= (paths[p] as number) ^ (paths[p + (pLength >>> 1)] as number) ^ (paths[p + pLength - 1] as number);
      }
      _touchSink ^= x;
    }
    const pAt = prefixAt[k] as number;
    const pLength = prefixLength[k] as number;
    const nAt = nameAt[k] as number;
    const nLength = nameLength[k] as number;
    if (at + 40 + pLength + nLength > limit) break;
    const rowStart = at;
    // Sizes were sorted as complemented 32-bit halves; undo that.
    const high = ~(hi[k] as number) >>> 0;
    const low = ~(lo[k] as number) >>> 0;
    if (human) at = writeAscii(buf, at, formatSize(high * 4294967296 + low));
    else if (high === 0) at = writeDigits32(buf, at, low);
    else at = writeDigits(buf, at, high * 4294967296 + low);
    buf[at++] = 9;
    const pathStart = at;
    let odd = 0;
    if (prefixOdd[k] === 1) for (let i = 0; i < pLength; i += 1) odd |= ODD[(buf[at++] = paths[pAt + i] as number)] as number;
    else if (pLength >= NATIVE_COPY) at = words !== undefined && pAt + pLength + 4 <= paths32.length * 4 ? copyWords(paths, paths32, pAt, pLength, buf, words, at) : at + paths.copy(buf, at, pAt, pAt + pLength);
    else for (let i = 0; i < pLength; i += 1) buf[at++] = paths[pAt + i] as number;
    for (let i = 0; i < nLength; i += 1) odd |= ODD[(buf[at++] = names[nAt + i] as number)] as number;
    if (odd !== 0) {
      const escaped = escapedPath(buf.subarray(pathStart, at), odd);
      if (escaped !== undefined) {
        if (pathStart + escaped.length + 1 > limit) {
          at = rowStart;
          break;
        }
        at = pathStart + escaped.copy(buf, pathStart);
      }
    }
    buf[at++] = 10;
  }
  return { next: k, at };
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const NO_WORDS = new Int32Array(0);

/**
 * Copies `bytes[from, from + n)` (`src`: the same memory as 32-bit words) to `dst` at `at` (`dst32`: the
 * same memory as words); returns the end. Buffer.copy costs a view object and a native call
 * per row (~100 ns, the largest part of copying a 100-byte prefix); this copies the bytes up
 * to a word boundary of the destination, then whole words, each made of two source words
 * shifted (little-endian), then the last bytes. The caller makes sure the source word after
 * the range exists.
 */
function copyWords(bytes: Buffer, src: Int32Array, from: number, n: number, dst: Buffer, dst32: Int32Array, at: number): number {
  let j = 0;
  for (; ((at + j) & 3) !== 0 && j < n; j += 1) dst[at + j] = bytes[from + j] as number;
  const start = from + j;
  const shift = (start & 3) * 8;
  const w = start >>> 2;
  const d = (at + j) >>> 2;
  const count = (n - j) >>> 2;
  if (shift === 0) {
    for (let k = 0; k < count; k += 1) dst32[d + k] = src[w + k] as number;
  } else {
    let current = src[w] as number;
    for (let k = 0; k < count; k += 1) {
      const next = src[w + k + 1] as number;
      dst32[d + k] = (current >>> shift) | (next << (32 - shift));
      current = next;
    }
  }
  for (j += count * 4; j < n; j += 1) dst[at + j] = bytes[from + j] as number;
  return at + n;
}

/**
 * Bytes that may need an `ls -b` escape (so no name can break a line): 1 for control
 * characters, DEL and backslash, 2 for bytes ≥ 0x80 (only invalid UTF-8 and C1 controls need one).
 */
const ODD = new Uint8Array(256);
for (let c = 0; c < 256; c += 1) ODD[c] = c < 0x20 || c === 0x5c || c === 0x7f ? 1 : c >= 0x80 ? 2 : 0;

/** The escaped form of a path's bytes, or undefined when it needs none. */
function escapedPath(bytes: Buffer, odd: number): Buffer | undefined {
  if (odd === 2 && isUtf8(bytes) && !/\u00c2[\u0080-\u009f]/.test(bytes.toString('latin1'))) return undefined;
  return Buffer.from(escapeName(nameFromBytes(bytes)), 'utf8');
}

function writeAscii(buf: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i += 1) buf[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** "00" "01" ... "99" as ASCII byte pairs. */
const PAIRS = new Uint8Array(200);
for (let n = 0; n < 100; n += 1) {
  PAIRS[n * 2] = 48 + Math.floor(n / 10);
  PAIRS[n * 2 + 1] = 48 + (n % 10);
}

/** A value below 2^32 in decimal, two digits per division. */
function writeDigits32(buf: Buffer, at: number, value: number): number {
  let digits = 1;
  for (let v = value; v >= 10; v = (v / 10) >>> 0) digits += 1;
  let i = at + digits;
  let v = value;
  while (v >= 100) {
    const q = (v / 100) >>> 0;
    const r = (v - q * 100) * 2;
    buf[--i] = PAIRS[r + 1] as number;
    buf[--i] = PAIRS[r] as number;
    v = q;
  }
  if (v >= 10) {
    buf[--i] = PAIRS[v * 2 + 1] as number;
    buf[--i] = PAIRS[v * 2] as number;
  } else {
    buf[--i] = 48 + v;
  }
  return at + digits;
}

function writeDigits(buf: Buffer, at: number, value: number): number {
  if (value < 10) {
    buf[at] = 48 + value;
    return at + 1;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits += 1;
  let v = value;
  for (let i = at + digits - 1; i >= at; i -= 1) {
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}
