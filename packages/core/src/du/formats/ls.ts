import type { ListingSink } from '../tree.js';
import { parseLongLine, unescapeTarName } from './long-listing.js';
import { LsNameRules, parseLsLine, unescapeLsName } from './ls-names.js';
import type { LineParser, ListingEnd } from './types.js';

/**
 * `ls -l` / `ls -lR` (run with LC_ALL=C so month names are English). Names printed with
 * `ls -b` (`\n`, `\ `, `\ooo`...) are unescaped, in entries and in `dir:` headers. A `DIR:` line starts a
 * section whose names are prefixed with `DIR/`; `total N` lines and `.`/`..` are skipped.
 * Directory entries only establish the directory: like `du --apparent-size` over files,
 * only non-directory entries (files, symlinks with their target length) count. Quoting
 * styles, -F/-p indicators, -i/-s columns and -h sizes: ls-names.ts.
 */
export class LsParser implements LineParser {
  readonly format = 'ls' as const;
  private prefix = '';
  private sink: ListingSink | undefined;
  private readonly rules = new LsNameRules<string>((prefix, name, type, size) => {
    const path = prefix === '' ? name : joinDir(prefix, name);
    if (type === 'd') this.sink?.addDirectory(path);
    else this.sink?.add(path, size);
  });

  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '' || /^total \d/.test(line)) return true;
    this.sink = sink;
    const parsed = parseLsLine(line);
    if (parsed === 'human') {
      this.rules.human();
      return false;
    }
    if (parsed) return this.rules.entry(parsed[0], parsed[1], this.prefix);
    if (line.length > 1 && line.endsWith(':')) {
      const dir = this.rules.header(line.slice(0, -1));
      if (dir === undefined) return false;
      this.prefix = dir;
      sink.addDirectory(this.prefix);
      return true;
    }
    return false;
  }

  end(): ListingEnd {
    return this.rules.end();
  }
}

/**
 * A `DIR:` header's directory (without the colon): `ls -b` escapes as in entries, and GNU
 * ls -b also writes a `:` in a header as `\:` (`mkdir 'x:'; ls -lRb` prints `./x\::`). Only
 * a backslash that is not itself escaped (`\\:` is a backslash, then a colon) starts one.
 */
export function unescapeLsHeader(text: string): string {
  return unescapeLsName(text);
}

function joinDir(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/**
 * GNU tar and bsdtar `tar tv`: full paths, escapes undone, `/` on directories dropped.
 * GNU tar's `M` (the rest of a file begun on the previous volume: `NAME--Continued at byte
 * N--`) and `V` (the volume label: `LABEL--Volume Header--`) lines are tar's, but not files.
 */
export class TarParser implements LineParser {
  readonly format = 'tar' as const;

  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const entry = parseLongLine(line);
    if (!entry) return false;
    if (entry.type === 'M' || entry.type === 'V') return true;
    const path = unescapeTarName(entry.name);
    if (entry.type === 'd') sink.addDirectory(path);
    else sink.add(path, entry.size);
    return true;
  }
}
