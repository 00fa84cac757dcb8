import type { NameArena } from './arena.js';
import type { DuDir } from './tree.js';

/** A directory's `files` array holds [name offset, name byte length, size] per file. */
export const FILE_STRIDE = 3;

/** The index in `files` of the name `bytes[start, end)` among the first `limit` entries (sorted), or -1. */
export function findFile(arena: NameArena, files: number[], limit: number, bytes: Buffer, start: number, end: number): number {
  let low = 0;
  let high = limit / FILE_STRIDE - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = mid * FILE_STRIDE;
    const order = arena.compareWith(files[at] as number, files[at + 1] as number, bytes, start, end);
    if (order === 0) return at;
    if (order < 0) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/** Sorts a directory's files by name bytes and adds up repeated names. */
export function sortFiles(dir: DuDir, arena: NameArena): void {
  const files = dir.files as number[];
  const count = files.length / FILE_STRIDE;
  const order = Array.from({ length: count }, (_, i) => i * FILE_STRIDE).sort(
    (a, b) => arena.compare(files[a] as number, files[a + 1] as number, files[b] as number, files[b + 1] as number) || a - b,
  );
  const sorted: number[] = [];
  for (const i of order) {
    const last = sorted.length - FILE_STRIDE;
    const start = files[i] as number;
    const length = files[i + 1] as number;
    if (last >= 0 && arena.compare(sorted[last] as number, sorted[last + 1] as number, start, length) === 0) {
      sorted[last + 2]! += files[i + 2] as number;
    } else sorted.push(start, length, files[i + 2] as number);
  }
  dir.files = sorted;
  dir.sorted = true;
  dir.merged = sorted.length / FILE_STRIDE;
}

/** A file added before a directory of the same path was created: its size moves to that directory. */
export function moveFilesNamedLikeDirs(dir: DuDir, arena: NameArena): void {
  const dirs = dir.dirs as Map<string, DuDir>;
  const files = dir.files as number[];
  const kept: number[] = [];
  let moved = false;
  for (let i = 0; i < files.length; i += FILE_STRIDE) {
    const size = files[i + 2] as number;
    const sub = dirs.get(arena.text(files[i] as number, files[i + 1] as number));
    if (sub === undefined) kept.push(files[i] as number, files[i + 1] as number, size);
    else {
      sub.own += size;
      dir.fileBytes -= size;
      moved = true;
    }
  }
  if (moved) dir.files = kept;
}
