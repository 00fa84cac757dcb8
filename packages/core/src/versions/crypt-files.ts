import type { B2LifecycleRule } from '../b2/types.js';
// The files of a crypt remote under one plaintext PATH (a file or a directory), with
// decrypted names, one history at a time: lists only B2 names under PATH's encrypted form,
// groups them per name (groupVersions) and decrypts each name, judging the password with
// the one wrong-password rule (PasswordCheck). Every encrypted-bucket tool lists this way.
import type { B2Api, B2FileVersion } from '../b2/types.js';
import { listVersionPagesParallel, type ParallelListStats } from '../b2/parallel-list.js';
import type { NameCipher } from '../crypt/types.js';
import { groupVersionPages, type FileHistory } from './group.js';
import { bucketPrefix, compareB2Names } from './list.js';
import { PasswordCheck, WRONG_PASSWORD_AFTER } from './password-check.js';

export interface CryptBucket {
  client: B2Api;
  bucketId: string;
  /** Path inside the bucket the crypt remote starts at ('' for the root). */
  prefix: string;
  names: NameCipher;
  /** The bucket's lifecycle rules, when the opener read them (b2_list_buckets). */
  lifecycleRules?: B2LifecycleRule[];
}

export interface CryptFileHistory {
  /** Decrypted path relative to the crypt remote's root. */
  path: string;
  /** Path relative to the listed PATH (the basename when PATH is a file). */
  relative: string;
  /** The B2 file name. */
  fileName: string;
  versions: B2FileVersion[];
}

export interface ListScope {
  /** B2 prefix to list. */
  listPrefix: string;
  /** The B2 name PATH has as a file, if PATH is not the root. */
  fileName?: string;
  /** B2 names below PATH as a directory start with this. */
  dirPrefix: string;
}

const commonPrefix = (a: string, b: string): string => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return a.slice(0, i);
};

const trimPath = (path: string): string => path.replace(/^\/+|\/+$/g, '');

/** Where PATH (a file or a directory, '' for everything) lives in the bucket. */
export function scopeOf(bucket: Pick<CryptBucket, 'prefix' | 'names'>, plainPath: string): ListScope {
  const base = bucketPrefix(bucket.prefix);
  const path = trimPath(plainPath);
  if (!path) return { listPrefix: base, dirPrefix: base };
  const fileName = base + bucket.names.encryptPath(path);
  const dirPrefix = `${base}${bucket.names.encryptDirPath(path)}/`;
  return { listPrefix: commonPrefix(fileName, dirPrefix), fileName, dirPrefix };
}

/**
 * Histories held back, before any name proved the password right, so that a wrong key's
 * chance decryptions never reach a caller that acts on them (a deleting tool would apply
 * its policy to a garbage path). Bounded: a bucket of only non-UTF-8 names still streams.
 */
const HOLD_AT_MOST = 2 * WRONG_PASSWORD_AFTER;

export interface ListCryptFilesOptions {
  path?: string;
  /** Called for a name that does not decrypt (with its versions); it is then skipped. */
  onUndecryptable?: (fileName: string, error: Error, versions: readonly B2FileVersion[]) => void;
  /** Start listing at this B2 name (inclusive). */
  startFileName?: string;
  /** Stop before this B2 name (exclusive), in B2's order: nothing from it on is listed. */
  stopBeforeFileName?: string;
  pageSize?: number;
  /** Key ranges listed at once (default DEFAULT_LIST_CONCURRENCY; 1 = one cursor). */
  listConcurrency?: number;
  /** Filled in as the listing runs: calls made, ranges cut. */
  listStats?: ParallelListStats;
  signal?: AbortSignal;
}

/** Files whose names are decrypted together. */
const DECRYPT_BATCH = 256;

type DecryptOutcome = { ok: true; path: string } | { ok: false; error: Error };

/** Ranges listed at once: enough to hide 50 ms of latency behind decoding. */
export const DEFAULT_LIST_CONCURRENCY = 16;

/**
 * Histories of every file under PATH, one at a time, in B2's (encrypted-name) order.
 * Throws WrongPasswordError (before yielding anything) when the names prove a wrong password.
 */
export async function* listCryptFiles(bucket: CryptBucket, options: ListCryptFilesOptions = {}): AsyncGenerator<CryptFileHistory> {
  for await (const batch of listCryptFileBatches(bucket, options)) yield* batch;
}

/**
 * listCryptFiles a batch of files at a time (each batch non-empty, up to a decrypting
 * batch's worth, in order): a consumer of a million files then pays one asynchronous step
 * per batch, not one per file.
 */
