// Views, time-series collections and documents without _id are exported (or, for a kind the
// tool does not know, reported with exit 1), never skipped in silence; the import restores them.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainExport } from '../src/main-export.js';
import { mainImport } from '../src/main-import.js';
import { element, rawDoc } from './helpers/corpus.js';
import { memoryIO } from './helpers/io.js';
import { startTarget, type Target } from './helpers/target.js';
import { documentFiles, snapshot } from './helpers/tree-snapshot.js';

let target: Target;
let work: string;
beforeAll(async () => {
  target = await startTarget();
  work = await mkdtemp(join(tmpdir(), 'mie-kinds-'));
});
afterAll(async () => {
  await target.close();
  await rm(work, { recursive: true, force: true });
});

const listing = async (db: string) =>
  (await target.client.db(db).listCollections().toArray())
    .filter((info) => !info.name.startsWith('system.'))
    .map((info) => ({ name: info.name, type: info.type, options: 'options' in info ? info.options : undefined }))
    .sort((a, b) => a.name.localeCompare(b.name));

describe('collection kinds', () => {
  it('exports a view as its definition and a time-series collection with its documents, and imports both', async () => {
    const source = target.newDbName();
    const copy = target.newDbName();
    const db = target.client.db(source);
    await db.collection('plain').insertMany([{ _id: 1, n: 'one' } as never, { _id: 2, n: 'two' } as never]);
    await db.createCollection('recent', { viewOn: 'plain', pipeline: [{ $match: { n: 'two' } }] });
    await db.createCollection('metrics', { timeseries: { timeField: 't', metaField: 'sensor', granularity: 'minutes' } });
    await db.collection('metrics').insertMany([
      { t: new Date('2026-01-01T00:00:00Z'), sensor: 'a', v: 1 },
      { t: new Date('2026-01-01T00:01:00Z'), sensor: 'a', v: 2 },
    ]);

    const out = join(work, 'kinds');
    const io = memoryIO(work);
    expect(await mainExport(['--out', out, '--json', target.url(source)], io), io.err()).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ collections: 3, views: 1, documents: 4, withoutId: 0, notExported: [] });
    const view = BSON.EJSON.parse(await readFile(join(out, source, 'recent', 'collection.json'), 'utf8')) as {
      options: { viewOn: string; pipeline: unknown[] };
    };
    expect(view.options).toMatchObject({ viewOn: 'plain', pipeline: [{ $match: { n: 'two' } }] });
    expect(documentFiles(await snapshot(join(out, source, 'recent')))).toEqual([]);
    expect(documentFiles(await snapshot(join(out, source, 'metrics')))).toHaveLength(2);

    const importIO = memoryIO(work);
    expect(await mainImport(['--from', join(out, source), target.url(copy)], importIO), importIO.err()).toBe(0);
    expect(await listing(copy)).toEqual(await listing(source));
    expect((await listing(copy)).map((c) => c.type)).toEqual(['timeseries', 'collection', 'view']);
    expect(await target.rawDocuments(copy, 'metrics')).toEqual(await target.rawDocuments(source, 'metrics'));
    expect(await target.rawDocuments(copy, 'plain')).toEqual(await target.rawDocuments(source, 'plain'));
    await target.dropDatabase(source);
    await target.dropDatabase(copy);
  });

  it('exports documents without _id (an old capped collection) under content names, says so, and imports them', async () => {
    if (target.real) return; // a current mongod gives every inserted document an _id: only the test server can hold these
    const source = target.newDbName();
    const copy = target.newDbName();
    await target.client.db(source).createCollection('log', { capped: true, size: 1 << 20 });
    const same = rawDoc([element('msg', 'same'), element('n', 1)]);
    const docs = [same, rawDoc([element('msg', 'other')]), same];
    target.server!.insertRaw(source, 'log', docs);

    const out = join(work, 'noid');
    const io = memoryIO(work);
    expect(await mainExport(['--out', out, '--json', target.url(source)], io), io.err()).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ documents: 3, withoutId: 3, saved: 3 });
    expect(io.err()).toContain(`${source}/log: 3 documents without _id exported under content-derived names`);
    const files = documentFiles(await snapshot(join(out, source, 'log')));
    expect(files).toHaveLength(3); // the two identical copies are two files
    expect((await Promise.all(files.map((f) => readFile(join(out, source, 'log', f))))).sort(Buffer.compare)).toEqual([...docs].sort(Buffer.compare));

    // unchanged: nothing rewritten, nothing deleted
    const again = memoryIO(work);
    expect(await mainExport(['--out', out, '--json', target.url(source)], again)).toBe(0);
    expect(JSON.parse(again.out())).toMatchObject({ saved: 0, deleted: 0, unchanged: 3 });

    const importIO = memoryIO(work);
    expect(await mainImport(['--from', join(out, source), target.url(copy)], importIO), importIO.err()).toBe(0);
    expect(importIO.err()).toContain(`${copy}.log: 3 documents had no _id in the export; the server gave each a new one`);
    const restored = (await target.rawDocuments(copy, 'log')).map((raw) => {
      const { _id, ...rest } = BSON.deserialize(raw);
      expect(_id).toBeDefined();
      return BSON.serialize(rest);
    });
    expect(restored.map((b) => Buffer.from(b)).sort(Buffer.compare)).toEqual([...docs].sort(Buffer.compare));
    expect((await listing(copy))[0]?.options).toMatchObject({ capped: true });
    await target.dropDatabase(source);
    await target.dropDatabase(copy);
  });
});
