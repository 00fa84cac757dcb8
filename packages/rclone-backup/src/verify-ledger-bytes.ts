import { isUtf8 } from 'node:buffer';
import { after, ascii, FALLBACK, wholeNumber, type SizedPath } from './verify-json-bytes.js';

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

const OPEN = ascii('{"path":"');
const SIZE = ascii('","size":');
const VERIFIED = ascii(',"verified":');

const scratch = { value: 0 };

/** Reads `{"path":"…","size":N,"verified":N}` from buf[start, end) into `out`: 1, or FALLBACK. */
export function parseLedgerBytes(buf: Buffer, start: number, end: number, out: LedgerBytes): number {
  let p = after(buf, start, end, OPEN);
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
  p = after(buf, p, end, SIZE);
  if (p < 0) return FALLBACK;
  p = wholeNumber(buf, p, end, scratch);
  if (p < 0) return FALLBACK;
  const size = scratch.value;
  p = after(buf, p, end, VERIFIED);
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

/** Decimal digits of a safe whole number ≥ 0 at out[at] (in two halves of int32 arithmetic); returns the end. */
function writeDigits(out: Buffer, at: number, n: number): number {
  if (n < 1e9) return writeSmall(out, at, n, 0);
  const high = Math.floor(n / 1e9);
  return writeSmall(out, writeSmall(out, at, high, 0), n - high * 1e9, 9);
}

/** Room writeLedgerBytes may need for a path of `length` bytes. */
export const ledgerBytesRoom = (length: number): number => length + 64;

/**
 * ledgerLine(path, { size, verified }) + `\n` for the path's UTF-8 bytes src[from, to),
 * written at out[at] (ledgerBytesRoom bytes free); returns the end, or FALLBACK (nothing
 * written) when the path needs JSON escapes or a number is not a whole one.
 */
export function writeLedgerBytes(out: Buffer, at: number, src: Uint8Array, from: number, to: number, size: number, verified: number): number {
  if (!Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(verified) || verified < 0) return FALLBACK;
  let p = at;
  for (let i = 0; i < OPEN.length; i++) out[p++] = OPEN[i] as number;
  for (let i = from; i < to; i++) {
    const c = src[i] as number;
    if (c === 34 || c === 92 || c < 0x20) return FALLBACK;
    out[p++] = c;
  }
  for (let i = 0; i < SIZE.length; i++) out[p++] = SIZE[i] as number;
  p = writeDigits(out, p, size);
  for (let i = 0; i < VERIFIED.length; i++) out[p++] = VERIFIED[i] as number;
  p = writeDigits(out, p, verified);
  out[p++] = 125;
  out[p++] = 10;
  return p;
}
