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

/** ssh's own complaint or the target's refusal when there is one, else rsync's last words. */
export function failureReason(code: number, output: string): string {
  const lines = output.trim().split('\n');
  const telling = lines.find((l) => /^ssh: |Permission denied|Host key verification failed|^rsync-backup: /.test(l));
  if (telling) return `${telling.trim()} (ssh could not connect or the target refused; rsync exit ${code})`;
  return `rsync exit ${code}: ${lines.slice(-2).join(' / ')}`;
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
    const code = result.exitCode ?? 1;
    const output = String(result.all ?? '');
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
