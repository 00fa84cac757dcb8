import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readLines, writeFileAtomically } from '@rclone-b2/core';

export interface LedgerEntry {
  size: number;
  /** When it was last verified equal (ms since the epoch). */
  verified: number;
}

/**
 * The verification ledger: one JSON object a line, `{"path":…,"size":…,"verified":ms}`.
 * Read line by line; rewritten whole to a temporary file that replaces the old one, so
 * a crash leaves the previous ledger intact.
 */
export async function readLedger(file: string): Promise<Map<string, LedgerEntry>> {
  const ledger = new Map<string, LedgerEntry>();
  let stream;
  try {
    stream = createReadStream(file);
    for await (const line of readLines(stream)) {
      if (!line.trim()) continue;
      try {
        const item = JSON.parse(line) as { path: string; size: number; verified: number };
        if (typeof item.path === 'string' && typeof item.verified === 'number') ledger.set(item.path, { size: item.size, verified: item.verified });
      } catch {
        // A damaged line only loses that file's history.
      }
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return ledger;
}

export async function writeLedger(file: string, ledger: ReadonlyMap<string, LedgerEntry>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  function* lines(): Generator<string> {
    for (const [path, entry] of ledger) yield `${JSON.stringify({ path, size: entry.size, verified: entry.verified })}\n`;
  }
  await writeFileAtomically(file, lines(), { tempPath: `${file}.tmp-${process.pid}` });
}

export interface Coverage {
  windowMs: number;
  filesPercent: number;
  bytesPercent: number;
}

/** Share of the backup's files and bytes verified (unchanged since) within the window. */
export function coverageOf(files: Iterable<{ size: number; mtimeMs: number; verifiedMs?: number }>, now: number, windowMs: number): Coverage {
  let total = 0;
  let bytes = 0;
  let coveredFiles = 0;
  let coveredBytes = 0;
  for (const f of files) {
    total += 1;
    bytes += f.size;
    if (f.verifiedMs !== undefined && f.verifiedMs >= now - windowMs) {
      coveredFiles += 1;
      coveredBytes += f.size;
    }
  }
  const pct = (a: number, b: number): number => (b === 0 ? 100 : Math.floor((1000 * a) / b) / 10);
  return { windowMs, filesPercent: pct(coveredFiles, total), bytesPercent: pct(coveredBytes, bytes) };
}
