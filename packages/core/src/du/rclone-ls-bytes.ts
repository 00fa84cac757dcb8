import { unescapeName } from '../names/escape-name.js';
import { nameFromBytes } from '../names/name-bytes.js';
import type { DuDir, DuTree } from './tree.js';

/**
 * The hot path for `rclone ls` lines, parsed straight from the input Buffer: size digits
 * summed byte by byte, the directory part compared with the previous line's bytes (rclone
 * lists a directory's files together) so the tree is walked only when it changes, and
 * the file name's bytes copied into the tree's arena without making a string.
 */
export class RcloneLsBytes {
  private dirBytes = Buffer.alloc(4096);
  private dirLength = -1;
  private dir: DuDir;

  constructor(private readonly tree: DuTree) {
    this.dir = tree.root;
  }

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
    for (let i = p; i < end; i += 1) if (buf[i] === 92) return this.escaped(nameFromBytes(buf.subarray(p, end)), size);
    let stop = end;
    while (stop > p + 1 && buf[stop - 1] === 47) stop -= 1;
    let slash = stop - 1;
    while (slash >= p && buf[slash] !== 47) slash -= 1;
    let dir: DuDir;
    if (slash < p) dir = this.tree.root;
    else {
      const dirEnd = slash === p ? p + 1 : slash;
      dir = this.sameDir(buf, p, dirEnd) ? this.dir : this.enter(buf, p, dirEnd);
    }
    if (slash + 1 >= stop) this.tree.addDirectory(buf.toString('utf8', p, stop));
    else this.tree.addFileBytes(dir, buf, slash + 1, stop, size);
    return true;
  }

  private escaped(text: string, size: number): boolean {
    this.tree.add(unescapeName(text).replace(/(?<=.)\/+$/, ''), size); // a trailing `/` is dropped, as above
    this.dirLength = -1; // the cached directory bytes no longer describe this.dir
    return true;
  }

  private sameDir(buf: Buffer, start: number, end: number): boolean {
    const length = end - start;
    if (length !== this.dirLength) return false;
    const cached = this.dirBytes;
    for (let i = length - 1; i >= 0; i -= 1) if (cached[i] !== buf[start + i]) return false;
    return true;
  }

  private enter(buf: Buffer, start: number, end: number): DuDir {
    const length = end - start;
    if (length > this.dirBytes.length) this.dirBytes = Buffer.alloc(length * 2);
    buf.copy(this.dirBytes, 0, start, end);
    this.dirLength = length;
    this.dir = this.tree.directory(buf.toString('utf8', start, end));
    return this.dir;
  }
}
