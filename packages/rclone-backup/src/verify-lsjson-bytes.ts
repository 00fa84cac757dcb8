import { isUtf8 } from 'node:buffer';
import { FALLBACK, wholeNumber, type SizedPath } from './verify-json-bytes.js';

// The byte-level twin of parseLsjsonLine (listing.ts) for verify's listing of the whole
// backup: the record rclone writes for a local file with --no-mimetype, read from the bytes
// with no string or object made per line. It accepts only what parseLsjsonLine's fast path
// (PLAIN_RECORD) accepts and reads it the same way; anything it is unsure of (an escape, a
// negative size, bytes that are not UTF-8, a time Date.parse might read differently)
// answers FALLBACK, and the caller hands that line to parseLsjsonLine.

export const NOT_FILE = 0;
export const FILE = 1;
export { FALLBACK };

/** What parseLsjsonBytes found in a FILE line. */
export interface LsjsonRecord extends SizedPath {
  mtimeMs: number;
}

// The literals compared byte by byte in straight code: one loop over any literal's bytes
// cost more than reading the rest of the line.
/** Where `{"Path":"` ends if buf holds it at p (before `end`), else -1. */
function afterOpen(buf: Buffer, p: number, end: number): number {
  return p + 9 <= end && buf[p] === 123 && buf[p + 1] === 34 && buf[p + 2] === 80 && buf[p + 3] === 97 && buf[p + 4] === 116 && buf[p + 5] === 104 && buf[p + 6] === 34 && buf[p + 7] === 58 && buf[p + 8] === 34 ? p + 9 : -1;
}
/** Where `","Name":"` ends if buf holds it at p (before `end`), else -1. */
function afterName(buf: Buffer, p: number, end: number): number {
  return p + 10 <= end && buf[p] === 34 && buf[p + 1] === 44 && buf[p + 2] === 34 && buf[p + 3] === 78 && buf[p + 4] === 97 && buf[p + 5] === 109 && buf[p + 6] === 101 && buf[p + 7] === 34 && buf[p + 8] === 58 && buf[p + 9] === 34 ? p + 10 : -1;
}
/** Where `","Size":` ends if buf holds it at p (before `end`), else -1. */
function afterSize(buf: Buffer, p: number, end: number): number {
  return p + 9 <= end && buf[p] === 34 && buf[p + 1] === 44 && buf[p + 2] === 34 && buf[p + 3] === 83 && buf[p + 4] === 105 && buf[p + 5] === 122 && buf[p + 6] === 101 && buf[p + 7] === 34 && buf[p + 8] === 58 ? p + 9 : -1;
}
/** Where `,"ModTime":"` ends if buf holds it at p (before `end`), else -1. */
function afterModTime(buf: Buffer, p: number, end: number): number {
  return p + 12 <= end && buf[p] === 44 && buf[p + 1] === 34 && buf[p + 2] === 77 && buf[p + 3] === 111 && buf[p + 4] === 100 && buf[p + 5] === 84 && buf[p + 6] === 105 && buf[p + 7] === 109 && buf[p + 8] === 101 && buf[p + 9] === 34 && buf[p + 10] === 58 && buf[p + 11] === 34 ? p + 12 : -1;
}
/** Where `","IsDir":` ends if buf holds it at p (before `end`), else -1. */
function afterIsDir(buf: Buffer, p: number, end: number): number {
  return p + 10 <= end && buf[p] === 34 && buf[p + 1] === 44 && buf[p + 2] === 34 && buf[p + 3] === 73 && buf[p + 4] === 115 && buf[p + 5] === 68 && buf[p + 6] === 105 && buf[p + 7] === 114 && buf[p + 8] === 34 && buf[p + 9] === 58 ? p + 10 : -1;
}
/** Where `true}` ends if buf holds it at p (before `end`), else -1. */
function afterTrue(buf: Buffer, p: number, end: number): number {
  return p + 5 <= end && buf[p] === 116 && buf[p + 1] === 114 && buf[p + 2] === 117 && buf[p + 3] === 101 && buf[p + 4] === 125 ? p + 5 : -1;
}
/** Where `false}` ends if buf holds it at p (before `end`), else -1. */
function afterFalse(buf: Buffer, p: number, end: number): number {
  return p + 6 <= end && buf[p] === 102 && buf[p + 1] === 97 && buf[p + 2] === 108 && buf[p + 3] === 115 && buf[p + 4] === 101 && buf[p + 5] === 125 ? p + 6 : -1;
}

/** The closing quote of a string whose contents start at p; -1 for an escape, a control byte or no end. */
function plainStringEnd(buf: Buffer, p: number, end: number): number {
  for (; p < end; p++) {
    const c = buf[p] as number;
    if (c === 34) return p;
    if (c === 92 || c < 0x20) return -1;
  }
  return -1;
}

const scratch = { value: 0 };
/** Where rfc3339Into puts a time. */
const TIME = new Float64Array(1);

