import type { Writable } from 'node:stream';
import type { DuTree } from './tree.js';
import { ChunkWriter } from './printers/chunk-writer.js';
import { csvPrinter } from './printers/csv.js';
import { jsonPrinter } from './printers/json.js';
import { ncduPrinter } from './printers/ncdu.js';
import { textPrinter } from './printers/text.js';
import type { DuFormat, DuPrinter, DuReportOptions } from './printers/types.js';

export const duPrinters: Record<DuFormat, DuPrinter> = {
  text: textPrinter,
  csv: csvPrinter,
  json: jsonPrinter,
  ncdu: ncduPrinter,
};

/** Writes the tree as a report (text by default) to `output`, honouring back-pressure. */
export async function writeDuReport(tree: DuTree, output: Writable, options: DuReportOptions = {}): Promise<void> {
  const out = new ChunkWriter(output);
  await duPrinters[options.format ?? 'text'].print(tree, out, options);
  await out.flush();
}
