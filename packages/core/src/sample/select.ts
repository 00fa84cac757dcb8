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

/** Where a tie on everything else is settled: the rows' paths, compared as strings. */
export interface RowPaths {
  path(row: number): string;
}

const START = 1024;
/** Draws made at a time by a drawAhead source. */
const AHEAD = 1024;

/**
 * Picks the files to verify from a stream of candidates, in memory bounded by the
 * sample rather than the tree. Order of preference: the conditions' own files before
 * rotation fillers, then never / least recently verified, then a random key —
 * Efraimidis–Spirakis weighted by size² when a data budget is set (large files are
 * strongly preferred: one download transaction buys more bytes), uniform otherwise;
 * a tie on all three goes to the path, in string order.
 *
 * The heap keeps the best candidates seen so far and drops the worst as soon as it can
 * no longer be chosen: when more than `files=` are held, or (soft data budget) when the
 * others already reach the budget without it — so the result is exactly what sorting
 * everything would give. A soft budget may be overshot by the last file. A hard (`<`)
 * budget is never exceeded: files larger than it are skipped outright, and the best
 * candidates worth twice the budget are kept and filled greedily (files that do not fit
 * are skipped), which bounds memory at the price of not searching the whole tree for
 * small files to fill the last gap.
 *
 * Candidates are the caller's rows (numbers), held in typed-array columns rather than
 * objects: a million-file listing admits tens of thousands on the way to a sample of ten
 * thousand, and objects for them cost more (allocation, collection, fresh pages) than the
 * choice. SampleSelector below offers Candidate objects through it.
 */
export class RowSampleSelector {
  private readonly byData: boolean;
  private readonly budget: number;
  private readonly hard: boolean;
  private readonly maxFiles: number;
  private readonly keep: number;
  private readonly limit: number;
  /** A binary heap, least preferred on top, in columns; the position past the last free one is a scratch slot. */
  private count = 0;
  private bytes = 0;
  private rows = new Int32Array(START + 1);
  private keys = new Float64Array(START + 1);
  /** When last verified, -Infinity for never. */
  private verified = new Float64Array(START + 1);
  private sizes = new Float64Array(START + 1);
  private tiers = new Uint8Array(START + 1);
  /** Draws made ahead by `drawAhead`, and how many of them are used. */
  private readonly ahead: Float64Array | undefined;
  private used = AHEAD;

  constructor(
    conditions: SampleConditions,
    totals: Totals,
    private readonly random: () => number,
    private readonly paths: RowPaths,
    /** Told of each row the heap lets go of after taking it. */
    private readonly dropped: (row: number) => void = () => undefined,
    /**
     * Fills its argument with the next draws of `random`, in order (SeededRandom's fill),
     * for a source nothing else draws from: the selector then takes its draws from a typed
     * array, the same ones in the same order, rather than a number returned per offer().
     */
    private readonly drawAhead?: (out: Float64Array) => void,
  ) {
    this.ahead = drawAhead ? new Float64Array(AHEAD) : undefined;
    this.byData = conditions.data !== undefined;
    this.budget = conditions.data ? (conditions.data.percent ? (totals.bytes * conditions.data.amount) / 100 : conditions.data.amount) : Infinity;
    this.hard = conditions.data?.hard ?? false;
    this.maxFiles = conditions.files ? Math.ceil(conditions.files.percent ? (totals.files * conditions.files.amount) / 100 : conditions.files.amount) : Infinity;
    this.keep = this.hard ? 2 * this.budget : this.budget;
    this.limit = this.hard ? Math.max(this.maxFiles, 0) * 2 : this.maxFiles;
  }

  /** Candidates held so far. */
  get held(): number {
    return this.count;
  }

  /** Offers `row` (verifiedMs -Infinity: never verified, or changed since); whether the heap took it. */
  offer(row: number, size: number, tier: 0 | 1, verifiedMs: number): boolean {
    const u = Math.max(this.ahead ? this.nextAhead(this.ahead) : this.random(), Number.MIN_VALUE);
    if (this.hard && size > this.budget) return false;
    const key = this.byData ? Math.log(u) / Math.max(size, 1) ** 2 : u;
    // Most of a big tree ends here, in code small enough to be inlined into the caller's
    // loop (a call per row would box its times as heap numbers: ~30 MB of garbage a million rows).
    if (this.count > 0 && this.full()) {
      const worse = tier - (this.tiers[0] as number) || verifiedMs - (this.verified[0] as number) || (this.keys[0] as number) - key;
      if (worse > 0) return false;
    }
    return this.admit(row, size, tier, verifiedMs, key);
  }

  /**
   * offer() with the size in numbers[0] and when last verified in numbers[1]: for a caller
   * in whose loop offer() is not inlined, where a time passed as an argument is a fresh heap
   * number per row.
   */
  offerFrom(row: number, tier: 0 | 1, numbers: Float64Array): boolean {
    return this.offer(row, numbers[0] as number, tier, numbers[1] as number);
  }

  private nextAhead(ahead: Float64Array): number {
    if (this.used === AHEAD) {
      (this.drawAhead as (out: Float64Array) => void)(ahead);
      this.used = 0;
    }
    return ahead[this.used++] as number;
  }

