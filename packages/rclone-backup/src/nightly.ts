import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { addUsage, ConfigError, emptyUsage, ExitCode, formatIecSize, GuardError, isToolError, mapLimit, redact, type PriceModel, type ReleaseLock, type ToolIO } from '@rclone-b2/core';
import { splitBudget } from './budget.js';
import { budgetLine, usageLine } from './nightly-cost.js';
import { reasonOf } from '@rclone-b2/core';
import { pingResult, pingSecrets, pingStart, type HealthCheck } from './healthcheck.js';
import { acquireLock } from './lock.js';
import { runNightlyJob, type NightlyJob, type NightlyJobResult } from './nightly-job.js';
import { writeNightlyJson } from './nightly-report.js';
import { RunLog } from './nightly-log.js';
import { readState } from './nightly-state.js';
import { LastToolLine, runRecordOf } from './nightly-record.js';
import { appendRunRecord, listRunHistories, type RunRecord } from './run-history.js';
import { writeMetricsFile } from './nightly-metrics.js';
import { readStatus } from './nightly-status.js';
import { PrefixStream, TailBuffer, type PrefixTarget } from './prefix-stream.js';

export type { BackupState } from './nightly-state.js';

const TOOL = 'rclone-backup-nightly';

export interface NightlyOptions {
  configDir: string;
  stateDir: string;
  /** Daily download allowance for verification, bytes. */
  budget: number;
  healthCheck: HealthCheck;
  logFile: string;
  rcloneConfig: string | undefined;
  /** Where the per-config locks live (shared with manual runs). */
  lockDir: string;
  verbosity: number;
  dryRun: boolean;
  verifyMode: 'download' | 'hash';
  /** How many backups run at once (default: all). */
  jobs: number;
  /** One JSON document on stdout (per-config results and totals) instead of the jobs' output. */
  json?: boolean;
  /** Prometheus textfile written (atomically) after the run. */
  metricsFile?: string;
  /** Prices for the budget and usage lines. */
  prices: PriceModel;
  now?: () => number;
}

/** Exit status of the whole run: any failure 1, else any config error 2, else any guard 3. */
export function aggregateExit(codes: readonly number[]): number {
  for (const code of [ExitCode.Problem, ExitCode.Usage, ExitCode.Guard]) if (codes.includes(code)) return code;
  return codes.find((c) => c !== 0) ?? ExitCode.Ok;
}

/**
 * The *.conf names in dir. Read as bytes: a name that is not UTF-8 would reach us with
 * U+FFFD in it and then "not exist"; it is listed apart, to be said and counted instead.
 */
export async function listConfigs(dir: string): Promise<{ names: string[]; notUtf8: string[] }> {
  const entries = await readdir(dir, { encoding: 'buffer' }).catch((error: unknown) => {
    throw new ConfigError(`cannot read the config directory ${dir}: ${reasonOf(error)}`, undefined, { cause: error });
  });
  const names: string[] = [];
  const notUtf8: string[] = [];
  for (const entry of entries) {
    const name = entry.toString('utf8');
    if (name.endsWith('.conf')) (Buffer.from(name).equals(entry) ? names : notUtf8).push(name);
  }
  if (names.length + notUtf8.length === 0) throw new ConfigError(`no *.conf files in ${dir}`);
  return { names: names.sort(), notUtf8 };
}

/**
 * The nightly run: for every CONFIG_DIR/*.conf, in parallel, one nightly job (sync,
 * verify a share of the budget, stamp). Output lines carry `[name] `; everything also
 * goes to the log file. Nothing ends the run silently: whatever stops it (no config
 * directory, no state directory, an unwritable log, a failed ping) is said in one line
 * on stderr, reported by the fail ping when a URL is configured, and makes the exit
 * status non-zero. Only another run holding the lock is left to that run to report.
 */
