import { resolve } from 'node:path';
import {
  choiceFlag,
  countFlag,
  DRY_RUN_FLAG,
  durationFlag,
  ExitCode,
  GuardError,
  HUMAN_READABLE_FLAG,
  integerFlag,
  JSON_FLAG,
  parseArgv,
  parseDuration,
  RCLONE_CONFIG_FLAG,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  writeWithBackpressure,
  type ToolIO,
} from '@rclone-b2/core';
import { BACKUP_DEFAULTS } from './backup-defaults.js';
import { runRcloneJson } from './context.js';
import { acquireLock, defaultLockDir, lockFor } from './lock.js';
import { openBackup } from './open-backup.js';
import { sourceListingArgs } from './rclone-args.js';
import { createTrace } from './trace.js';
import { reportUsage, withUsage } from './usage-report.js';
import { parseVerifyConditions } from './verify-conditions.js';
// Each command's modules are loaded when it runs, not at every start (start-up time).

export const VERSION = TOOLSET_VERSION;

const EPILOGUE = `Commands (at most one; the default is sync): --ls, --newest, --filters, --audit, --verify COND.
Safety guards (missing/empty source, require_mount, sentinel, min_files, max_delete) refuse with exit 3.
See the README for the config file format.`;

export interface BackupCliOptions {
  config: string;
  command: 'sync' | 'ls' | 'newest' | 'filters' | 'audit' | 'verify';
  verbosity: number;
  dryRun: boolean;
  json: boolean;
  force: boolean;
  strictGuards: boolean;
  copyLinks: boolean | undefined;
  rcloneConfig: string | undefined;
  lockDir: string;
  maxAge: string | undefined;
  verify: string[];
  verifyMode: 'download' | 'hash';
  ledger: string | undefined;
  rotate: boolean;
  coverageWindowMs: number;
  seed: number | undefined;
  batchSize: number;
  /** -h: human-readable sizes in reports (--audit). */
  human?: boolean;
}

