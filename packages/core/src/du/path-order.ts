import { groupIds } from './group.js';
import type { DuTree } from './tree.js';

/** Which rows to visit: `shown[d]` prints directory d's row, `open[d]` also its contents. */
export interface RowFilter {
  shown: Uint8Array;
  open: Uint8Array;
  minSize: number;
}

/**
 * Row ids (file ids, then `files.count + d` for directory d) in full-path byte order
 * (`LC_ALL=C sort`), so that a stable sort by size alone leaves ties ordered by path.
 * Each directory's files come in name order from the tree (DuTree.finish groups them); its sub-directories are sorted
 * by name, each under two keys: `name` for its own row and `name/` for its contents,
 * exactly where full-path order puts them (`a` < `a.txt` < `a/x`). Files and keys are
 * then merged, and the walk descends at each contents key.
 */
export function pathOrderedRows(tree: DuTree, filter: RowFilter, rows: number): Uint32Array {
  const { dirs, files } = tree;
  const names = files.names.bytes;
  const paths = dirs.paths.bytes;
  const { nameAt, size } = files;
  const { pathAt, pathLength } = dirs;
  const dirNameAt = dirs.nameAt;
  const fileRows = files.count;
  // Each directory's files in name order, as finish() grouped them (walk only visits open directories).
  const { fileFirst, fileOrder } = tree;
  const fileDir = files.dir;
  const [dirFirst, dirOrder] = groupIds(dirs.count, 1, dirs.count, (d) => (filter.shown[d] === 1 ? (dirs.parent[d] as number) : -1));
  // A key is `d * 2 + 1` for the contents of directory d (`name/`), `d * 2` for its row (`name`).
  const keyLength = (key: number): number => {
    const d = key >>> 1;
    return (pathAt[d] as number) + (pathLength[d] as number) - (dirNameAt[d] as number);
  };
  const keyByte = (key: number, i: number, length: number): number => (i < length ? (paths[(dirNameAt[key >>> 1] as number) + i] as number) : 47);
  const compareKeys = (a: number, b: number): number => {
    const aLength = keyLength(a);
    const bLength = keyLength(b);
    const aFull = aLength + (a & 1);
    const bFull = bLength + (b & 1);
    const n = aFull < bFull ? aFull : bFull;
    for (let i = 0; i < n; i += 1) {
      const x = keyByte(a, i, aLength);
      const y = keyByte(b, i, bLength);
      if (x !== y) return x - y;
    }
    return aFull - bFull;
  };
  /** Negative when file f's name sorts before the key. */
  const fileBeforeKey = (f: number, key: number): boolean => {
    const at = nameAt[f] as number;
    const length = (nameAt[f + 1] as number) - at;
    const kLength = keyLength(key);
    const kFull = kLength + (key & 1);
    const n = length < kFull ? length : kFull;
    for (let i = 0; i < n; i += 1) {
      const x = names[at + i] as number;
      const y = keyByte(key, i, kLength);
      if (x !== y) return x < y;
    }
    return length < kFull;
  };

  const out = tree.uint32Column(rows);
  let k = 0;
  let keys = new Uint32Array(1024);
  let top = 0;
  const minSize = filter.minSize;
  const emitFiles = (from: number, to: number): void => {
    for (let i = from; i < to; i += 1) {
      const f = fileOrder[i] as number;
      if ((size[f] as number) >= minSize && (fileDir[f] as number) >= 0) out[k++] = f;
    }
  };
  const walk = (d: number): void => {
    const base = top;
    const childStart = dirFirst[d] as number;
    const childEnd = dirFirst[d + 1] as number;
    if (keys.length < top + 2 * (childEnd - childStart)) {
      const bigger = new Uint32Array(2 * (top + 2 * (childEnd - childStart)));
      bigger.set(keys.subarray(0, top));
      keys = bigger;
    }
    for (let i = childStart; i < childEnd; i += 1) {
      const c = dirOrder[i] as number;
      keys[top++] = c * 2;
      if (filter.open[c] === 1) keys[top++] = c * 2 + 1;
    }
    const end = top;
    if (end - base > 1) keys.subarray(base, end).sort(compareKeys);
    let i = fileFirst[d] as number;
    const filesEnd = fileFirst[d + 1] as number;
    for (let j = base; j < end; j += 1) {
      const key = keys[j] as number;
      let stop = i;
      while (stop < filesEnd && fileBeforeKey(fileOrder[stop] as number, key)) stop += 1;
      emitFiles(i, stop);
      i = stop;
      if ((key & 1) === 1) walk(key >>> 1);
      else out[k++] = fileRows + (key >>> 1);
    }
    emitFiles(i, filesEnd);
    top = base;
  };
  walk(0);
  return k === rows ? out : out.subarray(0, k);
}
