import { hasNameEscapes, nameToBytes, versionedPath, writeVersionedPath, type DuTree } from '@rclone-b2/core';
import type { InventorySink } from './ls-sink.js';

/**
 * Feeds a du tree (the summaries, the HTML page). A file's path is encoded to bytes once,
 * and each old version's name is written as bytes next to it (writeVersionedPath), so the
 * tree gets exactly the bytes `tree.add(versionedPath(...))` would give it without a string
 * or a Date per version.
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
        }
        const size = entries.size[k] as number;
        if (entries.current[k] === 1) {
          tree.addPathBytes(bytes, 0, length, size);
          continue;
        }
        const time = entries.time[k] as number;
        const n = writeVersionedPath(bytes, 0, length, time, named);
        if (n < 0) tree.add(versionedPath(entries.path, time), size);
        else tree.addPathBytes(named, 0, n, size);
      }
    },
  };
}
