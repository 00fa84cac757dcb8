import { sameBytes } from './bytes.js';
import type { FileTable } from './file-table.js';

/**
 * For a table that took names unchecked (FileTable.deferDuplicates): after each
 * directory's files are sorted by name (`order[first[d], first[d + 1])`), a name listed
 * more than once is a run of neighbours. The run's sizes go to its first file, the others
 * are taken out, and the groups are compacted (`first` and `order` rewritten in place), so
 * readers see each name once, exactly as if it had been looked up when added.
 * Returns the number of files taken out.
 */
export function mergeDuplicateNames(files: FileTable, dirCount: number, first: Uint32Array, order: Uint32Array): number {
  const names = files.names.bytes;
  const { nameAt, size } = files;
  let removed = 0;
  let to = 0;
  let from = 0;
  for (let d = 0; d < dirCount; d += 1) {
    const end = first[d + 1] as number;
    first[d] = to;
    if (!files.mayRepeat(d)) {
      if (removed > 0) order.copyWithin(to, from, end);
      to += end - from;
      from = end;
      continue;
    }
    let keep = -1;
    for (; from < end; from += 1) {
      const f = order[from] as number;
      if (keep >= 0) {
        const at = nameAt[f] as number;
        const length = (nameAt[f + 1] as number) - at;
        const keptAt = nameAt[keep] as number;
        if (length === (nameAt[keep + 1] as number) - keptAt && sameBytes(names, keptAt, names, at, length)) {
          size[keep]! += size[f] as number;
          files.remove(f);
          removed += 1;
          continue;
        }
      }
      keep = f;
      order[to++] = f;
    }
  }
  first[dirCount] = to;
  return removed;
}
