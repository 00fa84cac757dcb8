import type { NameCipher } from '../crypt/types.js';

/** The bucket-side prefix (`backup/`) under which a crypt remote's names live. */
export function bucketPrefix(prefix: string): string {
  return prefix === '' ? '' : `${prefix.replace(/^\/+|\/+$/g, '')}/`;
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
