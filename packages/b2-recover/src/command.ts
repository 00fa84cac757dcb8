import { openEncryptedBucket, formatTransactions, formatUsage, usageOf, ConfigError, ProblemError, type Logger, type ToolIO, assertPathMatched, listCryptFiles } from '@rclone-b2/core';
import { stat } from 'node:fs/promises';
import { recover } from './recover.js';
import { jsonReport, textReport } from './report.js';

export interface RecoverCommand {
  remoteName?: string | undefined;
  backupDirectory: string;
  localDirectory?: string | undefined;
  hiddenAfter?: number | undefined;
  configPath?: string | undefined;
  dryRun: boolean;
  transfers: number;
  /** The plan and summary as one JSON document on stdout. */
  json?: boolean | undefined;
}

export async function b2Recover(command: RecoverCommand, io: ToolIO, logger: Logger): Promise<number> {
  if (command.localDirectory !== undefined) {
    const local = await stat(command.localDirectory).catch(() => undefined);
    if (!local?.isDirectory()) throw new ConfigError(`local directory ${command.localDirectory} does not exist or is not a directory`);
  }
  const { bucket } = await openEncryptedBucket({ ...command, concurrency: command.transfers, logger }, io);
  const report = command.json ? jsonReport(io.stdout, command.dryRun) : textReport(io.stdout);
  let undecryptable = 0;
  const histories = listCryptFiles(bucket, {
    path: command.backupDirectory,
    onUndecryptable: (fileName, error) => {
      undecryptable += 1;
      logger.error(`cannot decrypt ${fileName}, left alone: ${(error as Error).message}`);
    },
  });
  const stats = await recover(histories, {
    client: bucket.client,
    ...(command.localDirectory !== undefined ? { localDirectory: command.localDirectory } : {}),
    ...(command.hiddenAfter !== undefined ? { hiddenAfter: command.hiddenAfter } : {}),
    dryRun: command.dryRun,
    transfers: command.transfers,
    logger,
    report,
  });
  await report.finish({ dryRun: command.dryRun, ...stats, undecryptable, b2: usageOf(bucket.client) });
  logger.notice(
    `${stats.files} files seen, ${stats.hidden} deleted; ${command.dryRun ? 'would undelete' : 'undeleted'} ${stats.recovered}, left ${stats.leftHidden} deleted` +
      `${stats.failed ? `, ${stats.failed} FAILED` : ''}${undecryptable ? `, ${undecryptable} names could not be decrypted` : ''}; ` +
      formatTransactions(bucket.client.transactions),
  );
  logger.info(formatUsage(usageOf(bucket.client)));
  if (stats.files === 0) await assertPathMatched(bucket, command.backupDirectory, command.remoteName);
  if (stats.failed > 0) throw new ProblemError(`${stats.failed} files could not be undeleted`);
  if (undecryptable > 0) throw new ProblemError(`${undecryptable} names could not be decrypted and were left alone`);
  return 0;
}
