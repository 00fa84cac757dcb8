import { appendFile, mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Int32, ObjectId } from 'mongodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHECKSUMS_HEADER } from '../src/checksums-file.js';
import { documentPath, idKey } from '../src/id-key.js';
import { findId } from '../src/bson-elements.js';
import { element, rawDoc, simpleDoc } from './helpers/corpus.js';
import { contents, emptyDirectories, freshExport, runExport } from './helpers/export-run.js';
import { startTarget, type Target } from './helpers/target.js';
import { documentFiles, findSnapshot, snapshot } from './helpers/tree-snapshot.js';
import { lockPath } from '../src/lock.js';
import { walkFiles } from '../src/tree.js';

let target: Target;
let out: string;
let db: string;
const COLL = 'items';

beforeAll(async () => {
  target = await startTarget();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  out = await mkdtemp(join(tmpdir(), 'mie-inc-'));
  db = target.newDbName();
  const docs = Array.from({ length: 300 }, (_, i) => simpleDoc(i, `document ${i}`));
  docs.push(rawDoc([element('_id', new ObjectId('65a1b2c3d4e5f60718293a4b')), element('x', new Int32(1))]));
  await target.seed(db, COLL, docs);
  await target.seed(db, 'second', [simpleDoc(1, 'one'), simpleDoc(2, 'two')]);
});
afterEach(async () => {
  await target.dropDatabase(db);
  await rm(out, { recursive: true, force: true });
});

const fileOf = (doc: Buffer): string => join(out, db, COLL, documentPath(idKey(doc, findId(doc)!)));
const args = (...extra: string[]): string[] => [...extra, '--out', out, target.url(db)];

