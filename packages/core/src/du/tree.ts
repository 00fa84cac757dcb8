/**
 * The du tree: sizes aggregated per path, fed one listing entry at a time.
 *
 * Memory is one small record per distinct path: directories are nodes, files are a name
 * and a number in two arrays of their directory (no hashing per file; appending is O(1)).
 * Directories that the input never names are created on the way, so every ancestor gets
 * a total. `finish()` (called by every reader of totals) sorts each directory's files by
 * name if they did not arrive sorted (rclone and B2 list them sorted), merges repeated
 * names (their sizes add up) and computes every directory's total once, post-order.
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
  /** File names directly in this directory, and their sizes (same positions). */
  names: string[] | null = null;
  sizes: number[] | null = null;
  /** Whether `names` is strictly increasing (then it holds no repeats either). */
  sorted = true;
  /** The sum of `sizes`. */
  fileBytes = 0;
  /** Sizes of files whose path equals this directory's (a file/directory collision). */
  own = 0;
  /** A total reported by `du` output, used instead of the sum when set. */
  reported = -1;
  /** The total below this directory; valid after `DuTree.finish()`. */
  total = 0;
  dirs: Map<string, DuDir> | null = null;
  /** The full path and `path/`, cached by `pathOf`/`prefixOf` when a report needs them. */
  path: string | undefined = undefined;
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
  private dirty = false;
  private paths = 0;

  add(path: string, size: number): void {
    const [dir, name] = this.split(path);
    if (name !== undefined) this.addFile(dir, name, size);
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
    if (dir.dirs !== null) {
      const sub = dir.dirs.get(name);
      if (sub !== undefined) {
        sub.own += size;
        return;
      }
    }
    const names = dir.names;
    if (names === null) {
      dir.names = [name];
      dir.sizes = [size];
    } else {
      if (dir.sorted && !((names[names.length - 1] as string) < name)) dir.sorted = false;
      names.push(name);
      (dir.sizes as number[]).push(size);
    }
    dir.fileBytes += size;
  }

  /** Normalises the directories and computes every total (cheap when nothing changed). */
  finish(): void {
    if (!this.dirty) return;
    this.paths = 0;
    this.normalise(this.root);
    this.dirty = false;
  }

  /** The grand total of everything added. */
  get total(): number {
    this.finish();
    return this.root.total;
  }

  /** Number of distinct paths (files and directories). */
  get count(): number {
    this.finish();
    return this.paths;
  }

  private child(parent: DuDir, name: string): DuDir {
    const dirs = (parent.dirs ??= new Map());
    let node = dirs.get(name);
    if (node === undefined) {
      node = new DuDir(name, parent);
      dirs.set(name, node);
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

  private normalise(dir: DuDir): number {
    if (dir.names !== null) {
      if (!dir.sorted) sortFiles(dir);
      if (dir.dirs !== null) moveFilesNamedLikeDirs(dir);
      this.paths += dir.names.length;
    }
    let sum = dir.own + dir.fileBytes;
    if (dir.dirs !== null) {
      this.paths += dir.dirs.size;
      for (const sub of dir.dirs.values()) sum += this.normalise(sub);
    }
    dir.total = dir.reported >= 0 ? dir.reported : sum;
    return dir.total;
  }
}

function trimSlashes(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end -= 1;
  return end === path.length ? path : path.slice(0, end);
}

/** Sorts a directory's files by name (code-unit order) and adds up repeated names. */
function sortFiles(dir: DuDir): void {
  const names = dir.names as string[];
  const sizes = dir.sizes as number[];
  const order = Array.from(names.keys()).sort((a, b) => {
    const x = names[a] as string;
    const y = names[b] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const sortedNames: string[] = [];
  const sortedSizes: number[] = [];
  for (const i of order) {
    const name = names[i] as string;
    if (sortedNames.length > 0 && sortedNames[sortedNames.length - 1] === name) {
      sortedSizes[sortedSizes.length - 1]! += sizes[i] as number;
    } else {
      sortedNames.push(name);
      sortedSizes.push(sizes[i] as number);
    }
  }
  dir.names = sortedNames;
  dir.sizes = sortedSizes;
  dir.sorted = true;
}

/** A file added before a directory of the same path was created: its size moves to that directory. */
function moveFilesNamedLikeDirs(dir: DuDir): void {
  const dirs = dir.dirs as Map<string, DuDir>;
  const names = dir.names as string[];
  const sizes = dir.sizes as number[];
  if (!names.some((name) => dirs.has(name))) return;
  const keptNames: string[] = [];
  const keptSizes: number[] = [];
  names.forEach((name, i) => {
    const sub = dirs.get(name);
    const size = sizes[i] as number;
    if (sub === undefined) {
      keptNames.push(name);
      keptSizes.push(size);
    } else {
      sub.own += size;
      dir.fileBytes -= size;
    }
  });
  dir.names = keptNames;
  dir.sizes = keptSizes;
}
