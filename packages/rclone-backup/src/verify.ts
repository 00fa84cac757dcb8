import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDuration, formatIecSize, ProblemError, seededRandom } from '@rclone-b2/core';
import { renderTail } from './rclone-log.js';
import type { BackupConfig } from './config.js';
import type { BackupContext } from './context.js';
import { runRcloneJson } from './context.js';
import { coverageOf, readLedger, writeLedger, type Coverage } from './ledger.js';
import { listSource } from './listing.js';
import { filterArgs, filterNamesOf, filterRules, linkArgs } from './rclone-args.js';
import { remoteType } from './remote-type.js';
import { selectSample, type Candidate } from './sample.js';
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
  selected: { files: number; bytes: number };
  total: { files: number; bytes: number };
  matched: number;
  differ: string[];
  missing: string[];
  errors: string[];
  durationMs: number;
  coverage?: Coverage;
}

/** `+ /path` for exactly this file: rclone glob characters escaped. */
export function exactRule(path: string): string {
  return `+ /${path.replace(/[\\*?[\]{}]/g, (c) => `\\${c}`)}`;
}

interface BatchResult {
  matched: string[];
  differ: string[];
  missing: string[];
  errors: string[];
}

async function checkBatch(config: BackupConfig, ctx: BackupContext, options: VerifyOptions, command: string[], rules: string[] | undefined, dir: string, n: number): Promise<BatchResult> {
  const combined = join(dir, `combined-${n}.txt`);
  const filterFile = join(dir, `batch-${n}.filter`);
  const filterOpt: string[] = [];
  if (rules) {
    await writeFile(filterFile, `${rules.join('\n')}\n- *\n`);
    filterOpt.push('--filter-from', filterFile);
  } else {
    filterOpt.push(...filterArgs(filterRules(config)));
  }
  const args = [...command, config.source, config.destination, ...filterOpt, ...linkArgs(options.copyLinks), '--combined', combined];
  // 1 means differences; others (e.g. 5 after a failed download) still leave the --combined
  // report telling which files failed, so only a run that reported nothing is an error.
  const { exitCode, stderrTail } = await runRcloneJson(ctx, args, {
    okExitCodes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    onRecord: (r) => !/differences found|matching files|errors while checking|files missing|hashes could not be checked|^Using .* for hash/.test(r.msg) || ctx.verbosity >= 1,
    hideText: /Failed to (check|cryptcheck)/,
  });
  const result: BatchResult = { matched: [], differ: [], missing: [], errors: [] };
  const text = await readFile(combined, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    const path = line.slice(2);
    if (line.startsWith('= ')) result.matched.push(path);
    else if (line.startsWith('* ')) result.differ.push(path);
    else if (line.startsWith('- ')) result.missing.push(path);
    else if (line.startsWith('! ')) result.errors.push(path);
  }
  const reported = result.matched.length + result.differ.length + result.missing.length + result.errors.length;
  if (exitCode > 1 && reported === 0) {
    throw new ProblemError(`rclone ${command[0]} failed (exit status ${exitCode}):\n  ${renderTail(stderrTail).join('\n  ')}`);
  }
  return result;
}

/**
 * `--verify`: lists the backup, picks the sample (see selectSample), and has rclone
 * compare it with the destination in batches — each batch a filter file of exact
 * `+ /path` rules ending in `- *` — by downloading (`rclone check --download`) or, in
 * hash mode on a crypt destination, with `rclone cryptcheck`. The ledger learns every
 * file found equal.
 */
export async function runVerify(config: BackupConfig, ctx: BackupContext, options: VerifyOptions): Promise<VerifySummary> {
  const started = ctx.now();
  const now = ctx.now();
  const { conditions } = options;
  const ledger = options.ledger ? await readLedger(options.ledger) : undefined;
  const candidates: Candidate[] = [];
  /** With a ledger, every file of the backup (for coverage); otherwise empty. */
  const everything: Candidate[] = [];
  const total = { files: 0, bytes: 0 };
  await listSource(config, ctx, { copyLinks: options.copyLinks }, (file) => {
    total.files += 1;
    total.bytes += file.size;
    const entry = ledger?.get(file.path);
    const verifiedMs = entry && entry.verified >= file.mtimeMs && entry.size === file.size ? entry.verified : undefined;
    const young = !conditions.age || file.mtimeMs >= now - conditions.age.ms;
    const candidate: Candidate = { ...file, verifiedMs, tier: young ? 0 : 1 };
    if (ledger) everything.push(candidate);
    if (young || (options.rotate && ledger)) candidates.push(candidate);
  });
  const selectAll = conditions.all || (!conditions.data && !conditions.files && !options.rotate);
  const sample = selectAll ? candidates : selectSample(candidates, conditions, total, seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32)));
  const selectedBytes = sample.reduce((sum, c) => sum + c.size, 0);
  ctx.logger.info(`verifying ${sample.length} of ${total.files} files (${formatIecSize(selectedBytes)} of ${formatIecSize(total.bytes)})`);

  const crypt = options.mode === 'hash' && (await remoteType(config.destination, ctx)) === 'crypt';
  const command = options.mode === 'download' ? ['check', '--download', '--one-way'] : crypt ? ['cryptcheck', '--one-way'] : ['check', '--one-way'];
  const dir = await mkdtemp(join(tmpdir(), 'rclone-backup-verify-'));
  const result: BatchResult = { matched: [], differ: [], missing: [], errors: [] };
  const matchedCount = { n: 0 };
  const sizes = new Map(ledger ? sample.map((c) => [c.path, c.size] as const) : []);
  try {
    const record = (batch: BatchResult): void => {
      matchedCount.n += batch.matched.length;
      if (ledger) for (const path of batch.matched) ledger.set(path, { size: sizes.get(path) ?? 0, verified: now });
      result.differ.push(...batch.differ);
      result.missing.push(...batch.missing);
      result.errors.push(...batch.errors);
    };
    if (conditions.all) {
      record(await checkBatch(config, ctx, options, command, undefined, dir, 0));
    } else {
      for (let i = 0; i < sample.length; i += options.batchSize) {
        const batch = sample.slice(i, i + options.batchSize);
        record(await checkBatch(config, ctx, options, command, batch.flatMap((c) => filterNamesOf(c.path, options.copyLinks).map(exactRule)), dir, i / options.batchSize));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  let coverage: Coverage | undefined;
  if (ledger && options.ledger) {
    const present = new Set(everything.map((c) => c.path));
    for (const path of [...ledger.keys()]) if (!present.has(path)) ledger.delete(path);
    await writeLedger(options.ledger, ledger);
    const verifiedNow = (c: Candidate): number | undefined => {
      const entry = ledger.get(c.path);
      return entry && entry.verified >= c.mtimeMs ? entry.verified : undefined;
    };
    coverage = coverageOf(everything.map((c) => ({ size: c.size, mtimeMs: c.mtimeMs, verifiedMs: verifiedNow(c) })), now, options.coverageWindowMs);
    ctx.logger.notice(`${config.name}: ${coverage.bytesPercent}% of bytes and ${coverage.filesPercent}% of files verified within ${formatDuration(options.coverageWindowMs)}`);
  }
  return {
    command: 'verify',
    config: config.name,
    mode: options.mode,
    selected: { files: sample.length, bytes: selectedBytes },
    total,
    matched: matchedCount.n,
    differ: result.differ,
    missing: result.missing,
    errors: result.errors,
    durationMs: ctx.now() - started,
    ...(coverage ? { coverage } : {}),
  };
}

