import type { B2Api, B2FileVersion } from '../b2/types.js';
import { Semaphore, TaskPool } from '../concurrency/index.js';

/**
 * Crash-safe deletion of versions, shared by b2-prune and encrypted-cleanup.
 *
 * Why the order matters: B2 shows a name's newest version. Deleting a hide marker while an
 * older upload of the same name still exists makes that upload current again, so a crash
 * between the two calls would resurrect a deleted file. Within one file we therefore
 * delete every upload (and unfinished `start` entry) first, oldest first, and only when
 * all of them are gone the hide markers, oldest first. Uploads of one file may be deleted
 * concurrently: removing an old upload never changes what the name shows. A hide marker
 * whose file still has an upload we failed to delete is skipped (reported as failed).
 */
export function crashSafeOrder<T extends Pick<B2FileVersion, 'action' | 'uploadTimestamp'>>(versions: readonly T[]): T[] {
  const oldestFirst = (a: T, b: T): number => a.uploadTimestamp - b.uploadTimestamp;
  const uploads = versions.filter((v) => v.action !== 'hide').sort(oldestFirst);
  const hides = versions.filter((v) => v.action === 'hide').sort(oldestFirst);
  return [...uploads, ...hides];
}

/** B2 says the version is already gone (e.g. deleted by an interrupted earlier run). */
export function isAlreadyDeleted(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'file_not_present' || code === 'no_such_file';
}

export interface DeletionFailure {
  version: B2FileVersion;
  error: Error;
}

export interface DeletionTotals {
  /** Versions deleted by this run (including ones B2 said were already gone). */
  deleted: number;
  /** Bytes of the deleted versions (contentLength). */
  bytes: number;
  /** Of `deleted`, how many B2 reported as already gone. */
  alreadyGone: number;
  failures: DeletionFailure[];
}

export interface DeletionExecutorOptions {
  client: Pick<B2Api, 'deleteFileVersion'>;
  /** Parallel delete calls (B2 calls), at least 1. */
  concurrency: number;
  /** How many files may be queued or in progress before submit() waits (default 4 × concurrency). */
  maxPendingFiles?: number;
  signal?: AbortSignal;
  onDeleted?: (version: B2FileVersion) => void;
  onFailed?: (version: B2FileVersion, error: Error) => void;
}

/**
 * Runs deletions with bounded concurrency. `submit(versions)` takes one file's versions
 * to delete (any order; they are put in crash-safe order) and resolves as soon as the
 * file is queued, waiting first while too many files are pending (back-pressure for the
 * listing that feeds it). `drain()` waits for everything and returns the totals.
 */
export class DeletionExecutor {
  readonly totals: DeletionTotals = { deleted: 0, bytes: 0, alreadyGone: 0, failures: [] };
  /** Delete calls in flight. */
  private readonly calls: Semaphore;
  /** Files queued or in progress. */
  private readonly files: TaskPool;

  constructor(private readonly options: DeletionExecutorOptions) {
    const concurrency = Math.max(1, Math.floor(options.concurrency));
    this.calls = new Semaphore(concurrency);
    // ceil: a fractional maximum admits the next whole number of files, as `size >= max` did.
    this.files = new TaskPool(Math.max(1, Math.ceil(options.maxPendingFiles ?? concurrency * 4)));
  }

  async submit(versions: readonly B2FileVersion[]): Promise<void> {
    if (versions.length === 0) return;
    await this.files.add(() => this.deleteFile(crashSafeOrder(versions)));
  }

  async drain(): Promise<DeletionTotals> {
    await this.files.drain();
    return this.totals;
  }

  private async deleteFile(ordered: B2FileVersion[]): Promise<void> {
    const uploads = ordered.filter((v) => v.action !== 'hide');
    const hides = ordered.filter((v) => v.action === 'hide');
    const results = await Promise.all(uploads.map((version) => this.calls.use(() => this.deleteOne(version))));
    if (results.some((ok) => !ok)) {
      for (const hide of hides) {
        this.fail(hide, new Error('not deleted: an older upload of this file could not be deleted, so its hide marker stays'));
      }
      return;
    }
    for (const hide of hides) {
      if (!(await this.calls.use(() => this.deleteOne(hide)))) break;
    }
  }

  private async deleteOne(version: B2FileVersion): Promise<boolean> {
    if (this.options.signal?.aborted) {
      this.fail(version, new Error('not deleted: interrupted'));
      return false;
    }
    try {
      await this.options.client.deleteFileVersion(version.fileName, version.fileId, { signal: this.options.signal });
    } catch (error) {
      if (!isAlreadyDeleted(error)) {
        this.fail(version, error instanceof Error ? error : new Error(String(error)));
        return false;
      }
      this.totals.alreadyGone += 1;
    }
    this.totals.deleted += 1;
    this.totals.bytes += version.contentLength;
    this.options.onDeleted?.(version);
    return true;
  }

  private fail(version: B2FileVersion, error: Error): void {
    this.totals.failures.push({ version, error });
    this.options.onFailed?.(version, error);
  }
}
