// Damaging a stored object on purpose, so tests can prove that restores notice.
import { createHash } from 'node:crypto';
import type { Store } from './store.js';

export interface TamperOptions {
  /**
   * `keep` (default): B2's recorded SHA-1 and length stay those of the original upload (the
   * bytes rotted after B2 checked them). `match`: they are recomputed from the damaged bytes
   * (damage B2 could not see, e.g. before the upload), so only the crypt MAC can tell.
   */
  record?: 'keep' | 'match';
}

/** Replaces the stored bytes of an upload with `edit(bytes)`. Throws for unknown ids. */
export function tamper(store: Store, fileId: string, edit: (bytes: Buffer) => Buffer, options: TamperOptions = {}): void {
  const version = store.get(fileId);
  const bytes = store.blobs.get(fileId);
  if (version?.action !== 'upload' || !bytes) throw new Error(`no upload with id ${fileId}`);
  const damaged = edit(Buffer.from(bytes));
  store.blobs.put(fileId, damaged);
  if (options.record === 'match') {
    store.replaceVersion({ ...version, contentLength: damaged.length, contentSha1: createHash('sha1').update(damaged).digest('hex') });
  }
}

/** Common damage: one flipped bit at `offset` (negative counts from the end). */
export const flipByte = (offset: number) => (bytes: Buffer): Buffer => {
  const at = offset < 0 ? bytes.length + offset : offset;
  bytes[at] = (bytes[at] ?? 0) ^ 0x01;
  return bytes;
};

/** Common damage: the object cut to `length` bytes (negative: that many bytes shorter). */
export const truncateTo = (length: number) => (bytes: Buffer): Buffer => bytes.subarray(0, length < 0 ? bytes.length + length : length);
