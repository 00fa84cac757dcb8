import { createHash } from 'node:crypto';
import { mkdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Logger } from '@rclone-b2/core';
import { findId } from './bson-elements.js';
import { CHECKSUMS_NAME, JOURNAL_NAME, Journal, TEMP_PREFIX, readChecksums, readJournal, writeChecksums } from './checksums-file.js';
import { DOCUMENT_SUFFIX, documentPath, idKey } from './id-key.js';
import { isMissing, pruneEmptyDirectories, readIfExists, walkDirectoriesBottomUp, walkFiles } from './tree.js';

/** How document files are written; tests wrap it to count writes or inject a crash. */
export type WriteFileFn = (path: string, data: Uint8Array) => Promise<void>;

export interface CollectionExportOptions {
  /** Raw BSON documents as the server sent them. */
  documents: AsyncIterable<Uint8Array>;
  /** The collection's directory. */
  dir: string;
  /** How paths are shown in messages (e.g. `db/collection`). */
  label: string;
  dryRun: boolean;
  /** 0 none, 1 restore missing files and delete strays, 2 also re-read every file. */
  repair: number;
  log: Logger;
  writeFile?: WriteFileFn;
}

export interface CollectionStats {
  documents: number;
  saved: number;
  deleted: number;
  unchanged: number;
  strays: number;
}

type Reason = 'new' | 'modified' | 'missing' | 'corrupt' | 'unverified';
interface Item { key: string; digest: string; bytes: Uint8Array; prev: string | undefined }

const BATCH_DOCUMENTS = 256;
const BATCH_BYTES = 8 << 20;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/**
 * Brings one collection's directory in line with the documents streamed from the server,
 * writing only files whose bytes changed. Memory: the id → digest maps plus one batch.
 */
export async function exportCollection(options: CollectionExportOptions): Promise<CollectionStats> {
  const { dir, label, dryRun, repair, log } = options;
  const write = options.writeFile ?? ((path, data) => writeFile(path, data));
  const checksumsPath = join(dir, CHECKSUMS_NAME);
  const old = await readChecksums(checksumsPath);
  const suspects = await readJournal(join(dir, JOURNAL_NAME));
  const hadChecksums = await exists(checksumsPath);
  const current = new Map<string, string>();
  const journal = new Journal(join(dir, JOURNAL_NAME));
  const madeDirs = new Set<string>();
  const stats: CollectionStats = { documents: 0, saved: 0, deleted: 0, unchanged: 0, strays: 0 };
  let dirty = suspects.size > 0 || !hadChecksums;
  const show = (key: string): string => `${label}/${documentPath(key)}`;

  /** Why the item's file must be written, or undefined when it is already right. */
  const reasonFor = async (item: Item): Promise<Reason | undefined> => {
    const path = join(dir, documentPath(item.key));
    if (item.prev === item.digest) {
      if (repair === 0) return undefined;
      if (repair === 1) return (await exists(path)) ? undefined : 'missing';
      const bytes = await readIfExists(path);
      if (bytes === undefined) return 'missing';
      return sha256(bytes) === item.digest ? undefined : 'corrupt';
    }
    if (item.prev !== undefined) return 'modified';
    // Unknown to the checksums (first run, lost checksums file, interrupted run):
    // adopt an existing file when it already holds exactly these bytes.
    const bytes = await readIfExists(path);
    if (bytes === undefined) return 'new';
    return sha256(bytes) === item.digest ? undefined : 'unverified';
  };

  const saveFile = async (item: Item): Promise<void> => {
    const path = join(dir, documentPath(item.key));
    const parent = dirname(path);
    if (!madeDirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      madeDirs.add(parent);
    }
    await write(path, item.bytes);
  };

  let batch: Item[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    const items = batch;
    batch = [];
    batchBytes = 0;
    const reasons = await Promise.all(items.map(reasonFor));
    const toWrite: Item[] = [];
    items.forEach((item, index) => {
      const reason = reasons[index];
      if (reason === undefined) {
        stats.unchanged += 1;
        log.debug(`skipped ${show(item.key)}`);
      } else {
        toWrite.push(item);
        stats.saved += 1;
        if (dryRun) log.notice(`would save ${show(item.key)} (${reason})`);
        else log.info(`saved ${show(item.key)} (${reason})`);
      }
    });
    if (dryRun || toWrite.length === 0) return;
    await journal.add(toWrite.map((item) => item.key));
    await Promise.all(toWrite.map(saveFile));
  };

  if (!dryRun) await mkdir(dir, { recursive: true });
  for await (const raw of options.documents) {
    const bytes = raw;
    const id = findId(bytes);
    if (id === undefined) {
      log.warn(`${label}: skipped a document without _id`);
      continue;
    }
    const key = idKey(bytes, id);
    const digest = sha256(bytes);
    stats.documents += 1;
    if (current.has(key)) log.warn(`${label}: the server returned _id ${key} twice; keeping the last`);
    current.set(key, digest);
    const prev = suspects.has(key) ? undefined : old.get(key);
    if (prev !== digest) dirty = true;
    batch.push({ key, digest, bytes, prev });
    batchBytes += bytes.length;
    if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();

  // Documents that are gone: those in the old checksums or the journal but not seen now.
  const gone = [...new Set([...old.keys(), ...suspects])].filter((key) => !current.has(key));
  for (let i = 0; i < gone.length; i += 1000) {
    const chunk = gone.slice(i, i + 1000);
    if (!dryRun) await journal.add(chunk);
    for (const key of chunk) {
      const path = join(dir, documentPath(key));
      if (dryRun) {
        if (old.has(key)) log.notice(`would delete ${show(key)}`);
        continue;
      }
      try {
        await unlink(path);
        stats.deleted += 1;
        log.info(`deleted ${show(key)}`);
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      await pruneEmptyDirectories(dirname(path), dir);
    }
    if (dryRun) stats.deleted += chunk.filter((key) => old.has(key)).length;
    dirty = true;
  }

  if (repair > 0) stats.strays = await removeStrays(dir, label, current, dryRun, log);
  if (!dryRun && dirty) await writeChecksums(checksumsPath, current);
  if (!dryRun) await journal.remove();
  return stats;
}

/** Deletes files that are not the expected file of a current document; prunes empty dirs. */
async function removeStrays(dir: string, label: string, current: ReadonlyMap<string, string>, dryRun: boolean, log: Logger): Promise<number> {
  let strays = 0;
  for await (const rel of walkFiles(dir)) {
    if (rel === CHECKSUMS_NAME || rel === JOURNAL_NAME) continue;
    const name = basename(rel);
    const key = name.endsWith(DOCUMENT_SUFFIX) ? name.slice(0, -DOCUMENT_SUFFIX.length) : undefined;
    if (key !== undefined && current.has(key) && documentPath(key) === rel) continue;
    strays += 1;
    if (dryRun) {
      log.notice(`would delete stray ${label}/${rel}`);
    } else {
      await rm(join(dir, rel), { force: true });
      if (!rel.startsWith(TEMP_PREFIX)) log.info(`deleted stray ${label}/${rel}`);
    }
  }
  if (!dryRun) {
    for await (const rel of walkDirectoriesBottomUp(dir)) await pruneEmptyDirectories(join(dir, rel), dir);
  }
  return strays;
}
