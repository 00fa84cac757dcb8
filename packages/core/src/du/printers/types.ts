import type { DuTree } from '../tree.js';
import type { DuSelectOptions } from '../select.js';
import type { ChunkWriter } from './chunk-writer.js';

export type DuFormat = 'text' | 'csv' | 'json' | 'ncdu';

export interface DuReportOptions extends DuSelectOptions {
  /** text, csv, json or ncdu (default text). */
  format?: DuFormat;
  /** Text format: sizes like `du -h` (1.5K, 20M) instead of bytes. */
  human?: boolean;
  /** ncdu metadata: program name and version. */
  progname?: string;
  progver?: string;
  /** ncdu metadata: export time (seconds since the epoch); default now. */
  timestamp?: number;
}

/** One output format. Printers only format; selection and sorting live in select.ts. */
export interface DuPrinter {
  print(tree: DuTree, out: ChunkWriter, options: DuReportOptions): Promise<void>;
}
