import { isUtf8 } from 'node:buffer';
import { ascii, FALLBACK, wholeNumber, type SizedPath } from './verify-json-bytes.js';

// The byte-level twins of core's parseLedgerLine and ledgerLine for verify's ledger, which
// has a line per file of the backup: read and written with no string or object per line.
// They handle exactly the line ledgerLine writes for a plain path (no `"`, `\` or control
// character) and whole sizes and times; anything else answers FALLBACK and the caller
// uses the string functions, so the bytes on disk are the same either way.

export { FALLBACK };

/** What parseLedgerBytes found. */
export interface LedgerBytes extends SizedPath {
  verified: number;
}

// The literals compared byte by byte in straight code: one loop over any literal's bytes
// was a quarter of reading a line.
/** Where `{"path":"` ends if buf holds it at p (before `end`), else -1. */
function afterOpen(buf: Buffer, p: number, end: number): number {
  return p + 9 <= end && buf[p] === 123 && buf[p + 1] === 34 && buf[p + 2] === 112 && buf[p + 3] === 97 && buf[p + 4] === 116 && buf[p + 5] === 104 && buf[p + 6] === 34 && buf[p + 7] === 58 && buf[p + 8] === 34 ? p + 9 : -1;
}
/** Where `","size":` ends if buf holds it at p (before `end`), else -1. */
function afterSize(buf: Buffer, p: number, end: number): number {
  return p + 9 <= end && buf[p] === 34 && buf[p + 1] === 44 && buf[p + 2] === 34 && buf[p + 3] === 115 && buf[p + 4] === 105 && buf[p + 5] === 122 && buf[p + 6] === 101 && buf[p + 7] === 34 && buf[p + 8] === 58 ? p + 9 : -1;
}
/** Where `,"verified":` ends if buf holds it at p (before `end`), else -1. */
function afterVerified(buf: Buffer, p: number, end: number): number {
  return p + 12 <= end && buf[p] === 44 && buf[p + 1] === 34 && buf[p + 2] === 118 && buf[p + 3] === 101 && buf[p + 4] === 114 && buf[p + 5] === 105 && buf[p + 6] === 102 && buf[p + 7] === 105 && buf[p + 8] === 101 && buf[p + 9] === 100 && buf[p + 10] === 34 && buf[p + 11] === 58 ? p + 12 : -1;
}

const scratch = { value: 0 };

/** Reads `{"path":"…","size":N,"verified":N}` from buf[start, end) into `out`: 1, or FALLBACK. */
export function parseLedgerBytes(buf: Buffer, start: number, end: number, out: LedgerBytes): number {
  let p = afterOpen(buf, start, end);
  if (p < 0) return FALLBACK;
  const pathStart = p;
  let high = false;
  for (; p < end; p++) {
    const c = buf[p] as number;
    if (c === 34) break;
    if (c === 92 || c < 0x20) return FALLBACK;
    if (c >= 0x80) high = true;
  }
  const pathEnd = p;
  p = afterSize(buf, p, end);
  if (p < 0) return FALLBACK;
  p = wholeNumber(buf, p, end, scratch);
  if (p < 0) return FALLBACK;
  const size = scratch.value;
  p = afterVerified(buf, p, end);
  if (p < 0) return FALLBACK;
  p = wholeNumber(buf, p, end, scratch);
  if (p < 0 || p + 1 !== end || buf[p] !== 125) return FALLBACK;
  // The string path decodes bytes that are not UTF-8 as U+FFFD.
  if (high && !isUtf8(buf.subarray(pathStart, pathEnd))) return FALLBACK;
  out.pathStart = pathStart;
  out.pathEnd = pathEnd;
  out.size = size;
  out.verified = scratch.value;
  return 1;
}

/** "00" to "99" as ASCII bytes: two digits per division. */
const PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** Decimal digits of a whole number 0 ≤ n < 2^31 at out[at], at least `width` of them (zero-padded); returns the end. */
function writeSmall(out: Buffer, at: number, n: number, width: number): number {
  // Counted by comparisons and written two digits a division: a division per digit, twice, was most of a ledger line's cost.
  let digits = n < 1e5 ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1e3 ? 3 : n < 1e4 ? 4 : 5) : n < 1e7 ? (n < 1e6 ? 6 : 7) : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  if (digits < width) digits = width;
  let i = at + digits;
  while (n >= 100) {
    const q = (n / 100) | 0;
    const pair = 2 * (n - q * 100);
    out[--i] = PAIRS[pair + 1] as number;
    out[--i] = PAIRS[pair] as number;
    n = q;
  }
  if (n >= 10) {
    out[--i] = PAIRS[2 * n + 1] as number;
    out[--i] = PAIRS[2 * n] as number;
  } else {
    out[--i] = 48 + n;
  }
  while (i > at) out[--i] = 48;
  return at + digits;
}

