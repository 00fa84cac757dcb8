import type { B2FileVersion } from '../b2/types.js';
import type { NameCipher } from '../crypt/types.js';
import type { FileHistory } from './group.js';

/** One file's history with its decrypted path. */
export interface DecryptedHistory {
  /** Plain path relative to the crypt remote's root (`docs/a.txt`). */
  path: string;
  /** The encrypted B2 file name (bucket-relative, prefix included). */
  fileName: string;
  /** Newest first, as B2 lists them. */
  versions: B2FileVersion[];
}

export interface DecryptHistoriesOptions {
  names: Pick<NameCipher, 'decryptPath'>;
  /** The crypt remote's path inside the bucket ('' for the bucket root), no slashes at the ends. */
  prefix: string;
  /**
   * Called for a name that does not decrypt (or lies outside the prefix); the history is
   * skipped. Tools decide whether that is a warning or an error; it never throws here.
   */
  onUndecryptable?: (history: FileHistory, error: Error) => void;
}

/** The bucket-side prefix (`backup/`) under which a crypt remote's names live. */
export function bucketPrefix(prefix: string): string {
  return prefix === '' ? '' : `${prefix.replace(/^\/+|\/+$/g, '')}/`;
}

/**
 * Decrypts the names of a stream of per-file histories (from groupVersions) lazily, one
 * at a time, so memory stays bounded by one history.
 */
export async function* decryptHistories(
  histories: AsyncIterable<FileHistory>,
  options: DecryptHistoriesOptions,
): AsyncGenerator<DecryptedHistory> {
  const head = bucketPrefix(options.prefix);
  for await (const history of histories) {
    if (!history.fileName.startsWith(head)) {
      options.onUndecryptable?.(history, new Error(`"${history.fileName}" is outside the crypt remote's prefix "${head}"`));
      continue;
    }
    let path: string;
    try {
      path = options.names.decryptPath(history.fileName.slice(head.length));
    } catch (error) {
      options.onUndecryptable?.(history, error instanceof Error ? error : new Error(String(error)));
      continue;
    }
    yield { path, fileName: history.fileName, versions: history.versions };
  }
}
