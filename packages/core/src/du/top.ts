import { prefixOf } from './paths.js';
import type { DuSelectOptions, ReportRows } from './select.js';
import { FILE_STRIDE, type DuDir, type DuTree } from './tree.js';
import type { NameArena } from './arena.js';

interface Candidate {
  size: number;
  parent: DuDir;
  /** A directory's name, or where a file's name is in the arena. */
  name: string | undefined;
  nameAt: number;
  nameLength: number;
  dir: boolean;
  path?: Buffer;
}

let arena: NameArena;

const nameOf = (c: Candidate): string => (c.name ??= arena.text(c.nameAt, c.nameLength));
const pathBytes = (c: Candidate): Buffer => (c.path ??= Buffer.from(prefixOf(c.parent) + nameOf(c)));

/** Negative when a ranks before b: larger size first, then path (byte order). */
function compare(a: Candidate, b: Candidate): number {
  if (a.size !== b.size) return b.size - a.size;
  return Buffer.compare(pathBytes(a), pathBytes(b));
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
    arena = tree.arena;
    const heap: Candidate[] = [];
    const maxDepth = options.depth ?? Infinity;
    const minSize = options.minSize ?? 0;
    const offer = (size: number, parent: DuDir, name: string | undefined, nameAt: number, nameLength: number, dir: boolean): void => {
      if (size < minSize) return;
      if (heap.length === top) {
        const worst = heap[0] as Candidate;
        if (size < worst.size) return;
        const candidate: Candidate = { size, parent, name, nameAt, nameLength, dir };
        if (compare(candidate, worst) >= 0) return;
        heap[0] = candidate;
        siftDown(heap);
      } else {
        heap.push({ size, parent, name, nameAt, nameLength, dir });
        siftUp(heap);
      }
    };
    const walk = (dir: DuDir, depth: number): void => {
      const files = dir.files;
      if (files !== null) {
        for (let i = 0; i < files.length; i += FILE_STRIDE) {
          offer(files[i + 2] as number, dir, undefined, files[i] as number, files[i + 1] as number, false);
        }
      }
      if (dir.dirs) {
        for (const sub of dir.dirs.values()) {
          offer(sub.total, dir, sub.name, 0, 0, true);
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
    return nameOf(this.rows[k] as Candidate);
  }
  path(k: number): string {
    return this.prefix(k) + this.name(k);
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
