import { isUtf8 } from 'node:buffer';
import type { DuTree } from './tree.js';

/**
 * The hot path for `rclone lsjson` lines, read from the input bytes: rclone prints one
 * object per line with string, number and boolean values (`{"Path":"a/b","Name":"b",
 * "Size":6,"ModTime":"…","IsDir":false},`). Such a line is checked to be exactly that
 * shape (so it is valid JSON), `Path`, `Size` and `IsDir` are taken from it, and the
 * path's bytes go to the tree with no string or object made. Anything else — escapes in a
 * string, nested values (Hashes, Metadata), a key twice, a fractional or huge size, bytes
 * that are not UTF-8 — answers undefined, and the caller parses the line with JSON.parse
 * (the LsjsonParser), so both paths give the same result for every line.
 */
export function parseLsjsonBytes(buf: Buffer, start: number, end: number, tree: DuTree): boolean | undefined {
  let p = start;
  while (p < end && buf[p] === 32) p += 1;
  if (buf[p] !== 123) return undefined; // {
  p += 1;
  let pathStart = -1;
  let pathEnd = -1;
  let size = 0;
  let sizeSeen = false;
  let isDir = false;
  let isDirSeen = false;
  let high = false;
  for (;;) {
    // "Key":
    if (buf[p] !== 34) return undefined;
    const keyStart = p + 1;
    p = stringEnd(buf, keyStart, end);
    if (p < 0) return undefined;
    const keyEnd = p;
    p += 1;
    if (buf[p] !== 58) return undefined; // :
    p += 1;
    const key = keyName(buf, keyStart, keyEnd);
    const c = buf[p];
    if (c === 34) {
      const valueStart = p + 1;
      p = stringEnd(buf, valueStart, end);
      if (p < 0) return undefined;
      if (key === PATH) {
        if (pathStart >= 0) return undefined;
        pathStart = valueStart;
        pathEnd = p;
      } else if (key !== OTHER) return undefined; // Size or IsDir as a string: JSON.parse decides
      for (let i = valueStart; i < p && !high; i += 1) high = (buf[i] as number) >= 0x80;
      p += 1;
    } else if (c === 116 || c === 102) {
      // true / false
      const value = c === 116;
      const length = value ? 4 : 5;
      if (p + length > end || !sameAscii(buf, p, value ? 'true' : 'false')) return undefined;
      p += length;
      if (key === ISDIR) {
        if (isDirSeen) return undefined;
        isDirSeen = true;
        isDir = value;
      } else if (key !== OTHER) return undefined;
    } else if (c === 45 || (c !== undefined && c >= 48 && c <= 57)) {
      // An integer: -?(0|[1-9][0-9]*), at most 15 digits (exact as a double)
      const negative = c === 45;
      if (negative) p += 1;
      const digitsStart = p;
      let value = 0;
      while (p < end && (buf[p] as number) >= 48 && (buf[p] as number) <= 57) value = value * 10 + ((buf[p++] as number) - 48);
      const digits = p - digitsStart;
      if (digits === 0 || digits > 15 || (digits > 1 && buf[digitsStart] === 48)) return undefined;
      const next = buf[p];
      if (next === 46 || next === 101 || next === 69) return undefined; // a fraction or exponent
      if (key === SIZE) {
        if (sizeSeen) return undefined;
        sizeSeen = true;
        // rclone's -1 is "size unknown" (counted 0); any other negative size: JSON.parse's path refuses it.
        if (negative && value !== 1) return undefined;
        size = negative ? 0 : value;
      } else if (key !== OTHER) return undefined;
    } else return undefined;
    if (buf[p] === 44) {
      p += 1;
      continue;
    }
    if (buf[p] !== 125) return undefined; // }
    p += 1;
    break;
  }
  if (buf[p] === 44) p += 1;
  while (p < end && (buf[p] === 32 || buf[p] === 9 || buf[p] === 13)) p += 1;
  // A file without a Size is left to JSON.parse's path, which refuses it.
  if (p !== end || pathStart < 0 || pathEnd === pathStart || (!isDir && !sizeSeen)) return undefined;
  // The string path decodes the line as UTF-8 (bad bytes become U+FFFD): leave those lines to it.
  if (high && !isUtf8(buf.subarray(start, end))) return undefined;
  if (isDir) tree.addDirectoryBytes(buf, pathStart, pathEnd);
  else tree.addPathBytes(buf, pathStart, pathEnd, size);
  return true;
}

const OTHER = 0;
const PATH = 1;
const SIZE = 2;
const ISDIR = 3;

function keyName(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 4 && sameAscii(buf, start, 'Path')) return PATH;
  if (length === 4 && sameAscii(buf, start, 'Size')) return SIZE;
  if (length === 5 && sameAscii(buf, start, 'IsDir')) return ISDIR;
  return OTHER;
}

/** Where the JSON string whose contents start at `from` closes; -1 for an escape, a control byte or no end. */
function stringEnd(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i += 1) {
    const c = buf[i] as number;
    if (c === 34) return i;
    if (c === 92 || c < 0x20) return -1;
  }
  return -1;
}

function sameAscii(buf: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}
