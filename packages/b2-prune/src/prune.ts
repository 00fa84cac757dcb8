import type { Writable } from 'node:stream';
import {
  BufferedWriter,
  ConfigError,
  DeletionExecutor,
  decryptHistories,
  groupVersions,
  isVisibleKind,
  listCryptVersions,
  type B2Api,
  type B2FileVersion,
  type FileHistory,
  type Logger,
  type NameCipher,
} from '@rclone-b2/core';
import { decide, type FileDecision } from './policy/decide.js';
import type { PolicyConfig } from './policy/config.js';
import type { PolicyChoice } from './policy/path-rules.js';
import { cancelUnfinishedLargeFiles } from './unfinished.js';
import { emptySummary, fileJson, formatFileText, type PruneSummary } from './report.js';

export interface PruneRun {
  client: B2Api;
  bucketId: string;
  /** The crypt remote's path inside the bucket ('' for the root). */
  prefix: string;
  names: NameCipher;
  config: PolicyConfig;
  /** "Now" in ms (the clock the ages are measured against). */
  now: number;
  dryRun: boolean;
  /** Apply `never` to every path (--purge --force). */
  purge: boolean;
  concurrency: number;
  startAt?: string;
  stopAt?: string;
  maxFiles?: number;
  /** Prune file versions (false with --no-files). */
  files: boolean;
  /** Cancel unfinished large files older than a day (false with --no-unfinished-large-files). */
  unfinishedLargeFiles: boolean;
  verbosity: number;
  json: boolean;
  out: Writable;
  log: Logger;
  signal?: AbortSignal;
  pageSize?: number;
}

/**
 * How many files are judged before anything is deleted: if most of their names do not
 * decrypt, the password is wrong (or the remote points at someone else's data) and the
 * run stops without deleting anything — a garbage-decrypted name would otherwise get
 * the default policy applied to it.
 */
export const DECRYPTION_PROBE = 20;

/** Streams the bucket's versions, decides per file and deletes (unless dry run). */
export async function prune(run: PruneRun): Promise<PruneSummary> {
  const summary = emptySummary(run.dryRun);
  const writer = new BufferedWriter(run.out);
  const never = run.config.policies.get('never');
  const executor = new DeletionExecutor({
    client: run.client,
    concurrency: run.concurrency,
    signal: run.signal,
    onDeleted: (version) => {
      if (version.action === 'hide') summary.hidesDeleted += 1;
    },
    onFailed: (version, error) => run.log.error(`cannot delete ${describe(run, version)}: ${error.message}`),
  });

  let decrypted = 0;
  let planned = 0;
  let failed = 0;
  let firstFailure = '';
  let held: B2FileVersion[][] | undefined = [];
  const probeVerdict = (): void => {
    if (held === undefined || failed <= decrypted) return;
    throw new ConfigError(
      `${failed} of the first ${failed + decrypted} names under the crypt remote do not decrypt (${firstFailure}); ` +
        'wrong password or password2, or the remote points at other data? Nothing was deleted.',
    );
  };
  const release = async (): Promise<void> => {
    const batch = held ?? [];
    held = undefined;
    for (const versions of batch) await executor.submit(versions);
  };
  const onUndecryptable = (history: FileHistory, error: Error): void => {
    failed += 1;
    summary.undecryptableNames += 1;
    summary.versionsSeen += history.versions.length;
    firstFailure ||= error.message;
    if (failed <= 10) run.log.warn(`leaving alone ${history.fileName}: ${error.message}`);
    else if (failed === 11) run.log.warn('more names do not decrypt; not listing them all');
    if (held !== undefined && failed + decrypted >= DECRYPTION_PROBE) probeVerdict();
  };

  if (run.files) {
    const versions = listCryptVersions({
      client: run.client,
      bucketId: run.bucketId,
      prefix: run.prefix,
      names: run.names,
      startAt: run.startAt,
      stopAt: run.stopAt,
      pageSize: run.pageSize,
      signal: run.signal,
    });
    for await (const history of decryptHistories(groupVersions(versions), { names: run.names, prefix: run.prefix, onUndecryptable })) {
      // a name with only unfinished large-file entries is left to the cancel step
      if (!history.versions.some(isVisibleKind)) continue;
      if (run.maxFiles !== undefined && summary.filesSeen >= run.maxFiles) {
        summary.resumeAt = history.path;
        break;
      }
      decrypted += 1;
      summary.filesSeen += 1;
      summary.versionsSeen += history.versions.length;
      const choice: PolicyChoice = run.purge && never ? { policy: never } : run.config.matcher.choose(history.path);
      const decision = decide(history.versions, choice.policy, run.now, { reasons: false });
      const doomed: B2FileVersion[] = [];
      for (const d of decision.decisions) if (d.verdict === 'delete') doomed.push(d.version);
      summary.versionsKept += history.versions.length - doomed.length;
      if (doomed.length > 0) summary.filesPruned += 1;
      const explained = (): FileDecision => decide(history.versions, choice.policy, run.now);
      if (run.verbosity >= 2 || (run.verbosity >= 1 && doomed.length > 0)) {
        await writer.write(
          run.json
            ? `${JSON.stringify({ type: 'file', ...fileJson(history.path, history.fileName, choice, explained()) })}\n`
            : formatFileText(history.path, choice, explained(), run.dryRun),
        );
      }
      if (run.dryRun) {
        summary.versionsDeleted += doomed.length;
        for (const v of doomed) {
          if (v.action === 'hide') summary.hidesDeleted += 1;
          summary.bytesFreed += v.contentLength;
        }
      } else if (doomed.length > 0) {
        planned += doomed.length;
        if (held !== undefined) held.push(doomed);
        else await executor.submit(doomed);
      }
      if (held !== undefined && failed + decrypted >= DECRYPTION_PROBE) {
        probeVerdict();
        await release();
      }
    }
    probeVerdict();
    await release();
  }
  const totals = await executor.drain();
  if (!run.dryRun) {
    summary.versionsDeleted = totals.deleted;
    summary.bytesFreed = totals.bytes;
    summary.failures = totals.failures.length;
    summary.versionsKept += planned - totals.deleted;
  }
  if (run.unfinishedLargeFiles) {
    const result = await cancelUnfinishedLargeFiles({ ...run, write: (text) => writer.write(text) });
    summary.unfinishedLargeFilesCancelled = result.cancelled;
    summary.failures += result.failures;
  }
  await writer.flush();
  summary.transactions = { ...run.client.transactions };
  return summary;
}

function describe(run: PruneRun, version: B2FileVersion): string {
  let path = version.fileName;
  try {
    path = run.names.decryptPath(version.fileName.slice(run.prefix === '' ? 0 : run.prefix.length + 1));
  } catch {
    // keep the encrypted name
  }
  return `${path} (${version.action} ${new Date(version.uploadTimestamp).toISOString()}, id ${version.fileId})`;
}
