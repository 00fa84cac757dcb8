import { DuTree, type ListingSink } from '../tree.js';
import type { LineParser, ListingEnd } from './types.js';

const DU_LINE = /^(\d+)\t([^]+)$/;

/**
 * `du -ab` (or `du -b`, `du --block-size=1`): `SIZE<TAB>PATH`, already totals, in bytes
 * (du does not say its unit, so `du -ak` cannot be told apart). A line naming a directory
 * seen before (du lists contents first) sets that directory's total, so the report repeats
 * du's own numbers (including directory inode sizes) for every path.
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

  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const match = DU_LINE.exec(line);
    if (!match) return false;
    // Read from the tree once, not per line (nothing to compute when this is the first input).
    if (this.lines === 0 && this.held === undefined && sink instanceof DuTree) this.before = sink.isEmpty() ? 0 : sink.total;
    const path = match[2] as string;
    const size = Number(match[1]);
    if (this.held !== undefined) this.add('total', this.held, sink);
    this.held = undefined;
    if (path === 'total') this.held = size;
    else this.add(path, size, sink);
    return true;
  }

  end(sink: ListingSink): ListingEnd {
    const held = this.held;
    this.held = undefined;
    if (held === undefined) return {};
    if (this.lines > 0 && this.before !== undefined && sink instanceof DuTree && sink.total - this.before === held) {
      return { note: `the last line "${held}\\ttotal" is du's grand total (du -c): not counted` };
    }
    this.add('total', held, sink);
    return {};
  }

  private add(path: string, size: number, sink: ListingSink): void {
    sink.addTotal(path, size);
    this.lines += 1;
  }
}
