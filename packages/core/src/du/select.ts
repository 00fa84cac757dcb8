import type { DuDir, DuTree } from './tree.js';

/** Which lines a report shows; the tree itself always holds everything. */
export interface DuSelectOptions {
  /** Only paths with at most this many components (`a/b` has 2). */
  depth?: number | undefined;
  /** Only the N largest (after the other filters). */
  top?: number | undefined;
  /** Only paths whose total is at least this many bytes. */
  minSize?: number | undefined;
}

export interface DuRow {
  path: string;
  size: number;
  dir: boolean;
}

/** Joins a child name to its parent's path ('' is the listing root, '/' the filesystem root). */
export function joinPath(parent: string, name: string): string {
  if (parent === '') return name;
  if (parent === '/') return `/${name}`;
  return `${parent}/${name}`;
}

/**
 * Yields batches of rows, largest first, ties by path (code-unit order).
 * Collects only the selected rows: parallel arrays plus one index sort, so millions of
 * paths cost a few numbers each and no per-row objects until they are printed.
 */
export function* sortedRowBatches(tree: DuTree, options: DuSelectOptions, batchSize = 4096): Generator<DuRow[]> {
  tree.finish();
  const maxDepth = options.depth ?? Infinity;
  const minSize = options.minSize ?? 0;
  const paths: string[] = [];
  const sizes: number[] = [];
  const dirFlags: boolean[] = [];
  const walk = (dir: DuDir, prefix: string, depth: number): void => {
    if (depth > maxDepth) return;
    if (dir.files) {
      for (const [name, size] of dir.files) {
        if (size >= minSize) {
          paths.push(joinPath(prefix, name));
          sizes.push(size);
          dirFlags.push(false);
        }
      }
    }
    if (dir.dirs) {
      for (const sub of dir.dirs.values()) {
        const path = joinPath(prefix, sub.name);
        if (sub.total >= minSize) {
          paths.push(path);
          sizes.push(sub.total);
          dirFlags.push(true);
        }
        walk(sub, path, depth + 1);
      }
    }
  };
  walk(tree.root, '', 1);
  const order = sortIndices(paths, sizes, options.top);
  let batch: DuRow[] = [];
  for (const i of order) {
    batch.push({ path: paths[i] as string, size: sizes[i] as number, dir: dirFlags[i] as boolean });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

function sortIndices(paths: string[], sizes: number[], top: number | undefined): number[] {
  const compare = (a: number, b: number): number => {
    const d = (sizes[b] as number) - (sizes[a] as number);
    if (d !== 0) return d;
    const pa = paths[a] as string;
    const pb = paths[b] as string;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  };
  const n = paths.length;
  if (top !== undefined && top < n / 4) return topIndices(n, top, compare);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  return order.sort(compare);
}

/** The `top` smallest indices under `compare`, with a bounded max-heap (O(n log top)). */
function topIndices(n: number, top: number, compare: (a: number, b: number) => number): number[] {
  const heap: number[] = [];
  const worse = (a: number, b: number): boolean => compare(heap[a] as number, heap[b] as number) > 0;
  const swap = (a: number, b: number): void => {
    const t = heap[a] as number;
    heap[a] = heap[b] as number;
    heap[b] = t;
  };
  const siftDown = (start: number): void => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && worse(l, m)) m = l;
      if (r < heap.length && worse(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (let i = 0; i < n && top > 0; i += 1) {
    if (heap.length < top) {
      heap.push(i);
      let c = heap.length - 1;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (!worse(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (compare(i, heap[0] as number) < 0) {
      heap[0] = i;
      siftDown(0);
    }
  }
  return heap.sort(compare);
}
