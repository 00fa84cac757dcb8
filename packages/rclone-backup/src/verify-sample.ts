import { seededRandom } from '@rclone-b2/core';
import type { LedgerJoin } from './ledger.js';
import { SampleSelector, type Candidate, type Totals } from './sample.js';
import type { VerifyConditions } from './verify-conditions.js';

/** A file chosen for a content check. */
export type Sampled = Pick<Candidate, 'path' | 'size'>;

/** A row offered to the sample: its path is decoded only if the selector ever looks at it (a tie, or chosen). */
class RowCandidate implements Candidate {
  constructor(
    private readonly ledger: LedgerJoin,
    private readonly row: number,
    readonly size: number,
    readonly mtimeMs: number,
    readonly verifiedMs: number | undefined,
    readonly tier: 0 | 1,
  ) {}

  get path(): string {
    return this.ledger.path(this.row);
  }
}

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
 * filler; by the SampleSelector when a data or file budget is set (one random draw per
 * offered file, in listing order, so a seed gives the same sample), else all of them, kept
 * as row numbers of the ledger's table.
 */
export function chooseSample(ledger: LedgerJoin, conditions: VerifyConditions, options: { rotating: boolean; seed?: number }, totals: Totals, now: number): SampleChoice {
  const everyFile = !conditions.data && !conditions.files;
  const selector = everyFile ? undefined : new SampleSelector(conditions, totals, seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)));
  const everyRow: number[] = [];
  const selected = { files: 0, bytes: 0 };
  const age = conditions.age;
  const isYoung = (mtimeMs: number): boolean => !age || mtimeMs >= now - age.ms;
  const candidate = (row: number): RowCandidate => {
    const mtimeMs = ledger.mtimeMs(row);
    return new RowCandidate(ledger, row, ledger.size(row), mtimeMs, ledger.verifiedMs(row), isYoung(mtimeMs) ? 0 : 1);
  };
  for (let row = 0; row < ledger.rows; row++) {
    const mtimeMs = ledger.mtimeMs(row);
    const young = isYoung(mtimeMs);
    if (!young && !options.rotating) continue;
    const size = ledger.size(row);
    if (selector) {
      const verifiedMs = ledger.verifiedMs(row);
      const tier = young ? 0 : 1;
      // A candidate object only for a row the selector may keep: most rows are turned away.
      selector.offerLazily(size, tier, verifiedMs, row, candidate);
    } else {
      everyRow.push(row);
      selected.files += 1;
      selected.bytes += size;
    }
  }
  if (!selector) return { files: rowsOf(ledger, everyRow), selected };
  const sample = selector.result();
  for (const c of sample) {
    selected.files += 1;
    selected.bytes += c.size;
  }
  return { files: sample, selected };
}
