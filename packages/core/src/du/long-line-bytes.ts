import type { ListingEnd } from './formats/types.js';
/**
 * The byte-level twin of formats/long-listing.ts' parseLongLine, for the `ls -l` / `tar tv`
 * hot paths: the same tokens (split on spaces), the same checks in the same order, so a
 * line it accepts gives exactly the string parser's type, size and name. It answers
 * FALLBACK where the bytes alone cannot give the same answer (a size too long to sum
 * exactly), and callers leave names holding a backslash (escapes) to the string parser.
 * Bytes that are not UTF-8 stay on this path: the tree keeps names as bytes.
 */
export interface LongBytes {
  /** The type byte (`-`, `d`, `l`, `h`, `c`...). */
  type: number;
  size: number;
  /** The name's byte range (a symlink's `-> target`, a hard link's `link to target` cut off). */
  nameStart: number;
  nameEnd: number;
}

export const NOT_LONG = 0;
export const LONG = 1;
export const FALLBACK = -1;

const SPACE = 32;
const COLON = 58;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;

function skipSpaces(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] === SPACE) p += 1;
  return p;
}

function tokenEnd(buf: Uint8Array, p: number, end: number): number {
  while (p < end && buf[p] !== SPACE) p += 1;
  return p;
}

/** Fills `out` from the line `buf[start, end)`: LONG, NOT_LONG (parseLongLine's undefined) or FALLBACK. */
export function parseLongBytes(buf: Uint8Array, start: number, end: number, out: LongBytes): number {
  if (start >= end || !TYPE[buf[start] as number]) return NOT_LONG;
  const firstEnd = tokenEnd(buf, start, end);
  const perms = firstEnd - start - 1;
  if (perms !== 9 && perms !== 10) return NOT_LONG;
  for (let i = start + 1; i < start + 10; i += 1) if (!PERM[buf[i] as number]) return NOT_LONG;
  if (perms === 10 && !PERM_SUFFIX[buf[start + 10] as number]) return NOT_LONG;
  let fields = 0;
  let lastStart = 0;
  let lastEnd = 0;
  let prevEnd = 0;
  let p = skipSpaces(buf, firstEnd, end);
  while (p < end && fields < 8) {
    const e = tokenEnd(buf, p, end);
    if (fields >= 2) {
      const nameStart = dateEnd(buf, p, e, end);
      if (nameStart >= 0) {
        if (nameStart >= end) return NOT_LONG;
        const device = isDevice(buf, lastStart, lastEnd) || buf[prevEnd - 1] === 44; // `8, 1`
        let size = 0;
        if (!device) {
          if (lastEnd - lastStart > 15) return allDigits(buf, lastStart, lastEnd) ? FALLBACK : NOT_LONG;
          for (let i = lastStart; i < lastEnd; i += 1) {
            const c = buf[i] as number;
            if (c < 48 || c > 57) return NOT_LONG;
            size = size * 10 + (c - 48);
          }
        }
        const type = buf[start] as number;
        out.type = type;
        out.size = size;
        out.nameStart = nameStart;
        out.nameEnd = type === 108 ? cutAt(buf, nameStart, end, ARROW) : type === 104 ? cutAt(buf, nameStart, end, LINK_TO) : end; // l, h
        return LONG;
      }
    }
    prevEnd = lastEnd;
    lastStart = p;
    lastEnd = e;
    fields += 1;
    p = skipSpaces(buf, e, end);
  }
  return NOT_LONG;
}

/** Where the name starts if a date begins at token `buf[s, e)`, else -1 (formats/long-listing.ts' dateEnd). */
function dateEnd(buf: Uint8Array, s: number, e: number, end: number): number {
  const length = e - s;
  if (length === 3 && isMonth(buf, s)) {
    const day = skipSpaces(buf, e, end);
    const dayEnd = tokenEnd(buf, day, end);
    if (day >= end || !(dayEnd - day <= 2 && allDigits(buf, day, dayEnd))) return -1;
    const time = skipSpaces(buf, dayEnd, end);
    if (time >= end) return -1;
    const timeEnd = tokenEnd(buf, time, end);
    const year = timeEnd - time >= 4 && timeEnd - time <= 5 && allDigits(buf, time, timeEnd);
    return year || isClock(buf, time, timeEnd, true) ? timeEnd + 1 : -1;
  }
  if (length === 10 && isIsoDate(buf, s)) {
    // ls --time-style=iso prints an old file's date alone, padded to the width of
    // `MM-DD HH:MM` (`2019-03-04  10:00 x` is the file `10:00 x`); a clock follows one space.
    if (e + 1 < end && buf[e] === SPACE && buf[e + 1] === SPACE) return e + 2;
    const clock = skipSpaces(buf, e, end);
    const clockEnd = tokenEnd(buf, clock, end);
    if (clock >= end || !isClock(buf, clock, clockEnd, false)) return -1;
    const zone = skipSpaces(buf, clockEnd, end);
    const zoneEnd = tokenEnd(buf, zone, end);
    return zone < end && isZone(buf, zone, zoneEnd) ? zoneEnd + 1 : clockEnd + 1;
  }
  if (length === 5 && isDigit(buf[s]) && isDigit(buf[s + 1]) && buf[s + 2] === 45 && isDigit(buf[s + 3]) && isDigit(buf[s + 4])) {
    const clock = skipSpaces(buf, e, end);
    const clockEnd = tokenEnd(buf, clock, end);
    return clock < end && isClock(buf, clock, clockEnd, false) ? clockEnd + 1 : -1;
  }
  return -1;
}

