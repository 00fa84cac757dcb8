import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { expectedSha1, fsPath, setMtimeMs, type B2Api, type B2FileVersion, type ContentCipher } from '@rclone-b2/core';
import { Sha1Tap } from './sha1-tap.js';

/** `replaced`: written over a different file (or link) that was at the path before. */
export type FileOutcome = 'restored' | 'replaced' | 'skipped';

/** The plaintext file's modification time as rclone stored it, else the upload time. */
export function mtimeOf(version: B2FileVersion): number {
  const stored = Number(version.fileInfo.src_last_modified_millis);
  return Number.isFinite(stored) && stored > 0 ? stored : version.uploadTimestamp;
}

const tempNameOf = (path: string): string => join(dirname(path), `.${basename(path)}.encrypted-restore-partial`);

/**
 * Moves a finished temporary file or link to its final name, as rclone copy overwrites; says
 * whether something (which the caller found different) was there, so it can be reported.
 */
export async function moveIntoPlace(temp: string | Buffer, path: string | Buffer): Promise<'restored' | 'replaced'> {
  const existed = await lstat(path).then(() => true, () => false);
  await rename(temp, path);
  return existed ? 'replaced' : 'restored';
}

// Paths are strings as core's name-bytes makes them; fsPath turns one holding bytes that
// are not valid UTF-8 into a Buffer, the only form in which node:fs can reach that name.

/** A finished earlier restore left exactly this size and mtime behind. */
async function alreadyRestored(path: string, size: number, mtimeMs: number): Promise<boolean> {
  const existing = await stat(fsPath(path)).catch(() => undefined);
  return Boolean(existing?.isFile() && existing.size === size && Math.abs(existing.mtimeMs - mtimeMs) < 1);
}

export interface RestoreFileInput {
  client: B2Api;
  content: ContentCipher;
  version: B2FileVersion;
  /** Absolute destination. */
  path: string;
  plainSize: (stored: number) => number;
  label: string;
  signal?: AbortSignal;
}

/**
 * Downloads one version by id, checks B2's SHA-1 of the stored bytes and (by decrypting)
 * the crypt MAC of every block, and only then moves the file into place with its
 * original mtime. Nothing unverified ever carries the final name, so a re-run can trust
 * any file whose size and mtime already match and skip it.
 */
export async function restoreFile(input: RestoreFileInput): Promise<FileOutcome> {
  const { version, path } = input;
  const size = input.plainSize(version.contentLength);
  const mtimeMs = mtimeOf(version);
  if (await alreadyRestored(path, size, mtimeMs)) return 'skipped';
  await mkdir(fsPath(dirname(path)), { recursive: true });
  const temp = fsPath(tempNameOf(path));
  try {
    const download = await input.client.downloadFileById(version.fileId, input.signal ? { signal: input.signal } : {});
    const tap = new Sha1Tap();
    await pipeline(download.stream, tap, input.content.decryptStream(input.label), createWriteStream(temp), input.signal ? { signal: input.signal } : {});
    const expected = expectedSha1(version.contentSha1, version.fileInfo);
    if (tap.bytes !== version.contentLength) throw new Error(`got ${tap.bytes} bytes, expected ${version.contentLength}`);
    if (expected && tap.digest() !== expected) throw new Error('SHA-1 of the downloaded bytes does not match B2\'s');
    const written = await stat(temp);
    if (written.size !== size) throw new Error(`decrypted ${written.size} bytes, expected ${size}`);
    await setMtimeMs(temp, mtimeMs);
    return await moveIntoPlace(temp, fsPath(path));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Marks a deletion (in --all mode) as a symlink to /dev/null. */
export async function markDeletion(path: string): Promise<FileOutcome> {
  const existing = await lstat(fsPath(path)).catch(() => undefined);
  if (existing?.isSymbolicLink() && (await readlink(fsPath(path))) === '/dev/null') return 'skipped';
  await mkdir(fsPath(dirname(path)), { recursive: true });
  const temp = fsPath(tempNameOf(path));
  await rm(temp, { force: true });
  await symlink('/dev/null', temp);
  return moveIntoPlace(temp, fsPath(path));
}
