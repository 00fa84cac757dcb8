import type { ListingSink } from '../tree.js';
import type { LineParser } from './types.js';

const DU_LINE = /^(\d+)\t([^]+)$/;

/**
 * `du -ab` (or `du -b`, `du -ak`...): `SIZE<TAB>PATH`, already totals. A line naming a
 * directory seen before (du lists contents first) sets that directory's total, so the
 * report repeats du's own numbers (including directory inode sizes) for every path.
 */
export class DuParser implements LineParser {
  readonly format = 'du' as const;
  parseLine(line: string, sink: ListingSink): boolean {
    if (line === '') return true;
    const match = DU_LINE.exec(line);
    if (!match) return false;
    sink.addTotal(match[2] as string, Number(match[1]));
    return true;
  }
}
