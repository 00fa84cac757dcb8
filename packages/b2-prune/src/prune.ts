import type { Writable } from 'node:stream';
import {
  assertPathMatched,
  BufferedWriter,
  ConfigError,
  DeletionExecutor,
  encryptedBucketName,
  escapeName,
  isB2Error,
  isVisibleKind,
  spareLocked,
  listCryptFiles,
  WrongPasswordError,
  type B2Api,
  type B2FileVersion,
  type B2LifecycleRule,
  type Logger,
  type NameCipher,
} from '@rclone-b2/core';
import { decide, type FileDecision } from './policy/decide.js';
import type { PolicyConfig } from './policy/config.js';
import type { PolicyChoice } from './policy/index.js';
import { cancelUnfinishedLargeFiles } from './unfinished.js';
import type { PrunePlan } from './html-plan.js';
import { LifecycleCheck } from './lifecycle.js';
import type { Progress, PruneProgressState } from './progress.js';
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
  /** Only this directory (or file) of the crypt remote (`REMOTE:PATH`); '' or undefined = all of it. */
  within?: string;
  /** The crypt remote's name, for the message when `within` matches nothing. */
  remoteName?: string | undefined;
  maxFiles?: number;
  /** Prune file versions (false with --no-files). */
  files: boolean;
  /** Cancel unfinished large files older than a day (false with --no-unfinished-large-files). */
  unfinishedLargeFiles: boolean;
  verbosity: number;
  json: boolean;
  /** -h: sizes as du -h prints them in -v lines. */
  human?: boolean;
  out: Writable;
  log: Logger;
  signal?: AbortSignal;
  pageSize?: number;
  /** --html: every file's decisions with reasons, for the page. */
  plan?: PrunePlan;
  /** The bucket's lifecycle rules: checked against what the policies keep. */
  lifecycleRules?: B2LifecycleRule[];
  /** Listing progress on stderr (a terminal only; never with -q or --json). */
  progress?: Progress;
}

/**
 * Versions per list call. B2 bills ⌈entries/1000⌉ class C transactions per call whatever
 * the page size, and measured on the emulator 3,000 lists as fast as 10,000 while a
 * 10,000-entry page (~5 MB of JSON) nearly doubles peak memory.
 */
