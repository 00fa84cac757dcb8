import { frameVersionedPath, hasNameEscapes, nameToBytes, VERSION_SUFFIX_LENGTH, versionedPath, writeVersionSuffix, type DuTree } from '@rclone-b2/core';
import type { InventorySink } from './ls-sink.js';

const SLASH = 0x2f;

/**
 * Where a path's last segment starts when the path is plain (no leading, trailing or
 * doubled `/`: the tree's directory of `bytes[0, leaf - 1)` is then that text as it is);
 * -1 for any other path, which goes through the tree's general path handling.
 */
function leafStart(bytes: Uint8Array, length: number): number {
  if (length === 0 || bytes[0] === SLASH || bytes[length - 1] === SLASH) return -1;
  let leaf = 0;
  for (let i = 1; i < length; i += 1) {
    if (bytes[i] !== SLASH) continue;
    if (bytes[i - 1] === SLASH) return -1;
    leaf = i + 1;
  }
  return leaf;
}

/**
 * Feeds a du tree (the summaries, the HTML page). A file's path is encoded to bytes once and
 * its directory looked up once; its old versions' names are framed once (frameVersionedPath:
 * the leaf with a gap for the suffix) and each version writes only its 23 suffix bytes, so the
 * tree gets exactly the entries `tree.add(versionedPath(...))` would give it without a string
 * or a Date per version, nor a directory lookup or a copy of the name per version.
 */
export function treeAdder(tree: DuTree): Pick<InventorySink, 'add' | 'addFile'> {
  // Crypt listings come in encrypted-name order, so nearly every directory's plain names
  // arrive out of order: let the tree merge the rare repeated name after sorting instead of
  // hashing every version's name into a lookup table (a fifth of the time, ~130 MB at 10M).
  tree.files.deferDuplicates = true;
  let scratch = Buffer.allocUnsafe(1024);
  let named = Buffer.allocUnsafe(1024);
  return {
    add: (path, size) => tree.add(path, size),
    addFile: (entries, pick) => {
      let bytes: Buffer | undefined;
      let length = 0;
      let leaf = -1;
      let dir = 0;
      // Where the suffix goes in `named` (-1: not framed yet), and the old name's length.
      let gap = -1;
      let oldLength = 0;
      for (let k = 0; k < entries.count; k += 1) {
        if (!entries.picked(k, pick)) continue;
        if (bytes === undefined) {
          const path = entries.path;
          if (hasNameEscapes(path)) bytes = nameToBytes(path);
          else {
            if (scratch.length < path.length * 3) scratch = Buffer.allocUnsafe(path.length * 3);
            bytes = scratch;
          }
          length = bytes === scratch ? scratch.write(path, 0, 'utf8') : bytes.length;
          if (named.length < length + 64) named = Buffer.allocUnsafe(length + 64);
          leaf = leafStart(bytes, length);
          if (leaf > 0) dir = tree.dirId(bytes, 0, leaf - 1);
        }
        const size = entries.size[k] as number;
        if (entries.current[k] === 1) {
          // Not a plain path: the tree's general handling, from the whole path.
          if (leaf < 0) tree.addPathBytes(bytes, 0, length, size);
          else tree.addFileBytes(dir, bytes, leaf, length, size);
          continue;
        }
        if (gap < 0) {
          // A plain path's versions go into its directory by leaf; any other by whole path.
          const from = leaf < 0 ? 0 : leaf;
          gap = frameVersionedPath(bytes, from, length, named);
          oldLength = length - from + VERSION_SUFFIX_LENGTH;
        }
        const time = entries.time[k] as number;
        if (!writeVersionSuffix(named, gap, time)) tree.add(versionedPath(entries.path, time), size);
        else if (leaf < 0) tree.addPathBytes(named, 0, oldLength, size);
        else tree.addFileBytes(dir, named, 0, oldLength, size);
      }
    },
  };
}
