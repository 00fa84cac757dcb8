import { NameArena } from './arena.js';
import { FILE_STRIDE, findFile, moveFilesNamedLikeDirs, sortFiles } from './tree-files.js';

export { FILE_STRIDE } from './tree-files.js';

/**
 * The du tree: sizes aggregated per path, fed one listing entry at a time.
 *
 * Memory is one small record per distinct path: directories are nodes; a file is its
 * name's UTF-8 bytes in the tree's NameArena plus three numbers (name offset, name
 * length, size) appended to its directory's `files` array: no string object and no
 * hashing per file.
 * Directories that the input never names are created on the way, so every ancestor gets
 * a total. `finish()` (called by every reader of totals) sorts each directory's files by
 * name bytes if they did not arrive sorted (rclone and B2 list them sorted), merges
 * repeated names (their sizes add up) and computes every directory's total once.
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
  /** Files directly in this directory: [name offset, name byte length, size] triplets. */
  files: number[] | null = null;
  /** Whether the files' names are strictly increasing (then there are no repeats either). */
  sorted = true;
  /** File count after the last sort-and-merge: unsorted input is merged again when it doubles. */
  merged = 0;
  /** While unsorted: the length of `files` that is still sorted. */
  sortedEnd = 0;
  /** The sum of the files' sizes. */
  fileBytes = 0;
  /** Sizes of files whose path equals this directory's (a file/directory collision). */
  own = 0;
  /** A total reported by `du` output, used instead of the sum when set. */
  reported = -1;
  /** The total below this directory; valid after `DuTree.finish()`. */
  total = 0;
  dirs: Map<string, DuDir> | null = null;
  /** This directory's name in the arena (set when a report first needs it), and its byte length. */
  nameAt = -1;
  nameLength = 0;
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
  readonly arena = new NameArena();
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

  /** Adds a file named `name` directly under `dir`. */
  addFile(dir: DuDir, name: string, size: number): void {
    this.dirty = true;
    if (dir.dirs !== null) {
      const sub = dir.dirs.get(name);
      if (sub !== undefined) {
        sub.own += size;
        return;
      }
    }
    if (this.scratch.length < name.length * 3) this.scratch = Buffer.allocUnsafe(name.length * 3);
    const length = this.scratch.write(name, 0, 'utf8');
    this.insert(dir, this.scratch, 0, length, size);
  }

  /** Adds a file whose UTF-8 name is `bytes[start, end)` (the parsers' hot path: no string made). */
  addFileBytes(dir: DuDir, bytes: Buffer, start: number, end: number, size: number): void {
    if (dir.dirs !== null) {
      this.addFile(dir, bytes.toString('utf8', start, end), size);
      return;
    }
    this.dirty = true;
    this.insert(dir, bytes, start, end, size);
  }

  private scratch = Buffer.allocUnsafe(1024);

  /**
   * Appends a file; when its name does not sort after the previous one, it is first
   * looked up (binary search) among the files known to be sorted, so a path listed again
   * adds to its entry instead of taking memory.
   */
  private insert(dir: DuDir, bytes: Buffer, start: number, end: number, size: number): void {
    dir.fileBytes += size;
    const files = dir.files;
    const arena = this.arena;
    const length = end - start;
    if (files === null) {
      dir.files = [arena.appendBytes(bytes, start, end), length, size];
      return;
    }
    const last = files.length - FILE_STRIDE;
    if (!(dir.sorted && arena.compareWith(files[last] as number, files[last + 1] as number, bytes, start, end) < 0)) {
      const found = findFile(arena, files, dir.sorted ? files.length : dir.sortedEnd, bytes, start, end);
      if (found >= 0) {
        files[found + 2]! += size;
        return;
      }
      if (dir.sorted) {
        dir.sorted = false;
        dir.sortedEnd = files.length;
      }
    }
    files.push(arena.appendBytes(bytes, start, end), length, size);
    // Unsorted input: merge as it grows, so repeated paths never pile up.
    if (!dir.sorted && files.length > FILE_STRIDE * (2 * dir.merged + 64)) sortFiles(dir, arena);
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
    if (dir.files !== null) {
      if (!dir.sorted) sortFiles(dir, this.arena);
      if (dir.dirs !== null) moveFilesNamedLikeDirs(dir, this.arena);
      this.paths += dir.files.length / FILE_STRIDE;
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
