import { resolve } from 'node:path';
import {
  choiceFlag,
  countFlag,
  DRY_RUN_FLAG,
  durationFlag,
  HUMAN_READABLE_FLAG,
  integerFlag,
  JSON_FLAG,
  parseArgv,
  parseDuration,
  preloadYargs,
  RCLONE_CONFIG_FLAG,
  stringFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  type ToolIO,
} from '@rclone-b2/core';
import { BACKUP_DEFAULTS } from './backup-defaults.js';
import { defaultLockDir } from './lock.js';
import { quickBackupArgs } from './quick-args.js';
import { createTrace } from './trace.js';

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
      filters: { type: 'boolean', default: false, description: 'Print the filter rules (built-in, then [filters])' },
      audit: { type: 'boolean', default: false, description: 'Print a du report of SOURCE with filters + test-filters' },
      'max-age': stringFlag({ description: 'With --audit: only files modified within AGE (e.g. 7d)' }),
      verify: { type: 'string', array: true, nargs: 1, description: 'Verify: all | data=[<]N[%] | files=N[%] | age=AGE (repeatable)' },
      'verify-mode': choiceFlag('verify-mode', ['download', 'hash'], { default: BACKUP_DEFAULTS.verifyMode, description: 'download and compare, or hashes (cryptcheck on crypt)' }),
      ledger: stringFlag({ description: 'Verification ledger file (JSON lines)' }),
      rotate: { type: 'boolean', default: false, description: 'With --ledger: fill the data budget with least recently verified files' },
      'coverage-window': durationFlag('coverage-window', { description: `Window for the coverage report (default ${BACKUP_DEFAULTS.coverageWindow})` }),
      seed: integerFlag('seed', { min: 0, description: 'Seed for the random sample (repeatable runs)' }),
      'batch-size': countFlag('batch-size', 'Files per rclone check run when verifying', BACKUP_DEFAULTS.batchSize),
      'copy-links': { type: 'boolean', description: 'Follow symlinks; --no-copy-links stores them as links (default: config copy_links, else store them as links)' },
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
  // A flag that would be accepted and then do nothing is refused, as --max-age is.
  const command = named[0] ?? 'sync';
  for (const flag of ['ledger', 'verify-mode', 'batch-size', 'seed', 'coverage-window'] as const) {
    if (command !== 'verify' && given(argv, flag)) throw new UsageError(`--${flag} only goes with --verify`);
  }
  if (given(argv, 'rotate') && !a.ledger) throw new UsageError('--rotate only goes with --ledger');
  if (a.json && !JSON_COMMANDS.has(command)) throw new UsageError(`--json does not go with --${command}: its output is text`);
  return {
    config: resolve(io.cwd, positional[0] as string),
    command,
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

/** The commands with a --json output. */
const JSON_COMMANDS: ReadonlySet<BackupCliOptions['command']> = new Set(['sync', 'verify', 'audit']);

/** Whether argv names --FLAG (or its camelCase spelling, or --no-FLAG) before any `--`. */
function given(argv: readonly string[], flag: string): boolean {
  const camel = flag.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const names = [`--${flag}`, `--${camel}`, `--no-${flag}`, `--no-${camel}`];
  for (const word of argv) {
    if (word === '--') return false;
    if (names.some((name) => word === name || word.startsWith(`${name}=`))) return true;
  }
  return false;
}

export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  const trace = createTrace(io.env, io.stderr);
  trace('main');
  // The common invocations skip yargs (loaded only here, see cli.ts); the rest, --help and every mistake go through it.
  const options = quickBackupArgs(argv, io) ?? (await preloadYargs(), await parseBackupArgs(argv, io));
  trace('arguments parsed');
  if (typeof options === 'number') return options;
  // --filters needs the backup config alone (not rclone.conf, nor the commands' code).
  if (options.command === 'filters') {
    const printed = await (await import('./print-filters.js')).printFilters(options.config, io);
    if (printed !== undefined) return printed;
  }
  // The commands' code loads only to run one: --help and usage errors never evaluate it.
  const { runBackup } = await import('./run-backup.js');
  return runBackup(options, io);
}
