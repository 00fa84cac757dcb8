import { TarParser } from './formats/ls.js';
import { lineText } from './bytes.js';
import { ByteLineParser, FALLBACK, LONG, NAME_NEEDS_STRING, linkMarkerAgain, parseLongBytes, scanName, type LongBytes } from './long-line-bytes.js';
import type { ListingEnd } from './formats/types.js';
import type { DuTree } from './tree.js';

/** First bytes of a name that may be quoted (`"`, `'`, `$'`, `‘` = E2 80 98): the string parser decides. */
const SLOW_FIRST = new Uint8Array(256);
for (const c of [34, 36, 39, 0xe2]) SLOW_FIRST[c] = 1;

/**
 * The hot path for GNU and bsdtar `tar tv` lines: the long line is parsed from the input
 * bytes and the path's bytes go to the tree, no string made. Lines the bytes alone cannot
 * answer exactly (escapes, huge sizes, names that may be quoted, a symlink or hard link line
 * holding its ` -> ` / ` link to ` twice, and every line of a --quoting-style=c listing) go to the
 * string TarParser, decoded byte-exactly (lineText), so both paths give the same result for
 * every line. The first entry read here decides the string parser's quoting style: none.
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
    if (kind === LONG && SLOW_FIRST[buf[entry.nameStart] as number] !== 1 && scanName(buf, entry.nameStart, entry.nameEnd) !== NAME_NEEDS_STRING && !linkMarkerAgain(buf, entry.type, entry.nameEnd, end)) {
      if (entry.type === 77 || entry.type === 86) return true; // M, V: TarParser's volume lines
      const slow = this.slow;
      if (slow.style !== 'plain') {
        if (slow.style === 'c') return this.parseString(buf, start, end); // an unquoted name there: the string parser says so
        slow.style = 'plain';
      }
      if (entry.type === 100) this.tree.addDirectoryBytes(buf, entry.nameStart, entry.nameEnd); // d
      else this.tree.addPathBytes(buf, entry.nameStart, entry.nameEnd, entry.size);
      return true;
    }
    if (kind !== LONG && kind !== FALLBACK) return false;
    return this.parseString(buf, start, end);
  }

  override end(): ListingEnd {
    return this.slow.end();
  }

  private parseString(buf: Buffer, start: number, end: number): boolean {
    this.stringLines += 1;
    return this.slow.parseLine(lineText(buf, start, end), this.tree);
  }
}
