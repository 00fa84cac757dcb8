import { prefixOf, type DuSelectOptions, type ReportRows } from './select.js';
import type { DuDir, DuTree } from './tree.js';

interface Candidate {
  size: number;
  parent: DuDir;
  name: string;
  dir: boolean;
  path?: string;
}

const pathOfCandidate = (c: Candidate): string => (c.path ??= prefixOf(c.parent) + c.name);

/** Negative when a ranks before b: larger size first, then path (code-unit order). */
function compare(a: Candidate, b: Candidate): number {
  if (a.size !== b.size) return b.size - a.size;
  const pa = pathOfCandidate(a);
  const pb = pathOfCandidate(b);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/**
 * `--top N` without sorting everything: one pass over the tree keeping the N best rows
 * in a heap (worst on top); a path is built only when a size ties with the worst kept.
 */
export class TopRows implements ReportRows {
  private readonly rows: Candidate[];
  readonly length: number;

  constructor(tree: DuTree, top: number, options: DuSelectOptions) {
    tree.finish();
    const heap: Candidate[] = [];
    const maxDepth = options.depth ?? Infinity;
    const minSize = options.minSize ?? 0;
    const offer = (size: number, parent: DuDir, name: string, dir: boolean): void => {
      if (size < minSize) return;
      if (heap.length === top) {
        const worst = heap[0] as Candidate;
        if (size < worst.size) return;
        const candidate: Candidate = { size, parent, name, dir };
        if (compare(candidate, worst) >= 0) return;
        heap[0] = candidate;
        siftDown(heap);
      } else {
        heap.push({ size, parent, name, dir });
        siftUp(heap);
      }
    };
    const walk = (dir: DuDir, depth: number): void => {
      const { names, sizes } = dir;
      if (names !== null && sizes !== null) for (let i = 0; i < names.length; i += 1) offer(sizes[i] as number, dir, names[i] as string, false);
      if (dir.dirs) {
        for (const sub of dir.dirs.values()) {
          offer(sub.total, dir, sub.name, true);
          if (depth < maxDepth && sub.total >= minSize) walk(sub, depth + 1);
        }
      }
    };
    if (top > 0) walk(tree.root, 1);
    this.rows = heap.sort(compare);
    this.length = this.rows.length;
  }

  size(k: number): number {
    return (this.rows[k] as Candidate).size;
  }
  isDir(k: number): boolean {
    return (this.rows[k] as Candidate).dir;
  }
  parent(k: number): DuDir {
    return (this.rows[k] as Candidate).parent;
  }
  prefix(k: number): string {
    return prefixOf((this.rows[k] as Candidate).parent);
  }
  name(k: number): string {
    return (this.rows[k] as Candidate).name;
  }
  path(k: number): string {
    return pathOfCandidate(this.rows[k] as Candidate);
  }
}

// A max-heap on `compare` (the row ranking last is at the root).
function siftUp(heap: Candidate[]): void {
  let c = heap.length - 1;
  while (c > 0) {
    const p = (c - 1) >> 1;
    if (compare(heap[c] as Candidate, heap[p] as Candidate) <= 0) return;
    [heap[c], heap[p]] = [heap[p] as Candidate, heap[c] as Candidate];
    c = p;
  }
}

function siftDown(heap: Candidate[]): void {
  let at = 0;
  for (;;) {
    const l = 2 * at + 1;
    const r = l + 1;
    let m = at;
    if (l < heap.length && compare(heap[l] as Candidate, heap[m] as Candidate) > 0) m = l;
    if (r < heap.length && compare(heap[r] as Candidate, heap[m] as Candidate) > 0) m = r;
    if (m === at) return;
    [heap[at], heap[m]] = [heap[m] as Candidate, heap[at] as Candidate];
    at = m;
  }
}
