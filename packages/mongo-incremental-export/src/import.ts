import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Collection, Db } from 'mongodb';
import { GuardError, UsageError, type Logger } from '@rclone-b2/core';
import { BsonFormatError, findId, validateDocument } from './bson-elements.js';
import { createIndexes, readMeta } from './collection-meta.js';
import { connectTarget, parseMongoUrl } from './connect.js';
import { DOCUMENT_SUFFIX } from './id-key.js';
import { escapeName, unescapeName } from './names.js';
import { walkFiles } from './tree.js';
import { rawToMap } from './raw-to-map.js';

export interface ImportOptions {
  url: string;
  /** The exported database directory (OUT/DBNAME). */
  from: string;
  /** Only these collections (all when empty). */
  collections: readonly string[];
  drop: boolean;
  dryRun: boolean;
  timeoutMs: number;
  /** Documents per insertMany. */
  batchSize: number;
  log: Logger;
}

export interface ImportTotals { collections: number; documents: number; badFiles: number }

const BATCH_BYTES = 8 << 20;

async function collectionDirectories(from: string): Promise<Map<string, string>> {
  try {
    if (!(await stat(from)).isDirectory()) throw new UsageError(`${from} is not a directory`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read export directory ${from}: ${(error as Error).message}`);
  }
  const entries = await readdir(from, { withFileTypes: true });
  const map = new Map<string, string>();
  for (const entry of entries) if (entry.isDirectory()) map.set(unescapeName(entry.name), join(from, entry.name));
  return map;
}

async function isEmptyCollection(db: Db, name: string): Promise<boolean> {
  return (await db.collection(name).findOne({}, { projection: { _id: 1 } })) === null;
}

async function importCollection(collection: Collection | undefined, dir: string, label: string, options: ImportOptions, totals: ImportTotals): Promise<number> {
  let batch: Map<string, unknown>[] = [];
  let bytes = 0;
  let count = 0;
  let withoutId = 0;
  const flush = async (): Promise<void> => {
    if (batch.length > 0 && collection) {
      await collection.insertMany(batch, { ordered: true, forceServerObjectId: true, bypassDocumentValidation: true });
    }
    batch = [];
    bytes = 0;
  };
  for await (const rel of walkFiles(dir)) {
    if (!rel.endsWith(DOCUMENT_SUFFIX)) continue;
    const data = await readFile(join(dir, rel));
    try {
      validateDocument(data);
    } catch (error) {
      if (!(error instanceof BsonFormatError)) throw error;
      totals.badFiles += 1;
      options.log.error(`${label}/${rel}: not a BSON document (${error.message}); skipped`);
      continue;
    }
    if (findId(data) === undefined) withoutId += 1;
    batch.push(rawToMap(data));
    bytes += data.length;
    count += 1;
    if (batch.length >= options.batchSize || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  // forceServerObjectId: as for any insert, the server gives such a document a new _id
  if (withoutId > 0) options.log.notice(`${label}: ${withoutId} documents had no _id in the export; the server ${options.dryRun ? 'would give' : 'gave'} each a new one`);
  return count;
}

/**
 * Restores an exported database directory into the database named by the URL. Refuses
 * (exit 3) to add to a collection that already has documents unless --drop is given.
 */
export async function runImport(options: ImportOptions): Promise<ImportTotals> {
  const { log } = options;
  const target = parseMongoUrl(options.url);
  const available = await collectionDirectories(options.from);
  for (const name of options.collections) {
    if (!available.has(name)) throw new UsageError(`no collection "${name}" in ${options.from} (expected directory ${escapeName(name)})`);
  }
  const names = (options.collections.length > 0 ? [...new Set(options.collections)] : [...available.keys()]).sort();
  const client = await connectTarget(target, { timeoutMs: options.timeoutMs, appName: 'mongo-incremental-import' });
  const totals: ImportTotals = { collections: 0, documents: 0, badFiles: 0 };
  try {
    const db = client.db(target.dbName);
    const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((info) => info.name));
    if (!options.drop) {
      const busy: string[] = [];
      for (const name of names) if (existing.has(name) && !(await isEmptyCollection(db, name))) busy.push(name);
      if (busy.length > 0) {
        throw new GuardError(`collection(s) ${busy.join(', ')} in ${target.dbName} already hold documents; use --drop to replace them`);
      }
    }
    for (const name of names) {
      const label = `${target.dbName}.${name}`;
      if (options.drop && existing.has(name)) {
        if (options.dryRun) log.notice(`would drop ${label}`);
        else await db.collection(name).drop();
      }
      const dir = available.get(name)!;
      const meta = await readMeta(dir);
      if (!options.dryRun && (options.drop || !existing.has(name))) {
        // Verbatim options (capped, validator, collation…) as listCollections reported them.
        await db.command({ create: name, ...(meta?.options ?? {}) }).catch((error: { code?: number }) => {
          if (error.code !== 48) throw error; // NamespaceExists
        });
      }
      const collection = options.dryRun ? undefined : db.collection(name);
      const count = await importCollection(collection, dir, label, options, totals);
      const indexes = meta ? meta.indexes.filter((spec) => spec.name !== '_id_').length : 0;
      if (!options.dryRun && meta) await createIndexes(db, name, meta);
      totals.collections += 1;
      totals.documents += count;
      if (options.dryRun) log.notice(`would insert ${count} documents into ${label} and create ${indexes} indexes`);
      else log.info(`inserted ${count} documents into ${label}, created ${indexes} indexes`);
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return totals;
}
