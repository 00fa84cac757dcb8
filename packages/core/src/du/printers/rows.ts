import { sortedRowBatches, type DuRow } from '../select.js';
import type { DuTree } from '../tree.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { DuReportOptions } from './types.js';

/** Drives a row printer: selected, sorted rows in batches, written with back-pressure. */
export async function printRows(
  tree: DuTree,
  out: ChunkWriter,
  options: DuReportOptions,
  format: (rows: DuRow[]) => string,
): Promise<void> {
  for (const rows of sortedRowBatches(tree, options, 2048)) {
    const wait = out.write(format(rows));
    if (wait) await wait;
  }
}
