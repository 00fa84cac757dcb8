import { resolve } from 'node:path';
import {
  choiceFlag,
  ConfigError,
  countFlag,
  DRY_RUN_FLAG,
  durationFlag,
  JSON_FLAG,
  loadPrices,
  parseArgv,
  PRICES_FLAG,
  parseDuration,
  parseSize,
  RCLONE_CONFIG_FLAG,
  stringFlag,
  toolParser,
  UsageError,
  verbosityOf,
  type ParsedArgs,
  type ToolIO,
} from '@rclone-b2/core';
import { readDefaultsFile } from './defaults-file.js';
import { reasonOf } from '@rclone-b2/core';
import { checkPingUrl, DEFAULT_PING_TIMEOUT, type HealthCheck } from './healthcheck.js';
import { defaultLockDir } from './lock.js';
import { VERSION } from './main.js';
import type { NightlyOptions } from './nightly.js';
import { DEFAULT_BIN, defaultUnitDir, UNIT_KINDS, unitFiles, writeUnits } from './units.js';

/** The runner's defaults, once: the flags show them, and units leave out flags equal to them. */
const NIGHTLY_DEFAULTS = {
  configDir: '/etc/rclone-backups',
  stateDir: '/var/lib/rclone-backups',
  defaultsFile: '/etc/default/rclone-backups',
  budget: '1G',
  verifyMode: 'download',
  maxAge: '2d',
  interval: '1d',
} as const;

const EPILOGUE = `Runs every CONFIG-DIR/*.conf in parallel: sync, verify (data=<share of the budget,
age=since the last stamp, rotating through a ledger), then stamps the newest file.
Settings may also come from the defaults file: HEALTHCHECK_URL=, CANARY=, BUDGET=, RCLONE_CONFIG=,
HEALTHCHECK_TIMEOUT= (default ${DEFAULT_PING_TIMEOUT}). Any failure, the pings' included, is one line on stderr,
a fail ping and a non-zero status; ping URLs are shown as scheme://host/… only.
The exit status is 0 only when every backup succeeded.`;

function parser() {
  return toolParser({
    name: 'rclone-backup-nightly',
    version: VERSION,
    usage: '$0 [options]',
    epilogue: EPILOGUE,
    flags: {
      ...DRY_RUN_FLAG,
      ...JSON_FLAG,
      ...RCLONE_CONFIG_FLAG,
      'config-dir': { type: 'string', requiresArg: true, default: NIGHTLY_DEFAULTS.configDir, description: 'Directory of *.conf backup configs' },
      'state-dir': { type: 'string', requiresArg: true, default: NIGHTLY_DEFAULTS.stateDir, description: 'Stamps, ledgers, locks and the log' },
      'defaults-file': { type: 'string', requiresArg: true, default: NIGHTLY_DEFAULTS.defaultsFile, description: 'KEY=value settings file' },
      budget: stringFlag({ description: `Daily verification download budget (default ${NIGHTLY_DEFAULTS.budget})` }),
      'healthcheck-url': stringFlag({ description: 'healthchecks.io-style ping URL (start, success, /fail)' }),
      'log-file': stringFlag({ description: 'Append the run log here (default STATE-DIR/nightly.log)' }),
      'verify-mode': choiceFlag('verify-mode', ['download', 'hash'], { default: NIGHTLY_DEFAULTS.verifyMode, description: 'How verify compares' }),
      jobs: countFlag('jobs', 'Backups run at once (default: all)'),
      'print-units': choiceFlag('print-units', UNIT_KINDS, { description: 'Print the systemd or cron files and exit' }),
      'install-units': choiceFlag('install-units', UNIT_KINDS, { description: 'Install the systemd or cron files and exit' }),
      'units-dir': stringFlag({ description: 'Where --install-units writes (default the system location)' }),
      bin: stringFlag({ description: 'Path of this runner written into the units' }),
      ...PRICES_FLAG,
      'metrics-file': stringFlag({ description: 'Write a Prometheus textfile (node_exporter textfile collector) here after every run' }),
      status: { type: 'boolean', default: false, description: "Print each backup's standing from its run history and exit (1 if any is stale)" },
      'max-age': durationFlag('max-age', { description: `With --status: a backup whose last success is older is stale (default ${NIGHTLY_DEFAULTS.maxAge})` }),
      interval: durationFlag('interval', {
        description: `With --status: the expected time between runs, for missed runs (default ${NIGHTLY_DEFAULTS.interval})`,
      }),
      html: stringFlag({ description: 'Write a self-contained HTML status page (every backup: last runs, durations, bytes, failures, coverage chart, stale ones highlighted) to FILE, after the run or with --status' }),
    },
  });
}

