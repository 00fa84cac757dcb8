import { createHash } from 'node:crypto';
import { lstat, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import {
  acquirePidLock,
  checkLocalSource,
  ConfigError,
  deleteLimitBroken,
  GuardError,
  lockPathFor,
  ProblemError,
  programEnding,
  programNotStarted,
  writeWithBackpressure,
  type Logger,
  type ToolIO,
} from '@rclone-b2/core';
import type { RsyncBackupConfig } from './config.js';
import { transferArgs, unquotableSshWord } from './rsync-args.js';
import { snapshotName } from './snapshot-name.js';
import { countSource, type SourceCount } from './source-count.js';
import { readLastRun, writeLastRun } from './state.js';

export interface BackupOptions {
  config: RsyncBackupConfig;
  rsync: string;
  stateDir: string;
  lockDir: string | undefined;
  now: number;
  dryRun: boolean;
  json: boolean;
  logger: Logger;
}

export interface BackupReport {
  config: string;
  target: string;
  snapshot: string;
  dryRun: boolean;
  sourceFiles: number;
  sourceBytes: number;
  /** From rsync --stats: what crossed the wire this time. */
  transferredFiles: number | undefined;
  transferredBytes: number | undefined;
  /** 24: some files vanished during the run (the snapshot holds the rest). */
  rsyncExitCode: number;
}

/** One lock per config file (by its real path): in --lock-dir, else core's place (/run/lock or the temp dir). */
export async function lockPath(config: RsyncBackupConfig, lockDir: string | undefined): Promise<string> {
  if (lockDir === undefined) return lockPathFor('rsync-backup', config.file);
  const real = await realpath(config.file).catch(() => config.file);
  return join(lockDir, `rsync-backup-${config.name}-${createHash('sha1').update(real).digest('hex').slice(0, 8)}.lock`);
}

/** Refuses (exit 3) when more of the tree vanished since the last snapshot than max_delete allows. */
function checkShrink(config: RsyncBackupConfig, now: SourceCount, last: SourceCount | undefined): void {
  if (!last || now.files >= last.files) return;
  const broken = deleteLimitBroken(config.maxDelete, { files: last.files - now.files, bytes: Math.max(0, last.bytes - now.bytes), destinationFiles: last.files, examples: [] });
  if (broken) {
    throw new GuardError(`the source shrank by ${broken} since the last snapshot (${last.files} → ${now.files} entries); refusing to make a snapshot that thinning would later keep in place of good ones (raise max_delete to accept)`);
  }
}

// ssh's own words (`ssh: connect to host …`, `user@host: Permission denied (publickey).`); rsync's
// lines never start like these, so a target's "Permission denied (13)" is not taken for one.
const SSH_LINE = /^ssh: |^\S+: Permission denied \([a-z-]+(,[a-z-]+)*\)\.?$|^Host key verification failed|^kex_exchange_identification: |^Connection (closed|reset|timed out)/;
// rsync exit codes that mean the connection itself failed: 5 starting the protocol, 10 socket
// I/O, 30/35 timeouts, 255 ssh's own failure.
const CONNECTION_CODES = new Set([5, 10, 30, 35, 255]);
const LOST_CONNECTION = /connection unexpectedly closed/;
// What follows a failure rather than causing it: the sender's broken pipe, the lost connection.
const CONSEQUENCE = /connection unexpectedly closed|\[sender\] write error: Broken pipe/;
// The target's forced command refused the request (nothing was written).
const TARGET_REFUSAL = /refused command|not newer than the latest|another snapshot is being received/;

/**
 * Why a transfer failed, in the words that say where: ssh's complaint (the connection or the
 * key: only then the ssh hint); the target's own words (its rsync-backup, rsync's [receiver]
 * and [generator] lines: a full disk, a read-only file system, permissions there); a
 * connection lost without a word; else rsync's error lines.
 */
export function failureReason(code: number, output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const ssh = lines.find((l) => SSH_LINE.test(l));
  if (ssh) return `${ssh} (ssh could not connect or the target refused; rsync exit ${code})`;
  const causes = lines.filter((l) => l.startsWith('rsync: ') && !CONSEQUENCE.test(l));
  const target = lines.filter((l) => l.startsWith('rsync-backup: '));
  const targetSide = causes.filter((l) => /^rsync: \[(receiver|generator)\]/.test(l));
  if (target.length > 0 || targetSide.length > 0) {
    const refused = target.some((l) => TARGET_REFUSAL.test(l));
    return `${[...targetSide.slice(0, 3), ...target].join(' / ')} (${refused ? 'the target refused' : 'on the target'}; rsync exit ${code})`;
  }
  if (CONNECTION_CODES.has(code) || (code === 12 && lines.some((l) => LOST_CONNECTION.test(l)))) {
    const said = [...causes, ...lines.filter((l) => LOST_CONNECTION.test(l))][0] ?? 'no message';
    return `${said} (the connection to the target failed; rsync exit ${code})`;
  }
  const errors = [...causes.slice(0, 3), ...lines.filter((l) => l.startsWith('rsync error: ')).slice(-1)];
  return `rsync exit ${code}: ${(errors.length > 0 ? errors : lines.slice(-2)).join(' / ')}`;
}

function statNumber(output: string, label: string): number | undefined {
  const m = new RegExp(`^${label}: ([\\d,]+)`, 'm').exec(output);
  return m ? Number(m[1]!.replace(/,/g, '')) : undefined;
}

/**
 * rsync copies a source that is itself a symlink as the link, not the tree it points to, while
 * the guards above look through it: refuse, naming the directory to give instead.
 */
async function refuseLinkedSource(source: string): Promise<void> {
  if (!(await lstat(source)).isSymbolicLink()) return;
  throw new GuardError(`source ${source} is a symbolic link (to ${await realpath(source)}): rsync would back up the link alone, not the directory; name the directory itself as the source`);
}

/**
 * One backup: lock, guards (source present, mounted, not empty, sentinel, max_delete
 * against the last run), then rsync over ssh into a new snapshot named by the start
 * time; the target links unchanged files to its previous snapshot.
 */
export async function runBackup(options: BackupOptions, io: ToolIO): Promise<BackupReport> {
  const { config, logger } = options;
  const bad = unquotableSshWord(config);
  if (bad !== undefined) throw new ConfigError(`${config.file}: ${JSON.stringify(bad)}: rsync's -e cannot carry a single quote; rename the file`);
  const path = await lockPath(config, options.lockDir);
  const release = await acquirePidLock(path, (pid) => `backup ${config.name} is already running (process ${pid} holds ${path})`);
  try {
    for (const source of config.sources) {
      await checkLocalSource({ source, requireMount: config.requireMount, sentinel: config.sentinel });
      await refuseLinkedSource(source);
    }
    const count = await countSource(config, options.rsync, io.signal);
    checkShrink(config, count, await readLastRun(options.stateDir, config.name));
    const snapshot = snapshotName(options.now);
    const args = transferArgs(config, snapshot, options.dryRun);
    logger.info(`rsync ${args.join(' ')}`);
    const result = await execa(options.rsync, args, { reject: false, cancelSignal: io.signal, all: true });
    const notStarted = programNotStarted(options.rsync, result);
    if (notStarted) throw notStarted;
    if (result.isCanceled) throw io.signal?.reason instanceof Error ? io.signal.reason : new ProblemError('rsync was stopped');
    const output = String(result.all ?? '');
    // Killed by a signal: no exit status, and nothing to call a snapshot.
    if (result.exitCode === undefined) throw new ProblemError(`backup ${config.name} to ${config.user}@${config.host} failed: rsync was ${programEnding(result)}; no snapshot was made`);
    const code = result.exitCode;
    if (code !== 0 && code !== 24) throw new ProblemError(`backup ${config.name} to ${config.user}@${config.host} failed: ${failureReason(code, output)}`);
    if (code === 24) logger.warn(`some files vanished during the transfer; snapshot ${snapshot} holds the rest`);
    if (!options.dryRun) await writeLastRun(options.stateDir, config.name, { ...count, snapshot });
    const report: BackupReport = {
      config: config.file,
      target: `${config.user}@${config.host}`,
      snapshot,
      dryRun: options.dryRun,
      sourceFiles: count.files,
      sourceBytes: count.bytes,
      transferredFiles: statNumber(output, 'Number of regular files transferred'),
      transferredBytes: statNumber(output, 'Total transferred file size'),
      rsyncExitCode: code,
    };
    const line = options.json
      ? JSON.stringify(report)
      : `${options.dryRun ? 'would make' : 'made'} snapshot ${snapshot} on ${report.target}: ${count.files} entries, ${report.transferredFiles ?? '?'} files (${report.transferredBytes ?? '?'} bytes) ${options.dryRun ? 'to send' : 'sent'}, the rest linked to the previous snapshot`;
    await writeWithBackpressure(io.stdout, `${line}\n`);
    return report;
  } finally {
    await release();
  }
}