export const LIST_PAGE_SIZE = 3000;

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
    onFailed: (version, error) => {
      if (!outcomeUnknown(error)) return run.log.error(`cannot delete ${describe(run, version)}: ${error.message}`);
      summary.unconfirmed += 1;
      run.log.error(`deletion not confirmed: ${describe(run, version)}: ${error.message}`);
    },
  });

  const lifecycle = new LifecycleCheck(run.lifecycleRules ?? []);
  let planned = 0;
  let submitted = false;
  // names listed under PATH (decrypted or not): none means PATH does not exist
  let matched = 0;
  const onUndecryptable = (fileName: string, error: Error, versions: readonly B2FileVersion[]): void => {
    matched += 1;
    summary.undecryptableNames += 1;
    summary.versionsSeen += versions.length;
    if (summary.undecryptableNames <= 10) run.log.warn(`leaving alone ${fileName}: ${error.message}`);
    else if (summary.undecryptableNames === 11) run.log.warn('more names do not decrypt; not listing them all');
  };

  // deleted so far: planned in a dry run; submitted (queued or done) in a real one, the final line what B2 confirmed
  const progressState = (path: string): PruneProgressState => ({ versions: summary.versionsSeen, files: summary.filesSeen, deleted: run.dryRun ? summary.versionsDeleted : planned, path });

  if (run.files) {
    const encrypted = (path: string | undefined): string | undefined => (path ? encryptedBucketName(run.names, run.prefix, path) : undefined);
    const startFileName = encrypted(run.startAt);
    const stopBeforeFileName = encrypted(run.stopAt);
    // listCryptFiles yields nothing before the names prove the password right, so a wrong
    // password stops the run before any deletion. `path` lists only the names under PATH's
    // encrypted prefix (a directory, or a single file as the sibling tools take it).
    const histories = listCryptFiles(run, {
      ...(run.within ? { path: run.within } : {}),
      ...(startFileName ? { startFileName } : {}),
      ...(stopBeforeFileName ? { stopBeforeFileName } : {}),
      pageSize: run.pageSize ?? LIST_PAGE_SIZE,
      ...(run.signal ? { signal: run.signal } : {}),
      onUndecryptable,
    });
    try {
      for await (const history of histories) {
        matched += 1;
        // a name with only unfinished large-file entries is left to the cancel step
        if (!history.versions.some(isVisibleKind)) continue;
        if (run.maxFiles !== undefined && summary.filesSeen >= run.maxFiles) {
          // --start-at is read relative to REMOTE:PATH, so the hint must be too
          summary.resumeAt = history.relative;
          break;
        }
        summary.filesSeen += 1;
        summary.versionsSeen += history.versions.length;
        const choice: PolicyChoice = run.purge && never ? { policy: never } : run.config.matcher.choose(history.path);
        const decision = decide(history.versions, choice.policy, run.now, { reasons: false });
        const byPolicy: B2FileVersion[] = [];
        for (const d of decision.decisions) if (d.verdict === 'delete') byPolicy.push(d.version);
        // Object Lock: B2 would refuse these; keep them (and hide markers above them) and say so
        const { deletable: doomed, locked } = spareLocked(byPolicy, run.now);
        lifecycle.check(history.path, history.versions, choice.policy, run.now);
        summary.versionsLocked += locked.length;
        for (const l of locked) run.log.info(`kept by Object Lock (${l.reason}): ${describe(run, l.version)}`);
        summary.versionsKept += history.versions.length - doomed.length;
        if (doomed.length > 0) summary.filesPruned += 1;
        const explained = (): FileDecision => decide(history.versions, choice.policy, run.now);
        run.plan?.add(history.path, choice, explained());
        if (run.verbosity >= 2 || (run.verbosity >= 1 && doomed.length > 0)) {
          await writer.write(
            run.json
              ? `${JSON.stringify({ type: 'file', ...fileJson(history.path, history.fileName, choice, explained()) })}\n`
              : formatFileText(history.path, choice, explained(), run.dryRun, run.human),
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
          submitted = true;
          await executor.submit(doomed);
        }
        run.progress?.update(progressState(history.path));
      }
    } catch (error) {
      if (error instanceof WrongPasswordError && !submitted) throw new ConfigError(`${error.message}. Nothing was deleted.`, undefined, { cause: error });
      throw error;
    }
    // A named PATH that matches nothing (a typo) is an error, as in the sibling tools; the
    // root of an empty remote and an empty --start-at/--stop-at range are not. Nothing was
    // submitted, so nothing was deleted.
    if (matched === 0 && run.startAt === undefined && run.stopAt === undefined) {
      run.progress?.done(progressState(''));
      await assertPathMatched(run, run.within ?? '', run.remoteName);
    }
  }
  const totals = await executor.drain();
  // ended before the summary and the unfinished-large-file lines, so a terminal shows them cleanly
  if (run.files) run.progress?.done({ ...progressState(''), deleted: run.dryRun ? summary.versionsDeleted : totals.deleted });
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
  summary.lifecycleWarnings = lifecycle.warnings();
  for (const warning of summary.lifecycleWarnings) run.log.warn(warning);
  summary.transactions = { ...run.client.transactions };
  return summary;
}

/**
 * A delete that ended on a network error or a 408/429/5xx after its retries may have been
 * carried out by an attempt whose answer was lost; only a re-run can tell. (A retry that
 * finds the version gone counts as deleted already: the client and DeletionExecutor take
 * B2's 400 file_not_present as done.)
 */
function outcomeUnknown(error: Error): boolean {
  return isB2Error(error) && (error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500);
}

function describe(run: PruneRun, version: B2FileVersion): string {
  let path = version.fileName;
  try {
    path = run.names.decryptPath(version.fileName.slice(run.prefix === '' ? 0 : run.prefix.length + 1));
  } catch {
    // keep the encrypted name
  }
  return `${escapeName(path)} (${version.action} ${new Date(version.uploadTimestamp).toISOString()}, id ${version.fileId})`;
}