export async function* listCryptFileBatches(bucket: CryptBucket, options: ListCryptFilesOptions = {}): AsyncGenerator<CryptFileHistory[]> {
  const plain = trimPath(options.path ?? '');
  const scope = scopeOf(bucket, plain);
  const head = bucketPrefix(bucket.prefix);
  const start = options.startFileName && options.startFileName > scope.listPrefix ? { startFileName: options.startFileName } : {};
  const signal = options.signal ? { signal: options.signal } : {};
  const stopAt = options.stopBeforeFileName !== undefined ? { stopBeforeFileName: options.stopBeforeFileName } : {};
  const pages = listVersionPagesParallel(
    bucket.client,
    bucket.bucketId,
    { prefix: scope.listPrefix, pageSize: options.pageSize ?? 10_000, concurrency: options.listConcurrency ?? DEFAULT_LIST_CONCURRENCY, ...start, ...stopAt, ...signal },
    options.listStats,
  );
  const stop = options.stopBeforeFileName;
  const check = new PasswordCheck();
  // The files in scope, a page's worth at a time.
  async function* inScope(): AsyncGenerator<FileHistory[]> {
    for await (const histories of groupVersionPages(pages)) {
      const kept: FileHistory[] = [];
      for (const history of histories) {
        if (stop !== undefined && compareB2Names(history.fileName, stop) >= 0) {
          if (kept.length > 0) yield kept;
          return;
        }
        if (history.fileName.endsWith('/')) continue;
        if (history.fileName === scope.fileName || history.fileName.startsWith(scope.dirPrefix)) kept.push(history);
      }
      if (kept.length > 0) yield kept;
    }
  }
  // Names are decrypted a batch of files at a time (tryDecryptPaths: the cipher runs a batch
  // through AES together, several times faster than name by name); each name once per file.
  const decryptBatch = (batch: readonly FileHistory[]): DecryptOutcome[] => {
    const names = batch.map((history) => history.fileName.slice(head.length));
    if (bucket.names.tryDecryptPaths) return bucket.names.tryDecryptPaths(names);
    return names.map((name): DecryptOutcome => {
      try {
        return { ok: true, path: bucket.names.decryptPath(name) };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
      }
    });
  };
  let held: CryptFileHistory[] | undefined = [];
  // Judges each decrypted name (the password rule), holds files back until the password is proven.
  function settle(batch: readonly FileHistory[]): CryptFileHistory[] {
    const results = decryptBatch(batch);
    const out: CryptFileHistory[] = [];
    for (let i = 0; i < batch.length; i += 1) {
      const history = batch[i]!;
      const result = results[i]!;
      if (!result.ok) {
        check.undecryptable();
        const wrong = check.wrongSoFar();
        if (wrong) throw wrong;
        options.onUndecryptable?.(history.fileName, result.error, history.versions);
        continue;
      }
      const path = result.path;
      check.decryptedAs(path);
      const relative = history.fileName === scope.fileName ? path.slice(path.lastIndexOf('/') + 1) : plain ? path.slice(plain.length + 1) : path;
      const file: CryptFileHistory = { path, relative, fileName: history.fileName, versions: history.versions };
      if (held === undefined) {
        out.push(file);
        continue;
      }
      held.push(file);
      if (check.proven || held.length >= HOLD_AT_MOST) {
        out.push(...held);
        held = undefined;
      }
    }
    return out;
  }
  let batch: FileHistory[] = [];
  for await (const histories of inScope()) {
    for (const history of histories) {
      batch.push(history);
      if (batch.length < DECRYPT_BATCH) continue;
      const full = batch;
      batch = [];
      const settled = settle(full);
      if (settled.length > 0) yield settled;
    }
  }
  const last = settle(batch);
  if (last.length > 0) yield last;
  const wrong = check.wrongAtEnd();
  if (wrong) throw wrong;
  if (held !== undefined && held.length > 0) yield held;
}

/**
 * When a PATH matched nothing: tells a wrong password (the remote holds names, but the first
 * few prove it wrong by PasswordCheck's rule — PATH was then encrypted with the wrong key
 * too) from a PATH that really does not exist. One small listing call.
 */
export async function assertPasswordFits(bucket: CryptBucket): Promise<void> {
  const head = bucketPrefix(bucket.prefix);
  const check = new PasswordCheck();
  for await (const version of bucket.client.listFileNames(bucket.bucketId, { prefix: head, pageSize: WRONG_PASSWORD_AFTER })) {
    if (version.fileName.endsWith('/')) continue;
    try {
      check.decryptedAs(bucket.names.decryptPath(version.fileName.slice(head.length)));
    } catch {
      check.undecryptable();
    }
    if (check.proven || check.wrongSoFar()) break;
  }
  const wrong = check.wrongAtEnd(true);
  if (wrong) throw wrong;
}
