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
  const age = conditions.age;
  const young: Young = { all: !age, from: age ? now - age.ms : 0 };
  if (!conditions.data && !conditions.files) return everyRowOf(ledger, young, options.rotating);
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  // The source is the selector's alone, so it may draw ahead (a typed array of draws, no heap number per file).
  const selector = new RowSampleSelector(conditions, totals, random, ledger, undefined, random.fill);
  offerRows(ledger, selector, young, options.rotating);
  const sample = selector.result();
  return { files: sample.rows.map((row) => ({ path: ledger.path(row), size: ledger.size(row) })), selected: sample.selected };
}

/** Which files the conditions' age takes: all, or those modified at or after `from` (ms). */
interface Young {
  all: boolean;
  from: number;
}

/**
 * Offers every row the conditions take (and, rotating, every other as a filler) to the
 * selector: a loop of its own with no closure, its numbers read into a typed array (a
 * number returned from a call that is not inlined is a heap number: garbage per row).
 */
function offerRows(ledger: LedgerJoin, selector: RowSampleSelector, young: Young, rotating: boolean): void {
  const numbers = new Float64Array(4);
  const offered = new Float64Array(2);
  const rows = ledger.rows;
  const { all, from } = young;
  for (let row = 0; row < rows; row++) {
    ledger.numbersOf(row, numbers);
    const own = all || (numbers[1] as number) >= from;
    if (!own && !rotating) continue;
    offered[0] = numbers[0] as number;
    offered[1] = numbers[2] as number;
    selector.offerFrom(row, own ? 0 : 1, offered);
  }
}

/** Every row the conditions take (and, rotating, every other), as row numbers, with their count and bytes. */
function everyRowOf(ledger: LedgerJoin, young: Young, rotating: boolean): SampleChoice {
  const numbers = new Float64Array(4);
  const everyRow: number[] = [];
  const selected = { files: 0, bytes: 0 };
  for (let row = 0; row < ledger.rows; row++) {
    ledger.numbersOf(row, numbers);
    if (!rotating && !young.all && !((numbers[1] as number) >= young.from)) continue;
    everyRow.push(row);
    selected.files += 1;
    selected.bytes += numbers[0] as number;
  }
  return { files: rowsOf(ledger, everyRow), selected };
}
