import { TarParser } from './formats/ls.js';
import { lineText } from './bytes.js';
import { ByteLineParser, FALLBACK, LONG, NAME_NEEDS_STRING, parseLongBytes, scanName, type LongBytes } from './long-line-bytes.js';
import type { DuTree } from './tree.js';

/**
 * The hot path for GNU and bsdtar `tar tv` lines: the long line is parsed from the input
 * bytes and the path's bytes go to the tree, no string made. Lines the bytes alone cannot
 * answer exactly (escapes, huge sizes) go to the string TarParser, decoded byte-exactly
 * (lineText), so both paths give the same result for every line.
 */
export class TarTvBytes extends ByteLineParser {
  private readonly entry: LongBytes = { type: 0, size: 0, nameStart: 0, nameEnd: 0 };
  private readonly slow = new TarParser();
  /** How many lines went to the string parser (for tests: plain lines must not). */
  stringLines = 0;

  constructor(private readonly tree: DuTree) {
    super();
  }

  parse(buf: Buffer, start: number, end: number): boolean {
    if (start === end) return true;
    const entry = this.entry;
    const kind = parseLongBytes(buf, start, end, entry);
    if (kind === LONG && scanName(buf, entry.nameStart, entry.nameEnd) !== NAME_NEEDS_STRING) {
      if (entry.type === 77 || entry.type === 86) return true; // M, V: TarParser's volume lines
      if (entry.type === 100) this.tree.addDirectoryBytes(buf, entry.nameStart, entry.nameEnd); // d
      else this.tree.addPathBytes(buf, entry.nameStart, entry.nameEnd, entry.size);
      return true;
    }
    if (kind !== LONG && kind !== FALLBACK) return false;
    this.stringLines += 1;
    return this.slow.parseLine(lineText(buf, start, end), this.tree);
  }
}
