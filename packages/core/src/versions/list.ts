import type { B2Api, B2FileVersion } from '../b2/types.js';
import type { NameCipher } from '../crypt/types.js';
import { bucketPrefix } from './decrypt.js';

export interface ListCryptVersionsOptions {
  client: Pick<B2Api, 'listFileVersions'>;
  /** The bucket's id (from client.getBucket). */
  bucketId: string;
  /** The crypt remote's path inside the bucket ('' for the root). */
  prefix: string;
  /** Needed to encrypt startAt/stopAt. */
  names?: Pick<NameCipher, 'encryptPath' | 'encryptDirPath'>;
  /**
   * Plain path to start at. Encrypted names sort differently from plain ones, so this is
   * a position in the bucket's (encrypted) order: listing starts at the encrypted name of
   * this path. A path ending in `/` is encrypted as a directory.
   */
  startAt?: string;
  /** Plain path to stop before (exclusive), in the same encrypted order. */
  stopAt?: string;
  pageSize?: number;
  signal?: AbortSignal;
}

/** Compares B2 names the way B2 sorts them: by UTF-8 bytes. */
export function compareB2Names(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** The bucket name a plain path (file, or directory when it ends in `/`) is stored under. */
export function encryptedBucketName(names: Pick<NameCipher, 'encryptPath' | 'encryptDirPath'>, prefix: string, path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  const encrypted = trimmed.endsWith('/') ? `${names.encryptDirPath(trimmed.replace(/\/+$/, ''))}/` : names.encryptPath(trimmed);
  return `${bucketPrefix(prefix)}${encrypted}`;
}

/**
 * Streams every version under a crypt remote page by page (B2 order: by encrypted name,
 * newest first within a name), optionally from an encrypted start name and up to an
 * encrypted stop name. Feed it to groupVersions then decryptHistories.
 */
export function listCryptVersions(options: ListCryptVersionsOptions): AsyncGenerator<B2FileVersion> {
  const { client, bucketId, prefix, names } = options;
  const need = (what: string): Pick<NameCipher, 'encryptPath' | 'encryptDirPath'> => {
    if (!names) throw new Error(`listCryptVersions: ${what} needs a name cipher`);
    return names;
  };
  const startFileName = options.startAt ? encryptedBucketName(need('startAt'), prefix, options.startAt) : undefined;
  const stopName = options.stopAt ? encryptedBucketName(need('stopAt'), prefix, options.stopAt) : undefined;
  const versions = client.listFileVersions(bucketId, {
    prefix: bucketPrefix(prefix),
    startFileName,
    pageSize: options.pageSize ?? 10_000,
    signal: options.signal,
  });
  // Without a stop name the client's own generator is handed out: one async layer less
  // per version matters at millions of versions.
  return stopName === undefined ? versions : stopBefore(versions, stopName);
}

async function* stopBefore(versions: AsyncGenerator<B2FileVersion>, stopName: string): AsyncGenerator<B2FileVersion> {
  let lastName: string | undefined;
  for await (const version of versions) {
    if (version.fileName !== lastName) {
      if (compareB2Names(version.fileName, stopName) >= 0) return;
      lastName = version.fileName;
    }
    yield version;
  }
}
