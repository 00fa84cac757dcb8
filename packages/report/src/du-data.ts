import type { DuTree } from '@rclone-b2/core';
import type { DuNode, DuReportData, DuTableRow } from './data.js';
import { baseName, forEachDuRow, parentOf } from './du-rows.js';

export interface DuDataOptions {
  tool: string;
  title: string;
  /**
   * At most this many entries are drawn; everything smaller than the smallest of them is
   * summed per directory ("N smaller items"), which keeps a 1M-file report a few MB.
   */
  maxNodes?: number;
  /** Largest directories listed in the table. */
  tableRows?: number;
  /** The old versions' tree (same paths): hover and colour then show old-version bytes. */
  oldTree?: DuTree;
  pricePerTBMonth?: number;
  /** What the counts count (default 'files'). */
  countNoun?: string;
  now?: Date;
}

export const DEFAULT_MAX_NODES = 12_000;
const DEFAULT_TABLE_ROWS = 100;

/** Builds a treemap report's data from finished du trees (one pass over each). */
export async function duReportData(tree: DuTree, options: DuDataOptions): Promise<DuReportData> {
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const tableSize = options.tableRows ?? DEFAULT_TABLE_ROWS;
  const root: DuNode = { n: '', s: tree.total, f: 0, d: 1 };
  const dirs = new Map<string, DuNode>([['', root]]);
  /** Files and entries directly in each directory (all of them, shown or not). */
  const direct = new Map<string, { files: number; entries: number }>();
  /** The largest directories (the table); they may be too small to draw, so counted apart. */
  const table = new Map<string, DuTableRow>();
  let shown = 0;
  let threshold = 0;
  await forEachDuRow(tree, (row) => {
    const parent = parentOf(row.path);
    const counts = direct.get(parent) ?? { files: 0, entries: 0 };
    counts.entries += 1;
    if (!row.dir) counts.files += 1;
    direct.set(parent, counts);
    if (row.dir && table.size < tableSize) table.set(row.path, { path: row.path, bytes: row.size, files: 0 });
    if (shown >= maxNodes) {
      threshold = Math.max(threshold, row.size);
      return;
    }
    shown += 1;
    // Largest first with ties by path: a directory always arrives before its contents.
    const holder = dirs.get(parent);
    if (holder === undefined) throw new Error(`du rows out of order at ${row.path}`);
    const node: DuNode = row.dir ? { n: baseName(row.path), s: row.size, f: 0, d: 1 } : { n: baseName(row.path), s: row.size, f: 1 };
    (holder.c ??= []).push(node);
    if (row.dir) dirs.set(row.path, node);
  });
  countFiles(dirs, table, direct);
  if (options.oldTree) await addOldBytes(options.oldTree, root, dirs, table);
  for (const [path, node] of dirs) addRest(node, direct.get(path)?.entries ?? 0);
  return {
    kind: 'du',
    tool: options.tool,
    title: options.title,
    generated: (options.now ?? new Date()).toISOString(),
    root,
    threshold,
    countNoun: options.countNoun ?? 'files',
    hasOld: options.oldTree !== undefined,
    ...(options.pricePerTBMonth !== undefined ? { pricePerTBMonth: options.pricePerTBMonth } : {}),
    largest: [...table.values()],
  };
}

/** Each directory's file count (shown ones and the table's): its own files plus every directory's below it. */
function countFiles(dirs: Map<string, DuNode>, table: Map<string, DuTableRow>, direct: Map<string, { files: number }>): void {
  for (const [path, { files }] of direct) {
    if (files === 0) continue;
    for (let at = path; ; at = parentOf(at)) {
      const node = dirs.get(at);
      if (node) node.f += files;
      const row = table.get(at);
      if (row) row.files += files;
      if (at === '') break;
    }
  }
}

/** Old-version bytes of every shown entry, from the old versions' tree. */
async function addOldBytes(oldTree: DuTree, root: DuNode, dirs: Map<string, DuNode>, table: Map<string, DuTableRow>): Promise<void> {
  const byName = new Map<string, Map<string, DuNode>>();
  for (const [path, dir] of dirs) byName.set(path, new Map((dir.c ?? []).map((child) => [child.n, child])));
  root.o = oldTree.total;
  await forEachDuRow(oldTree, (row) => {
    const node = byName.get(parentOf(row.path))?.get(baseName(row.path));
    if (node) node.o = row.size;
    const tableRow = row.dir ? table.get(row.path) : undefined;
    if (tableRow) tableRow.old = row.size;
  });
  for (const row of table.values()) row.old ??= 0;
  for (const dir of dirs.values()) for (const child of dir.c ?? []) child.o ??= 0;
}

/** What the shown children leave of a directory: its smaller entries, summed. */
function addRest(dir: DuNode, entries: number): void {
  const children = dir.c ?? [];
  const s = dir.s - children.reduce((sum, c) => sum + c.s, 0);
  const f = dir.f - children.reduce((sum, c) => sum + c.f, 0);
  const hidden = entries - children.length;
  if (s <= 0 && hidden <= 0) return;
  dir.r = { s, f, k: Math.max(hidden, 0) };
  if (dir.o !== undefined) dir.r.o = dir.o - children.reduce((sum, c) => sum + (c.o ?? 0), 0);
}