export async function runNightly(options: NightlyOptions, io: ToolIO): Promise<number> {
  const now = options.now ?? Date.now;
  const secrets = pingSecrets(options.healthCheck);
  const tail = new TailBuffer(200);
  let log: RunLog | undefined;
  const record: PrefixTarget = {
    write: (line) => {
      log?.write(line);
      tail.write(line);
    },
  };
  /** The runner's own lines; `always` for problems, which -q does not hide. */
  const say = (line: string, always = false): void => {
    const text = redact(line, secrets);
    record.write(`${text}\n`);
    if (always || options.verbosity >= 0) io.stderr.write(`${TOOL}: ${text}\n`);
  };
  const ping = !options.dryRun;
  let release: ReleaseLock | undefined;
  let status: number;
  let started: Promise<string | undefined> = Promise.resolve(undefined);
  const results: NightlyJobResult[] = [];
  let configs: string[] | undefined;
  try {
    await mkdir(options.stateDir, { recursive: true }).catch((error: unknown) => {
      throw new ConfigError(`cannot create the state directory ${options.stateDir}: ${reasonOf(error)}`, undefined, { cause: error });
    });
    release = await acquireLock(join(options.stateDir, 'nightly.lock'), TOOL).catch((error: unknown) => {
      if (error instanceof GuardError) throw error;
      throw new ConfigError(`cannot create the lock file in ${options.stateDir}: ${reasonOf(error)}`, undefined, { cause: error });
    });
    log = await RunLog.open(options.logFile, now, (problem) => say(`${problem}; carrying on without it`, true));
    const { names, notUtf8 } = await listConfigs(options.configDir);
    configs = names.map((n) => n.replace(/\.conf$/, ''));
    for (const name of notUtf8) say(`config file name ${JSON.stringify(name)} in ${options.configDir} is not valid UTF-8: rename it; not run`, true);
    if (ping) started = pingStart(options.healthCheck);
    status = aggregateExit([names.length ? await runJobs(names, options, io, record, say, now, results) : ExitCode.Ok, ...notUtf8.map(() => ExitCode.Usage)]);
    if (log.failed) status = aggregateExit([status, ExitCode.Problem]);
  } catch (error) {
    // Another run holds the lock: it is at work and will report; this one did nothing.
    if (error instanceof GuardError && !release) throw error;
    status = isToolError(error) ? error.exitCode : ExitCode.Problem;
    say(error instanceof Error ? error.message : String(error), true);
  }
  if (options.metricsFile && !options.dryRun && release) {
    const written = await writeMetrics(options.metricsFile, options.stateDir, configs, say);
    if (!written) status = aggregateExit([status, ExitCode.Problem]);
  }
  try {
    const final = ping ? await reportResult(options.healthCheck, status, tail, await started, say) : status;
    if (options.json) writeNightlyJson(io.stdout, { dryRun: options.dryRun, exitCode: final, results });
    return final;
  } finally {
    await log?.close();
    await release?.();
  }
}

/**
 * Tells the health check how the run went; a ping that does not get through is said in
 * one line, and turns a success into exit 1 (nobody was told it succeeded).
 */
async function reportResult(check: HealthCheck, status: number, tail: TailBuffer, startProblem: string | undefined, say: (line: string, always: boolean) => void): Promise<number> {
  const ok = status === ExitCode.Ok;
  const problems = await pingResult(check, ok, tail.text());
  if (problems.length > 0) {
    const also = startProblem ? ' (the start ping failed too)' : '';
    say(`${ok ? 'all backups succeeded, but ' : ''}the health check could not be told: ${problems.join('; ')}${also}`, true);
    return ok ? ExitCode.Problem : status;
  }
  if (startProblem) say(`the health check's start ping failed: ${startProblem} (the result got through)`, true);
  return status;
}

/**
 * A failure before the run could start (an unreadable defaults file, a bad setting):
 * the same one line on stderr and fail ping as a failure during the run.
 */
export async function failBeforeRun(error: unknown, check: HealthCheck, dryRun: boolean, io: ToolIO): Promise<number> {
  const tail = new TailBuffer(10);
  const say = (line: string): void => {
    const text = `${TOOL}: ${redact(line, pingSecrets(check))}\n`;
    tail.write(text);
    io.stderr.write(text);
  };
  say(error instanceof Error ? error.message : String(error));
  const status = isToolError(error) ? error.exitCode : ExitCode.Problem;
  return dryRun ? status : reportResult(check, status, tail, undefined, say);
}