type NightlyArgs = ParsedArgs<ReturnType<typeof parser>>;

/** `rclone-backup-nightly`: parses flags and the defaults file, then runs or prints units. */
export async function nightlyMain(argv: readonly string[], io: ToolIO, installedBin: string = DEFAULT_BIN): Promise<number> {
  const parsed = await parseArgv(parser(), argv, io);
  if (parsed.kind === 'exit') return parsed.exitCode;
  const a = parsed.options;
  if (a._.length) throw new UsageError(`unexpected argument ${String(a._[0])}`);
  const judging = { maxAgeMs: a.maxAge ?? parseDuration(NIGHTLY_DEFAULTS.maxAge), intervalMs: a.interval ?? parseDuration(NIGHTLY_DEFAULTS.interval) };
  const page = async (code: number): Promise<number> => {
    if (a.html === undefined) return code;
    const [{ statusPageData }, { writeHtmlReport }] = await Promise.all([import('./nightly-status-page.js'), import('@rclone-b2/report')]);
    const data = await statusPageData({ configDir: resolve(io.cwd, a.configDir), stateDir: resolve(io.cwd, a.stateDir), now: Date.now(), ...judging });
    await writeHtmlReport(a.html, io.cwd, io.stdout, data);
    return code;
  };
  if (a.html === '-') throw new UsageError('--html needs a FILE (stdout carries the run log or the status lines)');
  if (a.html !== undefined && (a.printUnits ?? a.installUnits)) throw new UsageError('--html goes with a run or --status, not with --print-units/--install-units');
  // Each path's code loads only to run it: --help and usage errors never evaluate it.
  if (a.html !== undefined) await (await import('@rclone-b2/report')).checkHtmlTarget(a.html, io.cwd);
  if (a.status) {
    const { runStatus } = await import('./nightly-status-report.js');
    return page(await runStatus(
      {
        configDir: resolve(io.cwd, a.configDir),
        stateDir: resolve(io.cwd, a.stateDir),
        maxAgeMs: a.maxAge ?? parseDuration(NIGHTLY_DEFAULTS.maxAge),
        intervalMs: a.interval ?? parseDuration(NIGHTLY_DEFAULTS.interval),
        json: a.json,
        now: Date.now(),
      },
      io,
    ));
  }
  if ((a.maxAge !== undefined || a.interval !== undefined) && a.html === undefined) throw new UsageError('--max-age and --interval only go with --status or --html');
  const kind = a.printUnits ?? a.installUnits;
  if (kind) {
    // The flags given with --print-units/--install-units go into the units, quoted.
    if (a.healthcheckUrl) throw new UsageError('a health-check URL is a secret: put HEALTHCHECK_URL= in the defaults file (mode 600), not in a unit');
    const units = unitFiles(kind, resolve(io.cwd, a.bin ?? installedBin), unitFlags(a, io.cwd));
    const install = a.installUnits ? { dir: a.unitsDir ? resolve(io.cwd, a.unitsDir) : defaultUnitDir(kind, io.env), dryRun: a.dryRun } : undefined;
    return writeUnits(kind, units, install, io);
  }
  const { failBeforeRun, runNightly } = await import('./nightly.js');
  // From here on a failure is reported by the fail ping too, once a URL is known.
  const check: HealthCheck = { timeoutMs: parseDuration(DEFAULT_PING_TIMEOUT) };
  // Checked properly below; until then a usable --healthcheck-url hears of failures.
  if (a.healthcheckUrl && URL.canParse(a.healthcheckUrl)) check.url = a.healthcheckUrl;
  let options: NightlyOptions;
  try {
    const defaultsFile = resolve(io.cwd, a.defaultsFile);
    const defaults = await readDefaultsFile(defaultsFile).catch((error: unknown) => {
      throw new ConfigError(`cannot read the defaults file ${defaultsFile}: ${reasonOf(error)}`, undefined, { cause: error });
    });
    const url = a.healthcheckUrl ?? (defaults.HEALTHCHECK_URL || undefined);
    check.url = url === undefined ? undefined : checkPingUrl(url, a.healthcheckUrl ? '--healthcheck-url' : `HEALTHCHECK_URL in ${defaultsFile}`);
    if (defaults.HEALTHCHECK_TIMEOUT) check.timeoutMs = parseDuration(defaults.HEALTHCHECK_TIMEOUT);
    if (defaults.CANARY) check.canary = checkPingUrl(defaults.CANARY, `CANARY in ${defaultsFile}`);
    const stateDir = resolve(io.cwd, a.stateDir);
    const rcloneConfig = a.rcloneConfig ?? defaults.RCLONE_CONFIG;
    options = {
      configDir: resolve(io.cwd, a.configDir),
      stateDir,
      budget: parseSize(a.budget ?? defaults.BUDGET ?? NIGHTLY_DEFAULTS.budget),
      healthCheck: check,
      logFile: a.logFile ? resolve(io.cwd, a.logFile) : resolve(stateDir, 'nightly.log'),
      rcloneConfig: rcloneConfig ? resolve(io.cwd, rcloneConfig) : undefined,
      lockDir: defaultLockDir(io.env),
      verbosity: verbosityOf(a),
      dryRun: a.dryRun,
      verifyMode: a.verifyMode,
      jobs: a.jobs ?? Number.MAX_SAFE_INTEGER,
      json: a.json,
      metricsFile: a.metricsFile ? resolve(io.cwd, a.metricsFile) : undefined,
      prices: await loadPrices(a.prices ? resolve(io.cwd, a.prices) : undefined),
    };
  } catch (error) {
    return failBeforeRun(error, check, a.dryRun, io);
  }
  return page(await runNightly(options, io));
}

