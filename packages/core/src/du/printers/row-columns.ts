/**
 * What printing the sorted rows needs, as plain typed arrays: the sort's order and keys,
 * the tree's columns and its two arenas. SortedRows reads the tree's own arrays; the
 * printing thread (text-parallel.ts) gets compact copies of the same.
 */
export interface RowColumns {
  /** Row ids in report order (a file id, or `fileRows + d` for directory d), and their complemented size halves. */
  ids: Uint32Array;
  hi: Uint32Array;
  lo: Uint32Array;
  fileRows: number;
  fileDir: Int32Array;
  /** File id's name is `names[fileNameAt[id], fileNameAt[id + 1])`. */
  fileNameAt: Uint32Array;
  dirPathAt: Uint32Array;
  dirPathLength: Uint32Array;
  dirPrefixLength: Uint32Array;
  dirOdd: Uint8Array;
  names: Buffer;
  paths: Buffer;
}

/** Where the bytes of a window of rows are, indexed from the window's first row. */
export interface RowWindow {
  prefixAt: Uint32Array;
  prefixLength: Uint32Array;
  nameAt: Uint32Array;
  nameLength: Uint32Array;
  /** 1 when the row's prefix (directory path) holds bytes that may need escaping. */
  prefixOdd: Uint8Array;
}

export function rowWindow(rows: number): RowWindow {
  return {
    prefixAt: new Uint32Array(rows),
    prefixLength: new Uint32Array(rows),
    nameAt: new Uint32Array(rows),
    nameLength: new Uint32Array(rows),
    prefixOdd: new Uint8Array(rows),
  };
}

/** Fills `w` for rows `[from, end)`: window index `k - from` is row k. */
export function gatherRows(c: RowColumns, w: RowWindow, from: number, end: number): void {
  const { ids, fileRows, fileDir, fileNameAt, dirPathAt, dirPathLength, dirPrefixLength, dirOdd } = c;
  const { prefixAt, prefixLength, nameAt, nameLength, prefixOdd } = w;
  for (let k = from; k < end; k += 1) {
    const id = ids[k] as number;
    const i = k - from;
    if (id >= fileRows) {
      const d = id - fileRows;
      prefixAt[i] = dirPathAt[d] as number;
      prefixLength[i] = dirPathLength[d] as number;
      prefixOdd[i] = dirOdd[d] as number;
      nameAt[i] = 0;
      nameLength[i] = 0;
    } else {
      const d = fileDir[id] as number;
      const at = fileNameAt[id] as number;
      prefixAt[i] = dirPathAt[d] as number;
      prefixLength[i] = dirPrefixLength[d] as number;
      prefixOdd[i] = dirOdd[d] as number;
      nameAt[i] = at;
      nameLength[i] = (fileNameAt[id + 1] as number) - at;
    }
  }
}
