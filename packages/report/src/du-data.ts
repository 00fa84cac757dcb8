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
  const largest: string[] = [];
  let shown = 0;
  let threshold = 0;
  await forEachDuRow(tree, (row) => {
    const parent = parentOf(row.path);
    const counts = direct.get(parent) ?? { files: 0, entries: 0 };
    counts.entries += 1;
    if (!row.dir) counts.files += 1;
    direct.set(parent, counts);
    if (row.dir && largest.length < tableSize) largest.push(row.path);
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
  countFiles(dirs, direct);
  if (options.oldTree) await addOldBytes(options.oldTree, root, dirs);
  for (const [path, node] of dirs) addRest(node, direct.get(path)?.entries ?? 0);
  const table: DuTableRow[] = largest.map((path) => tableRow(path, dirs.get(path)));
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
    largest: table,
  };
}

function tableRow(path: string, node: DuNode | undefined): DuTableRow {
  if (node === undefined) throw new Error(`largest directory ${path} is not in the tree`);
  return node.o !== undefined ? { path, bytes: node.s, files: node.f, old: node.o } : { path, bytes: node.s, files: node.f };
}

/** Each directory's file count: its own files plus every directory's below it. */
function countFiles(dirs: Map<string, DuNode>, direct: Map<string, { files: number }>): void {
  for (const [path, { files }] of direct) {
    if (files === 0) continue;
    // A directory too small to show counts towards the nearest one shown.
    let at = path;
    while (!dirs.has(at)) at = parentOf(at);
    for (;;) {
      const node = dirs.get(at);
      if (node) node.f += files;
      if (at === '') break;
      at = parentOf(at);
    }
  }
}

/** Old-version bytes of every shown entry, from the old versions' tree. */
async function addOldBytes(oldTree: DuTree, root: DuNode, dirs: Map<string, DuNode>): Promise<void> {
  const byName = new Map<string, Map<string, DuNode>>();
  for (const [path, dir] of dirs) byName.set(path, new Map((dir.c ?? []).map((child) => [child.n, child])));
  root.o = oldTree.total;
  await forEachDuRow(oldTree, (row) => {
    const node = byName.get(parentOf(row.path))?.get(baseName(row.path));
    if (node) node.o = row.size;
  });
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