/** The runner flags given with --print-units/--install-units, for the units' command line. */
function unitFlags(a: NightlyArgs, cwd: string): string[] {
  const path = (flag: string, value: string | undefined, fallback?: string): string[] => {
    const absolute = value === undefined ? undefined : resolve(cwd, value);
    return absolute === undefined || absolute === fallback ? [] : [flag, absolute];
  };
  return [
    ...path('--config-dir', a.configDir, NIGHTLY_DEFAULTS.configDir),
    ...path('--state-dir', a.stateDir, NIGHTLY_DEFAULTS.stateDir),
    ...path('--defaults-file', a.defaultsFile, NIGHTLY_DEFAULTS.defaultsFile),
    ...path('--log-file', a.logFile),
    ...path('--rclone-config', a.rcloneConfig),
    ...path('--prices', a.prices),
    ...path('--metrics-file', a.metricsFile),
    // Checked now: a unit with a bad value would only fail at night.
    ...(a.budget === undefined ? [] : ['--budget', checkedSize(a.budget)]),
    ...(a.verifyMode === NIGHTLY_DEFAULTS.verifyMode ? [] : ['--verify-mode', a.verifyMode]),
    ...(a.jobs === undefined ? [] : ['--jobs', String(a.jobs)]),
  ];
}

/** A size as given, once it is known to parse. */
function checkedSize(text: string): string {
  parseSize(text);
  return text;
}
