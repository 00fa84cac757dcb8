import { mkdir, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from '@rclone-b2/core';
import { findId } from './bson-elements.js';
import { CHECKSUMS_NAME, JOURNAL_NAME, Journal, readChecksums, readJournal, writeChecksums } from './checksums-file.js';
import { digestOf, exists, saveReason } from './file-check.js';
import { contentKey, documentPath, idKey } from './id-key.js';
import { removeStaleTemps } from './stale-temps.js';
import { removeStrays } from './strays.js';
import { isMissing, pruneEmptyDirectories } from './tree.js';

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
  documents: number; saved: number; deleted: number; unchanged: number; strays: number;
  /** Of `documents`, those without `_id`: exported under content keys (see contentKey). */
  withoutId: number;
}

interface Item { key: string; digest: string; bytes: Uint8Array; prev: string | undefined }

const BATCH_DOCUMENTS = 256;
const BATCH_BYTES = 8 << 20;

/**
 * Brings one collection's directory in line with the documents streamed from the server,
 * writing only files whose bytes changed. Memory: the id → digest maps plus one batch.
 * Keys go to the journal before their files are touched, and the checksums file is
 * replaced only at the end, so a crash at any point leaves a state the next run repairs.
 */
export async function exportCollection(options: CollectionExportOptions): Promise<CollectionStats> {
  const { dir, label, dryRun, repair, log } = options;
  const write = options.writeFile ?? ((path, data) => writeFile(path, data));
  const checksumsPath = join(dir, CHECKSUMS_NAME);
  if (!dryRun) await removeStaleTemps(dir);
  const old = await readChecksums(checksumsPath);
  const suspects = await readJournal(join(dir, JOURNAL_NAME));
  let dirty = suspects.size > 0 || !(await exists(checksumsPath));
  const current = new Map<string, string>();
  const journal = new Journal(join(dir, JOURNAL_NAME));
  const madeDirs = new Set<string>();
  const stats: CollectionStats = { documents: 0, saved: 0, deleted: 0, unchanged: 0, strays: 0, withoutId: 0 };
  const show = (key: string): string => `${label}/${documentPath(key)}`;
  const pathOf = (key: string): string => join(dir, documentPath(key));

  const saveFile = async (item: Item): Promise<void> => {
    const parent = dirname(pathOf(item.key));
    if (!madeDirs.has(parent)) {
      await mkdir(parent, { recursive: true });
      madeDirs.add(parent);
    }
    await write(pathOf(item.key), item.bytes);
  };

  const skipped = (key: string): void => {
    stats.unchanged += 1;
    if (log.verbosity >= 2) log.debug(`skipped ${show(key)}`);
  };

  const flush = async (items: Item[]): Promise<void> => {
    const reasons = await Promise.all(items.map((item) => saveReason(pathOf(item.key), item.digest, item.prev, repair)));
    const toWrite = items.filter((item, index) => {
      const reason = reasons[index];
      if (reason === undefined) {
        skipped(item.key);
        return false;
      }
      stats.saved += 1;
      if (dryRun) log.notice(`would save ${show(item.key)} (${reason})`);
      else log.info(`saved ${show(item.key)} (${reason})`);
      return true;
    });
    if (dryRun || toWrite.length === 0) return;
    await journal.add(toWrite.map((item) => item.key));
    // Let every write of the batch finish before reporting a failure: no write may still
    // be in flight once the export has returned.
    const results = await Promise.allSettled(toWrite.map(saveFile));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const saveDocuments = async (): Promise<void> => {
    let batch: Item[] = [];
    let batchBytes = 0;
    for await (const bytes of options.documents) {
      const id = findId(bytes);
      let key: string;
      if (id === undefined) {
        stats.withoutId += 1;
        let copy = 1;
        while (current.has((key = contentKey(bytes, copy)))) copy += 1;
      } else key = idKey(bytes, id);
      const digest = digestOf(bytes);
      stats.documents += 1;
      if (current.has(key)) log.warn(`${label}: the server returned _id ${key} twice; keeping the last`);
      current.set(key, digest);
      // Taking the key out of `old` as it is seen keeps one map's worth of memory, not two;
      // what is left in `old` at the end is what is gone.
      const known = old.get(key);
      if (known !== undefined) old.delete(key);
      const prev = suspects.size > 0 && suspects.has(key) ? undefined : known;
      if (prev !== digest) dirty = true;
      else if (repair === 0) {
        skipped(key); // the common case of a nightly run: nothing to check, nothing to write
        continue;
      }
      batch.push({ key, digest, bytes, prev });
      batchBytes += bytes.length;
      if (batch.length >= BATCH_DOCUMENTS || batchBytes >= BATCH_BYTES) {
        await flush(batch);
        batch = [];
        batchBytes = 0;
      }
    }
    await flush(batch);
    if (stats.withoutId > 0) log.notice(`${label}: ${stats.withoutId} documents without _id exported under content-derived names (n-SHA256); an edit of one is a delete + add, and an import lets the server give each a new _id`);
  };

  /** Documents that are gone: in the old checksums or the journal, not seen now. */
  const deleteGone = async (): Promise<void> => {
    const gone: string[] = [...old.keys()];
    for (const key of suspects) if (!current.has(key) && !old.has(key)) gone.push(key);
    if (gone.length > 0) dirty = true;
    for (let i = 0; i < gone.length; i += 1000) {
      const chunk = gone.slice(i, i + 1000);
      if (dryRun) {
        for (const key of chunk.filter((k) => old.has(k))) {
          stats.deleted += 1;
          log.notice(`would delete ${show(key)}`);
        }
        continue;
      }
      await journal.add(chunk);
      for (const key of chunk) {
        try {
          await unlink(pathOf(key));
          stats.deleted += 1;
          log.info(`deleted ${show(key)}`);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
        await pruneEmptyDirectories(dirname(pathOf(key)), dir);
      }
    }
  };

  if (!dryRun) await mkdir(dir, { recursive: true });
  try {
    await saveDocuments();
    await deleteGone();
    if (repair > 0) stats.strays = await removeStrays(dir, label, current, dryRun, log);
    if (!dryRun && dirty) await writeChecksums(checksumsPath, current);
    if (!dryRun) await journal.remove();
  } finally {
    await journal.close(); // after a failure the journal stays behind for the next run
  }
  return stats;
}
