import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '@rclone-b2/core';
import { mainExport } from '../src/main-export.js';
import { mainImport } from '../src/main-import.js';
import { simpleDoc } from './helpers/corpus.js';
import { memoryIO } from './helpers/io.js';
import { startTarget, type Target } from './helpers/target.js';

let target: Target;
let out: string;
let source: string;

async function importRun(argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = memoryIO('/');
  try {
    return { code: await mainImport(argv, io), err: io.err(), out: io.out() };
  } catch (error) {
    return { code: reportError('mongo-incremental-import', error, io, false), err: io.err(), out: io.out() };
  }
}

beforeAll(async () => {
  target = await startTarget();
  out = await mkdtemp(join(tmpdir(), 'mie-imp-'));
  source = target.newDbName();
  await target.seed(source, 'a', Array.from({ length: 2500 }, (_, i) => simpleDoc(i, `a${i}`)));
  await target.seed(source, 'b', [simpleDoc(1, 'b1')]);
  await target.client.db(source).createCollection('empty', { validator: { $jsonSchema: { required: ['name'] } }, validationLevel: 'moderate' });
  await target.client.db(source).collection('a').createIndex({ payload: 1, _id: -1 }, { name: 'payload_id', unique: true });
  await target.client.db(source).collection('b').createIndex({ payload: 'text' }, { name: 'text_payload', default_language: 'english' });
  expect(await mainExport(['--out', out, target.url(source)], memoryIO('/'))).toBe(0);
});
afterAll(async () => {
  await target.dropDatabase(source);
  await target.close();
  await rm(out, { recursive: true, force: true });
});

const names = async (db: string): Promise<string[]> =>
  (await target.client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();

describe('mongo-incremental-import', () => {
  it('restores every collection, in batches, including empty ones', async () => {
    const copy = target.newDbName();
    const result = await importRun(['--json', '--batch-size', '700', '--from', join(out, source), target.url(copy)]);
    expect(result.code, result.err).toBe(0);
    expect(await names(copy)).toEqual(['a', 'b', 'empty']);
    const summary = JSON.parse(result.out) as { collections: number; documents: number; badFiles: number; dryRun: boolean };
    expect(summary).toMatchObject({ collections: 3, badFiles: 0, dryRun: false });
    expect(summary.documents).toBe((await target.rawDocuments(source, 'a')).length + (await target.rawDocuments(source, 'b')).length);
    expect(await target.rawDocuments(copy, 'a')).toEqual(await target.rawDocuments(source, 'a'));
    expect(await target.rawDocuments(copy, 'b')).toEqual(await target.rawDocuments(source, 'b'));
    await target.dropDatabase(copy);
  });

  it('recreates collection options and index definitions from collection.json', async () => {
    const copy = target.newDbName();
    expect((await importRun(['--from', join(out, source), target.url(copy)])).code).toBe(0);
    const strip = (specs: Record<string, unknown>[]) => specs.map(({ ns: _ns, ...rest }) => rest).sort((x, y) => String(x.name).localeCompare(String(y.name)));
    for (const name of ['a', 'b', 'empty']) {
      expect(strip(await target.client.db(copy).collection(name).listIndexes().toArray())).toEqual(strip(await target.client.db(source).collection(name).listIndexes().toArray()));
    }
    const optionsOf = async (db: string) => (await target.client.db(db).listCollections({ name: 'empty' }).toArray())[0];
    expect((await optionsOf(copy) as { options: unknown }).options).toEqual((await optionsOf(source) as { options: unknown }).options);
    await target.dropDatabase(copy);
  });

  it('reads IN/DBNAME with --in, and only the named collections with --collection', async () => {
    const result = await importRun(['--in', out, '--collection', 'b', '--drop', target.url(source)]);
    expect(result.code, result.err).toBe(0);
    const copy = target.newDbName();
    expect((await importRun(['--from', join(out, source), '-c', 'b', target.url(copy)])).code).toBe(0);
    expect(await names(copy)).toEqual(['b']);
    expect((await importRun(['--from', join(out, source), '-c', 'a', '-c', 'empty', '--drop', target.url(copy)])).code).toBe(0);
    expect(await names(copy)).toEqual(['a', 'b', 'empty']);
    await target.dropDatabase(copy);
  });

  it('refuses to add to a non-empty collection (exit 3) and replaces it with --drop', async () => {
    const copy = target.newDbName();
    await target.seed(copy, 'b', [simpleDoc(99, 'already here')]);
    const refused = await importRun(['--from', join(out, source), target.url(copy)]);
    expect(refused.code).toBe(3);
    expect(refused.err).toMatch(/already hold documents.*--drop/);
    expect(await names(copy)).toEqual(['b']);
    const dropped = await importRun(['--drop', '--from', join(out, source), target.url(copy)]);
    expect(dropped.code, dropped.err).toBe(0);
    expect(await target.rawDocuments(copy, 'b')).toEqual([simpleDoc(1, 'b1')]);
    await target.dropDatabase(copy);
  });

  it('--dry-run reads and checks everything but writes nothing', async () => {
    const copy = target.newDbName();
    await target.seed(copy, 'b', [simpleDoc(99, 'already here')]);
    const result = await importRun(['-n', '--drop', '--from', join(out, source), target.url(copy)]);
    expect(result.code, result.err).toBe(0);
    expect(result.err).toMatch(/would drop .*\.b/);
    expect(result.err).toMatch(/would insert 2500 documents into .*\.a/);
    expect(await names(copy)).toEqual(['b']);
    expect(await target.rawDocuments(copy, 'b')).toEqual([simpleDoc(99, 'already here')]);
    await target.dropDatabase(copy);
  });

  it('an unknown --collection is a usage error; a damaged file is reported (exit 1)', async () => {
    expect((await importRun(['-c', 'nope', '--from', join(out, source), target.url('x')])).code).toBe(2);
    const damaged = await mkdtemp(join(tmpdir(), 'mie-bad-'));
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(damaged, 'c', '1', '2', '3'), { recursive: true });
    await writeFile(join(damaged, 'c', '1', '2', '3', 'i-1.bson'), simpleDoc(1, 'ok'));
    await writeFile(join(damaged, 'c', '1', '2', '3', 'i-2.bson'), simpleDoc(2, 'torn').subarray(0, 9));
    const copy = target.newDbName();
    const result = await importRun(['--from', damaged, target.url(copy)]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/i-2\.bson: not a BSON document/);
    expect(await target.rawDocuments(copy, 'c')).toEqual([simpleDoc(1, 'ok')]);
    await target.dropDatabase(copy);
    await rm(damaged, { recursive: true, force: true });
  });
});