export async function parseBackupArgs(argv: readonly string[], io: ToolIO): Promise<BackupCliOptions | number> {
  const parser = toolParser({
    name: 'rclone-backup',
    version: VERSION,
    usage: '$0 [options] CONFIG-FILE',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...HUMAN_READABLE_FLAG,
      ...RCLONE_CONFIG_FLAG,
      ls: { type: 'boolean', default: false, description: 'List what the backup would contain (rclone ls with the filters)' },
      newest: { type: 'boolean', default: false, description: 'Print the newest file: local time, (@SECONDS), path' },
      filters: { type: 'boolean', default: false, description: 'Print the [filters] rules' },
      audit: { type: 'boolean', default: false, description: 'Print a du report of SOURCE with filters + test-filters' },
      'max-age': stringFlag({ description: 'With --audit: only files modified within AGE (e.g. 7d)' }),
      verify: { type: 'string', array: true, nargs: 1, description: 'Verify: all | data=[<]N[%] | files=N[%] | age=AGE (repeatable)' },
      'verify-mode': choiceFlag('verify-mode', ['download', 'hash'], { default: BACKUP_DEFAULTS.verifyMode, description: 'download and compare, or hashes (cryptcheck on crypt)' }),
      ledger: stringFlag({ description: 'Verification ledger file (JSON lines)' }),
      rotate: { type: 'boolean', default: false, description: 'With --ledger: fill the data budget with least recently verified files' },
      'coverage-window': durationFlag('coverage-window', { description: `Window for the coverage report (default ${BACKUP_DEFAULTS.coverageWindow})` }),
      seed: integerFlag('seed', { min: 0, description: 'Seed for the random sample (repeatable runs)' }),
      'batch-size': countFlag('batch-size', 'Files per rclone check run when verifying', BACKUP_DEFAULTS.batchSize),
      'copy-links': { type: 'boolean', description: 'Follow symlinks (default: config copy_links, else skip them)' },
      force: { type: 'boolean', default: false, description: 'Override the safety guards' },
      'strict-guards': { type: 'boolean', default: BACKUP_DEFAULTS.strictGuards, description: 'If max_delete trips, upload nothing either, so the destination stays exactly as it was (--no-strict-guards uploads new files first)' },
      'lock-dir': stringFlag({ description: 'Directory for the per-config lock file (default $RCLONE_BACKUP_LOCK_DIR, /run/lock, or the temp dir)' }),
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  const positional = a._.map(String);
  if (positional.length !== 1) throw new UsageError(positional.length ? `expected one config file, got ${positional.length}` : 'missing config file');
  const verify = a.verify ?? [];
  const named: BackupCliOptions['command'][] = (['ls', 'newest', 'filters', 'audit'] as const).filter((c) => a[c]);
  if (verify.length > 0) named.push('verify');
  if (named.length > 1) throw new UsageError(`conflicting commands: ${named.map((c) => `--${c}`).join(', ')}`);
  if (a.maxAge && named[0] !== 'audit') throw new UsageError('--max-age only goes with --audit');
  return {
    config: resolve(io.cwd, positional[0] as string),
    command: named[0] ?? 'sync',
    verbosity: verbosityOf(a),
    dryRun: a.dryRun,
    json: a.json,
    force: a.force,
    strictGuards: a.strictGuards,
    copyLinks: a.copyLinks,
    rcloneConfig: a.rcloneConfig ? resolve(io.cwd, a.rcloneConfig) : undefined,
    lockDir: a.lockDir ?? defaultLockDir(io.env),
    maxAge: a.maxAge,
    verify,
    verifyMode: a.verifyMode,
    ledger: a.ledger ? resolve(io.cwd, a.ledger) : undefined,
    rotate: a.rotate,
    coverageWindowMs: a.coverageWindow ?? parseDuration(BACKUP_DEFAULTS.coverageWindow),
    seed: a.seed,
    batchSize: a.batchSize,
    human: a.humanReadable,
  };
}

/** Runs one command of one backup with already-parsed options; returns the exit status. */
export async function runBackup(options: BackupCliOptions, io: ToolIO, now: () => number = Date.now): Promise<number> {
  if (options.verify.length) parseVerifyConditions(options.verify);
  // A sync's modules (execa's ~100 among them) load while the config, secrets and lock are read.
  const syncModules = options.command === 'sync' ? Promise.all([import('./sync.js'), import('./specials-cache.js'), import('execa')]) : undefined;
  syncModules?.catch(() => undefined);
  // The B2 call count is shown at -v and in --json only; without them metering is pure cost.
  const { config, ctx, copyLinks } = await openBackup(options.config, { ...options, meter: options.json || options.verbosity >= 1 }, io, now);
  ctx.trace?.('config and secrets read');
  switch (options.command) {
    case 'filters':
      for (const rule of config.filters) await writeWithBackpressure(io.stdout, `${rule}\n`);
      return ExitCode.Ok;
    case 'ls':
      await runRcloneJson(ctx, sourceListingArgs(config, ['ls'], { copyLinks }), {
        onStdoutLine: (line) => writeWithBackpressure(io.stdout, `${line}\n`),
      });
      return ExitCode.Ok;
    case 'newest':
      return (await (await import('./newest.js')).printNewest(config, ctx, copyLinks)) ? ExitCode.Ok : ExitCode.Problem;
    case 'audit':
      await (await import('./audit.js')).runAudit(config, ctx, { copyLinks, maxAge: options.maxAge, json: options.json, human: options.human });
      return ExitCode.Ok;
    default:
      break;
  }
  const lock = await lockFor(config, options.lockDir);
  const release = await acquireLock(lock, `backup ${config.name}`);
  ctx.trace?.('lock acquired');
  try {
    if (options.command === 'verify') {
      const conditions = parseVerifyConditions(options.verify);
      const [{ runVerify }, { reportVerify }] = await Promise.all([import('./verify.js'), import('./verify-report.js')]);
      const summary = await runVerify(config, ctx, {
        conditions,
        mode: options.verifyMode,
        copyLinks,
        ledger: options.ledger,
        rotate: options.rotate,
        coverageWindowMs: options.coverageWindowMs,
        seed: options.seed,
        batchSize: options.batchSize,
      });
      reportUsage(ctx);
      if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify(withUsage(summary, ctx))}\n`);
      return reportVerify(summary, ctx.logger);
    }
    const [{ runSync }, { specialsCacheFor }] = await (syncModules ?? Promise.all([import('./sync.js'), import('./specials-cache.js'), import('execa')]));
    ctx.trace?.('sync modules loaded');
    const summary = await runSync(config, ctx, { dryRun: options.dryRun, copyLinks, force: options.force, strictGuards: options.strictGuards, specialsCache: specialsCacheFor(lock) }).catch(async (error: unknown) => {
      // A machine reading --json learns of a refusal too (the message also goes to stderr).
      if (options.json && error instanceof GuardError) {
        await writeWithBackpressure(io.stdout, `${JSON.stringify({ command: 'sync', config: config.name, dryRun: options.dryRun, refused: error.message })}\n`);
      }
      throw error;
    });
    ctx.trace?.('sync done');
    reportUsage(ctx);
    if (options.json) await writeWithBackpressure(io.stdout, `${JSON.stringify(withUsage(summary, ctx))}\n`);
    return summary.errors > 0 ? ExitCode.Problem : ExitCode.Ok;
  } finally {
    await release();
    ctx.trace?.('lock released');
  }
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const trace = createTrace(io.env, io.stderr);
  trace('main');
  const options = await parseBackupArgs(argv, io);
  trace('arguments parsed');
  if (typeof options === 'number') return options;
  return runBackup(options, io);
}
