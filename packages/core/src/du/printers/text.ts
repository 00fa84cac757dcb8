import { sortedRows, type SortedRows } from '../select.js';
import type { ChunkWriter } from './chunk-writer.js';
import { fillChunk, rowFiller, rowRoom } from './text-fill.js';
import { longReport, printRowsInParallel } from './text-parallel.js';
import { PrintThread } from './text-print-thread.js';
import type { DuPrinter, DuReportOptions } from './types.js';

const CHUNK = 256 * 1024;

/**
 * `SIZE<TAB>PATH`, as du prints it (`sort -n` and `sort -h` friendly); paths `ls -b` escaped
 * where they hold control characters, backslashes or invalid UTF-8. The full report is
 * assembled as bytes: digits by hand, each directory's prefix encoded once, names copied
 * from the tree's arena. No string per row. A long report is formatted by two threads
 * (text-parallel.ts), with the same bytes.
 */
export const textPrinter: DuPrinter = {
  async print(tree, out, options) {
    // Started before the sort when the report may be long: its start-up overlaps the sort.
    const thread = longReport(Math.min(options.top ?? Infinity, tree.files.count + tree.dirs.count)) ? PrintThread.start() : undefined;
    try {
      const rows = sortedRows(tree, options);
      if (thread !== undefined && longReport(rows.length)) await printRowsInParallel(rows, out, options.human ?? false, {}, thread);
      else await printBytes(rows, out, options);
    } finally {
      await thread?.stop();
    }
  },
};

async function printBytes(rows: SortedRows, out: ChunkWriter, options: DuReportOptions): Promise<void> {
  const columns = rows.columns();
  const human = options.human ?? false;
  // A window of rows at a time (SortedRows.gather): fillChunk indexes from the window's start.
  for (let from = 0; from < rows.length; ) {
    const end = rows.gather(from);
    const fill = rowFiller(columns, rows, human, from, end);
    let k = 0;
    while (k < fill.rows) {
      const buf = out.chunk(Math.max(CHUNK, rowRoom(rows, k)));
      const filled = fillChunk(fill, buf, k);
      k = filled.next;
      const wait = out.writeChunk(buf, filled.at);
      if (wait) await wait;
    }
    from = end;
  }
}
