import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { isMissing, readIfExists } from './tree.js';

/** SHA-256 as a 32-character latin1 string (the compact in-memory form of the checksums map). */
export const digestOf = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest().toString('latin1');

export type SaveReason = 'new' | 'modified' | 'missing' | 'corrupt' | 'unverified';

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Why a document's file must be (re)written, or undefined when it is already right.
 * `prev` is the digest the checksums file recorded (undefined: unknown). Normal runs trust
 * the checksums; --repair checks that the file exists; --repair --repair reads it back.
 * An unknown document (first run, lost checksums, interrupted run) adopts an existing file
 * that already holds exactly its bytes, so a lost checksums file costs reads, not writes.
 */
export async function saveReason(path: string, digest: string, prev: string | undefined, repair: number): Promise<SaveReason | undefined> {
  if (prev === digest) {
    if (repair === 0) return undefined;
    if (repair === 1) return (await exists(path)) ? undefined : 'missing';
    const bytes = await readIfExists(path);
    if (bytes === undefined) return 'missing';
    return digestOf(bytes) === digest ? undefined : 'corrupt';
  }
  if (prev !== undefined) return 'modified';
  const bytes = await readIfExists(path);
  if (bytes === undefined) return 'new';
  return digestOf(bytes) === digest ? undefined : 'unverified';
}
