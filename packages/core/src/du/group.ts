/**
 * Ids `from..to-1` grouped by `key(id)` (ids whose key is -1 are left out), by a counting
 * sort: returns [where each key's group starts (plus a final end), the ids group by group,
 * ascending within a group]. Two sequential passes, no object per id. `column` makes the
 * (zeroed) array of ids.
 */
export function groupIds(keys: number, from: number, to: number, key: (id: number) => number, column: (n: number) => Uint32Array = (n) => new Uint32Array(n)): [Uint32Array, Uint32Array] {
  const first = new Uint32Array(keys + 1);
  for (let id = from; id < to; id += 1) {
    const k = key(id);
    if (k >= 0) first[k + 1]! += 1;
  }
  for (let k = 0; k < keys; k += 1) first[k + 1]! += first[k] as number;
  const next = first.slice(0, keys);
  const order = column(first[keys] as number);
  for (let id = from; id < to; id += 1) {
    const k = key(id);
    if (k >= 0) order[next[k]!++] = id;
  }
  return [first, order];
}
