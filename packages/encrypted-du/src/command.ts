import { writeWithBackpressure, openEncryptedBucket, compareB2Names, assertPathMatched, encryptedBucketName, formatTransactions, formatIecSize, ProblemError, type Logger, type ToolIO, assertPasswordFits, listCryptFileBatches, type CryptFileHistory, type CryptBucket, type PriceModel, loadPrices } from '@rclone-b2/core';
import { checkHtmlTarget } from '@rclone-b2/report';
import { runDu, type Inventories } from './du.js';
import { DirUsage, storedTotal } from './dir-usage.js';
import { bucketTotalLines } from './total.js';
import { htmlInventories, teeSink } from './html-sink.js';
import { lsSink, type InventorySink } from './ls-sink.js';
import { openOutput, type OpenedOutput } from './outputs.js';
import { createProgress } from './progress.js';
import { pricesNote, writeCostReport } from './cost-report.js';
import { summarySink } from './summary-sink.js';

export interface DuCommand {
  remoteName?: string | undefined;
  path: string;
  configPath?: string | undefined;
  outputs: { all?: string | undefined; undeleted?: string | undefined; deleted?: string | undefined };
  format: 'summary' | 'json' | 'ls' | 'ncdu';
  human: boolean;
  depth?: number | undefined;
  top?: number | undefined;
  progress: boolean;
  startAt?: string | undefined;
  /** Stop before this path (exclusive, as b2-prune --stop-at). */
  stopAt?: string | undefined;
  /** Deprecated --stop-after: stop after this path (inclusive). */
  stopAfter?: string | undefined;
  /**
   * Versions per listing call (B2 allows up to 10,000). Default 1,000, as rclone's
   * --b2-list-chunk. B2 bills a call per 1,000 names returned, so 3,000 (b2-prune's) costs no
   * more class C and makes a third of the round trips, but measured in-process it cost ~10 %
   * more CPU (bigger pages are promoted by V8 and collected late); 10,000 is ~15 MB of JSON
   * objects a page.
   */
  listChunk?: number | undefined;
  /** Also write the HTML treemap report here (`-`: stdout). */
  html?: string | undefined;
  /** --cost: the monthly cost report per directory on stdout (see cost-report.ts). */
  cost?: { model: PriceModel; json: boolean } | undefined;
  /** Key ranges listed at once (core's parallel listing; 1 = one cursor). */
  listRanges?: number | undefined;
  /** After the summaries, the whole listing's plaintext and stored (billed) bytes on stdout (du -c). */
  total?: boolean | undefined;
}

/** Stops at the B2 name `stop.name` (after it when inclusive), in listing order. */
async function* until(batches: AsyncIterable<CryptFileHistory[]>, stop: { name: string; inclusive: boolean } | undefined): AsyncGenerator<CryptFileHistory[]> {
  if (stop === undefined) return yield* batches;
  for await (const batch of batches) {
    const end = batch.findIndex((history) => compareB2Names(history.fileName, stop.name) >= (stop.inclusive ? 1 : 0));
    if (end < 0) {
      yield batch;
      continue;
    }
    if (end > 0) yield batch.slice(0, end);
    return;
  }
}

/** Opens the crypt remote's bucket: core's openEncryptedBucket, or a test's or benchmark's own source. */
export type DuBucketOpener = (
  input: Parameters<typeof openEncryptedBucket>[0],
  io: Parameters<typeof openEncryptedBucket>[1],
) => Promise<{ bucket: CryptBucket; plainSize: (stored: number) => number }>;

