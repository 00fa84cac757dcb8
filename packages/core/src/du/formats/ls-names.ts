import { unescapeName } from '../../names/escape-name.js';
import { parseLongLine, type LongEntry } from './long-listing.js';
import type { ListingEnd } from './types.js';

/**
 * How an `ls -l(R)` listing wrote its names, beyond `ls -b`'s escapes, decided from the
 * listing itself (LsParser and LsLrBytes share these rules; the byte path sends here only
 * the lines that may need them: see LsLrBytes).
 *
 * Quoting (decided by the first header or entry): `ls -Q` / `--quoting-style=c` puts every
 * name and header in double quotes with C escapes inside and a symlink's target after
 * ` -> `; such a listing is decoded, and a later name without its quotes cannot be parsed.
 * The shell styles (`shell`, `shell-escape`, ls's default on a terminal, `shell-always`,
 * `locale`) quote with single quotes and `$'\n'` pieces and pad unquoted names with a
 * space: a name or header quoted so is refused (the line is skipped, exit 1, use ls -lRb).
 *
 * Indicators (`-F`/`--classify`, `--file-type`, `-p`): ls appends `/` to every directory
 * only under one of these, and no name can end in `/` otherwise, so the first directory
 * entry decides. Then `/` is dropped from directories, `|` from FIFOs, `=` from sockets,
 * `>` from doors, and `*` from regular files with an execute bit. -p adds only the `/`,
 * --file-type no `*`: an executable without `*` proves ls ran without -F, a FIFO without
 * `|` (or a socket without `=`) proves -p; if that proof comes after such a character was
 * already dropped, the input is a problem (exit 1), never silently right-or-wrong. Until the
 * first directory entry, names that may carry an indicator are held; if none comes, they
 * are counted as written and the input is a problem unless the listing proves no indicator.
 * An escaped last character (`\*` from -b with --file-type) is part of the name.
 */
export class LsNameRules<P> {
  style: 'c' | 'plain' | undefined;
  /** Directories end with `/` (one of -F, --file-type, -p); undefined until the first directory entry. */
  slash: boolean | undefined;
  /** An executable without `*` was seen: not -F. */
  private noStar = false;
  /** A FIFO without `|` or a socket without `=` was seen: -p (or nothing). */
  private noType = false;
  private starsDropped = 0;
  private typesDropped = 0;
  private held: Array<{ prefix: P; text: string; type: string; size: number; kind: 'star' | 'type' }> = [];
  private readonly problems = new Map<string, string>();
  private lastHeld = '';

  constructor(private readonly emit: (prefix: P, name: string, type: string, size: number) => void) {}

  /** A `DIR:` header's text (without the colon): the directory, or undefined (cannot be parsed). */
  header(text: string): string | undefined {
    if (this.style === undefined) this.style = text.startsWith('"') && cQuoted(text, 'd') ? 'c' : 'plain';
    if (this.style === 'c') {
      const quoted = cQuoted(text, 'd');
      if (!quoted || quoted.after !== '') return this.notC();
      return unescapeLsName(quoted.inner);
    }
    if (shellQuoted(text)) return this.shell();
    return unescapeLsName(text);
  }

  /** An entry line; false when it cannot be parsed. `line` is the whole line (its permissions). */
  entry(entry: LongEntry, perms: string, prefix: P): boolean {
    const { type, size } = entry;
    if (this.style === undefined) this.style = entry.raw.startsWith('"') && cQuoted(entry.raw, type) ? 'c' : 'plain';
    if (this.style === 'c') {
      const quoted = cQuoted(entry.raw, type);
      if (!quoted) return this.notC() !== undefined;
      if (type === 'd' && this.slash === undefined) this.slash = quoted.after === '/';
      this.add(prefix, unescapeLsName(quoted.inner), type, size);
      return true;
    }
    if (shellQuoted(entry.raw)) return this.shell() !== undefined;
    let text = entry.name;
    const last = unescapedLast(text);
    if (type === 'd') {
      if (this.slash === undefined) this.decide(last === '/');
      if (last === '/') text = text.slice(0, -1);
    } else if (type === '-' && isExecutable(perms)) {
      if (last === '*') {
        if (this.slash === undefined) return this.hold(prefix, text, type, size, 'star');
        if (this.slash && !this.noStar) {
          text = text.slice(0, -1);
          this.starsDropped += 1;
        }
      } else this.sawNoStar();
    } else if (type === 'p' || type === 's' || type === 'D') {
      if (last === TYPE_INDICATOR[type]) {
        if (this.slash === undefined) return this.hold(prefix, text, type, size, 'type');
        if (this.slash && !this.noType) {
          text = text.slice(0, -1);
          this.typesDropped += 1;
        }
      } else this.sawNoType();
    }
    this.add(prefix, unescapeLsName(text), type, size);
    return true;
  }

