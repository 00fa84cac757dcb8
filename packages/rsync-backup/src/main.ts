import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  BUILTIN_POLICIES,
  choiceFlag,
  createLogger,
  DRY_RUN_FLAG,
  JSON_FLAG,
  parseArgv,
  parsePolicy,
  PolicySpecError,
  stringFlag,
  timeFlag,
  toolParser,
  TOOLSET_VERSION,
  UsageError,
  verbosityOf,
  type Policy,
  type ToolIO,
} from '@rclone-b2/core';
import { DEFAULT_BIN, defaultUnitDir, emitUnits, UNIT_KINDS, unitFiles } from './units.js';

const NOW_FLAG = { now: timeFlag('now', { hidden: true, description: 'Act as if it were this time (tests)' }) };
const BIN_FLAG = { bin: stringFlag({ description: `This program's path on the machine the unit or key runs it on (default ${DEFAULT_BIN})` }) };
const DEFAULT_BASE = '/srv/rsync-backups';

const EPILOGUE = `Commands: CONFIG (make a snapshot), target-setup HOST --key FILE [--apply],
target-thin [--base DIR] [--policy P], target-receive (the forced command target-setup installs).
Safety guards (missing, empty or unmounted source, sentinel, max_delete) refuse with exit 3.`;

/** `rsync-backup CONFIG` or one of the target-side subcommands. */
export async function main(argv: readonly string[], io: ToolIO): Promise<number> {
  switch (argv[0]) {
    case 'target-setup':
      return setupMain(argv.slice(1), io);
    case 'target-thin':
      return thinMain(argv.slice(1), io);
    case 'target-receive':
      return receiveMain(argv.slice(1), io);
    default:
      return backupMain(argv, io);
  }
}

async function backupMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: 'rsync-backup',
    version: TOOLSET_VERSION,
    usage: '$0 [options] CONFIG\n$0 target-setup|target-thin|target-receive --help',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...NOW_FLAG,
      ...BIN_FLAG,
      'state-dir': { type: 'string', requiresArg: true, default: '/var/lib/rsync-backup', description: 'Where the last run\'s counts are kept (the max_delete guard)' },
      'lock-dir': stringFlag({ description: 'Directory for the per-config lock (default $RSYNC_BACKUP_LOCK_DIR, else /run/lock or the temp dir)' }),
      rsync: { type: 'string', requiresArg: true, default: 'rsync', description: 'The rsync program' },
      'print-units': choiceFlag('print-units', UNIT_KINDS, { description: 'Print a nightly systemd service+timer or cron.d line for CONFIG and exit' }),
      'install-units': choiceFlag('install-units', UNIT_KINDS, { description: 'Write them (default /etc/systemd/system or /etc/cron.d) and exit' }),
      'units-dir': stringFlag({ description: 'Where --install-units writes' }),
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  const positional = a._.map(String);
  if (positional.length !== 1) throw new UsageError(positional.length ? `expected one config file, got ${positional.length}` : 'missing config file');
  const configFile = resolve(io.cwd, positional[0]!);
  // The commands' code is loaded only to run: --help, --version and usage errors never evaluate it (start-up).
  const { readConfig } = await import('./config.js');
  const config = await readConfig(configFile);
  const kind = a.printUnits ?? a.installUnits;
  if (kind) {
    const files = unitFiles(kind, { name: `rsync-backup-${config.name}`, description: `rsync snapshot of ${config.sources.join(' ')} to ${config.user}@${config.host}`, bin: a.bin ?? DEFAULT_BIN, args: [configFile], at: { hour: 1, minute: 30 } });
    return emitUnits(files, a.installUnits ? resolve(io.cwd, a.unitsDir ?? defaultUnitDir(kind)) : undefined, io);
  }
  const logger = createLogger({ tool: 'rsync-backup', stream: io.stderr, verbosity: verbosityOf(a) });
  const { runBackup } = await import('./backup.js');
  await runBackup(
    {
      config,
      rsync: a.rsync,
      stateDir: resolve(io.cwd, a.stateDir),
      lockDir: a.lockDir ? resolve(io.cwd, a.lockDir) : io.env.RSYNC_BACKUP_LOCK_DIR,
      now: a.now ?? Date.now(),
      dryRun: a.dryRun,
      json: a.json,
      logger,
    },
    io,
  );
  // rsync's 24 (files vanished mid-run) was warned about; the snapshot holds the rest.
  return 0;
}