/** The last `2 × pairs` digits of a whole number 0 ≤ n < 2^31 (zero-padded), ending at out[end]. */
function writePairs(out: Buffer, end: number, n: number, pairs: number): void {
  for (let k = 0; k < pairs; k++) {
    const q = (n / 100) | 0;
    const pair = 2 * (n - q * 100);
    out[--end] = PAIRS[pair + 1] as number;
    out[--end] = PAIRS[pair] as number;
    n = q;
  }
}

/** Decimal digits of a safe whole number ≥ 0 at out[at] (in two halves of int32 arithmetic); returns the end. */
function writeDigits(out: Buffer, at: number, n: number): number {
  if (n < 1e9) return writeSmall(out, at, n, 0);
  if (n >= 1e12 && n < 1e13) {
    // A time in ms (2001-2286), as nearly every `verified` is: 13 digits, no counting.
    const high = Math.floor(n / 1e8);
    writePairs(out, at + 13, n - high * 1e8, 4);
    writePairs(out, at + 5, high, 2);
    out[at] = 48 + Math.floor(high / 1e4);
    return at + 13;
  }
  const high = Math.floor(n / 1e9);
  return writeSmall(out, writeSmall(out, at, high, 0), n - high * 1e9, 9);
}

/** Room writeLedgerPathBytes may need for a path of `length` bytes (both pieces). */
export const ledgerBytesRoom = (length: number): number => length + 64;

/** Copies src[from, to) to out[p...]; returns the end, or FALLBACK for a byte JSON escapes. */
function plainBytes(out: Buffer, p: number, src: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = src[i] as number;
    if (c === 34 || c === 92 || c < 0x20) return FALLBACK;
    out[p++] = c;
  }
  return p;
}

/**
 * ledgerLine(path, { size, verified }) + `\n` for a path given as UTF-8 bytes in two pieces,
 * its directory dir[dirFrom, dirTo) and its name name[nameFrom, nameTo) (as verify's file
 * table keeps them; an empty directory piece for a whole path), with the size in numbers[0]
 * and the verified time in numbers[1] (a typed array: no heap number per line), written at
 * out[at] (ledgerBytesRoom bytes free); returns the end, or FALLBACK (nothing written) when
 * the path needs JSON escapes or a number is not a whole one.
 */
export function writeLedgerPathBytes(out: Buffer, at: number, dir: Uint8Array, dirFrom: number, dirTo: number, name: Uint8Array, nameFrom: number, nameTo: number, numbers: Float64Array): number {
  const size = numbers[0] as number;
  const verified = numbers[1] as number;
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(verified) || verified < 0) return FALLBACK;
  // The literals as straight stores: loops over them were a third of a line's cost.
  out[at] = 123; // {"path":"
  out[at + 1] = 34;
  out[at + 2] = 112;
  out[at + 3] = 97;
  out[at + 4] = 116;
  out[at + 5] = 104;
  out[at + 6] = 34;
  out[at + 7] = 58;
  out[at + 8] = 34;
  let p = plainBytes(out, at + 9, dir, dirFrom, dirTo);
  if (p === FALLBACK) return FALLBACK;
  p = plainBytes(out, p, name, nameFrom, nameTo);
  if (p === FALLBACK) return FALLBACK;
  out[p] = 34; // ","size":
  out[p + 1] = 44;
  out[p + 2] = 34;
  out[p + 3] = 115;
  out[p + 4] = 105;
  out[p + 5] = 122;
  out[p + 6] = 101;
  out[p + 7] = 34;
  out[p + 8] = 58;
  p = writeDigits(out, p + 9, size);
  out[p] = 44; // ,"verified":
  out[p + 1] = 34;
  out[p + 2] = 118;
  out[p + 3] = 101;
  out[p + 4] = 114;
  out[p + 5] = 105;
  out[p + 6] = 102;
  out[p + 7] = 105;
  out[p + 8] = 101;
  out[p + 9] = 100;
  out[p + 10] = 34;
  out[p + 11] = 58;
  p += 12;
  p = writeDigits(out, p, verified);
  out[p++] = 125;
  out[p++] = 10;
  return p;
}