/** `H:MM` (when `shortHour`) or `HH:MM`, optionally `:SS` and `.fraction`, filling `buf[s, e)`. */
function isClock(buf: Uint8Array, s: number, e: number, shortHour: boolean): boolean {
  let p = s;
  while (p < e && isDigit(buf[p])) p += 1;
  const hour = p - s;
  if (!(hour === 2 || (shortHour && hour === 1))) return false;
  if (p + 3 > e || buf[p] !== COLON || !isDigit(buf[p + 1]) || !isDigit(buf[p + 2])) return false;
  p += 3;
  if (p === e) return true;
  if (p + 3 > e || buf[p] !== COLON || !isDigit(buf[p + 1]) || !isDigit(buf[p + 2])) return false;
  p += 3;
  if (p === e) return true;
  if (buf[p] !== 46) return false; // .
  p += 1;
  const digits = p;
  while (p < e && isDigit(buf[p])) p += 1;
  return p > digits && p === e;
}

function isIsoDate(buf: Uint8Array, s: number): boolean {
  for (let i = 0; i < 10; i += 1) {
    const c = buf[s + i];
    if (i === 4 || i === 7 ? c !== 45 : !isDigit(c)) return false;
  }
  return true;
}

function isZone(buf: Uint8Array, s: number, e: number): boolean {
  return e - s === 5 && (buf[s] === 43 || buf[s] === 45) && allDigits(buf, s + 1, e);
}

function isDevice(buf: Uint8Array, s: number, e: number): boolean {
  let p = s;
  while (p < e && isDigit(buf[p])) p += 1;
  if (p === s || p >= e || buf[p] !== 44) return false;
  return p + 1 < e && allDigits(buf, p + 1, e);
}

function allDigits(buf: Uint8Array, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i += 1) if (!isDigit(buf[i])) return false;
  return true;
}

function isMonth(buf: Uint8Array, s: number): boolean {
  return MONTHS.has(((buf[s] as number) << 16) | ((buf[s + 1] as number) << 8) | (buf[s + 2] as number));
}

/** The end of the name at the first `marker` in `buf[from, end)`, if that is not at `from` (cutAt). */
function cutAt(buf: Uint8Array, from: number, end: number, marker: Uint8Array): number {
  const first = marker[0] as number;
  const last = end - marker.length;
  for (let i = from; i <= last; i += 1) {
    if (buf[i] !== first) continue;
    let j = 1;
    while (j < marker.length && buf[i + j] === marker[j]) j += 1;
    if (j === marker.length) return i > from ? i : end;
  }
  return end;
}

const ARROW = Buffer.from(' -> ');

/**
 * Whether a symlink's (`l`) ` -> ` or a hard link's (`h`) ` link to ` comes again after the
 * one that ended the name at `nameEnd` (tar tv: then the name cannot be told; TarParser refuses it).
 */
export function linkMarkerAgain(buf: Uint8Array, type: number, nameEnd: number, end: number): boolean {
  if (type !== 108 && type !== 104) return false;
  const marker = type === 108 ? ARROW : LINK_TO;
  if (nameEnd >= end) return false;
  const from = nameEnd + marker.length;
  const last = end - marker.length;
  for (let i = from; i <= last; i += 1) {
    let j = 0;
    while (j < marker.length && buf[i + j] === marker[j]) j += 1;
    if (j === marker.length) return true;
  }
  return false;
}
const LINK_TO = Buffer.from(' link to ');

const table = (chars: string): Uint8Array => {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i += 1) t[chars.charCodeAt(i)] = 1;
  return t;
};
const TYPE = table('-dlcbpsDhCMVn?');
const PERM = table('-rwxsStTlL?');
const PERM_SUFFIX = table('.+@');
const MONTHS = new Set(
  ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map((m) => (m.charCodeAt(0) << 16) | (m.charCodeAt(1) << 8) | m.charCodeAt(2)),
);

export const NAME_PLAIN = 0;
export const NAME_WITH_SLASH = 1;
export const NAME_NEEDS_STRING = -1;

/**
 * What the name `buf[start, end)` holds: NAME_NEEDS_STRING for a backslash (an escape to
 * undo), else NAME_WITH_SLASH or NAME_PLAIN.
 */
export function scanName(buf: Uint8Array, start: number, end: number): number {
  let slash = false;
  for (let i = start; i < end; i += 1) {
    const c = buf[i] as number;
    if (c === 92) return NAME_NEEDS_STRING;
    if (c === 47) slash = true;
  }
  return slash ? NAME_WITH_SLASH : NAME_PLAIN;
}

/** A byte-level line parser readListing drives: one line, or every complete line of a chunk. */
export abstract class ByteLineParser {
  /** The input's lines end in CR LF (readListing decides): a CR before the newline is not part of the line. */
  crlf = false;

  /** After the last line: what the input as a whole lacks (formats/types.ts' LineParser.end). */
  end?(): ListingEnd;

  /** Adds the entry of line `buf[start, end)`; false if the line cannot be parsed. */
  abstract parse(buf: Buffer, start: number, end: number): boolean;

  /**
   * Parses every complete newline-terminated line of `buf` from `from` (one CR before
   * the newline dropped when `crlf`);
   * `bad(start, end, index)` is called for lines that do not parse.
   * Returns [where the unfinished last line starts, how many lines were parsed].
   */
  parseLines(buf: Buffer, from: number, bad: (start: number, end: number, index: number) => void): [number, number] {
    let start = from;
    let count = 0;
    for (;;) {
      const newline = buf.indexOf(10, start);
      if (newline < 0) return [start, count];
      const end = this.crlf && newline > start && buf[newline - 1] === 13 ? newline - 1 : newline;
      if (!this.parse(buf, start, end)) bad(start, end, count);
      count += 1;
      start = newline + 1;
    }
  }
}
