import { bucketPrefix, compareB2Names, encryptedBucketName, type B2Api, type Logger, type NameCipher } from '@rclone-b2/core';

/** B2 bills the parts of an unfinished large file; one a day old is abandoned (as rclone cleanup judges). */
export const UNFINISHED_MAX_AGE_MS = 86_400_000;

export interface CancelUnfinishedOptions {
  client: Pick<B2Api, 'listUnfinishedLargeFiles' | 'cancelLargeFile'>;
  bucketId: string;
  prefix: string;
  names: NameCipher;
  now: number;
  dryRun: boolean;
  startAt?: string;
  stopAt?: string;
  /** Only this directory (or file) of the crypt remote. */
  within?: string;
  verbosity: number;
  json: boolean;
  log: Logger;
  write: (text: string) => Promise<void>;
}

/**
 * Cancels unfinished large uploads older than a day under the crypt remote (within
 * --start-at/--stop-at when given, compared in the bucket's encrypted order).
 */
export async function cancelUnfinishedLargeFiles(options: CancelUnfinishedOptions): Promise<{ cancelled: number; failures: number }> {
  const { client, names, prefix } = options;
  const start = options.startAt ? encryptedBucketName(names, prefix, options.startAt) : undefined;
  const stop = options.stopAt ? encryptedBucketName(names, prefix, options.stopAt) : undefined;
  const head = bucketPrefix(prefix);
  let cancelled = 0;
  let failures = 0;
  for await (const file of client.listUnfinishedLargeFiles(options.bucketId, { namePrefix: head })) {
    if (options.now - file.uploadTimestamp <= UNFINISHED_MAX_AGE_MS) continue;
    if (start !== undefined && compareB2Names(file.fileName, start) < 0) continue;
    if (stop !== undefined && compareB2Names(file.fileName, stop) >= 0) continue;
    let path = file.fileName;
    try {
      path = names.decryptPath(file.fileName.slice(head.length));
    } catch {
      // report the encrypted name
    }
    if (options.within && path !== options.within && !path.startsWith(`${options.within}/`)) continue;
    const started = new Date(file.uploadTimestamp).toISOString();
    if (options.verbosity >= 1) {
      const verb = options.dryRun ? 'would cancel' : 'cancel';
      await options.write(
        options.json
          ? `${JSON.stringify({ type: 'unfinished-large-file', path, fileName: file.fileName, fileId: file.fileId, started, verdict: verb })}\n`
          : `${path}: unfinished large file started ${started}: ${verb}\n`,
      );
    }
    if (!options.dryRun) {
      try {
        await client.cancelLargeFile(file.fileId);
      } catch (error) {
        failures += 1;
        options.log.error(`cannot cancel unfinished large file ${path}: ${(error as Error).message}`);
        continue;
      }
    }
    cancelled += 1;
  }
  return { cancelled, failures };
}
