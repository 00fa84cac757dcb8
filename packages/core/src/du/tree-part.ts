import type { DuTree } from './tree.js';

/**
 * A tree built by another thread from a later part of a listing (parallel-read.ts), as
 * plain columns that cross threads without a copy (shared memory, or moved): directories
 * by path bytes, files by directory, size and name bytes. DuTree.absorb() adds it in.
 */
export interface TreePart {
  dirCount: number;
  /** Directory d's path is `paths[pathAt[d], pathAt[d] + pathLength[d])` (canonical; 0 is the root). */
  paths: Uint8Array;
  pathAt: Uint32Array;
  pathLength: Uint32Array;
  /** Per directory: 1 when its files arrived in strictly increasing name order. */
  inOrder: Uint8Array;
  fileCount: number;
  fileDir: Int32Array;
  fileSize: Float64Array;
  /** File i's name is `names[nameAt[i], nameAt[i + 1])`. */
  nameAt: Uint32Array;
  names: Uint8Array;
}

/** The part `tree` holds (views of its own columns: the tree must not change afterwards). */
export function treePart(tree: DuTree): TreePart {
  const { dirs, files } = tree;
  const inOrder = new Uint8Array(dirs.count);
  for (let d = 0; d < dirs.count; d += 1) inOrder[d] = files.inOrder(d) ? 1 : 0;
  return {
    dirCount: dirs.count,
    paths: dirs.paths.bytes.subarray(0, dirs.paths.length),
    pathAt: dirs.pathAt.subarray(0, dirs.count),
    pathLength: dirs.pathLength.subarray(0, dirs.count),
    inOrder,
    fileCount: files.count,
    fileDir: files.dir.subarray(0, files.count),
    fileSize: files.size.subarray(0, files.count),
    nameAt: files.nameAt.subarray(0, files.count + 1),
    names: files.names.bytes.subarray(0, files.names.length),
  };
}

/** Whether `value` has a TreePart's shape (it arrives from another thread by message). */
export function isTreePart(value: unknown): value is TreePart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as Partial<Record<keyof TreePart, unknown>>;
  return (
    typeof part.dirCount === 'number' &&
    typeof part.fileCount === 'number' &&
    part.paths instanceof Uint8Array &&
    part.pathAt instanceof Uint32Array &&
    part.pathLength instanceof Uint32Array &&
    part.inOrder instanceof Uint8Array &&
    part.fileDir instanceof Int32Array &&
    part.fileSize instanceof Float64Array &&
    part.nameAt instanceof Uint32Array &&
    part.names instanceof Uint8Array
  );
}