  /** The byte path saw a directory entry whose name does not end in `/`. */
  plainDirectory(): void {
    if (this.slash === undefined) this.decide(false);
  }

  /** An executable regular file without a final `*`: ls did not run with -F. */
  sawNoStar(): void {
    if (this.noStar) return;
    this.noStar = true;
    if (this.starsDropped > 0) this.problems.set('star', `an executable file's name without a final "*" after ${this.starsDropped} names whose final "*" was taken for ls -F's indicator and dropped: the listing is not ls -F (ls -p or --file-type), so those names are wrong; list without -F/-p/--file-type (ls -lRb)`);
  }

  /** A FIFO without `|` or a socket without `=`: ls ran with -p (or without indicators). */
  sawNoType(): void {
    this.sawNoStar();
    if (this.noType) return;
    this.noType = true;
    if (this.typesDropped > 0) this.problems.set('type', `a FIFO or socket without its indicator after ${this.typesDropped} names whose final "|", "=" or ">" was dropped as ls -F's: the listing is ls -p, so those names are wrong; list without -F/-p/--file-type (ls -lRb)`);
  }

  end(): ListingEnd {
    if (this.held.length > 0) {
      const ambiguous = this.held.filter((h) => !(this.noType || (h.kind === 'star' && this.noStar))).length;
      const example = this.lastHeld;
      this.decide(false);
      if (ambiguous > 0) {
        this.problems.set('held', `${ambiguous} names end in "*", "|", "=" or ">" (e.g. ${JSON.stringify(example)}), which ls -F/--file-type adds, and the listing has no directory entry to show whether ls ran with it: counted as written; list without -F/-p/--file-type (ls -lRb) to be sure`);
      }
    }
    return this.problems.size > 0 ? { problem: [...this.problems.values()].join('; ') } : {};
  }

  private add(prefix: P, name: string, type: string, size: number): void {
    if (name === '.' || name === '..') return;
    this.emit(prefix, name, type, size);
  }

  private hold(prefix: P, text: string, type: string, size: number, kind: 'star' | 'type'): boolean {
    this.held.push({ prefix, text, type, size, kind });
    this.lastHeld = text;
    return true;
  }

  private decide(slash: boolean): void {
    this.slash = slash;
    const held = this.held;
    this.held = [];
    for (const h of held) {
      let text = h.text;
      if (slash && !(h.kind === 'star' ? this.noStar : this.noType)) {
        text = text.slice(0, -1);
        if (h.kind === 'star') this.starsDropped += 1;
        else this.typesDropped += 1;
      }
      this.add(h.prefix, unescapeLsName(text), h.type, h.size);
    }
  }

  /** A line that is a long line but for a size like `4.0K` (ls -h, --si, --block-size=K). */
  human(): void {
    this.problems.set('human', 'sizes are not in bytes (like "4.0K": ls -h, --si or --block-size): such lines cannot be parsed; make the listing without -h (ls -lRb)');
  }

  private notC(): undefined {
    this.problems.set('c', 'the listing began with names in double quotes (ls -Q, --quoting-style=c), but a later name or header is not quoted so: names not quoted cannot be parsed (for ls\'s shell quoting, make the listing with ls -lRb)');
    return undefined;
  }

  private shell(): undefined {
    this.problems.set('shell', "names are quoted with single quotes (ls --quoting-style=shell, shell-escape, shell-always or locale; ls's default on a terminal): such names are not read; make the listing with ls -lRb (--quoting-style=escape) or ls -lRQ");
    return undefined;
  }
}

/** `ls -i` (inode) and `ls -s` (blocks) columns before the permissions. */
const LEADING_COLUMNS = /^ *\d+ +(?:\d+ +)?(?=[-dlcbpsDCMn?][-rwxsStTlL?]{9}[.+@]? )/;
/** `ls -sh`'s block column (`4.0K`) before the permissions. */
const LEADING_HUMAN = /^ *\d+(?:[.,]\d+)?[kKMGTPEZYRQ]?(?:iB|B)? +(?=[-dlcbpsDCMn?][-rwxsStTlL?]{9}[.+@]? )/;
const HUMAN_SIZE = / \d+(?:[.,]\d+)?[kKMGTPEZYRQ](?:iB|B)? /;

