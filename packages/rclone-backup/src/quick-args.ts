import { resolve } from 'node:path';
import { parseDuration, type ToolIO } from '@rclone-b2/core';
import { BACKUP_DEFAULTS } from './backup-defaults.js';
import { defaultLockDir } from './lock.js';
import type { BackupCliOptions } from './main.js';

type Switch = 'dryRun' | 'json' | 'force' | 'strictGuards' | 'copyLinks' | 'human' | 'quiet' | 'filters' | 'debug';
/** Boolean flags as typed → the option they set (and to what). */
const SWITCHES: Readonly<Record<string, readonly [Switch, boolean]>> = {
  '-n': ['dryRun', true],
  '--dry-run': ['dryRun', true],
  '--dryrun': ['dryRun', true],
  '--json': ['json', true],
  '--force': ['force', true],
  '--strict-guards': ['strictGuards', true],
  '--no-strict-guards': ['strictGuards', false],
  '--copy-links': ['copyLinks', true],
  '--no-copy-links': ['copyLinks', false],
  '-h': ['human', true],
  '--human-readable': ['human', true],
  '-q': ['quiet', true],
  '--quiet': ['quiet', true],
  '--filters': ['filters', true],
  // runTool reads it from argv
  '--debug': ['debug', true],
};
/** Flags with a value (`--flag VALUE` or `--flag=VALUE`) → the option they set. */
const VALUED: Readonly<Record<string, 'rcloneConfig' | 'lockDir'>> = {
  '--rclone-config': 'rcloneConfig',
  '--config': 'rcloneConfig',
  '--lock-dir': 'lockDir',
};

/**
 * The options of the common invocations — a sync (`CONFIG` with -n, -q, -v, --json,
 * --force, --rclone-config, --lock-dir …) or `--filters CONFIG` — read without yargs,
 * whose loading and set-up cost ~45 ms before rclone can start (issue 14). Only argv that
 * yargs would read exactly so is taken: anything else (--help, --version, another command,
 * an unknown or repeated flag, `--`, a value that looks like a flag, clustered short
 * flags other than -vv…) gives undefined, and the full parser decides, with its messages.
 */
export function quickBackupArgs(argv: readonly string[], io: Pick<ToolIO, 'cwd' | 'env'>): BackupCliOptions | undefined {
  const set: Partial<Record<Switch, boolean>> = {};
  const valued: Partial<Record<'rcloneConfig' | 'lockDir', string>> = {};
  let verbose = 0;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (!word.startsWith('-')) {
      if (config !== undefined || word === '') return undefined;
      config = word;
      continue;
    }
    if (/^-v+$/.test(word) || word === '--verbose') {
      verbose += word === '--verbose' ? 1 : word.length - 1;
      continue;
    }
    const eq = word.startsWith('--') ? word.indexOf('=') : -1;
    const name = eq > 0 ? word.slice(0, eq) : word;
    const option = VALUED[name];
    if (option !== undefined) {
      const value = eq > 0 ? word.slice(eq + 1) : argv[++i];
      // Given twice (yargs makes an array), missing, empty or flag-like: the full parser's to judge.
      if (valued[option] !== undefined || value === undefined || value === '' || value.startsWith('-')) return undefined;
      valued[option] = value;
      continue;
    }
    const flag = SWITCHES[name];
    // Unknown, `--json=false` and the like, or given twice (under two spellings too): yargs decides.
    if (flag === undefined || eq > 0 || set[flag[0]] !== undefined) return undefined;
    set[flag[0]] = flag[1];
  }
  // --filters prints text: its --json is refused by the full parser.
  if (config === undefined || (set.filters && set.json)) return undefined;
  return {
    config: resolve(io.cwd, config),
    command: set.filters ? 'filters' : 'sync',
    verbosity: set.quiet ? -1 : verbose,
    dryRun: set.dryRun ?? false,
    json: set.json ?? false,
    force: set.force ?? false,
    strictGuards: set.strictGuards ?? BACKUP_DEFAULTS.strictGuards,
    copyLinks: set.copyLinks,
    rcloneConfig: valued.rcloneConfig !== undefined ? resolve(io.cwd, valued.rcloneConfig) : undefined,
    lockDir: valued.lockDir ?? defaultLockDir(io.env),
    maxAge: undefined,
    verify: [],
    verifyMode: BACKUP_DEFAULTS.verifyMode,
    ledger: undefined,
    rotate: false,
    coverageWindowMs: parseDuration(BACKUP_DEFAULTS.coverageWindow),
    seed: undefined,
    batchSize: BACKUP_DEFAULTS.batchSize,
    human: set.human ?? false,
  };
}
