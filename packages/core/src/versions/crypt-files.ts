// The files of a crypt remote under one plaintext PATH (a file or a directory), with
// decrypted names: lists only B2 names under PATH's encrypted form, then uses core's
// groupVersions + decryptHistories. (listCryptVersions lists a whole remote; this narrows
// the listing to PATH, which the tools taking a PATH need.)
import type { B2Api, B2FileVersion } from '../b2/types.js';
import { ConfigError } from '../cli/errors.js';
import type { NameCipher } from '../crypt/types.js';
import { hasNameEscapes } from '../names/name-bytes.js';
import { bucketPrefix, decryptHistories } from './decrypt.js';
import { groupVersions } from './group.js';

export interface CryptBucket {
  client: B2Api;
  bucketId: string;
  /** Path inside the bucket the crypt remote starts at ('' for the root). */
  prefix: string;
  names: NameCipher;
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

/** Consecutive undecryptable names, with none decrypted, that mean a wrong password. */
const WRONG_PASSWORD_AFTER = 10;

const wrongPassword = (count: number, first: boolean): ConfigError =>
  new ConfigError(
    `none of the ${first ? 'first ' : ''}${count} names in the bucket decrypt: wrong crypt password/password2, or not this crypt remote's bucket path`,
  );

export interface ListCryptFilesOptions {
  path?: string;
  /** Called for a name that does not decrypt; it is then skipped. */
  onUndecryptable?: (fileName: string, error: Error) => void;
  /** Start listing at this B2 name (inclusive). */
  startFileName?: string;
  pageSize?: number;
}

/** Histories of every file under PATH, one at a time, in B2's (encrypted-name) order. */
export async function* listCryptFiles(bucket: CryptBucket, options: ListCryptFilesOptions = {}): AsyncGenerator<CryptFileHistory> {
  const plain = trimPath(options.path ?? '');
  const scope = scopeOf(bucket, plain);
  const start = options.startFileName && options.startFileName > scope.listPrefix ? { startFileName: options.startFileName } : {};
  const versions = bucket.client.listFileVersions(bucket.bucketId, { prefix: scope.listPrefix, pageSize: options.pageSize ?? 10_000, ...start });
  let decrypted = 0;
  let yielded = 0;
  let failed = 0;
  let failure: ConfigError | undefined;
  async function* inScope() {
    for await (const history of groupVersions(versions)) {
      if (failure) throw failure;
      if (history.fileName.endsWith('/')) continue;
      if (history.fileName === scope.fileName || history.fileName.startsWith(scope.dirPrefix)) yield history;
    }
  }
  const histories = decryptHistories(inScope(), {
    names: bucket.names,
    prefix: bucket.prefix,
    onUndecryptable: (history, error) => {
      failed += 1;
      // Not one name decrypts: the password is wrong, not the bucket damaged.
      if (decrypted === 0 && failed >= WRONG_PASSWORD_AFTER) failure ??= wrongPassword(failed, true);
      else options.onUndecryptable?.(history.fileName, error);
    },
  });
  for await (const history of histories) {
    if (failure) throw failure;
    // A name that is not valid UTF-8 is a real name (rclone stores such bytes), yielded like
    // any other; but a wrong key also turns ~1 name in 256 into such bytes with valid
    // padding, so it is no evidence of the right password either way.
    if (!hasNameEscapes(history.path)) decrypted += 1;
    yielded += 1;
    const { path } = history;
    const relative = history.fileName === scope.fileName ? path.slice(path.lastIndexOf('/') + 1) : plain ? path.slice(plain.length + 1) : path;
    yield { path, relative, fileName: history.fileName, versions: history.versions };
  }
  if (failure) throw failure;
  if (yielded === 0 && failed > 0) throw wrongPassword(failed, false);
}

/**
 * When a PATH matched nothing: tells a wrong password (the remote holds names, but none of
 * the first few decrypt — PATH was then encrypted with the wrong key too) from a PATH that
 * really does not exist. One small listing call.
 */
export async function assertPasswordFits(bucket: CryptBucket): Promise<void> {
  const head = bucketPrefix(bucket.prefix);
  let seen = 0;
  for await (const version of bucket.client.listFileNames(bucket.bucketId, { prefix: head, pageSize: 10 })) {
    if (version.fileName.endsWith('/')) continue;
    try {
      bucket.names.decryptPath(version.fileName.slice(head.length));
      return;
    } catch {
      seen += 1;
    }
    if (seen >= 10) break;
  }
  if (seen > 0) throw wrongPassword(seen, true);
}
