import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '@rclone-b2/core';
import { join } from 'node:path';
import { BSON, type Collection, type Db, type Document } from 'mongodb';

const { EJSON } = BSON;
import { isMissing } from './tree.js';

/**
 * `collection.json` beside the documents: the collection's options (capped, validator,
 * collation…) and its index definitions, in canonical Extended JSON so every BSON type
 * survives. Small, rewritten only when it changes, and needed for a restore (back it up).
 */
export const META_NAME = 'collection.json';

export interface CollectionMeta { options: Document; indexes: Document[] }

export async function readServerMeta(collection: Collection, options: Document | undefined): Promise<CollectionMeta> {
  const indexes = (await collection.listIndexes().toArray()).map((spec) => {
    const { ns: _ns, ...rest } = spec as Document & { ns?: unknown };
    return rest;
  });
  indexes.sort((a, b) => String(a.name).localeCompare(String(b.name)));
  return { options: options ?? {}, indexes };
}

export function formatMeta(meta: CollectionMeta): string {
  return `${EJSON.stringify(meta, undefined, 2, { relaxed: false })}\n`;
}

/** Writes collection.json atomically when its text changed; returns whether it did. */
export async function saveMeta(dir: string, text: string, dryRun: boolean): Promise<boolean> {
  const path = join(dir, META_NAME);
  let old: string | undefined;
  try {
    old = await readFile(path, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  if (old === text) return false;
  if (dryRun) return true;
  await writeFileAtomically(path, text, { tempPath: `${path}.tmp.${process.pid}` });
  return true;
}

export async function readMeta(dir: string): Promise<CollectionMeta | undefined> {
  try {
    return EJSON.parse(await readFile(join(dir, META_NAME), 'utf8'), { relaxed: false }) as CollectionMeta;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Recreates the indexes (all but `_id_`) exactly as they were defined. */
export async function createIndexes(db: Db, name: string, meta: CollectionMeta): Promise<number> {
  const indexes = meta.indexes.filter((spec) => spec.name !== '_id_').map((spec) => {
    const { v: _v, ...rest } = spec;
    return rest;
  });
  if (indexes.length > 0) await db.command({ createIndexes: name, indexes });
  return indexes.length;
}
