import { formatSize } from '@rclone-b2/core';
import { storedTotal, type UsageRow } from './dir-usage.js';

/**
 * The whole listing's total, as `du -c` ends with one: a plaintext line (what the files hold)
 * and a stored line (what B2 bills: encrypted sizes with rclone-crypt's overhead, plus the
 * parts of unfinished large files), each `SIZE<TAB>total …` with its split in words.
 */
export function bucketTotalLines(row: UsageRow, human: boolean): string {
  const size = (n: number): string => (human ? formatSize(n) : String(n));
  return (
    `${size(row.currentPlain + row.oldPlain)}\ttotal plaintext (current ${size(row.currentPlain)}, old/deleted ${size(row.oldPlain)})\n` +
    `${size(storedTotal(row))}\ttotal stored, billed by B2 (current ${size(row.currentStored)}, old/deleted ${size(row.oldStored)}, unfinished large files ${size(row.unfinishedStored)})\n`
  );
}
