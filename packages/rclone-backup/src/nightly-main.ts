import { resolve } from 'node:path';
import { choiceFlag, countFlag, DRY_RUN_FLAG, ExitCode, parseArgv, parseSize, RCLONE_CONFIG_FLAG, stringFlag, toolParser, UsageError, verbosityOf, writeWithBackpressure, type ToolIO } from '@rclone-b2/core';
import { readDefaultsFile } from './defaults-file.js';
import { VERSION } from './main.js';
import { runNightly } from './nightly.js';
import { DEFAULT_BIN, defaultUnitDir, enableHint, installUnits, UNIT_KINDS, unitFiles } from './units.js';

const EPILOGUE = `Runs every CONFIG-DIR/*.conf in parallel: sync, verify (data=<share of the budget,
age=since the last stamp, rotating through a ledger), then stamps the newest file.
Settings may also come from the defaults file: HEALTHCHECK_URL=, CANARY=, BUDGET=, RCLONE_CONFIG=.
The exit status is 0 only when every backup succeeded.`;

/** `rclone-backup-nightly`: parses flags and the defaults file, then runs or prints units. */
export async function nightlyMain(argv: readonly string[], io: ToolIO, installedBin: string = DEFAULT_BIN): Promise<number> {
  const parser = toolParser({
    name: 'rclone-backup-nightly',
    version: VERSION,
    usage: '$0 [options]',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...RCLONE_CONFIG_FLAG,
      'config-dir': { type: 'string', requiresArg: true, default: '/etc/rclone-backups', description: 'Directory of *.conf backup configs' },
      'state-dir': { type: 'string', requiresArg: true, default: '/var/lib/rclone-backups', description: 'Stamps, ledgers, locks and the log' },
      'defaults-file': { type: 'string', requiresArg: true, default: '/etc/default/rclone-backups', description: 'KEY=value settings file' },
      budget: stringFlag({ description: 'Daily verification download budget (default 1G)' }),
      'healthcheck-url': stringFlag({ description: 'healthchecks.io-style ping URL (start, success, /fail)' }),
      'log-file': stringFlag({ description: 'Append the run log here (default STATE-DIR/nightly.log)' }),
      'verify-mode': choiceFlag('verify-mode', ['download', 'hash'], { default: 'download', description: 'How verify compares' }),
      jobs: countFlag('jobs', 'Backups run at once (default: all)'),
      'print-units': choiceFlag('print-units', UNIT_KINDS, { description: 'Print the systemd or cron files and exit' }),
      'install-units': choiceFlag('install-units', UNIT_KINDS, { description: 'Install the systemd or cron files and exit' }),
      'units-dir': stringFlag({ description: 'Where --install-units writes (default the system location)' }),
      bin: stringFlag({ description: 'Path of this runner written into the units' }),
    },
  });
  const parsed = await parseArgv(parser, argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  if (a._.length) throw new UsageError(`unexpected argument ${String(a._[0])}`);
  const bin = a.bin ?? installedBin;
  if (a.printUnits) {
    const units = unitFiles(a.printUnits, bin);
    // One file (cron) prints bare, so `> /etc/cron.daily/z-rclone-backups` keeps its #! line.
    for (const unit of units) await writeWithBackpressure(io.stdout, units.length > 1 ? `# ---- ${unit.name}\n${unit.text}` : unit.text);
    return ExitCode.Ok;
  }
  if (a.installUnits) {
    const kind = a.installUnits;
    const dir = a.unitsDir ? resolve(io.cwd, a.unitsDir) : defaultUnitDir(kind, io.env);
    const written = await installUnits(kind, dir, bin);
    await writeWithBackpressure(io.stdout, `${written.map((f) => `installed ${f}`).join('\n')}\nnext: ${enableHint(kind)}\n`);
    return ExitCode.Ok;
  }
  const defaults = await readDefaultsFile(resolve(io.cwd, a.defaultsFile));
  const stateDir = resolve(io.cwd, a.stateDir);
  const budgetText = a.budget ?? defaults.BUDGET ?? '1G';
  const healthUrl = a.healthcheckUrl ?? defaults.HEALTHCHECK_URL;
  const rcloneConfig = a.rcloneConfig ?? defaults.RCLONE_CONFIG;
  return runNightly(
    {
      configDir: resolve(io.cwd, a.configDir),
      stateDir,
      budget: parseSize(budgetText),
      healthCheck: { ...(healthUrl ? { url: healthUrl } : {}), ...(defaults.CANARY ? { canary: defaults.CANARY } : {}) },
      logFile: a.logFile ? resolve(io.cwd, a.logFile) : resolve(stateDir, 'nightly.log'),
      rcloneConfig: rcloneConfig ? resolve(io.cwd, rcloneConfig) : undefined,
      verbosity: verbosityOf(a),
      dryRun: a.dryRun,
      verifyMode: a.verifyMode,
      jobs: a.jobs ?? Number.MAX_SAFE_INTEGER,
    },
    io,
  );
}