/** A built-in policy's name or a spec (`1..7,*,30`). */
function policyOf(text: string): Policy {
  try {
    return parsePolicy(text, BUILTIN_POLICIES[text] ?? text);
  } catch (error) {
    if (error instanceof PolicySpecError) throw new UsageError(`--policy ${JSON.stringify(text)}: ${error.message} (known names: ${Object.keys(BUILTIN_POLICIES).join(', ')})`);
    throw error;
  }
}

async function thinMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: 'rsync-backup target-thin',
    version: TOOLSET_VERSION,
    usage: '$0 [options] [AREA...]',
    epilogue: `Thins the snapshots of each AREA (default: every BASE/*/snapshots) with a retention policy,
the same rules as b2-prune (newest kept; per window the newest and oldest). Run as root on the target.`,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...NOW_FLAG,
      base: { type: 'string', requiresArg: true, default: DEFAULT_BASE, description: 'The directory target-setup made the hosts\' areas in' },
      policy: { type: 'string', requiresArg: true, default: 'default', description: `A built-in policy (${Object.keys(BUILTIN_POLICIES).join(', ')}) or a spec like 1..7,*,30,*,365` },
      'print-units': choiceFlag('print-units', UNIT_KINDS, { description: 'Print a daily systemd service+timer or cron.d line and exit' }),
      ...BIN_FLAG,
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  const policy = policyOf(a.policy);
  const base = resolve(io.cwd, a.base);
  if (a.printUnits) {
    return emitUnits(unitFiles(a.printUnits, { name: 'rsync-backup-thin', description: 'thin rsync-backup snapshots', bin: a.bin ?? DEFAULT_BIN, args: ['target-thin', '--base', base, '--policy', a.policy], at: { hour: 12, minute: 0 } }), undefined, io);
  }
  let areas = a._.map((area: string | number) => resolve(io.cwd, String(area)));
  if (areas.length === 0) {
    const hosts = await readdir(base, { withFileTypes: true }).catch((error: unknown) => {
      throw new UsageError(`cannot read --base ${base}: ${error instanceof Error ? error.message : String(error)}`);
    });
    areas = hosts.filter((h) => h.isDirectory()).map((h) => resolve(base, h.name, 'snapshots'));
  }
  const { thinAreas } = await import('./target-thin.js');
  await thinAreas({ areas, policy, now: a.now ?? Date.now(), dryRun: a.dryRun, json: a.json }, io);
  return 0;
}

async function setupMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: 'rsync-backup target-setup',
    version: TOOLSET_VERSION,
    usage: '$0 [options] HOST --key PUBLIC-KEY-FILE',
    epilogue: 'Prints what it would do; --apply (as root) does it: an account per source host whose key can only write new snapshots.',
    flags: {
      key: { type: 'string', requiresArg: true, demandOption: true, description: 'The source host\'s public key file' },
      base: { type: 'string', requiresArg: true, default: DEFAULT_BASE, description: 'Where the hosts\' areas live' },
      apply: { type: 'boolean', default: false, description: 'Create the account, area and key entry (root)' },
      ...BIN_FLAG,
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  const positional = a._.map(String);
  if (positional.length !== 1) throw new UsageError('expected one HOST (the source host\'s name)');
  const { targetSetup } = await import('./target-setup.js');
  return targetSetup(
    { host: positional[0]!, keyFile: resolve(io.cwd, a.key), base: resolve(io.cwd, a.base), bin: a.bin ?? DEFAULT_BIN, apply: a.apply, isRoot: process.getuid?.() === 0 },
    io,
  );
}

async function receiveMain(argv: readonly string[], io: ToolIO): Promise<number> {
  const parser = toolParser({
    name: 'rsync-backup target-receive',
    version: TOOLSET_VERSION,
    usage: '$0 --area DIR',
    epilogue: 'The forced command of a source host\'s key (authorized_keys command=); reads $SSH_ORIGINAL_COMMAND.',
    flags: {
      area: { type: 'string', requiresArg: true, demandOption: true, description: 'The host\'s snapshot area' },
      rsync: { type: 'string', requiresArg: true, default: 'rsync', description: 'The rsync program' },
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  const { receiveSnapshot } = await import('./target-receive.js');
  return receiveSnapshot({ area: resolve(io.cwd, a.area), command: io.env.SSH_ORIGINAL_COMMAND, rsync: a.rsync, fakeSuper: process.getuid?.() !== 0 }, io);
}
