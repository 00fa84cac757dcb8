import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db, Document, MongoClient } from 'mongodb';
import { interruptSignal, throwIfInterrupted, UsageError, type Logger } from '@rclone-b2/core';
import { CHECKSUMS_NAME, JOURNAL_NAME } from './checksums-file.js';
import { META_NAME, formatMeta, readServerMeta, saveMeta } from './collection-meta.js';
import { connectTarget, parseMongoUrl, type MongoTarget } from './connect.js';
import { exportCollection, type CollectionStats, type WriteFileFn } from './export-collection.js';
import { escapeName } from './names.js';
import { acquireLock } from './lock.js';
import { exists } from './file-check.js';
import { isMissing, pruneEmptyDirectories, removeEmptyDirectories } from './tree.js';

export interface ExportOptions {
  urls: readonly string[];
  /** Parent of the DBNAME directories. */
  out: string;
  dryRun: boolean;
  repair: number;
  timeoutMs: number;
  /** Cursor batch size; the server's default when undefined. */
  batchSize?: number;
  log: Logger;
  writeFile?: WriteFileFn;
}

export type ExportTotals = CollectionStats & {
  collections: number;
  /** Views among `collections`: their definitions are saved, they hold no documents of their own. */
  views: number;
  /** `db.name (kind)` of what could not be exported (a kind this tool does not know): exit 1. */
  notExported: string[];
};

async function* none(): AsyncGenerator<Uint8Array> {}

export type CollectionKind = 'collection' | 'timeseries' | 'view';
const KINDS: readonly string[] = ['collection', 'timeseries', 'view'];

export interface Exportable { kind: CollectionKind; options: Document }

/**
 * What the database holds, by name: collections and time-series collections (documents +
 * options), views (their definition only: viewOn + pipeline, recreated by the import).
 * `system.*` is the server's own bookkeeping (system.views, system.buckets.* behind the
 * two above) and is left out; any other kind is reported by the caller, never dropped silently.
 */
