import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createLogger, ExitCode, formatIecSize, reportError, type ToolIO } from '@rclone-b2/core';
import { splitBudget } from './budget.js';
import { pingResult, pingStart, type HealthCheck } from './healthcheck.js';
import { acquireLock, defaultLockDir } from './lock.js';
import { runBackup, type BackupCliOptions } from './main.js';
import { PrefixStream, TailBuffer, type PrefixTarget } from './prefix-stream.js';

export interface NightlyOptions {
  configDir: string;
  stateDir: string;
  /** Daily download allowance for verification, bytes. */
  budget: number;
  healthCheck: HealthCheck;
  logFile: string;
  rcloneConfig: string | undefined;
  verbosity: number;
  dryRun: boolean;
  verifyMode: 'download' | 'hash';
  /** How many backups run at once (default: all). */
  jobs: number;
  now?: () => number;
}

export interface BackupState {
  /** Epoch seconds of the newest file at the last successful run (the `--newest` stamp). */
  stamp?: number;
  newest?: string;
  /** Size of the backup at the last verify (for the budget split). */
  bytes?: number;
  files?: number;
  lastRun?: string;
  exitCode?: number;
}

const statePath = (dir: string, name: string): string => join(dir, `${name}.state.json`);

async function readState(dir: string, name: string): Promise<BackupState> {
  try {
    return JSON.parse(await readFile(statePath(dir, name), 'utf8')) as BackupState;
  } catch {
    return {};
  }
}

