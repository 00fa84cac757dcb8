import { formatSize } from '../../text/sizes.js';
import { SortedRows, sortedRows, type ReportRows } from '../select.js';
import type { ChunkWriter } from './chunk-writer.js';
import type { DuPrinter, DuReportOptions } from './types.js';

const CHUNK = 256 * 1024;

/**
 * `SIZE<TAB>PATH`, as du prints it (`sort -n` and `sort -h` friendly). The full report is
 * assembled as bytes: digits by hand, each directory's prefix encoded once, names copied
 * from the tree's arena. No string per row.
 */
export const textPrinter: DuPrinter = {
  async print(tree, out, options) {
    const rows = sortedRows(tree, options);
    if (rows instanceof SortedRows) await printBytes(rows, out, options);
    else await printStrings(rows, out, options);
  },
};

async function printBytes(rows: SortedRows, out: ChunkWriter, options: DuReportOptions): Promise<void> {
  const human = options.human ?? false;
  const names = rows.arena.bytes;
  const prefixes = rows.prefixBytes();
  const prefixBytes = prefixes.bytes;
  const prefixStart = prefixes.at;
  const prefixLengths = prefixes.length;
  const { meta, nameAt: nameStarts, nameLength: nameLengths, hi, lo } = rows.columns();
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  for (let k = 0; k < rows.length; k += 1) {
    const d = (meta[k] as number) >>> 1;
    const prefixAt = prefixStart[d] as number;
    const prefixLength = prefixLengths[d] as number;
    const nameAt = nameStarts[k] as number;
    const nameLength = nameLengths[k] as number;
    if (at + 40 + prefixLength + nameLength > buf.length) {
      const wait = out.write(buf.subarray(0, at));
      if (wait) await wait;
      buf = Buffer.allocUnsafe(Math.max(CHUNK, 64 + prefixLength + nameLength));
      at = 0;
    }
    // Sizes were sorted as complemented 32-bit halves; undo that.
    const size = (~(hi[k] as number) >>> 0) * 4294967296 + (~(lo[k] as number) >>> 0);
    if (human) at = writeAscii(buf, at, formatSize(size));
    else at = writeDigits(buf, at, size);
    buf[at++] = 9;
    for (let i = 0; i < prefixLength; i += 1) buf[at++] = prefixBytes[prefixAt + i] as number;
    for (let i = 0; i < nameLength; i += 1) buf[at++] = names[nameAt + i] as number;
    buf[at++] = 10;
  }
  if (at > 0) {
    const wait = out.write(buf.subarray(0, at));
    if (wait) await wait;
  }
}

async function printStrings(rows: ReportRows, out: ChunkWriter, options: DuReportOptions): Promise<void> {
  const human = options.human ?? false;
  let text = '';
  for (let k = 0; k < rows.length; k += 1) {
    const size = rows.size(k);
    text += (human ? formatSize(size) : size) + '\t' + rows.path(k) + '\n';
    if (text.length > 65536) {
      const wait = out.write(text);
      text = '';
      if (wait) await wait;
    }
  }
  const wait = out.write(text);
  if (wait) await wait;
}

function writeAscii(buf: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i += 1) buf[at + i] = text.charCodeAt(i);
  return at + text.length;
}

function writeDigits(buf: Buffer, at: number, value: number): number {
  if (value < 10) {
    buf[at] = 48 + value;
    return at + 1;
  }
  let digits = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) digits += 1;
  let v = value;
  for (let i = at + digits - 1; i >= at; i -= 1) {
    buf[i] = 48 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}
