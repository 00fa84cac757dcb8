// Contract between the crypt codec (owned by the crypt work) and the tools that use it.
import type { Transform } from 'node:stream';

/** Encrypts and decrypts rclone-crypt names for one crypt remote's keys and settings. */
export interface NameCipher {
  /** Plain relative path (`a/b/c.txt`) → encrypted relative path as stored under the remote. */
  encryptPath(plainPath: string): string;
  /** Encrypted relative path → plain path; throws CryptNameError naming the segment and why. */
  decryptPath(encryptedPath: string): string;
  /** Like encryptPath, for a directory (in `off` mode directories get no `.bin`). */
  encryptDirPath(plainPath: string): string;
  /** decryptPath for a batch, without exceptions (optional: several times faster where the cipher batches). */
  tryDecryptPaths?(encryptedPaths: readonly string[]): ({ ok: true; path: string } | { ok: false; error: Error })[];
}

/** Streams of rclone's crypt file format (header, nonce, 64 KiB secretbox blocks). */
export interface ContentCipher {
  /** Encrypted bytes in → plaintext out; errors name `label` (e.g. the file name). */
  decryptStream(label?: string): Transform;
  encryptStream(): Transform;
}

/** Where a crypt remote's bytes live on B2. */
export interface B2Location {
  /** Name of the rclone remote of type b2. */
  remoteName: string;
  accountId: string;
  applicationKey: string;
  /** API endpoint override (rclone's `endpoint =`), e.g. the emulator's URL. */
  endpoint?: string;
  bucket: string;
  /** Path inside the bucket the crypt remote starts at, no leading/trailing slash ('' for root). */
  prefix: string;
}

/** A crypt remote from rclone.conf, resolved down to its B2 bucket. */
export interface CryptRemote {
  /** The crypt remote's name in rclone.conf. */
  name: string;
  names: NameCipher;
  content: ContentCipher;
  /** The underlying remote, when it is a B2 remote (the encrypted-bucket tools need this). */
  b2?: B2Location;
  /** The crypt remote's `remote =` value, e.g. `b2:bucket/prefix`. */
  underlying: string;
  /** Revealed passwords and keys, for redaction in logs. Never print these. */
  secrets: readonly string[];
}