async function writeState(dir: string, name: string, state: BackupState): Promise<void> {
  const file = statePath(dir, name);
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/** A Writable that just collects text (for a step's --json or --newest output). */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _e: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/** Exit status of the whole run: any failure 1, else any config error 2, else any guard 3. */
export function aggregateExit(codes: readonly number[]): number {
  for (const code of [ExitCode.Problem, ExitCode.Usage, ExitCode.Guard]) if (codes.includes(code)) return code;
  return codes.find((c) => c !== 0) ?? ExitCode.Ok;
}

async function step(options: BackupCliOptions, io: ToolIO, now: () => number): Promise<number> {
  try {
    return await runBackup(options, io, now);
  } catch (error) {
    return reportError('rclone-backup', error, io, false);
  }
}

interface Job {
  name: string;
  file: string;
  budget: number;
  state: BackupState;
}

/**
 * The nightly run: for every CONFIG_DIR/*.conf, in parallel, sync; then verify
 * `data=<SHARE` (this backup's share of the budget) and `age=` time since the last
 * stamp (1d the first time), rotating through the ledger; then record the new stamp.
 * Output lines carry `[name] `; everything also goes to the log file.
 */
export async function runNightly(options: NightlyOptions, io: ToolIO): Promise<number> {
  const now = options.now ?? Date.now;
  const logger = createLogger({ tool: 'rclone-backup-nightly', stream: io.stderr, verbosity: options.verbosity });
  await mkdir(options.stateDir, { recursive: true });
  const release = await acquireLock(join(options.stateDir, 'nightly.lock'), 'rclone-backup-nightly');
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const tail = new TailBuffer(200);
  const logTarget: PrefixTarget = { write: (line) => log.write(`${new Date(now()).toISOString()} ${line}`) };
  const say = (line: string): void => {
    logTarget.write(`${line}\n`);
    tail.write(`${line}\n`);
    if (options.verbosity >= 0) io.stderr.write(`rclone-backup-nightly: ${line}\n`);
  };
  try {
    const names = (await readdir(options.configDir).catch(() => [] as string[])).filter((n) => n.endsWith('.conf')).sort();
    if (!options.dryRun) await pingStart(options.healthCheck, logger);
    if (names.length === 0) {
      say(`no *.conf files in ${options.configDir}`);
      if (!options.dryRun) await pingResult(options.healthCheck, logger, false, tail.text());
      return ExitCode.Usage;
    }
    const states = await Promise.all(names.map((n) => readState(options.stateDir, n.replace(/\.conf$/, ''))));
    const shares = splitBudget(options.budget, states.map((s) => s.bytes));
    const jobs: Job[] = names.map((n, i) => ({ name: n.replace(/\.conf$/, ''), file: join(options.configDir, n), budget: shares[i] ?? 0, state: states[i] ?? {} }));
    say(`starting ${jobs.length} backups: ${jobs.map((j) => `${j.name} (verify ≤ ${formatIecSize(j.budget)})`).join(', ')}`);
    const stdoutTarget: PrefixTarget = { write: (line) => io.stdout.write(line) };
    const stderrTarget: PrefixTarget = { write: (line) => io.stderr.write(line) };
    const run = async (job: Job): Promise<number> => {
      const out = new PrefixStream(`[${job.name}] `, options.verbosity >= 0 ? [stdoutTarget, logTarget] : [logTarget]);
      const err = new PrefixStream(`[${job.name}] `, [stderrTarget, logTarget, tail]);
      const jobIO: ToolIO = { ...io, stdout: out, stderr: err };
      const code = await runJob(job, jobIO, options, now);
      out.flushPartial();
      err.flushPartial();
      say(`${job.name}: ${code === 0 ? 'ok' : `failed (exit status ${code})`}`);
      return code;
    };
    const codes = await pool(jobs, Math.max(1, options.jobs), run);
    const status = aggregateExit(codes);
    say(status === 0 ? 'all backups succeeded' : `${codes.filter((c) => c !== 0).length} of ${codes.length} backups failed`);
    if (!options.dryRun) await pingResult(options.healthCheck, logger, status === 0, tail.text());
    return status;
  } finally {
    log.end();
    await finished(log).catch(() => undefined);
    await release();
  }
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<number>): Promise<number[]> {
  const results: number[] = new Array<number>(items.length).fill(0);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

async function runJob(job: Job, io: ToolIO, options: NightlyOptions, now: () => number): Promise<number> {
  const base: BackupCliOptions = {
    config: job.file,
    command: 'sync',
    verbosity: options.verbosity,
    dryRun: options.dryRun,
    json: false,
    force: false,
    strictGuards: true,
    copyLinks: undefined,
    rcloneConfig: options.rcloneConfig,
    lockDir: defaultLockDir(io.env),
    maxAge: undefined,
    verify: [],
    verifyMode: options.verifyMode,
    ledger: undefined,
    rotate: false,
    coverageWindowMs: 30 * 86_400_000,
    seed: undefined,
    batchSize: 1000,
  };
  const synced = await step(base, io, now);
  if (synced !== 0 || options.dryRun) return synced;
  const ageSeconds = job.state.stamp ? Math.max(60, Math.ceil(now() / 1000 - job.state.stamp)) : 86_400;
  const verifyOut = new Capture();
  const verified = await step(
    { ...base, command: 'verify', json: true, verify: [`data=<${job.budget}`, `age=${ageSeconds}s`], ledger: join(options.stateDir, `${job.name}.ledger.jsonl`), rotate: true },
    { ...io, stdout: verifyOut },
    now,
  );
  const summary = verifyOut.text ? (JSON.parse(verifyOut.text) as { total?: { files: number; bytes: number }; selected?: { files: number; bytes: number } }) : {};
  if (summary.selected) io.stderr.write(`verified ${summary.selected.files} files (${formatIecSize(summary.selected.bytes)}) of ${summary.total?.files ?? '?'}\n`);
  const newestOut = new Capture();
  const newest = await step({ ...base, command: 'newest' }, { ...io, stdout: newestOut }, now);
  const stamp = /\(@(\d+)\)/.exec(newestOut.text)?.[1];
  if (newestOut.text) io.stdout.write(newestOut.text);
  await writeState(options.stateDir, job.name, {
    stamp: verified === 0 && stamp ? Number(stamp) : job.state.stamp,
    newest: newestOut.text.trim() || job.state.newest,
    bytes: summary.total?.bytes ?? job.state.bytes,
    files: summary.total?.files ?? job.state.files,
    lastRun: new Date(now()).toISOString(),
    exitCode: verified || newest,
  });
  return verified !== 0 ? verified : newest;
}
