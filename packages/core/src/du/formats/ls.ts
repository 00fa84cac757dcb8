import type { ListingSink } from '../tree.js';
import { parseLongLine, unescapeTarName, type LongEntry } from './long-listing.js';
import { closingQuote, LsNameRules, parseLsLine, unescapeLsName } from './ls-names.js';
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
 *
 * Quoting (GNU tar's --quoting-style), decided by the first entry: a name in double quotes
 * there (`"./a b"`, `--quoting-style=c`) makes every name and link target a `"…"` with C
 * escapes, decoded; a later name not so quoted cannot be parsed. Otherwise a name that opens
 * with a quote (`'…'` and `$'…'` of the shell styles, `‘…’` of locale/clocale, `"…"` of
 * c-maybe) is refused rather than read with its quotes. In the unquoted styles a symlink
 * line is `NAME -> TARGET` and a hard link `NAME link to TARGET` with nothing escaped, so a
 * second ` -> ` (or ` link to `) leaves the name unknown: such a line is refused too.
 */
export class TarParser implements LineParser {
  readonly format = 'tar' as const;
  /** Decided by the first entry (TarTvBytes sets 'plain' when it reads that entry itself). */
  style: 'c' | 'plain' | undefined;
  private readonly problems = new Map<string, string>();

  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const entry = parseLongLine(line);
    if (!entry) return false;
    if (entry.type === 'M' || entry.type === 'V') return true;
    const name = this.name(entry);
    if (name === undefined) return false;
    const path = unescapeTarName(name);
    if (entry.type === 'd') sink.addDirectory(path);
    else sink.add(path, entry.size);
    return true;
  }

  end(): ListingEnd {
    return this.problems.size > 0 ? { problem: [...this.problems.values()].join('; ') } : {};
  }

  /** The name, still escaped (C escapes), or undefined when it cannot be told. */
  private name(entry: LongEntry): string | undefined {
    const { raw, type } = entry;
    this.style ??= raw.startsWith('"') && tarCQuoted(raw, type) !== undefined ? 'c' : 'plain';
    if (this.style === 'c') {
      const inner = tarCQuoted(raw, type);
      if (inner === undefined) this.problems.set('c', 'the listing began with names in double quotes (tar --quoting-style=c), but a later name is not quoted so: names not quoted cannot be parsed');
      return inner;
    }
    if (raw.startsWith('"') || raw.startsWith("'") || raw.startsWith("$'") || raw.startsWith('\u2018')) {
      this.problems.set('quoted', "names are in quotes (tar --quoting-style=shell, shell-escape, shell-always, locale, clocale or c-maybe): such names are not read; list with tar's default quoting (--quoting-style=escape) or --quoting-style=c");
      return undefined;
    }
    const marker = type === 'l' ? ' -> ' : type === 'h' ? ' link to ' : undefined;
    if (marker !== undefined && raw.indexOf(marker) !== raw.lastIndexOf(marker)) {
      this.problems.set(type, `a ${type === 'l' ? 'symlink' : 'hard link'} whose name or target holds ${JSON.stringify(marker)} cannot be split into the two: such lines are not read; list with GNU tar --quoting-style=c`);
      return undefined;
    }
    return entry.name;
  }
}

/**
 * A tar --quoting-style=c name: `"…"` (a backslash escapes what follows), then nothing or,
 * for a symlink, ` -> "TARGET"`, for a hard link ` link to "TARGET"`. The inside, or undefined.
 */
function tarCQuoted(raw: string, type: string): string | undefined {
  const end = closingQuote(raw, 0);
  if (end < 0) return undefined;
  const after = raw.slice(end + 1);
  if (after === '') return raw.slice(1, end);
  const marker = type === 'l' ? ' -> ' : type === 'h' ? ' link to ' : undefined;
  if (marker === undefined || !after.startsWith(marker)) return undefined;
  const target = after.slice(marker.length);
  return closingQuote(target, 0) === target.length - 1 ? raw.slice(1, end) : undefined;
}
