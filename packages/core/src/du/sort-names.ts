import { compareBytes } from './bytes.js';
import type { FileTable } from './file-table.js';

/** Below this many names a comparator sort is as quick. */
const SMALL = 64;
/** Key bytes taken after the names' common prefix (the rest of the 64-bit key is the index). */
const KEY_BYTES = 5;
/** The index's bits in a key (a directory of more names is sorted by comparator). */
const INDEX_BITS = 24;

let keys = new BigUint64Array(1024);
let words = new Uint32Array(keys.buffer);
let sorted = new Uint32Array(1024);
/** Where the high 32 bits of a key are in `words` (the platform's byte order). */
const HIGH = (() => {
  const probe = new BigUint64Array([1n]);
  return new Uint32Array(probe.buffer)[0] === 1 ? 1 : 0;
})();
const LOW = 1 - HIGH;

/**
 * Sorts the file ids `ids` (one directory's files) by name bytes, as `ids.sort(byName)`
 * would, but mostly natively: each name's first KEY_BYTES bytes after the directory's
 * common prefix, and its index, make a 64-bit key that BigUint64Array's own sort orders
 * (no JavaScript call per comparison, several times faster on directories of thousands of
 * names in random order, as crypt listings give them); only runs of equal keys are then
 * sorted by comparing whole names. A name shorter than the key is padded with zeros, which
 * can only tie with a longer one, never misorder it.
 */
export function sortIdsByName(files: FileTable, ids: Uint32Array): void {
  const names = files.names.bytes;
  const nameAt = files.nameAt;
  const byName = (a: number, b: number): number =>
    compareBytes(names, nameAt[a] as number, (nameAt[a + 1] as number) - (nameAt[a] as number), names, nameAt[b] as number, (nameAt[b + 1] as number) - (nameAt[b] as number));
  const n = ids.length;
  if (n < SMALL || n >= 1 << INDEX_BITS) {
    ids.sort(byName);
    return;
  }
  const firstAt = nameAt[ids[0] as number] as number;
  let common = (nameAt[(ids[0] as number) + 1] as number) - firstAt;
  for (let i = 1; i < n && common > 0; i += 1) {
    const id = ids[i] as number;
    const at = nameAt[id] as number;
    const length = (nameAt[id + 1] as number) - at;
    if (length < common) common = length;
    let j = 0;
    while (j < common && names[at + j] === names[firstAt + j]) j += 1;
    common = j;
  }
  if (keys.length < n) {
    keys = new BigUint64Array(n * 2);
    words = new Uint32Array(keys.buffer);
    sorted = new Uint32Array(n * 2);
  }
  for (let i = 0; i < n; i += 1) {
    const id = ids[i] as number;
    const at = (nameAt[id] as number) + common;
    const length = (nameAt[id + 1] as number) - at;
    let high = 0;
    for (let j = 0; j < 4; j += 1) high = high * 256 + (j < length ? (names[at + j] as number) : 0);
    const fifth = KEY_BYTES - 1 < length ? (names[at + KEY_BYTES - 1] as number) : 0;
    words[2 * i + HIGH] = high;
    words[2 * i + LOW] = ((fifth << INDEX_BITS) | i) >>> 0;
  }
  keys.subarray(0, n).sort();
  const mask = (1 << INDEX_BITS) - 1;
  for (let i = 0; i < n; i += 1) sorted[i] = ids[(words[2 * i + LOW] as number) & mask] as number;
  // Runs of equal keys: their order is decided by the whole names.
  let run = 0;
  for (let i = 1; i <= n; i += 1) {
    if (i < n && words[2 * i + HIGH] === words[2 * run + HIGH] && (words[2 * i + LOW] as number) >>> INDEX_BITS === (words[2 * run + LOW] as number) >>> INDEX_BITS) continue;
    if (i - run > 1) sorted.subarray(run, i).sort(byName);
    run = i;
  }
  ids.set(sorted.subarray(0, n));
}