export async function exportableCollections(db: Db): Promise<{ wanted: Map<string, Exportable>; unknown: string[] }> {
  const infos = await db.listCollections({}, { nameOnly: false }).toArray();
  const listed = infos.filter((info) => !info.name.startsWith('system.')).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const wanted = new Map<string, Exportable>();
  const unknown: string[] = [];
  for (const info of listed) {
    const kind = info.type ?? 'collection';
    if (KINDS.includes(kind)) wanted.set(info.name, { kind: kind as CollectionKind, options: ('options' in info ? info.options : undefined) ?? {} });
    else unknown.push(`${info.name} (${kind})`);
  }
  return { wanted, unknown };
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

function add(totals: ExportTotals, stats: CollectionStats): void {
  totals.documents += stats.documents;
  totals.saved += stats.saved;
  totals.deleted += stats.deleted;
  totals.unchanged += stats.unchanged;
  totals.strays += stats.strays;
  totals.withoutId += stats.withoutId;
}

async function exportDatabase(client: MongoClient, target: MongoTarget, options: ExportOptions, totals: ExportTotals): Promise<void> {
  const { log } = options;
  const db = client.db(target.dbName);
  const dbDirName = escapeName(target.dbName);
  const dbDir = join(options.out, dbDirName);
  const { wanted: collections, unknown } = await exportableCollections(db);
  for (const what of unknown) {
    log.error(`${dbDirName}: not exported: ${what} is of a kind this tool does not know`);
    totals.notExported.push(`${target.dbName}.${what}`);
  }
  const names = [...collections.keys()];
  const common = { dryRun: options.dryRun, repair: options.repair, log, writeFile: options.writeFile };
  for (const name of names) {
    throwIfInterrupted(interruptSignal()); // SIGINT/SIGTERM: stop between collections, each one whole
    const label = `${dbDirName}/${escapeName(name)}`;
    const { kind, options: collectionOptions } = collections.get(name)!;
    // A view's documents are computed from its source: only its definition is exported (in collection.json).
    // raw: the driver hands out each document's BSON bytes (a Buffer) instead of an object
    const cursor = kind === 'view' ? undefined : db.collection(name).find<Uint8Array & Document>({}, { raw: true, ...(options.batchSize ? { batchSize: options.batchSize } : {}) });
    try {
      const documents: AsyncIterable<Uint8Array> = cursor ?? none();
      const dir = join(dbDir, escapeName(name));
      const stats = await exportCollection({ ...common, documents, dir, label });
      // listIndexes fails on a view (CommandNotSupportedOnView): a view has none of its own
      const meta = formatMeta(kind === 'view' ? { options: collectionOptions, indexes: [] } : await readServerMeta(db.collection(name), collectionOptions));
      if (await saveMeta(dir, meta, options.dryRun)) log[options.dryRun ? 'notice' : 'info'](`${options.dryRun ? 'would save' : 'saved'} ${label}/${META_NAME}`);
      add(totals, stats);
      totals.collections += 1;
      if (kind === 'view') {
        totals.views += 1;
        log.info(`${label}: view on ${String(collectionOptions.viewOn)}, definition saved in ${META_NAME}`);
        continue;
      }
      log.info(`${label}: ${kind === 'timeseries' ? 'time-series, ' : ''}${stats.documents} documents, ${stats.saved} saved, ${stats.deleted} deleted, ${stats.unchanged} unchanged${options.repair ? `, ${stats.strays} strays` : ''}`);
    } finally {
      await cursor?.close();
    }
  }
  throwIfInterrupted(interruptSignal());
  // Directories of collections that no longer exist: delete what we exported there.
  const wanted = new Set(names.map(escapeName));
  for (const dirName of await subdirectories(dbDir)) {
    if (wanted.has(dirName)) continue;
    const dir = join(dbDir, dirName);
    const entries = await readdir(dir);
    const ours = entries.some((name) => name === CHECKSUMS_NAME || name === JOURNAL_NAME || name === META_NAME);
    if (!ours && options.repair === 0) {
      // what a run killed while removing such a directory leaves: empty directories
      if (!options.dryRun) await removeEmptyDirectories(dir, false);
      continue;
    }
    const label = `${dbDirName}/${dirName}`;
    if (options.dryRun) log.notice(`would remove ${label} (the collection is gone)`);
    const stats = await exportCollection({ ...common, repair: Math.max(1, options.repair), documents: none(), dir, label });
    add(totals, stats);
    if (!options.dryRun) {
      // checksums last: while it is there, a killed run's leftovers are recognised as ours
      await rm(join(dir, META_NAME), { force: true });
      await rm(join(dir, CHECKSUMS_NAME), { force: true });
      await pruneEmptyDirectories(dir, dbDir);
      log.info(`removed ${label} (the collection is gone)`);
    }
  }
}

/**
 * Exports every database named by the URLs. All URLs are parsed and connected first, so
 * a bad URL, an unreachable server or refused credentials change nothing on disk.
 */
export async function runExport(options: ExportOptions): Promise<ExportTotals> {
  if (options.urls.length === 0) throw new UsageError('no MongoDB URL given');
  const targets = options.urls.map(parseMongoUrl);
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.dbName)) throw new UsageError(`database "${target.dbName}" is named by more than one URL`);
    seen.add(target.dbName);
  }
  const clients: MongoClient[] = [];
  const totals: ExportTotals = { collections: 0, views: 0, documents: 0, saved: 0, deleted: 0, unchanged: 0, strays: 0, withoutId: 0, notExported: [] };
  const dbDirs = targets.map((target) => join(options.out, escapeName(target.dbName)));
  const outExisted = await exists(options.out);
  try {
    for (const target of targets) {
      clients.push(await connectTarget(target, { timeoutMs: options.timeoutMs, appName: 'mongo-incremental-export' }));
    }
    for (const [index, target] of targets.entries()) {
      const dbDir = dbDirs[index]!;
      // A dry run only reads, so it needs no lock (and must not create directories).
      const release = options.dryRun ? undefined : await acquireLock(dbDir);
      const dbExisted = await exists(dbDir);
      try {
        await exportDatabase(clients[index]!, target, options, totals);
      } catch (error) {
        // A failed run leaves no empty directory behind (done under the lock: another run may be about to fill one).
        if (!options.dryRun) await removeEmptyDirectories(dbDir, dbExisted);
        throw error;
      } finally {
        await release?.();
      }
    }
  } catch (error) {
    if (!options.dryRun && !outExisted) await removeEmptyDirectories(options.out, false);
    throw error;
  } finally {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  }
  return totals;
}