async function runJobs(
  names: readonly string[],
  options: NightlyOptions,
  io: ToolIO,
  record: PrefixTarget,
  say: (line: string, always?: boolean) => void,
  now: () => number,
  results: NightlyJobResult[],
): Promise<number> {
  const read = await Promise.all(names.map((n) => readState(options.stateDir, n.replace(/\.conf$/, ''))));
  const shares = splitBudget(options.budget, read.map((r) => r.state.bytes));
  const jobs: NightlyJob[] = names.map((n, i) => ({ name: n.replace(/\.conf$/, ''), file: join(options.configDir, n), budget: shares[i] ?? 0, state: read[i]?.state ?? {} }));
  say(`starting ${jobs.length} backups: ${jobs.map((j) => `${j.name} (verify ≤ ${formatIecSize(j.budget)})`).join(', ')}`);
  say(budgetLine(options.budget, read.reduce((n, r) => n + (r.state.bytes ?? 0), 0), options.prices));
  const stdoutTarget: PrefixTarget = { write: (line) => io.stdout.write(line) };
  const stderrTarget: PrefixTarget = { write: (line) => io.stderr.write(line) };
  const settings = { ...options, now };
  const codes = await mapLimit(jobs, options.jobs, async (job, i) => {
    // With --json stdout is the document; the jobs' own lines still go to the log.
    const out = new PrefixStream(`[${job.name}] `, options.verbosity >= 0 && !options.json ? [stdoutTarget, record] : [record]);
    const lastError = new LastToolLine(`[${job.name}] `);
    const err = new PrefixStream(`[${job.name}] `, [stderrTarget, record, lastError]);
    const problem = read[i]?.problem;
    if (problem) err.write(`${TOOL}: ${problem}\n`);
    const notice = read[i]?.notice;
    if (notice && options.verbosity >= 0) err.write(`${TOOL}: ${notice}\n`);
    const start = now();
    // Prefixed lines, shared by parallel jobs: no progress line rewriting itself in place.
    const result = await runNightlyJob(job, { ...io, stdout: out, stderr: err, stderrIsTTY: false }, settings);
    results[i] = result;
    const code = result.exitCode;
    out.flushPartial();
    err.flushPartial();
    // A run whose record is lost would read as missed in --status and the metrics: not a success.
    const recorded = options.dryRun || (await recordRun(options.stateDir, runRecordOf(result, { start, end: now() }, lastError.line, pingSecrets(options.healthCheck)), say));
    say(`${job.name}: ${code === 0 ? 'ok' : `failed (exit status ${code})`}`);
    return recorded ? code : aggregateExit([code, ExitCode.Problem]);
  });
  const status = aggregateExit(codes);
  const usage = results.reduce((total, r) => (r.usage ? addUsage(total, r.usage) : total), emptyUsage());
  if (Object.keys(usage.calls).length > 0) say(usageLine(usage, options.prices));
  say(status === 0 ? 'all backups succeeded' : `${codes.filter((c) => c !== 0).length} of ${codes.length} backups failed`);
  return status;
}

/** Appends the run's record to the config's history; false, after saying why, when it cannot. */
async function recordRun(stateDir: string, record: RunRecord, say: (line: string, always?: boolean) => void): Promise<boolean> {
  try {
    await appendRunRecord(stateDir, record);
    return true;
  } catch (error) {
    say(`cannot append to the run history of ${record.config}: ${reasonOf(error)}`, true);
    return false;
  }
}

/**
 * The metrics file for the configs of this run (or, when the config directory could not be
 * read, every config with a history); false, after saying why, when it cannot be written.
 */
async function writeMetrics(file: string, stateDir: string, configs: string[] | undefined, say: (line: string, always?: boolean) => void): Promise<boolean> {
  try {
    const names = configs ?? (await listRunHistories(stateDir));
    await writeMetricsFile(file, await Promise.all(names.map((name) => readStatus(stateDir, name))));
    return true;
  } catch (error) {
    say(`cannot write the metrics file ${file}: ${reasonOf(error)}`, true);
    return false;
  }
}
