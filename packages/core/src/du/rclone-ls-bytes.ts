import { unescapeName } from '../names/escape-name.js';
import { nameFromBytes } from '../names/name-bytes.js';
import type { DuTree } from './tree.js';

/**
 * The hot path for `rclone ls` lines, parsed straight from the input Buffer: size digits
 * summed byte by byte and the path's bytes handed to the tree (which compares the
 * directory with the previous line's before hashing anything: rclone lists a directory's
 * files together). No string is made per line.
 */
export class RcloneLsBytes {
  /** The buffer searched for a backslash last, and where its next one is (its length: none). */
  private scanned: Buffer | undefined;
  private backslash = 0;

  constructor(private readonly tree: DuTree) {}

  /**
   * Parses every complete newline-terminated line of `buf` from `from` in one tight loop
   * (CRLF tolerated); `bad(start, end, index)` is called for lines that do not parse.
   * Returns [where the unfinished last line starts, how many lines were parsed].
   */
  parseLines(buf: Buffer, from: number, bad: (start: number, end: number, index: number) => void): [number, number] {
    let start = from;
    let count = 0;
    for (;;) {
      const newline = buf.indexOf(10, start);
      if (newline < 0) return [start, count];
      const end = newline > start && buf[newline - 1] === 13 ? newline - 1 : newline;
      if (!this.parse(buf, start, end)) bad(start, end, count);
      count += 1;
      start = newline + 1;
    }
  }

  /** Adds the entry of line `buf[start, end)`; false if it is not an `rclone ls` line. */
  parse(buf: Buffer, start: number, end: number): boolean {
    let p = start;
    while (p < end && buf[p] === 32) p += 1;
    if (p === end) return p === start; // blank line: nothing to add
    if (buf[p] === 45) p += 1; // -1: size unknown, counted as 0
    const digitsStart = p;
    let size = 0;
    for (; p < end; p += 1) {
      const c = buf[p] as number;
      if (c < 48 || c > 57) break;
      size = size * 10 + (c - 48);
    }
    if (p === digitsStart || p + 1 >= end || buf[p] !== 32) return false;
    if (buf[digitsStart - 1] === 45) size = 0;
    p += 1;
    // A backslash may start an `ls -b` escape (encrypted-du --ls): the slow, string path.
    // Where the next one is in this buffer is found once (native memchr), not per line.
    if (buf !== this.scanned || this.backslash < p) {
      this.scanned = buf;
      this.backslash = buf.indexOf(92, p);
      if (this.backslash < 0) this.backslash = buf.length;
    }
    if (this.backslash < end) return this.escaped(nameFromBytes(buf.subarray(p, end)), size);
    this.tree.addPathBytes(buf, p, end, size);
    return true;
  }

  private escaped(text: string, size: number): boolean {
    this.tree.add(unescapeName(text), size);
    return true;
  }
}
