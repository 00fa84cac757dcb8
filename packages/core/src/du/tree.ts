/**
 * The du tree: sizes aggregated per path, fed one listing entry at a time.
 *
 * Memory is one small record per distinct path (directories are nodes, files are entries
 * of their directory's Map), never the input. Directories that the input never names are
 * created on the way, so every ancestor gets a total. Totals are computed once, lazily,
 * by `finish()` (post-order), so adding an entry costs O(1) when it lands in the same
 * directory as the previous one (listings are grouped by directory).
 */
export interface ListingSink {
  /** A non-directory entry (file, symlink, device...) of `size` bytes. Repeated paths add up. */
  add(path: string, size: number): void;
  /** A directory entry: establishes the directory; its own size is not counted. */
  addDirectory(path: string): void;
  /** An already aggregated total for a path, as `du` prints it (children listed first). */
  addTotal(path: string, total: number): void;
}

export class DuDir {
  /** Sizes of files whose path equals this directory's (a file/directory collision) and du totals. */
  own = 0;
  /** The total below this directory; valid after `DuTree.finish()`. */
  total = 0;
  /** A total reported by `du` output, used instead of the sum when set. */
  reported = -1;
  dirs: Map<string, DuDir> | null = null;
  files: Map<string, number> | null = null;
  /** The full path, cached by `pathOf` when a report needs it. */
  path: string | undefined = undefined;
  /** `path/`, cached by `prefixOf`. */
  prefix: string | undefined = undefined;
  constructor(
    readonly name: string,
    readonly parent: DuDir | null,
  ) {}
}

export class DuTree implements ListingSink {
  readonly root = new DuDir('', null);
  private lastDirPath: string | undefined;
  private lastDir: DuDir = this.root;
  private dirty = true;
  /** Number of distinct paths (files and directories). */
  count = 0;

  add(path: string, size: number): void {
    const [dir, name] = this.split(path);
    if (name === undefined) return;
    this.addFile(dir, name, size);
  }

  addDirectory(path: string): void {
    this.directory(trimSlashes(path));
  }

  addTotal(path: string, total: number): void {
    const [dir, name] = this.split(path);
    if (name === undefined) return;
    const existing = dir.dirs?.get(name);
    if (existing) {
      existing.reported = total;
      this.dirty = true;
    } else this.addFile(dir, name, total);
  }

  /** The directory node for a path ('' is the root), created with its ancestors if needed. */
  directory(path: string): DuDir {
    if (path === this.lastDirPath) return this.lastDir;
    let node = this.root;
    let start = 0;
    if (path.charCodeAt(0) === 47) {
      node = this.child(node, '/');
      start = 1;
    }
    while (start < path.length) {
      let end = path.indexOf('/', start);
      if (end < 0) end = path.length;
      if (end > start) node = this.child(node, path.slice(start, end));
      start = end + 1;
    }
    this.lastDirPath = path;
    this.lastDir = node;
    return node;
  }

  /** Adds a file named `name` directly under `dir` (the hot path of every parser). */
  addFile(dir: DuDir, name: string, size: number): void {
    this.dirty = true;
    const sub = dir.dirs?.get(name);
    if (sub) {
      sub.own += size;
      return;
    }
    const files = (dir.files ??= new Map());
    const previous = files.get(name);
    if (previous === undefined) this.count += 1;
    files.set(name, previous === undefined ? size : previous + size);
  }

  /** Computes every directory's total (idempotent; call after the last add). */
  finish(): void {
    if (!this.dirty) return;
    computeTotals(this.root);
    this.dirty = false;
  }

  /** The grand total of everything added. */
  get total(): number {
    this.finish();
    return this.root.total;
  }

  private child(parent: DuDir, name: string): DuDir {
    const dirs = (parent.dirs ??= new Map());
    let node = dirs.get(name);
    if (node === undefined) {
      node = new DuDir(name, parent);
      dirs.set(name, node);
      const asFile = parent.files?.get(name);
      if (asFile === undefined) this.count += 1;
      else {
        node.own = asFile;
        parent.files?.delete(name);
      }
      this.dirty = true;
    }
    return node;
  }

  private split(rawPath: string): [DuDir, string | undefined] {
    const path = trimSlashes(rawPath);
    const slash = path.lastIndexOf('/');
    if (slash < 0) return [this.root, path === '' ? undefined : path];
    if (slash === 0 && path.length === 1) return [this.root, '/'];
    return [this.directory(path.slice(0, slash === 0 ? 1 : slash)), path.slice(slash + 1)];
  }
}

function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end -= 1;
  return end === path.length ? path : path.slice(0, end);
}

function computeTotals(dir: DuDir): number {
  let sum = dir.own;
  if (dir.files) for (const size of dir.files.values()) sum += size;
  if (dir.dirs) for (const sub of dir.dirs.values()) sum += computeTotals(sub);
  dir.total = dir.reported >= 0 ? dir.reported : sum;
  return dir.total;
}