/** Reads the line buf[start, end) into `out`: FILE, NOT_FILE (a directory, `[`, `]`) or FALLBACK. */
export function parseLsjsonBytes(buf: Buffer, start: number, end: number, out: LsjsonRecord): number {
  if (start === end || buf[start] !== 123) return NOT_FILE; // not `{`: parseLsjsonLine says undefined
  let p = afterOpen(buf, start, end);
  if (p < 0) return FALLBACK;
  const pathStart = p;
  // plainStringEnd, noting on the way whether any byte is not ASCII (rather than a second pass).
  let high = 0;
  for (; p < end; p++) {
    const c = buf[p] as number;
    if (c === 34) break;
    if (c === 92 || c < 0x20) return FALLBACK;
    high |= c;
  }
  if (p === end) return FALLBACK;
  const pathEnd = p;
  p = afterName(buf, p, end);
  if (p < 0) return FALLBACK;
  p = plainStringEnd(buf, p, end);
  if (p < 0) return FALLBACK;
  p = afterSize(buf, p, end);
  if (p < 0) return FALLBACK;
  p = wholeNumber(buf, p, end, scratch);
  if (p < 0) return FALLBACK;
  const size = scratch.value;
  p = afterModTime(buf, p, end);
  if (p < 0) return FALLBACK;
  const timeStart = p;
  while (p < end && buf[p] !== 34) p++;
  if (!rfc3339Into(buf, timeStart, p, TIME)) return FALLBACK;
  p = afterIsDir(buf, p, end);
  if (p < 0) return FALLBACK;
  const file = afterFalse(buf, p, end);
  const dir = file < 0 ? afterTrue(buf, p, end) : -1;
  p = file >= 0 ? file : dir;
  if (p < 0) return FALLBACK;
  if (p < end && buf[p] === 44) p++;
  if (p !== end) return FALLBACK;
  if (dir >= 0) return NOT_FILE;
  // The string path decodes bytes that are not UTF-8 as U+FFFD: leave such a path to it.
  if (high >= 0x80 && !isUtf8(buf.subarray(pathStart, pathEnd))) return FALLBACK;
  out.pathStart = pathStart;
  out.pathEnd = pathEnd;
  out.size = size;
  out.mtimeMs = TIME[0] as number;
  return FILE;
}

/** The two-digit number at p, or -1. */
function two(buf: Buffer, p: number): number {
  const a = (buf[p] as number) - 48;
  const b = (buf[p + 1] as number) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as rclone writes times (RFC 3339, up to
 * nanoseconds), in ms since the epoch exactly as Date.parse gives it (the fraction cut,
 * not rounded, to ms); NaN for any other form or a value outside the plain ranges
 * (year 1000-9999, hour 0-23...), which the caller leaves to Date.parse.
 */
export function parseRfc3339Bytes(buf: Buffer, start: number, end: number): number {
  return rfc3339Into(buf, start, end, TIME) ? (TIME[0] as number) : NaN;
}

/**
 * parseRfc3339Bytes with the time put in into[0] and whether it read one returned: the
 * function is too big to be inlined, and a time returned from a call is a fresh heap
 * number (16 bytes of garbage per line of a listing).
 */
function rfc3339Into(buf: Buffer, start: number, end: number, into: Float64Array): boolean {
  if (end - start < 20 || buf[start + 4] !== 45 || buf[start + 7] !== 45 || buf[start + 10] !== 84 || buf[start + 13] !== 58 || buf[start + 16] !== 58) return false;
  const century = two(buf, start);
  const yy = two(buf, start + 2);
  // Each half checked: -1 (not two digits) in the low half would still make a year ≥ 1000.
  const year = yy < 0 ? -1 : century * 100 + yy;
  const month = two(buf, start + 5);
  const day = two(buf, start + 8);
  const hour = two(buf, start + 11);
  const minute = two(buf, start + 14);
  const second = two(buf, start + 17);
  if (century < 10 || year < 1000 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let p = start + 19;
  let ms = 0;
  if (buf[p] === 46) {
    p++;
    const digits = p;
    // The first three digits are the ms; Date.parse drops the rest.
    for (let c = buf[p] as number; p < end && c >= 48 && c <= 57; c = buf[++p] as number) if (p - digits < 3) ms = ms * 10 + c - 48;
    const count = p - digits;
    if (count === 0 || count > 9) return false;
    if (count < 3) ms *= count === 1 ? 100 : 10;
  }
  let offset = 0;
  if (buf[p] === 90 && p + 1 === end) {
    offset = 0;
  } else if ((buf[p] === 43 || buf[p] === 45) && p + 6 === end && buf[p + 3] === 58) {
    const h = two(buf, p + 1);
    const m = two(buf, p + 4);
    if (h < 0 || h > 23 || m < 0 || m > 59) return false;
    offset = (buf[p] === 43 ? 1 : -1) * (h * 60 + m) * 60_000;
  } else {
    return false;
  }
  into[0] = daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms - offset;
  return true;
}

/**
 * Days from 1970-01-01 to year-month-day (proleptic Gregorian; a day past the month's end
 * runs on into the next, as Date.UTC's does): Date.UTC per line was a third of the time
 * parse. Year ≥ 1, month 1-12.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yearOfEra = y - era * 400;
  const dayOfYear = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
  const dayOfEra = yearOfEra * 365 + ((yearOfEra / 4) | 0) - ((yearOfEra / 100) | 0) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