/**
 * An ls long line: parseLongLine, also after `ls -i`'s inode and `ls -s`'s block columns.
 * Returns the entry and the line from its permissions on, or 'human' for a long line whose
 * size is not in bytes (ls -h), or undefined.
 */
export function parseLsLine(line: string): [LongEntry, string] | 'human' | undefined {
  const entry = parseLongLine(line);
  if (entry) return [entry, line];
  const lead = LEADING_COLUMNS.exec(line);
  const rest = lead ? line.slice(lead[0].length) : line;
  if (lead) {
    const inner = parseLongLine(rest);
    if (inner) return [inner, rest];
  }
  const blocks = LEADING_HUMAN.exec(rest);
  const after = blocks ? rest.slice(blocks[0].length) : rest;
  const human = HUMAN_SIZE.exec(after);
  if (human && parseLongLine(after.replace(human[0], ' 0 '))) return 'human';
  return undefined;
}

const TYPE_INDICATOR: Record<string, string> = { p: '|', s: '=', D: '>' };

/** Any execute bit in the permissions that open the line (`x`, `s` or `t`; `S`/`T` are not). */
function isExecutable(line: string): boolean {
  const x = (c: string | undefined): boolean => c === 'x' || c === 's' || c === 't';
  return x(line[3]) || x(line[6]) || x(line[9]);
}

/** The last character, or '' when a backslash escapes it (an odd run of backslashes before it). */
function unescapedLast(text: string): string {
  if (text.length === 0) return '';
  let slashes = 0;
  for (let i = text.length - 2; i >= 0 && text[i] === '\\'; i -= 1) slashes += 1;
  return slashes % 2 === 0 ? (text[text.length - 1] as string) : '';
}

/**
 * A name as ls -Q / --quoting-style=c prints it: `"…"` (a backslash escapes what follows),
 * then nothing, one indicator character, or for a symlink ` -> ` and its target.
 */
function cQuoted(raw: string, type: string): { inner: string; after: string } | undefined {
  const i = closingQuote(raw, 0);
  if (i < 0) return undefined;
  const after = raw.slice(i + 1);
  const ok = after === '' || (after.length === 1 && '/*|=>@'.includes(after)) || ((type === 'l' || type === 'h') && (after.startsWith(' -> ') || after.startsWith(' link to ')));
  return ok ? { inner: raw.slice(1, i), after } : undefined;
}

/**
 * Whether a name is written as a shell word with quotes: `'…'` or `$'…'` pieces (and `\'`,
 * `"…"` and plain characters between them) from its start to its end (or to ` -> ` or an
 * indicator). ls -b never prints such a word unless the name itself starts with `'` or `$'`
 * and ends with `'` (refused too: it cannot be told apart).
 */
function shellQuoted(raw: string): boolean {
  if (!(raw.startsWith("'") || raw.startsWith("$'") || raw.startsWith(" '") || raw.startsWith(" $'"))) return false;
  let i = raw.startsWith(' ') ? 1 : 0;
  let quotes = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === "'" || (c === '$' && raw[i + 1] === "'")) {
      const dollar = c === '$';
      i += dollar ? 2 : 1;
      while (i < raw.length && raw[i] !== "'") i += dollar && raw[i] === '\\' ? 2 : 1;
      if (i >= raw.length) return false;
      i += 1;
      quotes += 1;
    } else if (c === '"') {
      const close = closingQuote(raw, i);
      if (close < 0) return false;
      i = close + 1;
    } else if (c === '\\') i += 2;
    else if (c === ' ') return quotes > 0 && (raw.startsWith(' -> ', i) || raw.startsWith(' link to ', i));
    else if (i === raw.length - 1 && '/*|=>@'.includes(c as string)) return quotes > 0;
    else i += 1;
  }
  return quotes > 0;
}

/**
 * `ls -b` / `ls -Q` escapes undone: unescapeName's, plus a backslash before one of
 * `:@=|*>` (GNU ls escapes `:` in headers, and the indicator characters under -F or
 * --file-type) — a backslash that is itself escaped (`\\`) starts none.
 */
export function unescapeLsName(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let changed = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i] as string;
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1] as string;
      if (LS_ONLY.includes(next)) {
        out += next;
        changed = true;
      } else out += ch + next;
      i += 1;
    } else out += ch;
  }
  return unescapeName(changed ? out : text);
}

const LS_ONLY = ':@=|*>';

/** Where the `"…"` (C escapes: a backslash escapes what follows) opening at `from` closes, or -1. */
export function closingQuote(text: string, from: number): number {
  if (text[from] !== '"') return -1;
  let i = from + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i < text.length ? i : -1;
}
