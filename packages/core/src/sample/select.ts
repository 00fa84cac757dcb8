// Sample selection shared by rclone-backup's verification and encrypted-restore's drills:
// least recently checked first, then a random key, within a file count and/or byte budget.

/** How much to pick: a file count and/or a byte budget (absolute or % of the totals; hard = never exceed). */
export interface SampleConditions {
  data?: { amount: number; percent: boolean; hard: boolean };
  files?: { amount: number; percent: boolean };
}

export interface Candidate {
  path: string;
  size: number;
  mtimeMs: number;
  /** When the ledger last saw it verified (ms), if ever since its last change. */
  verifiedMs?: number;
  /** 0 = matches the conditions' age (or no age given); 1 = only there to rotate coverage. */
  tier: 0 | 1;
}

export interface Totals {
  files: number;
  bytes: number;
}

interface Keyed {
  c: Candidate;
  key: number;
}

/** Negative when a is preferred: own files before fillers, never/least recently verified first, then the higher random key. */
function compare(a: Keyed, b: Keyed): number {
  return a.c.tier - b.c.tier || (a.c.verifiedMs ?? -Infinity) - (b.c.verifiedMs ?? -Infinity) || b.key - a.key || (a.c.path < b.c.path ? -1 : a.c.path > b.c.path ? 1 : 0);
}

/** A binary heap with the least preferred candidate on top, so it can be evicted cheaply. */
class WorstFirstHeap {
  readonly items: Keyed[] = [];
  bytes = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): Keyed | undefined {
    return this.items[0];
  }

  push(item: Keyed): void {
    const items = this.items;
    items.push(item);
    this.bytes += item.c.size;
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(items[parent] as Keyed, item) >= 0) break;
      items[i] = items[parent] as Keyed;
      i = parent;
    }
    items[i] = item;
  }

  pop(): void {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last) return;
    this.bytes -= top.c.size;
    if (items.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const worse = right < items.length && compare(items[right] as Keyed, items[left] as Keyed) > 0 ? right : left;
      if (compare(items[worse] as Keyed, last) <= 0) break;
      items[i] = items[worse] as Keyed;
      i = worse;
    }
    items[i] = last;
  }
}

/**
 * Picks the files to verify from a stream of candidates, in memory bounded by the
 * sample rather than the tree. Order of preference: the conditions' own files before
 * rotation fillers, then never / least recently verified, then a random key —
 * Efraimidis–Spirakis weighted by size² when a data budget is set (large files are
 * strongly preferred: one download transaction buys more bytes), uniform otherwise.
 *
 * The heap keeps the best candidates seen so far and drops the worst as soon as it can
 * no longer be chosen: when more than `files=` are held, or (soft data budget) when the
 * others already reach the budget without it — so the result is exactly what sorting
 * everything would give. A soft budget may be overshot by the last file. A hard (`<`)
 * budget is never exceeded: files larger than it are skipped outright, and the best
 * candidates worth twice the budget are kept and filled greedily (files that do not fit
 * are skipped), which bounds memory at the price of not searching the whole tree for
 * small files to fill the last gap.
 */
export class SampleSelector {
  private readonly heap = new WorstFirstHeap();
  private readonly byData: boolean;
  private readonly budget: number;
  private readonly hard: boolean;
  private readonly maxFiles: number;

  constructor(
    conditions: SampleConditions,
    totals: Totals,
    private readonly random: () => number,
  ) {
    this.byData = conditions.data !== undefined;
    this.budget = conditions.data ? (conditions.data.percent ? (totals.bytes * conditions.data.amount) / 100 : conditions.data.amount) : Infinity;
    this.hard = conditions.data?.hard ?? false;
    this.maxFiles = conditions.files ? Math.ceil(conditions.files.percent ? (totals.files * conditions.files.amount) / 100 : conditions.files.amount) : Infinity;
  }

  offer(c: Candidate): void {
    const u = Math.max(this.random(), Number.MIN_VALUE);
    if (this.hard && c.size > this.budget) return;
    this.admit({ c, key: this.byData ? Math.log(u) / Math.max(c.size, 1) ** 2 : u });
  }

  /** Bytes and files the heap may hold. */
  private get keep(): number {
    return this.hard ? 2 * this.budget : this.budget;
  }

  private get limit(): number {
    return this.hard ? Math.max(this.maxFiles, 0) * 2 : this.maxFiles;
  }

  /** The heap already holds all it may (admit left it so): a candidate worse than its worst would be pushed only to be popped again. */
  private full(): boolean {
    return this.heap.size + 1 > this.limit || this.heap.bytes >= this.keep;
  }

  private admit(item: Keyed): void {
    // Most of a big tree ends here.
    const top = this.heap.peek();
    if (top && compare(item, top) > 0 && this.full()) return;
    const { keep, limit } = this;
    this.heap.push(item);
    for (;;) {
      const worst = this.heap.peek();
      if (!worst) break;
      if (this.heap.size > limit || this.heap.bytes - worst.c.size >= keep) this.heap.pop();
      else break;
    }
  }

  /**
   * offer() for a candidate made only when it may be kept: the same draw and the same
   * choice, but `make` is not called for a file the full heap would turn away at once
   * (decided from its tier, last verification and key; a tie on all three needs the path,
   * so it is made then) — `make(id)`, one function for every file, so that nothing is
   * allocated per file turned away. For callers that hold millions of files in columns.
   */
  offerLazily(size: number, tier: 0 | 1, verifiedMs: number | undefined, id: number, make: (id: number) => Candidate): void {
    const u = Math.max(this.random(), Number.MIN_VALUE);
    if (this.hard && size > this.budget) return;
    const key = this.byData ? Math.log(u) / Math.max(size, 1) ** 2 : u;
    const top = this.heap.peek();
    if (top && this.full()) {
      const worse = tier - top.c.tier || (verifiedMs ?? -Infinity) - (top.c.verifiedMs ?? -Infinity) || top.key - key;
      if (worse > 0) return;
    }
    this.admit({ c: make(id), key });
  }

  /** Candidates held so far (what the memory is bounded by). */
  get held(): number {
    return this.heap.size;
  }

  /** The chosen files, most preferred first. */
  result(): Candidate[] {
    const ordered = [...this.heap.items].sort(compare);
    const chosen: Candidate[] = [];
    let bytes = 0;
    for (const { c } of ordered) {
      if (chosen.length >= this.maxFiles) break;
      if (this.hard) {
        if (bytes + c.size > this.budget) continue;
      } else if (bytes >= this.budget) {
        break;
      }
      chosen.push(c);
      bytes += c.size;
    }
    return chosen;
  }
}

/** selectSample over an array (tests, small inputs): the same choice as the streaming SampleSelector. */
export function selectSample(candidates: Iterable<Candidate>, conditions: SampleConditions, totals: Totals, random: () => number): Candidate[] {
  const selector = new SampleSelector(conditions, totals, random);
  for (const c of candidates) selector.offer(c);
  return selector.result();
}
