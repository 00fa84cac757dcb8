import { unescapeName } from '../names/escape-name.js';
import { nameFromBytes } from '../names/name-bytes.js';
import { ByteLineParser } from './long-line-bytes.js';
import { RcloneLsScanner } from './rclone-ls-scanner.js';
import type { DuTree } from './tree.js';

/**
 * The hot path for `rclone ls` lines, parsed straight from the input Buffer: size digits
 * summed byte by byte and the path's bytes handed to the tree (which compares the
 * directory with the previous line's before hashing anything: rclone lists a directory's
 * files together). No string is made per line. With `withTime`, `rclone lsl` lines: the
 * modification time between size and path (`2006-01-02 15:04:05.000000000`) is checked
 * byte by byte, as the string parser's pattern does, and skipped.
 */
export class RcloneLsBytes extends ByteLineParser {
  /** The buffer searched for a backslash last, and where its next one is (its length: none). */
  private scanned: Buffer | undefined;
  private backslash = 0;

  /** The compiled loop for runs of one directory's lines (undefined: JavaScript only). */
  private readonly scanner: RcloneLsScanner | undefined;
  /** The directory (and its file count) the scanner was last given. */
  private scannerDir = -1;
  private scannerFiles = -1;

  constructor(
    private readonly tree: DuTree,
    private readonly withTime = false,
    compiled = true,
  ) {
    super();
    this.scanner = compiled && !withTime ? RcloneLsScanner.create() : undefined;
  }

  /**
   * Every complete line of the chunk: runs of lines in the directory of the line before go
   * through the compiled scanner, which stops at any other line (a new directory, a name
   * out of order, an escape, anything unusual); that one line goes through parse(), then
   * the scanner goes on in its directory.
   */
  override parseLines(buf: Buffer, from: number, bad: (start: number, end: number, index: number) => void): [number, number] {
    const scanner = this.scanner;
    // (The scanner's memory is ~7 times the chunk: a huge chunk, from a caller holding the
    // whole listing in one Buffer, is parsed in JavaScript rather than copied there.)
    if (scanner === undefined || buf.length > MAX_SCANNED_CHUNK) return super.parseLines(buf, from, bad);
    const { tree } = this;
    const { files, dirs } = tree;
    scanner.load(buf);
    this.scannerDir = -1;
    let start = from;
    let count = 0;
    for (;;) {
      // The directory of the last file added (where the next lines most likely are).
      const dir = files.count > 0 ? Math.max(0, files.dir[files.count - 1] as number) : dirs.last;
      // (Aimed again after any file was added: the scanner does not keep its last name.)
      if (files.inOrder(dir) && (dir === this.scannerDir && files.count === this.scannerFiles ? true : this.aim(scanner, dir))) {
        const stop = scanner.scan(start, buf.length);
        if (scanner.count > 0) {
          tree.addScannedLines(dir, scanner, buf);
          count += scanner.count;
          start = stop;
        }
      }
      const newline = buf.indexOf(10, start);
      if (newline < 0) return [start, count];
      const end = this.crlf && newline > start && buf[newline - 1] === 13 ? newline - 1 : newline;
      if (!this.parse(buf, start, end)) bad(start, end, count);
      count += 1;
      start = newline + 1;
    }
  }

  /** Gives the scanner directory `dir` (its prefix) and the name its next file must sort after; false if it cannot take that directory's lines. */
  private aim(scanner: RcloneLsScanner, dir: number): boolean {
    const { dirs, files } = this.tree;
    const at = dirs.pathAt[dir] as number;
    const prefix = dirs.paths.bytes.subarray(at, at + (dirs.prefixLength[dir] as number));
    const last = files.lastIn(dir);
    // A path holding a newline cannot be a line's directory (the scanner would compare across lines).
    if (prefix.includes(10)) return false;
    scanner.setDirectory(prefix, last < 0 ? undefined : files.nameBytes(last));
    this.scannerDir = dir;
    this.scannerFiles = files.count;
    return true;
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
    if (this.withTime) {
      p = afterTime(buf, p, end);
      if (p < 0 || p >= end) return false;
    }
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

/** `YYYY-MM-DD HH:MM:SS` with an optional `.fraction`, then one space: where the path starts, or -1. */
function afterTime(buf: Buffer, from: number, end: number): number {
  if (from + 20 > end) return -1;
  for (let i = 0; i < 19; i += 1) {
    const c = buf[from + i] as number;
    const want = TIME_SHAPE.charCodeAt(i);
    if (want === 100 ? c < 48 || c > 57 : c !== want) return -1; // 'd': a digit
  }
  let p = from + 19;
  if (buf[p] === 46) {
    const digits = p + 1;
    p = digits;
    while (p < end && (buf[p] as number) >= 48 && (buf[p] as number) <= 57) p += 1;
    if (p === digits) return -1;
  }
  return buf[p] === 32 ? p + 1 : -1;
}

const TIME_SHAPE = 'dddd-dd-dd dd:dd:dd';

/** Chunks up to this size go through the compiled scanner (readListing's files come in 1 MiB). */
const MAX_SCANNED_CHUNK = 16 << 20;
