import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration, formatIecSize } from '@rclone-b2/core';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runCheck, runCheckCountingMatches, type CheckSymbol } from './check-run.js';
import { LedgerJoin, type Coverage } from './ledger.js';
import { verifyProgress } from './verify-progress.js';
import { listSourceInto, type ListingSink } from './verify-listing.js';
import { excludeFromArgs, filterArgs, filterNamesOf, filterRules, linkArgs, SPECIALS_ARCHIVE } from './rclone-args.js';
import { remoteType } from './remote-type.js';
import { chooseSample, type Sampled } from './verify-sample.js';
import type { VerifyConditions } from './verify-conditions.js';

export interface VerifyOptions {
  conditions: VerifyConditions;
  mode: 'download' | 'hash';
  copyLinks: boolean;
  ledger?: string;
  /** With a ledger: fill the rest of the budget with the least recently verified files. */
  rotate: boolean;
  coverageWindowMs: number;
  seed?: number;
  batchSize: number;
}

export interface VerifySummary {
  command: 'verify';
  config: string;
  mode: 'download' | 'hash';
  /** What the backup holds: SOURCE with the filters. */
  total: { files: number; bytes: number };
  /** Chosen for a content check. */
  selected: { files: number; bytes: number };
  /** Content actually compared (downloaded, or hashed in hash mode). */
  checked: { files: number; bytes: number };
  /** Files found on both sides when the two listings were compared (every file, both ways). */
  present: number;
  matched: number;
  /** Everything below, counted once each. */
  failed: number;
  differ: string[];
  /** In SOURCE, not at the destination. */
  missing: string[];
  /** At the destination (and included by the filters), not in SOURCE. */
  extra: string[];
  errors: string[];
  /** rclone itself failed, so the report may be incomplete. */
  problems: string[];
  durationMs: number;
  coverage?: Coverage;
}

/** Failing paths by kind, each named once however many checks report it. */
class Failures {
  readonly differ = new Set<string>();
  readonly missing = new Set<string>();
  readonly extra = new Set<string>();
  readonly errors = new Set<string>();
  readonly problems: string[] = [];

  note(symbol: CheckSymbol, path: string): void {
    if (symbol === '*') this.differ.add(path);
    else if (symbol === '+') this.missing.add(path);
    else if (symbol === '-') this.extra.add(path);
    else if (symbol === '!') this.errors.add(path);
  }

  get count(): number {
    return this.differ.size + this.missing.size + this.extra.size + this.errors.size + this.problems.length;
  }
}

/**
 * One check of the sample's contents: the file of its paths (rclone's `--files-from-raw`)
 * and the sizes of its files, by path.
 */
export interface Batch {
  listFile: string;
  sizes: Map<string, number>;
}

/**
 * The lines of a batch's `--files-from-raw` list for one sampled path: the path as rclone
 * listed it, byte for byte (a raw list keeps spaces and glob characters, which filter
 * rules trim or would have to escape), and its other name as a link. rclone reads the
 * list by lines, so a name holding a line break cannot be named in it: it gets no line,
 * rclone reports nothing for it, and the check counts it as not checked (runVerify).
 * rclone's own names never hold one (local and B2 names show control characters as ␊ ␍).
 */
export function listLines(path: string, copyLinks: boolean): string[] {
  return filterNamesOf(path, copyLinks).filter((name) => !/[\n\r]/.test(name));
}

/** Files whose batches are written before the first check starts; past them, one batch at a time. */
const PREPARED_FILES = 100_000;

/**
 * The sample's batches, each with its list file written. Those of the first
 * PREPARED_FILES files are all made before any rclone of the checks starts, because every
 * allocation after a fork of this (large) process faults a copy-on-write page, and the
 * strings and maps of a batch were most of that; a larger sample (every file of a big
 * backup, say) goes on one batch at a time, so its paths are never all in memory at once.
 */
export async function* writeBatches(files: Iterable<Sampled>, size: number, dir: string, copyLinks: boolean, preparedFiles = PREPARED_FILES): AsyncGenerator<Batch> {
  let written = 0;
  let batch: Sampled[] = [];
  const write = async (): Promise<Batch> => {
    const listFile = join(dir, `batch-${written++}.list`);
    await writeFile(listFile, batch.flatMap((c) => listLines(c.path, copyLinks).map((name) => `${name}\n`)).join(''));
    const made = { listFile, sizes: new Map(batch.map((c) => [c.path, c.size] as const)) };
    batch = [];
    return made;
  };
  const prepared: Batch[] = [];
  let taken = 0;
  for (const file of files) {
    batch.push(file);
    taken += 1;
    if (batch.length < size) continue;
    if (taken <= preparedFiles) prepared.push(await write());
    else {
      yield* prepared.splice(0);
      yield await write();
    }
  }
  if (batch.length) prepared.push(await write());
  yield* prepared;
}

