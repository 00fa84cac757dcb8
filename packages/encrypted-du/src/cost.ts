import { storageCostPerMonth, type PriceModel } from '@rclone-b2/core';
import { inventoryEntries, type PlainHistory } from './inventory.js';

/** Stored (billed) bytes below one directory: current versions of live files, and the rest. */
export interface DirectoryBytes {
  current: number;
  old: number;
}

/**
 * Adds up stored bytes per directory (every ancestor of each file, down to `depth` levels;
 * '' is the whole listing), split into current versions and old/deleted ones as the
 * inventories split them. Stored bytes are what B2 bills: the encrypted length, crypt's
 * header and per-block overhead included. Memory: one pair per directory.
 */
export class CostTree {
  readonly dirs = new Map<string, DirectoryBytes>();
  constructor(private readonly depth: number = Infinity) {}

  add(history: PlainHistory): void {
    const parts = history.path.split('/').slice(0, -1);
    const prefixes = [''];
    for (let i = 1; i <= Math.min(parts.length, this.depth); i++) prefixes.push(parts.slice(0, i).join('/'));
    for (const entry of inventoryEntries(history, (stored) => stored)) {
      for (const prefix of prefixes) {
        const dir = this.dirs.get(prefix) ?? { current: 0, old: 0 };
        if (entry.current) dir.current += entry.size;
        else dir.old += entry.size;
        this.dirs.set(prefix, dir);
      }
    }
  }
}

/** Passes the histories through, feeding each to the tree on the way (so the inventories and the cost see one listing). */
export async function* costTap<T extends PlainHistory>(histories: AsyncIterable<T>, tree: CostTree): AsyncGenerator<T> {
  for await (const history of histories) {
    tree.add(history);
    yield history;
  }
}

export interface CostRow {
  path: string;
  current: { bytes: number; cost: number };
  old: { bytes: number; cost: number };
}

/** The directories' monthly cost, costliest first (ties by path); the whole listing (path '') last. */
export function costRows(tree: CostTree, model: PriceModel, top?: number): { rows: CostRow[]; total: CostRow } {
  const row = (path: string, d: DirectoryBytes): CostRow => ({
    path,
    current: { bytes: d.current, cost: storageCostPerMonth(d.current, model) },
    old: { bytes: d.old, cost: storageCostPerMonth(d.old, model) },
  });
  const rows = [...tree.dirs]
    .filter(([path]) => path !== '')
    .map(([path, d]) => row(path, d))
    .sort((a, b) => b.current.bytes + b.old.bytes - (a.current.bytes + a.old.bytes) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rows: top === undefined ? rows : rows.slice(0, top), total: row('', tree.dirs.get('') ?? { current: 0, old: 0 }) };
}
