// A named PATH that matched nothing is an error (exit 1) in every encrypted-bucket tool, with
// one message, as ls says it; the remote's root is not (an empty remote is not a typo). PATH
// was encrypted with the configured key, so a wrong password must be ruled out first.
import { ProblemError } from '../cli/errors.js';
import { escapeName } from '../names/escape-name.js';
import { assertPasswordFits, type CryptBucket } from './crypt-files.js';

/** `PATH: no such file or directory in REMOTE:` (PATH `ls -b` escaped). */
export function noSuchPathMessage(path: string, remoteName?: string): string {
  return `${escapeName(path)}: no such file or directory${remoteName !== undefined ? ` in ${remoteName}:` : ''}`;
}

/**
 * For a listing of PATH that found no file: throws WrongPasswordError (exit 2) when the
 * password does not fit the bucket's names, else a ProblemError (exit 1) unless PATH is the
 * root ('' or slashes), which returns.
 */
export async function assertPathMatched(bucket: CryptBucket, path: string, remoteName?: string): Promise<void> {
  await assertPasswordFits(bucket);
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '') throw new ProblemError(noSuchPathMessage(trimmed, remoteName));
}
