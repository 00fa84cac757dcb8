import { LsNameRules, parseLsLine } from './formats/ls-names.js';
import type { ListingEnd } from './formats/types.js';
import { nameToBytes } from '../names/name-bytes.js';
import { lineText } from './bytes.js';
import { ByteLineParser, FALLBACK, LONG, NAME_NEEDS_STRING, NAME_PLAIN, parseLongBytes, scanName, type LongBytes } from './long-line-bytes.js';
import type { DuTree } from './tree.js';

/**
 * The hot path for `ls -l` / `ls -lR` lines (formats/ls.ts' LsParser from bytes): `total N`
 * skipped, `DIR:` headers kept as the prefix of the entries that follow (as bytes, joined
 * with `/` in a reused buffer), entries parsed from the input bytes with no string made.
 * A line the bytes alone cannot answer exactly (escapes, huge sizes) is parsed as a
 * string (decoded byte-exactly: lineText) with LsParser's rules here, against the
 * same prefix, so both paths give the same result for every line.
 */
export class LsLrBytes extends ByteLineParser {
  private readonly entry: LongBytes = { type: 0, size: 0, nameStart: 0, nameEnd: 0 };
  /** The current directory's path and the joining `/`, then room for a name. */
  private path: Buffer = Buffer.allocUnsafe(4096);
  /** Where the name goes in `path` (0: no directory header yet). */
  private base = 0;
  /** The id of the header's directory: where addPathBytes would put `path` + a name without `/` (0: the root). */
  private dir = 0;
  /** How many lines went to the string rules (for tests: plain lines must not). */
  stringLines = 0;

  /** Quoting, -F/-p indicators (formats/ls-names.ts): names that may need them go to the string rules. */
  private readonly rules: LsNameRules<Buffer>;

  constructor(private readonly tree: DuTree) {
    super();
    this.rules = new LsNameRules<Buffer>((prefix, name, type, size) => {
      const path = Buffer.concat([prefix, nameToBytes(name)]);
      if (type === 'd') this.tree.addDirectoryBytes(path, 0, path.length);
      else this.tree.addPathBytes(path, 0, path.length, size);
    });
  }

  parse(buf: Buffer, start: number, end: number): boolean {
    if (start === end || isTotal(buf, start, end)) return true;
    const entry = this.entry;
    const kind = parseLongBytes(buf, start, end, entry);
    if (kind === LONG) {
      const { nameStart, nameEnd } = entry;
      const name = scanName(buf, nameStart, nameEnd);
      // A name that may be quoted (ls -Q, shell styles) or end in a -F/-p indicator, and every name of a -Q listing.
      if (name === NAME_NEEDS_STRING || SLOW_FIRST[buf[nameStart] as number] === 1 || SLOW_LAST[buf[nameEnd - 1] as number] === 1) return this.parseString(lineText(buf, start, end));
      const rules = this.rules;
      if (rules.slash !== false || rules.style !== 'plain') {
        if (rules.style === 'c') return this.parseString(lineText(buf, start, end));
        this.observe(entry.type, buf, start);
      }
      if (buf[nameStart] === 46 && (nameEnd - nameStart === 1 || (nameEnd - nameStart === 2 && buf[nameStart + 1] === 46))) return true; // . ..
      // A file named without `/` goes straight into the header's directory: no copy, no lookup.
      if (name === NAME_PLAIN && entry.type !== 100) this.tree.addFileBytes(this.dir, buf, nameStart, nameEnd, entry.size);
      else this.addEntry(entry.type, buf, nameStart, nameEnd, entry.size);
      return true;
    }
    if (kind === FALLBACK) return this.parseString(lineText(buf, start, end));
    if (end - start > 1 && buf[end - 1] === 58) {
      // `DIR:`
      // (or an entry of ls -i / -s whose name ends in `:`: the string rules try an entry first)
      if (scanName(buf, start, end - 1) === NAME_NEEDS_STRING || SLOW_HEADER[buf[start] as number] === 1 || this.rules.style !== 'plain') {
        if (this.rules.style !== undefined || SLOW_HEADER[buf[start] as number] === 1) return this.parseString(lineText(buf, start, end));
        this.rules.style = 'plain';
        if (scanName(buf, start, end - 1) === NAME_NEEDS_STRING) return this.parseString(lineText(buf, start, end));
      }
      this.setDirectory(buf, start, end - 1);
      return true;
    }
    // ls -i / -s columns, ls -h sizes (said once), or a line that cannot be parsed.
    return this.parseString(lineText(buf, start, end));
  }

