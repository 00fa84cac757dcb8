import type { SampleConditions, Totals } from './sample.js';

// Core's SampleSelector for rows of verify's file table: the same draws, the same
// comparisons and the same heap moves, so the same sample for a seed, but the candidates
// held in typed-array columns rather than two objects each. A million-file listing admits
// tens of thousands of candidates on the way to a sample of ten thousand, and their
// objects cost more (allocation, collection, fresh pages) than the choice itself.

/** Where a tie on everything else is settled: the rows' paths, as core compares them (strings). */
export interface RowPaths {
  path(row: number): string;
}

const START = 1024;

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
  /** When last verified, -Infinity for never (as core's `?? -Infinity`). */
  private verified = new Float64Array(START + 1);
  private sizes = new Float64Array(START + 1);
  private tiers = new Uint8Array(START + 1);

  constructor(
    conditions: SampleConditions,
    totals: Totals,
    private readonly random: () => number,
    private readonly paths: RowPaths,
  ) {
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

  /** SampleSelector.offerLazily for `row` (verifiedMs -Infinity: never verified, or changed since). */
  offer(row: number, size: number, tier: 0 | 1, verifiedMs: number): void {
    const u = Math.max(this.random(), Number.MIN_VALUE);
    if (this.hard && size > this.budget) return;
    const key = this.byData ? Math.log(u) / Math.max(size, 1) ** 2 : u;
    // Most of a big tree ends here, in code small enough to be inlined into the caller's
    // loop (a call per row would box its times as heap numbers: ~30 MB of garbage a million rows).
    if (this.count > 0 && this.full()) {
      const worse = tier - (this.tiers[0] as number) || verifiedMs - (this.verified[0] as number) || (this.keys[0] as number) - key;
      if (worse > 0) return;
    }
    this.admit(row, size, tier, verifiedMs, key);
  }

  private admit(row: number, size: number, tier: 0 | 1, verifiedMs: number, key: number): void {
    if (this.count + 1 >= this.rows.length) this.grow();
    const s = this.rows.length - 1;
    this.rows[s] = row;
    this.keys[s] = key;
    this.verified[s] = verifiedMs;
    this.sizes[s] = size;
    this.tiers[s] = tier;
    if (this.count > 0 && this.compare(s, 0) > 0 && this.full()) return;
    this.push(s);
    while (this.count > 0 && (this.count > this.limit || this.bytes - (this.sizes[0] as number) >= this.keep)) this.pop();
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

  /** Core's compare: negative when a is preferred. */
  private compare(a: number, b: number): number {
    const order = (this.tiers[a] as number) - (this.tiers[b] as number) || (this.verified[a] as number) - (this.verified[b] as number) || (this.keys[b] as number) - (this.keys[a] as number);
    if (order) return order;
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