/**
 * `--verify`: compares SOURCE and DESTINATION in both directions — a file missing at the
 * destination, a destination file the filters include but SOURCE lacks, and a content
 * difference are each a failure — and returns the counts and the failing paths.
 *
 * `all`: one `rclone check --download` (or cryptcheck/check in hash mode) of everything.
 * Otherwise: the listings of both sides are compared once (`rclone check --size-only`:
 * one listing of each side, no download) and the sample's contents are checked in
 * batches, each a list of exact paths (`--files-from-raw`: rclone looks each listed file
 * up in a set, where a filter rule per file cost it a pattern match per rule for every
 * file listed).
 *
 * rclone's reports are streamed as bytes; the listing is held in columns (LedgerJoin's
 * FileTable: byte arenas and typed arrays, a 32-byte row per file plus its name, a directory's path once) and the
 * ledger streamed through it; the sample is chosen by a bounded heap in columns (core's
 * RowSampleSelector) or, when every file is wanted, kept as row numbers of that table. No
 * string or object is made per file of the backup, only per file chosen.
 */
export async function runVerify(config: BackupConfig, ctx: BackupContext, options: VerifyOptions): Promise<VerifySummary> {
  const started = ctx.now();
  const now = started;
  const { conditions } = options;
  const crypt = options.mode === 'hash' && (await remoteType(config.destination, ctx)) === 'crypt';
  const contentCommand = options.mode === 'download' ? ['check', '--download'] : crypt ? ['cryptcheck'] : ['check'];
  const both = [config.source, config.destination];
  // The special-files archive is built outside SOURCE at sync time, so SOURCE never has it: not an extra file.
  const archive = config.archiveSpecials ? [`- /${SPECIALS_ARCHIVE}`] : [];
  const backupFilters = [...filterArgs(filterRules(config, archive)), ...excludeFromArgs(config), ...linkArgs(options.copyLinks)];
  const dir = await mkdtemp(join(tmpdir(), 'rclone-backup-verify-'));
  const failures = new Failures();
  const total = { files: 0, bytes: 0 };
  const selected = { files: 0, bytes: 0 };
  const checked = { files: 0, bytes: 0 };
  let present = 0;
  let matched = 0;
  let coverage: Coverage | undefined;
  try {
    const ledger = await LedgerJoin.open(options.ledger);
    const problem = (outcome: { problem?: string }): void => {
      if (outcome.problem) failures.problems.push(outcome.problem);
    };
    if (conditions.all) {
      ctx.logger.info(`verifying every file of ${config.name}, both ways`);
      problem(
        await runCheck(
          ctx,
          [...contentCommand, ...both, ...backupFilters],
          (symbol, path) => {
            if (symbol === '*') present += 1;
            failures.note(symbol, path);
          },
          undefined,
          (buf, start, end) => {
            present += 1;
            matched += 1;
            ledger.addVerifiedBytes(buf, start, end);
          },
          dir,
        ),
      );
      // Sizes are not in rclone's report: take them from the listing, minus what was not compared.
      // A check that failed before reporting any file compared nothing: no bytes are "checked".
      const comparedNone = present === 0 && failures.problems.length > 0;
      const uncompared = (buf: Buffer, start: number, end: number): boolean => {
        if (comparedNone) return true;
        if (failures.missing.size === 0 && failures.errors.size === 0) return false;
        const path = buf.toString('utf8', start, end);
        return failures.missing.has(path) || failures.errors.has(path);
      };
      await listSourceInto(config, ctx, { copyLinks: options.copyLinks }, {
        add(buf, start, end, numbers) {
          const size = numbers[0] as number;
          total.files += 1;
          total.bytes += size;
          if (!uncompared(buf, start, end)) checked.bytes += size;
          ledger.addListed(buf, start, end, numbers);
        },
      }, dir);
      checked.files = present;
      selected.files = total.files;
      selected.bytes = total.bytes;
    } else {
      const counted: ListingSink = {
        add(buf, start, end, numbers) {
          total.files += 1;
          total.bytes += numbers[0] as number;
          ledger.addListed(buf, start, end, numbers);
        },
      };
      // Both listings compared once, so files missing or extra anywhere are found, not only in
      // the sample. It needs nothing from SOURCE's listing, so it runs alongside it: started
      // while this process is small, so the fork is cheap and none of the listing's pages is
      // left copy-on-write (each would cost a page fault when next written).
      // Its equal files are only counted (runCheckCountingMatches: no line written and read for each).
      const sizeCheck = runCheckCountingMatches(
        ctx,
        ['check', '--size-only', '--fast-list', ...both, ...backupFilters],
        (symbol, path) => {
          if (symbol === '*') present += 1;
          failures.note(symbol, path);
        },
        // Sizes are all this pass compares; that the sides share no hash is beside the point.
        /^No common hash found/,
        dir,
      );
      // Awaited below, after the listing (whose failure must not leave it unheard).
      sizeCheck.catch(() => undefined);
      try {
        await listSourceInto(config, ctx, { copyLinks: options.copyLinks }, counted, dir);
      } catch (error) {
        await sizeCheck.catch(() => undefined);
        throw error;
      }
      ctx.trace?.(`verify: listed ${total.files} files`);
      // Before the next rclone starts: starting a process marks every page of this one
      // copy-on-write, and the join writes into every row of the listing (a fault per page).
      await ledger.load();
      ctx.trace?.('verify: ledger joined');
      // The sample too: its allocations after a fork would each fault a copy-on-write page.
      const sample = chooseSample(ledger, conditions, { rotating: Boolean(options.rotate && options.ledger), seed: options.seed }, total, now);
      selected.files = sample.selected.files;
      selected.bytes = sample.selected.bytes;
      ctx.trace?.('verify: sample chosen');
      const batches = writeBatches(sample.files, options.batchSize, dir, options.copyLinks);
      // The first batches' lists are written now, before the next rclone starts (see writeBatches).
      const first = await batches.next();
      ctx.trace?.('verify: batch lists written');
      const sizesCompared = await sizeCheck;
      present += sizesCompared.matches;
      problem(sizesCompared);
      ctx.trace?.('verify: sizes compared');
      ctx.logger.info(`verifying the contents of ${selected.files} of ${total.files} files (${formatIecSize(selected.bytes)} of ${formatIecSize(total.bytes)})`);
      const progress = verifyProgress(ctx, selected);
      let checks = 0;
      for (let next = first; next.done !== true; next = await batches.next()) {
        const { listFile, sizes } = next.value;
        checks += 1;
        // rclone names every file of the list that either side has; what is left in `sizes` was not
        // named. Its report is spooled too: through a pipe, a line a read, each read a stream event
        // and a fresh 64 KiB buffer (0.3 CPU-s for 5,000 files).
        const outcome = await runCheck(ctx, [...contentCommand, ...both, '--files-from-raw', listFile, ...linkArgs(options.copyLinks)], (symbol, path) => {
          const size = sizes.get(path) ?? 0;
          sizes.delete(path);
          if (symbol === '=' || symbol === '*') {
            checked.files += 1;
            checked.bytes += size;
            progress?.update(checked);
          }
          if (symbol === '=') {
            matched += 1;
            ledger.addVerified(path);
          }
          failures.note(symbol, path);
        }, undefined, undefined, dir);
        problem(outcome);
        // Not a silent pass: a sampled file rclone said nothing about was not checked (a failed run says why itself).
        if (!outcome.problem && sizes.size > 0) {
          ctx.logger.warn(`verify: rclone reported nothing for ${sizes.size} sampled file(s), so they were not checked (gone from both sides since the listing, or a name rclone cannot read from a list)`);
          for (const path of sizes.keys()) failures.note('!', path);
        }
      }
      progress?.done(checked);
      ctx.trace?.(`verify: ${checks} batches checked`);
    }
    if (options.ledger) {
      coverage = await ledger.write(now, options.coverageWindowMs);
      ctx.trace?.('verify: ledger written');
      ctx.logger.notice(`${config.name}: ${coverage.bytesPercent}% of bytes and ${coverage.filesPercent}% of files verified within ${formatDuration(options.coverageWindowMs)}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    command: 'verify',
    config: config.name,
    mode: options.mode,
    total,
    selected,
    checked,
    present,
    matched,
    failed: failures.count,
    differ: [...failures.differ],
    missing: [...failures.missing],
    extra: [...failures.extra],
    errors: [...failures.errors],
    problems: failures.problems,
    durationMs: ctx.now() - started,
    ...(coverage ? { coverage } : {}),
  };
}
