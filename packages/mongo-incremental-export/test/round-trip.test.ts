import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mainExport } from '../src/main-export.js';
import { mainImport } from '../src/main-import.js';
import { corpus, deprecatedBody, element, rawDoc } from './helpers/corpus.js';
import { memoryIO } from './helpers/io.js';
import { startTarget, type Target } from './helpers/target.js';
import { documentFiles, snapshot } from './helpers/tree-snapshot.js';
import { BSON, DBRef, Int32 } from 'mongodb';

let target: Target;
let work: string;
beforeAll(async () => {
  target = await startTarget();
  work = await mkdtemp(join(tmpdir(), 'mie-rt-'));
});
afterAll(async () => {
  await target.close();
  await rm(work, { recursive: true, force: true });
});

describe('export → import round trip', () => {
  it('seeds the corpus byte for byte through the driver', async () => {
    const db = target.newDbName();
    await target.seed(db, 'things', corpus());
    expect(await target.rawDocuments(db, 'things')).toEqual(corpus().sort(Buffer.compare));
    await target.dropDatabase(db);
  });

  it('gives identical BSON bytes for every BSON type and every _id kind', async () => {
    const source = target.newDbName();
    const copy = target.newDbName();
    const docs = corpus();
    await target.seed(source, 'things', docs);
    await target.seed(source, 'other.coll/x', docs.slice(0, 3));
    const out = join(work, 'rt');
    const io = memoryIO(work);
    expect(await mainExport(['--out', out, target.url(source)], io), io.err()).toBe(0);

    // One file per document holding exactly the server's bytes.
    const snap = await snapshot(join(out, source));
    const files = documentFiles(snap);
    expect(files).toHaveLength(docs.length + 3);
    const fileBytes = await Promise.all(files.map((rel) => readFile(join(out, source, rel))));
    expect(fileBytes.sort(Buffer.compare)).toEqual([...docs, ...docs.slice(0, 3)].sort(Buffer.compare));

    const importIO = memoryIO(work);
    expect(await mainImport(['--from', join(out, source), target.url(copy)], importIO), importIO.err()).toBe(0);
    expect(await target.rawDocuments(copy, 'things')).toEqual(await target.rawDocuments(source, 'things'));
    expect(await target.rawDocuments(copy, 'other.coll/x')).toEqual(await target.rawDocuments(source, 'other.coll/x'));
    await target.dropDatabase(source);
    await target.dropDatabase(copy);
  });

  it('keeps deprecated types byte for byte in the export; import writes their documented substitutes', async () => {
    if (target.real) return; // the driver cannot write them, so only the test server can hold them
    const source = target.newDbName();
    const copy = target.newDbName();
    const doc = rawDoc([element('_id', new Int32(1)), ...deprecatedBody()]);
    target.server!.insertRaw(source, 'old', [doc]);
    const out = join(work, 'dep');
    expect(await mainExport(['--out', out, target.url(source)], memoryIO(work))).toBe(0);
    const files = documentFiles(await snapshot(join(out, source)));
    expect(files).toHaveLength(1);
    expect(await readFile(join(out, source, files[0]!))).toEqual(doc);
    expect(await mainImport(['--in', out, '--from', join(out, source), target.url(copy)], memoryIO(work))).toBe(0);
    const [restored] = await target.rawDocuments(copy, 'old');
    const decoded = BSON.deserialize(restored!);
    expect(decoded.undef).toBeNull();
    expect(decoded.dbpointer).toBeInstanceOf(DBRef);
  });
});
