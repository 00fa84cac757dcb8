import { seededRandom } from '@rclone-b2/core';
import type { LedgerJoin } from './ledger.js';
import { RowSampleSelector, type Candidate, type Totals } from './sample.js';
import type { VerifyConditions } from './verify-conditions.js';

/** A file chosen for a content check. */
export type Sampled = Pick<Candidate, 'path' | 'size'>;

function* rowsOf(ledger: LedgerJoin, rows: readonly number[]): Generator<Sampled> {
  for (const row of rows) yield ledger.fileAt(row);
}

export interface SampleChoice {
  files: Iterable<Sampled>;
  /** How many, and their bytes. */
  selected: Totals;
}

/**
 * The files whose contents to check, from the joined listing (load() done) in listing
 * order: those modified within `age` (all without one) and, rotating, every other file as a
 * filler; by core's RowSampleSelector when a data or file budget is set (one random draw per
 * offered file, in listing order, so a seed gives the same sample), else all of them, kept
 * as row numbers of the ledger's table.
 */
export function chooseSample(ledger: LedgerJoin, conditions: VerifyConditions, options: { rotating: boolean; seed?: number }, totals: Totals, now: number): SampleChoice {
  const everyFile = !conditions.data && !conditions.files;
  const selector = everyFile ? undefined : new RowSampleSelector(conditions, totals, seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)), ledger);
  const everyRow: number[] = [];
  const selected = { files: 0, bytes: 0 };
  const age = conditions.age;
  const isYoung = (mtimeMs: number): boolean => !age || mtimeMs >= now - age.ms;
  for (let row = 0; row < ledger.rows; row++) {
    const mtimeMs = ledger.mtimeMs(row);
    const young = isYoung(mtimeMs);
    if (!young && !options.rotating) continue;
    const size = ledger.size(row);
    if (selector) {
      selector.offer(row, size, young ? 0 : 1, ledger.verifiedMs(row) ?? -Infinity);
    } else {
      everyRow.push(row);
      selected.files += 1;
      selected.bytes += size;
    }
  }
  if (!selector) return { files: rowsOf(ledger, everyRow), selected };
  const sample = selector.result();
  return { files: sample.rows.map((row) => ({ path: ledger.path(row), size: ledger.size(row) })), selected: sample.selected };
}
