import { DuTree, type ListingSink } from '../tree.js';
import type { LineParser, ListingEnd } from './types.js';

const DU_LINE = /^(\d+)\t([^]+)$/;

/**
 * The time column `du --time` prints between the size and the path, by --time-style
 * (long-iso is du's default; TIME_STYLE=full-iso in the environment gives full-iso).
 * `+FORMAT` can print anything, so it has no pattern: see DuParser.
 */
const TIME_STYLES: ReadonlyArray<readonly [string, RegExp]> = [
  ['long-iso', /^-?\d{4,}-\d\d-\d\d \d\d:\d\d$/],
  ['full-iso', /^-?\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? [+-]\d{4}$/],
  ['iso', /^-?\d{4,}-\d\d-\d\d$/],
];

/** Lines held while it is not known whether a second tab ends a time column or is part of a name. */
const MAX_UNDECIDED = 1000;

/**
 * `du -ab` (or `du -b`, `du --block-size=1`): `SIZE<TAB>PATH`, already totals, in bytes
 * (du does not say its unit, so `du -ak` cannot be told apart). A line naming a directory
 * seen before (du lists contents first) sets that directory's total, so the report repeats
 * du's own numbers (including directory inode sizes) for every path.
 *
 * `du --time` puts a time column between them: `SIZE<TAB>TIME<TAB>PATH`. Decided once,
 * from the first line: no second tab, plain du; a second tab after a time of a known style
 * (long-iso, full-iso, iso), du --time with that style, and from then on every line must
 * carry such a time (the path is everything after it, tabs and all). A second tab after
 * anything else is either `--time-style=+FORMAT` (anything) or a name holding a tab: lines
 * are held until one without a second tab proves plain du; if none comes within
 * MAX_UNDECIDED lines (or before the end), the input is refused, nothing counted.
 *
 * `du -c` ends with a grand-total line, `N<TAB>total`, which is no path. It is taken for
 * one only where it cannot be anything else: the last line, named `total`, whose size is
 * the sum of the top-level entries (what this input added to the tree's root total). A
 * path `total` that fails any of these is an ordinary entry.
 */
export class DuParser implements LineParser {
  readonly format = 'du' as const;
  /** A line `N<TAB>total`, held until the next line (or the end) says what it is. */
  private held: number | undefined;
  private lines = 0;
  /** The tree's total before this input (undefined: not known, the sink is no DuTree). */
  private before: number | undefined;
  /** undefined: not decided; null: plain du; a pattern: du --time of that style. */
  private time: RegExp | null | undefined;
  private timeStyle = '';
  /** Lines (size, text after the first tab) held while undecided; refused once too many. */
  private undecided: Array<[number, string]> = [];
  private refused = false;

  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const match = DU_LINE.exec(line);
    if (!match) return false;
    const size = Number(match[1]);
    let path = match[2] as string;
    if (this.time !== null) {
      if (this.time === undefined) return this.decide(size, path, sink);
      const tab = path.indexOf('\t');
      if (tab < 0 || !this.time.test(path.slice(0, tab))) return false;
      path = path.slice(tab + 1);
      if (path === '') return false;
    }
    this.entry(size, path, sink);
    return true;
  }

  /** The first lines: plain du, du --time of a known style, or held (see the class comment). */
  private decide(size: number, rest: string, sink: ListingSink): boolean {
    if (this.refused) return true;
    const tab = rest.indexOf('\t');
    if (tab < 0) {
      this.time = null;
      const held = this.undecided;
      this.undecided = [];
      for (const [s, p] of held) this.entry(s, p, sink);
      this.entry(size, rest, sink);
      return true;
    }
    if (this.undecided.length === 0) {
      const field = rest.slice(0, tab);
      for (const [style, pattern] of TIME_STYLES) {
        if (pattern.test(field)) {
          this.time = pattern;
          this.timeStyle = style;
          if (tab + 1 >= rest.length) return false;
          this.entry(size, rest.slice(tab + 1), sink);
          return true;
        }
      }
    }
    this.undecided.push([size, rest]);
    if (this.undecided.length >= MAX_UNDECIDED) this.refuse();
    return true;
  }

  private refuse(): void {
    this.refused = true;
    this.undecided = [];
  }

  end(sink: ListingSink): ListingEnd {
    if (this.time === undefined && (this.undecided.length > 0 || this.refused)) {
      this.refuse();
      return {
        problem:
          'every line has a second tab after a column that is no time du prints by default or with --time-style=long-iso, full-iso or iso: ' +
          'du --time --time-style=+FORMAT cannot be told from names holding tabs; nothing read (make the listing with du -ab, or du -ab --time --time-style=long-iso)',
      };
    }
    const held = this.held;
    this.held = undefined;
    const notes: string[] = [];
    if (this.time) notes.push(`du --time (${this.timeStyle}): the time column is not part of the paths`);
    if (held !== undefined) {
      if (this.lines > 0 && this.before !== undefined && sink instanceof DuTree && sink.total - this.before === held) {
        notes.push(`the last line "${held}\\ttotal" is du's grand total (du -c): not counted`);
      } else this.add('total', held, sink);
    }
    return notes.length > 0 ? { note: notes.join('; ') } : {};
  }

  private entry(size: number, path: string, sink: ListingSink): void {
    // Read from the tree once, not per line (nothing to compute when this is the first input).
    if (this.lines === 0 && this.held === undefined && sink instanceof DuTree) this.before = sink.isEmpty() ? 0 : sink.total;
    if (this.held !== undefined) this.add('total', this.held, sink);
    this.held = undefined;
    if (path === 'total') this.held = size;
    else this.add(path, size, sink);
  }

  private add(path: string, size: number, sink: ListingSink): void {
    sink.addTotal(path, size);
    this.lines += 1;
  }
}
