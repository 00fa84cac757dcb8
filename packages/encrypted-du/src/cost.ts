import { storageCostPerMonth, type PriceModel } from '@rclone-b2/core';
import type { DirUsage, UsageRow } from './dir-usage.js';

export interface CostRow {
  path: string;
  current: { bytes: number; cost: number };
  old: { bytes: number; cost: number };
}

export interface CostRowOptions {
  /** Only directories at most this many levels deep. */
  depth?: number | undefined;
  /** Only the N costliest. */
  top?: number | undefined;
}

/**
 * The directories' monthly storage cost from the listing's per-directory stored (billed)
 * bytes, split into current versions and old/deleted ones: costliest first (ties by
 * path), and the whole listing (path '') as the total.
 */
export function costRows(usage: DirUsage, model: PriceModel, options: CostRowOptions = {}): { rows: CostRow[]; total: CostRow } {
  const row = (r: UsageRow): CostRow => ({
    path: r.path,
    current: { bytes: r.currentStored, cost: storageCostPerMonth(r.currentStored, model) },
    old: { bytes: r.oldStored, cost: storageCostPerMonth(r.oldStored, model) },
  });
  const all = usage.rows();
  const { depth, top } = options;
  const rows = all
    .filter((r) => r.path !== '' && (depth === undefined || r.path.split('/').length <= depth))
    .map(row)
    .sort((a, b) => b.current.bytes + b.old.bytes - (a.current.bytes + a.old.bytes) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rows: top === undefined ? rows : rows.slice(0, top), total: row(all[0]!) };
}