  /** What a plain entry the byte path takes says about -F/-p (and that the names are not quoted). */
  private observe(type: number, buf: Buffer, start: number): void {
    const rules = this.rules;
    if (rules.style === undefined) rules.style = 'plain';
    if (type === 100) rules.plainDirectory(); // d
    else if (rules.slash !== false) {
      if (type === 45 && (EXEC[buf[start + 3] as number] === 1 || EXEC[buf[start + 6] as number] === 1 || EXEC[buf[start + 9] as number] === 1)) rules.sawNoStar(); // -
      else if (type === 112 || type === 115 || type === 68) rules.sawNoType(); // p s D
    }
  }

  override end(): ListingEnd {
    return this.rules.end();
  }

  /** LsParser.parseLine for a line the bytes could not take (its total and blank lines are handled already). */
  private parseString(line: string): boolean {
    this.stringLines += 1;
    const parsed = parseLsLine(line);
    if (parsed === 'human') {
      this.rules.human();
      return false;
    }
    if (parsed) return this.rules.entry(parsed[0], parsed[1], Buffer.from(this.path.subarray(0, this.base)));
    if (line.length > 1 && line.endsWith(':')) {
      const text = this.rules.header(line.slice(0, -1));
      if (text === undefined) return false;
      const dir = nameToBytes(text);
      this.setDirectory(dir, 0, dir.length);
      return true;
    }
    return false;
  }

  /** LsParser's `prefix === '' ? name : joinDir(prefix, name)`, added as a directory or a file. */
  private addEntry(type: number, src: Uint8Array, start: number, end: number, size: number): void {
    const length = this.base + (end - start);
    if (this.path.length < length) this.path = grow(this.path, length, this.base);
    const path = this.path;
    for (let i = start, j = this.base; i < end; i += 1, j += 1) path[j] = src[i] as number;
    if (type === 100) this.tree.addDirectoryBytes(path, 0, length); // d
    else this.tree.addPathBytes(path, 0, length, size);
  }

  private setDirectory(src: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.path.length < length + 1) this.path = Buffer.allocUnsafe((length + 1) * 2);
    this.path.set(src.subarray(start, end), 0);
    this.base = length === 0 || this.path[length - 1] === 47 ? length : length + 1;
    this.path[length] = 47; // `/` (past `base` when the directory already ends with one)
    this.tree.addDirectoryBytes(this.path, 0, length);
    // addPathBytes' split at the last `/`: the directory before it (`/` itself for `/name`).
    this.dir = this.base === 0 ? 0 : this.tree.dirId(this.path, 0, this.base === 1 ? 1 : this.base - 1);
  }
}

const table = (chars: string): Uint8Array => {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i += 1) t[chars.charCodeAt(i)] = 1;
  return t;
};
/** A name's first byte that may open quotes (ls -Q, the shell styles). */
const SLOW_FIRST = table(`"'$`);
/** A header's first byte that may open quotes, or start an ls -i / -s entry line. */
const SLOW_HEADER = table(`"'$ 0123456789`);
/** A name's last byte that may be a -F/-p indicator. */
const SLOW_LAST = table('/*|=>');
const EXEC = table('xst');

/** `total N`: /^total \d/. */
function isTotal(buf: Uint8Array, start: number, end: number): boolean {
  return end - start >= 7 && buf[start] === 116 && buf[start + 1] === 111 && buf[start + 2] === 116 && buf[start + 3] === 97 && buf[start + 4] === 108 && buf[start + 5] === 32 && (buf[start + 6] as number) >= 48 && (buf[start + 6] as number) <= 57;
}

function grow(old: Buffer, size: number, keep: number): Buffer {
  const bigger = Buffer.allocUnsafe(size * 2);
  old.copy(bigger, 0, 0, keep);
  return bigger;
}