export async function encryptedDu(command: DuCommand, io: ToolIO, logger: Logger, open: DuBucketOpener = openEncryptedBucket): Promise<number> {
  if (command.html !== undefined) await checkHtmlTarget(command.html, io.cwd);
  const { bucket, plainSize } = await open({ ...command, logger }, io);
  const opened: OpenedOutput[] = [];
  const inventories: Inventories = {};
  try {
    for (const kind of ['all', 'undeleted', 'deleted'] as const) {
      const target = command.outputs[kind];
      if (target === undefined) continue;
      const output = await openOutput(target, io.stdout, io.cwd);
      opened.push(output);
      const sink: InventorySink =
        command.format === 'ls'
          ? lsSink(output.stream)
          : summarySink(output.stream, { format: command.format === 'summary' ? 'text' : command.format, human: command.human, depth: command.depth, top: command.top });
      inventories[kind] = sink;
    }
    const html = command.html !== undefined ? htmlInventories(command.html, io.cwd, io.stdout) : undefined;
    if (html) {
      inventories.all = teeSink(inventories.all, html.all);
      inventories.deleted = teeSink(inventories.deleted, html.old);
    }
    let undecryptable = 0;
    const listStats = { calls: 0, splits: 0, widest: 0 };
    const histories = listCryptFileBatches(bucket, {
      path: command.path,
      pageSize: command.listChunk,
      listConcurrency: command.listRanges,
      listStats,
      ...(command.startAt ? { startFileName: encryptedBucketName(bucket.names, bucket.prefix, command.startAt) } : {}),
      onUndecryptable: (fileName, error) => {
        undecryptable += 1;
        logger.error(`cannot decrypt ${fileName}: ${(error as Error).message}`);
      },
    });
    const stopPath = command.stopAt ?? command.stopAfter;
    const stop = stopPath ? { name: encryptedBucketName(bucket.names, bucket.prefix, stopPath), inclusive: command.stopAt === undefined } : undefined;
    const progress = command.progress ? createProgress(io.stderr, io.stderrIsTTY) : undefined;
    let oddSizes = 0;
    // A stored size no crypt file can have (damaged or foreign object): count it as stored.
    const sizeOf = (stored: number): number => {
      try {
        return plainSize(stored);
      } catch {
        oddSizes += 1;
        return stored;
      }
    };
    // Per-directory current/old bytes, plaintext and stored (billed): the bucket total and --cost read it.
    const usage = new DirUsage();
    const client = bucket.client;
    const unfinishedBytes = async (version: { fileId: string }): Promise<number> => {
      let bytes = 0;
      if (client.listParts) for await (const part of client.listParts(version.fileId, io.signal ? { signal: io.signal } : {})) bytes += part.contentLength;
      return bytes;
    };
    const stats = await runDu(until(histories, stop), sizeOf, inventories, progress, { usage, unfinishedBytes });
    if (command.cost) {
      await writeCostReport(io.stdout, usage, command.cost.model, { json: command.cost.json, human: command.human, depth: command.depth, top: command.top });
      logger.notice(pricesNote(usage, command.cost.model));
    }
    const total = usage.total();
    if (command.total) await writeWithBackpressure(io.stdout, bucketTotalLines(total, command.human));
    if (html) await html.write(`Space by directory: ${command.remoteName ?? 'remote'}:${command.path}`, (command.cost?.model ?? (await loadPrices())).storage.pricePerTBMonth);
    if (oddSizes > 0) logger.error(`${oddSizes} versions have sizes no rclone-crypt file can have; counted at their stored size`);
    // A named PATH that matches nothing is an error, as in the other encrypted-bucket tools
    // (an empty remote, or an empty --start-at/--stop-at range, is not).
    if (stats.files === 0 && command.startAt === undefined && stopPath === undefined) await assertPathMatched(bucket, command.path, command.remoteName);
    else if (stats.files === 0) await assertPasswordFits(bucket);
    logger.info(
      `${stats.files} files (${stats.liveFiles} live, ${stats.deletedFiles} deleted), ${stats.versions} versions; ` +
        `current ${formatIecSize(stats.currentBytes)}, old/deleted ${formatIecSize(stats.oldBytes)}; ` +
        `stored (billed) ${formatIecSize(storedTotal(total))} incl. ${stats.unfinishedFiles} unfinished large files; ` +
        `${formatTransactions(bucket.client.transactions)} (${listStats.calls} listing calls over ${listStats.splits + 1} key ranges, ${Math.max(1, listStats.widest)} at once)`,
    );
    if (oddSizes > 0 && undecryptable === 0) throw new ProblemError(`${oddSizes} versions are not valid rclone-crypt objects`);
    if (undecryptable > 0) throw new ProblemError(`${undecryptable} names could not be decrypted (wrong password, or not this remote's files?)`);
    return 0;
  } finally {
    for (const output of opened) await output.close();
  }
}
