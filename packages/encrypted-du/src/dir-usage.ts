// Bytes per directory, split the way the bill is: current versions and old/deleted ones, each
// as plaintext bytes (what the files hold) and as stored bytes (what B2 bills: the encrypted
// size with rclone-crypt's header and per-block overhead), plus the parts of unfinished large
// files (stored, billed, invisible to rclone). One row per directory, in typed-array columns:
// memory grows with directories, not with versions. Parents get lower ids than their
// children, so one reverse pass adds every directory into its parent.

export const USAGE_COLUMNS = ['currentPlain', 'oldPlain', 'currentStored', 'oldStored', 'unfinishedStored'] as const;
export type UsageColumn = (typeof USAGE_COLUMNS)[number];
export type UsageRow = { path: string } & Record<UsageColumn, number>;

const WIDTH = USAGE_COLUMNS.length;
const COLUMN: Record<UsageColumn, number> = { currentPlain: 0, oldPlain: 1, currentStored: 2, oldStored: 3, unfinishedStored: 4 };

export class DirUsage {
  private readonly ids = new Map<string, number>([['', 0]]);
  private readonly paths: string[] = [''];
  private readonly parents: number[] = [-1];
  private values = new Float64Array(WIDTH * 256);
  private lastDir = '';
  private lastId = 0;

  /** Adds `bytes` to `column` of the directory holding the file at `filePath`. */
  add(filePath: string, column: UsageColumn, bytes: number): void {
    if (bytes !== 0) this.addAt(this.dirOf(filePath), column, bytes);
  }

  /** The id of the directory holding the file at `filePath` (for addAt: one lookup per file, not per version). */
  dirOf(filePath: string): number {
    const dir = filePath.slice(0, Math.max(0, filePath.lastIndexOf('/')));
    const id = dir === this.lastDir ? this.lastId : this.idOf(dir);
    this.lastDir = dir;
    this.lastId = id;
    return id;
  }

  /** Adds `bytes` to `column` of directory `id` (from dirOf). */
  addAt(id: number, column: UsageColumn, bytes: number): void {
    this.values[id * WIDTH + COLUMN[column]]! += bytes;
  }

  private idOf(dir: string): number {
    const known = this.ids.get(dir);
    if (known !== undefined) return known;
    const parent = this.idOf(dir.slice(0, Math.max(0, dir.lastIndexOf('/'))));
    const id = this.paths.length;
    this.ids.set(dir, id);
    this.paths.push(dir);
    this.parents.push(parent);
    if (this.values.length < (id + 1) * WIDTH) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    return id;
  }

  /** Every directory with the totals of everything below it, parents before children ('' = the whole listing). */
  rows(): UsageRow[] {
    const totals = this.values.slice(0, this.paths.length * WIDTH);
    for (let id = this.paths.length - 1; id > 0; id -= 1) {
      const parent = this.parents[id]!;
      for (let c = 0; c < WIDTH; c += 1) totals[parent * WIDTH + c]! += totals[id * WIDTH + c]!;
    }
    return this.paths.map((path, id) => ({
      path,
      currentPlain: totals[id * WIDTH]!,
      oldPlain: totals[id * WIDTH + 1]!,
      currentStored: totals[id * WIDTH + 2]!,
      oldStored: totals[id * WIDTH + 3]!,
      unfinishedStored: totals[id * WIDTH + 4]!,
    }));
  }

  /** The whole listing's totals. */
  total(): UsageRow {
    return this.rows()[0]!;
  }
}

/** Everything the bucket bills for: current + old + unfinished stored bytes. */
export const storedTotal = (row: UsageRow): number => row.currentStored + row.oldStored + row.unfinishedStored;