  private admit(row: number, size: number, tier: 0 | 1, verifiedMs: number, key: number): boolean {
    if (this.count + 1 >= this.rows.length) this.grow();
    const s = this.rows.length - 1;
    this.rows[s] = row;
    this.keys[s] = key;
    this.verified[s] = verifiedMs;
    this.sizes[s] = size;
    this.tiers[s] = tier;
    if (this.count > 0 && this.compare(s, 0) > 0 && this.full()) return false;
    this.push(s);
    while (this.count > 0 && (this.count > this.limit || this.bytes - (this.sizes[0] as number) >= this.keep)) this.pop();
    return true;
  }

  /** The chosen rows, most preferred first, and their files and bytes. */
  result(): { rows: number[]; selected: Totals } {
    const ordered = Array.from({ length: this.count }, (_, i) => i).sort((a, b) => this.compare(a, b));
    const rows: number[] = [];
    let bytes = 0;
    for (const i of ordered) {
      const size = this.sizes[i] as number;
      if (rows.length >= this.maxFiles) break;
      if (this.hard) {
        if (bytes + size > this.budget) continue;
      } else if (bytes >= this.budget) {
        break;
      }
      rows.push(this.rows[i] as number);
      bytes += size;
    }
    return { rows, selected: { files: rows.length, bytes } };
  }

  private full(): boolean {
    return this.count + 1 > this.limit || this.bytes >= this.keep;
  }

  /** Negative when a is preferred: own files before fillers, never/least recently verified first, the higher random key, the path. */
  private compare(a: number, b: number): number {
    const order = (this.tiers[a] as number) - (this.tiers[b] as number) || (this.verified[a] as number) - (this.verified[b] as number) || (this.keys[b] as number) - (this.keys[a] as number);
    // Only the sign: a difference of times or keys returned from a call that is not inlined
    // is a heap number, and the heap compares ~1.5M times on a million files.
    if (order) return order > 0 ? 1 : -1;
    const pa = this.paths.path(this.rows[a] as number);
    const pb = this.paths.path(this.rows[b] as number);
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  }

  private move(to: number, from: number): void {
    this.rows[to] = this.rows[from] as number;
    this.keys[to] = this.keys[from] as number;
    this.verified[to] = this.verified[from] as number;
    this.sizes[to] = this.sizes[from] as number;
    this.tiers[to] = this.tiers[from] as number;
  }

  /** Adds the item in scratch slot s. */
  private push(s: number): void {
    this.bytes += this.sizes[s] as number;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(parent, s) >= 0) break;
      this.move(i, parent);
      i = parent;
    }
    this.move(i, s);
  }

  private pop(): void {
    this.dropped(this.rows[0] as number);
    this.bytes -= this.sizes[0] as number;
    const n = --this.count;
    if (n === 0) return;
    const s = this.rows.length - 1;
    this.move(s, n);
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const worse = right < n && this.compare(right, left) > 0 ? right : left;
      if (this.compare(worse, s) <= 0) break;
      this.move(i, worse);
      i = worse;
    }
    this.move(i, s);
  }

  private grow(): void {
    const size = 2 * (this.rows.length - 1) + 1;
    const rows = new Int32Array(size);
    rows.set(this.rows);
    const keys = new Float64Array(size);
    keys.set(this.keys);
    const verified = new Float64Array(size);
    verified.set(this.verified);
    const sizes = new Float64Array(size);
    sizes.set(this.sizes);
    const tiers = new Uint8Array(size);
    tiers.set(this.tiers);
    this.rows = rows;
    this.keys = keys;
    this.verified = verified;
    this.sizes = sizes;
    this.tiers = tiers;
  }
}

/** RowSampleSelector for Candidate objects (those it holds are kept until it drops them). */
export class SampleSelector {
  private readonly rows: RowSampleSelector;
  private readonly candidates = new Map<number, Candidate>();
  private next = 0;

  constructor(conditions: SampleConditions, totals: Totals, random: () => number) {
    const candidate = (row: number): Candidate => this.candidates.get(row) as Candidate;
    this.rows = new RowSampleSelector(conditions, totals, random, { path: (row) => candidate(row).path }, (row) => this.candidates.delete(row));
  }

  offer(c: Candidate): void {
    const row = this.next++;
    this.candidates.set(row, c);
    if (!this.rows.offer(row, c.size, c.tier, c.verifiedMs ?? -Infinity)) this.candidates.delete(row);
  }

  /** Candidates held so far (what the memory is bounded by). */
  get held(): number {
    return this.rows.held;
  }

  /** The chosen files, most preferred first. */
  result(): Candidate[] {
    return this.rows.result().rows.map((row) => this.candidates.get(row) as Candidate);
  }
}

/** selectSample over an array (tests, small inputs): the same choice as the streaming SampleSelector. */
export function selectSample(candidates: Iterable<Candidate>, conditions: SampleConditions, totals: Totals, random: () => number): Candidate[] {
  const selector = new SampleSelector(conditions, totals, random);
  for (const c of candidates) selector.offer(c);
  return selector.result();
}