describe('incremental export', () => {
  it('writes every document once, then nothing when nothing changed', async () => {
    const first = await runExport(args());
    expect(first.code, first.err).toBe(0);
    expect(first.writes).toHaveLength(303);
    const checksums = await readFile(join(out, db, COLL, 'checksums'), 'utf8');
    const lines = checksums.trimEnd().split('\n');
    expect(lines[0]).toBe(CHECKSUMS_HEADER);
    expect(lines).toHaveLength(302);
    expect(lines.slice(1)).toEqual([...lines.slice(1)].sort());
    expect(lines[1]).toMatch(/^\S+\t[0-9a-f]{64}$/);
    expect(await readFile(fileOf(simpleDoc(7, 'document 7')))).toEqual(simpleDoc(7, 'document 7'));

    const before = await snapshot(out);
    const tree = await findSnapshot(out);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await runExport(args());
    expect(second.code).toBe(0);
    expect(second.writes).toEqual([]);
    expect(await snapshot(out)).toEqual(before); // same bytes, mtimes and inodes, checksums included
    // nothing at all was created, renamed or removed anywhere in the tree (no lock file, no temp file)
    expect(await findSnapshot(out)).toEqual(tree);
  });

  it('rewrites only modified and new documents, deletes gone ones and prunes empty directories', async () => {
    await runExport(args());
    const before = await snapshot(out);
    for (const i of [3, 4, 5]) await target.replace(db, COLL, new Int32(i), simpleDoc(i, `changed ${i}`));
    for (const i of [10, 11, 12, 13]) await target.remove(db, COLL, new Int32(i));
    await target.seed(db, COLL, [simpleDoc(1000, 'new'), simpleDoc(1001, 'new')]);

    const run = await runExport(args('-v'));
    expect(run.code, run.err).toBe(0);
    expect(run.writes.sort()).toEqual([3, 4, 5, 1000, 1001].map((i) => fileOf(simpleDoc(i, ''))).sort());
    expect(run.err).toMatch(/saved .*i-3\.bson \(modified\)/);
    expect(run.err).toMatch(/saved .*i-1000\.bson \(new\)/);
    expect(run.err).toMatch(/deleted .*i-10\.bson/);
    expect(run.err).not.toMatch(/skipped/);
    for (const i of [10, 11, 12, 13]) await expect(stat(fileOf(simpleDoc(i, '')))).rejects.toThrow();
    expect(await emptyDirectories(out)).toEqual([]);

    const after = await snapshot(out);
    const untouched = [...before.keys()].filter((rel) => after.has(rel) && !rel.endsWith('checksums'));
    const rewritten = untouched.filter((rel) => after.get(rel)!.mtimeNs !== before.get(rel)!.mtimeNs);
    expect(rewritten.map((rel) => rel.replace(/.*\//, '')).sort()).toEqual(['i-3.bson', 'i-4.bson', 'i-5.bson']);
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('-vv also lists skipped documents', async () => {
    await runExport(args());
    const run = await runExport(args('-vv'));
    expect(run.err.match(/skipped /g)).toHaveLength(303);
  });

  it('--dry-run changes nothing and says what it would do', async () => {
    const dry1 = await runExport(args('--dry-run'));
    expect(dry1.code).toBe(0);
    expect(dry1.writes).toEqual([]);
    expect(await documentFiles(await snapshot(out))).toEqual([]);
    expect(dry1.err.match(/would save \S+\.bson/g)).toHaveLength(303);
    expect(dry1.err).toMatch(/would save \S+\/collection\.json/);

    await runExport(args());
    await target.replace(db, COLL, new Int32(1), simpleDoc(1, 'edited'));
    await target.remove(db, COLL, new Int32(2));
    await unlink(fileOf(simpleDoc(3, '')));
    await writeFile(join(out, db, COLL, 'stray.bson'), 'junk');
    const before = await snapshot(out);
    const dry = await runExport(args('-n', '--repair'));
    expect(dry.writes).toEqual([]);
    expect(await snapshot(out)).toEqual(before);
    expect(dry.err).toMatch(/would save .*i-1\.bson \(modified\)/);
    expect(dry.err).toMatch(/would save .*i-3\.bson \(missing\)/);
    expect(dry.err).toMatch(/would delete .*i-2\.bson/);
    expect(dry.err).toMatch(/would delete stray .*stray\.bson/);
  });

  it('--repair restores missing files and deletes strays; --repair --repair also fixes corrupt files', async () => {
    await runExport(args());
    const missing = [20, 21, 22].map((i) => fileOf(simpleDoc(i, '')));
    for (const path of missing) await unlink(path);
    const corrupt = [30, 31].map((i) => fileOf(simpleDoc(i, `document ${i}`)));
    for (const path of corrupt) {
      const bytes = await readFile(path);
      bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff; // same size, different content
      await writeFile(path, bytes);
    }
    await mkdir(join(out, db, COLL, 'f', 'f', 'z'), { recursive: true });
    await writeFile(join(out, db, COLL, 'f', 'f', 'z', 'i-99999.bson'), 'stray');
    await writeFile(join(out, db, COLL, 'notes.txt'), 'stray');
    await writeFile(join(out, db, COLL, 'checksums.tmp.4242'), 'left by a crash');

    const plain = await runExport(args());
    expect(plain.writes).toEqual([]); // a normal run trusts the checksums

    const once = await runExport(args('--repair', '-v'));
    expect(once.code, once.err).toBe(0);
    expect(once.writes.sort()).toEqual([...missing].sort());
    expect(once.err).toMatch(/deleted stray .*notes\.txt/);
    expect(await emptyDirectories(out)).toEqual([]);

    const twice = await runExport(args('--repair', '--repair'));
    expect(twice.writes.sort()).toEqual([...corrupt].sort());
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('an export that crashes midway leaves a tree the next run makes exact', async () => {
    await runExport(args());
    // Doc 1 goes A → B; the crashed run writes B; then it goes back to A before the next run.
    const a = simpleDoc(1, 'document 1');
    await target.replace(db, COLL, new Int32(1), simpleDoc(1, 'version B'));
    for (let i = 100; i < 140; i += 1) await target.replace(db, COLL, new Int32(i), simpleDoc(i, `edited ${i}`));
    const crashed = await runExport(args(), { failAfter: 20 });
    expect(crashed.code).toBe(-1);
    expect(crashed.err).toMatch(/injected crash/);
    await target.replace(db, COLL, new Int32(1), a);

    const next = await runExport(args());
    expect(next.code, next.err).toBe(0);
    expect(await readFile(fileOf(a))).toEqual(a);
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
    await expect(stat(join(out, db, COLL, 'checksums.journal'))).rejects.toThrow();
  });

  it('a crash on the very first export is finished by --repair too', async () => {
    const crashed = await runExport(args(), { failAfter: 50 });
    expect(crashed.code).toBe(-1);
    const repaired = await runExport(args('--repair'));
    expect(repaired.code).toBe(0);
    expect(repaired.writes.length).toBe(303 - 50);
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('adopts existing identical files when the checksums file is lost', async () => {
    await runExport(args());
    await unlink(join(out, db, COLL, 'checksums'));
    await appendFile(fileOf(simpleDoc(5, '')), Buffer.from([1]));
    const run = await runExport(args());
    expect(run.writes).toEqual([fileOf(simpleDoc(5, ''))]);
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('refuses to run while another export holds the lock, and takes over a stale lock', async () => {
    await runExport(args());
    await target.replace(db, COLL, new Int32(1), simpleDoc(1, 'edited'));
    const lock = lockPath(join(out, db));
    expect(lock.startsWith(out)).toBe(false); // outside the tree: an unchanged run leaves its mtimes alone
    await writeFile(lock, `${process.ppid}\n`); // a live process
    const before = await snapshot(out);
    const refused = await runExport(args());
    expect(refused.code).toBe(-1);
    expect(refused.err).toMatch(/another mongo-incremental-export \(pid \d+\) is writing/);
    expect(await snapshot(out)).toEqual(before);

    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(lock, `${dead}\n`);
    const run = await runExport(args());
    expect(run.code, run.err).toBe(0);
    expect(run.writes).toEqual([fileOf(simpleDoc(1, ''))]);
    await expect(stat(lock)).rejects.toThrow();
  });

  it('deletes the temporary files a killed run left (checksums, collection.json being replaced)', async () => {
    await runExport(args());
    const dir = join(out, db, COLL);
    for (const name of ['checksums.tmp.99999', 'collection.json.tmp.99999']) await writeFile(join(dir, name), 'half');
    const run = await runExport(args());
    expect(run.code, run.err).toBe(0);
    expect(run.writes).toEqual([]);
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('finishes removing a dropped collection\'s directory that a killed run left half removed', async () => {
    await runExport(args());
    await target.client.db(db).collection('second').drop();
    const dir = join(out, db, 'second');
    // killed after deleting the documents and the checksums file: collection.json and empty directories remain
    await rm(join(dir, 'checksums'));
    for await (const rel of walkFiles(dir)) if (rel.endsWith('.bson')) await unlink(join(dir, rel));
    expect((await runExport(args())).code).toBe(0);
    await expect(stat(dir)).rejects.toThrow();
    // killed later still: only empty directories remain
    await mkdir(join(out, db, 'third', 'a', '0'), { recursive: true });
    expect((await runExport(args())).code).toBe(0);
    await expect(stat(join(out, db, 'third'))).rejects.toThrow();
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });

  it('removes the directory of a dropped collection', async () => {
    await runExport(args());
    await target.client.db(db).collection('second').drop();
    const run = await runExport(args('-v'));
    expect(run.code).toBe(0);
    await expect(stat(join(out, db, 'second'))).rejects.toThrow();
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });
});
