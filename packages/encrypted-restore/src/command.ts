import { openEncryptedBucket, formatTransactions, formatUsage, usageOf, ConfigError, formatIecSize, ProblemError, type Logger, type ToolIO, assertPasswordFits, listCryptFiles } from '@rclone-b2/core';
import { stat } from 'node:fs/promises';
import { createProgress } from './progress.js';
import { jsonReport, textReport } from './report.js';
import { restore } from './restore.js';
import type { RestoreMode } from './select.js';

export interface RestoreCommand {
  remoteName: string;
  path: string;
  target: string;
  configPath?: string | undefined;
  mode: RestoreMode;
  transfers: number;
  /** Worker threads decrypting blocks (0 = the main thread). */
  decryptWorkers: number;
  retries: number;
  dryRun: boolean;
  /** Restore `.rclonelink` objects as symlinks (default true). */
  links?: boolean;
  progress: boolean;
  /** The plan and summary as one JSON document on stdout. */
  json?: boolean | undefined;
}

/** Refuses a TARGET that exists and is not a directory; creates nothing (restore() does, at the first file). */
async function checkTarget(target: string): Promise<void> {
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ConfigError(`target ${target} exists and is not a directory`);
}

export async function encryptedRestore(command: RestoreCommand, io: ToolIO, logger: Logger): Promise<number> {
  await checkTarget(command.target);
  const { remote, bucket, plainSize } = await openEncryptedBucket({ ...command, concurrency: command.transfers, contentWorkers: command.decryptWorkers, logger }, io);
  const report = command.json ? jsonReport(io.stdout, command.dryRun) : textReport(io.stdout);
  let undecryptable = 0;
  const histories = listCryptFiles(bucket, {
    path: command.path,
    onUndecryptable: (fileName, error) => {
      undecryptable += 1;
      logger.error(`cannot decrypt ${fileName}: ${(error as Error).message}`);
    },
  });
  const stats = await restore(histories, {
    client: bucket.client,
    content: remote.content,
    plainSize,
    mode: command.mode,
    target: command.target,
    transfers: command.transfers,
    retries: command.retries,
    dryRun: command.dryRun,
    links: command.links ?? true,
    report,
    logger,
    ...(command.progress ? { progress: createProgress(io.stderr, io.stderrIsTTY) } : {}),
  });
  const found = stats.files + stats.deletions;
  if (found === 0 && stats.failed === 0) {
    await assertPasswordFits(bucket);
    throw new ProblemError(`nothing to restore: ${command.remoteName}:${command.path} ${command.mode.kind === 'all' ? 'has no versions' : 'had no files at that time'}`);
  }
  await report.finish({
    dryRun: command.dryRun,
    files: stats.files,
    deletions: stats.deletions,
    restored: stats.restored,
    marked: stats.marked,
    replaced: stats.replaced,
    skipped: stats.skipped,
    failed: stats.failed,
    bytes: stats.bytes,
    undecryptable,
    b2: usageOf(bucket.client),
  });
  const verb = command.dryRun ? 'would restore' : 'restored';
  const replaced = stats.replaced > 0 ? `, ${stats.replaced} replaced` : '';
  logger.notice(
    `${verb} ${command.dryRun ? stats.files : stats.restored} files${command.mode.kind === 'all' ? ` and ${command.dryRun ? stats.deletions : stats.marked} deletion marks` : ''}` +
      `${command.dryRun ? '' : ` (${formatIecSize(stats.bytes)}${replaced}), ${stats.skipped} already complete`}` +
      `${stats.failed ? `, ${stats.failed} FAILED` : ''}; ${formatTransactions(bucket.client.transactions)}`,
  );
  logger.info(formatUsage(usageOf(bucket.client)));
  await remote.content.close?.();
  if (stats.failed > 0 || undecryptable > 0) throw new ProblemError(`${stats.failed + undecryptable} files could not be restored`);
  return 0;
}
