import { openEncryptedBucket, noSuchPathMessage, formatTransactions, formatIecSize, formatUsage, usageOf, ProblemError, UsageError, type Logger, type ToolIO, assertPasswordFits, listCryptFiles } from '@rclone-b2/core';
import { cleanup, emptyStats } from './cleanup.js';
import { jsonReport, textReport } from './report.js';

export interface CleanupCommand {
  remoteName: string;
  paths: string[];
  configPath?: string | undefined;
  purge: boolean;
  dryRun: boolean;
  transfers: number;
  /** The plan and summary as one JSON document on stdout. */
  json?: boolean | undefined;
}

export async function encryptedCleanup(command: CleanupCommand, io: ToolIO, logger: Logger): Promise<number> {
  if (command.remoteName.includes(':') || command.remoteName.includes('/')) {
    throw new UsageError(`"${command.remoteName}": the first argument is the crypt remote's name; paths follow it`);
  }
  const { bucket } = await openEncryptedBucket({ ...command, concurrency: command.transfers, logger }, io);
  const stats = emptyStats();
  const report = command.json ? jsonReport(io.stdout, command.dryRun) : textReport(io.stdout);
  const unmatched: string[] = [];
  let undecryptable = 0;
  for (const raw of command.paths) {
    const path = raw.replace(/^\/+|\/+$/g, '');
    if (!path) throw new UsageError('an empty PATH would mean the whole remote; name a file or directory');
    const before = stats.files;
    const histories = listCryptFiles(bucket, {
      path,
      onUndecryptable: (fileName, error) => {
        undecryptable += 1;
        logger.error(`cannot decrypt ${fileName}, left alone: ${(error as Error).message}`);
      },
    });
    await cleanup(histories, { client: bucket.client, purge: command.purge, dryRun: command.dryRun, transfers: command.transfers, logger, report, now: Date.now() }, stats);
    if (stats.files === before) {
      if (unmatched.length === 0) await assertPasswordFits(bucket);
      unmatched.push(raw);
      logger.error(noSuchPathMessage(raw, command.remoteName));
    }
  }
  await report.finish({ dryRun: command.dryRun, ...stats, unmatched, undecryptable, b2: usageOf(bucket.client) });
  logger.notice(
    `${command.dryRun ? 'would delete' : 'deleted'} ${stats.deleted} versions (${formatIecSize(stats.bytes)} stored) of ${stats.files} files` +
      `${stats.failed ? `, ${stats.failed} deletions FAILED` : ''}${stats.locked ? `, ${stats.locked} kept by Object Lock` : ''}${undecryptable ? `, ${undecryptable} names could not be decrypted` : ''}; ` +
      formatTransactions(bucket.client.transactions),
  );
  logger.info(formatUsage(usageOf(bucket.client)));
  if (unmatched.length > 0 || stats.failed > 0 || undecryptable > 0 || stats.locked > 0) {
    throw new ProblemError(
      [
        unmatched.length ? `${unmatched.length} paths matched nothing` : '',
        stats.failed ? `${stats.failed} deletions failed` : '',
        stats.locked ? `${stats.locked} versions are under Object Lock (retention or legal hold) and were kept` : '',
        undecryptable ? `${undecryptable} names under the paths could not be decrypted and were left alone` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  return 0;
}
