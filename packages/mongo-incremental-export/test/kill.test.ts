import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleDoc } from './helpers/corpus.js';
import { Int32 } from 'mongodb';
import { CHECKSUMS_NAME, JOURNAL_NAME, readChecksums, readJournal } from '../src/checksums-file.js';
import { DOCUMENT_SUFFIX, documentPath } from '../src/id-key.js';
import { walkFiles } from '../src/tree.js';
import { countWrites, inBatches, killPoints, runKilled } from '../../../test/helpers/kill-points.js';
import { contents, emptyDirectories, freshExport, runExport } from './helpers/export-run.js';
import { startTarget, type Target } from './helpers/target.js';
import { documentFiles, snapshot } from './helpers/tree-snapshot.js';

const BIN = fileURLToPath(new URL('../bin/mongo-incremental-export.js', import.meta.url));

let target: Target;
let out: string;
let getMores = 0;
let release: () => void = () => undefined;
const released = new Promise<void>((resolve) => (release = resolve));

beforeAll(async () => {
  // The third getMore waits until the test has killed the exporter.
  target = await startTarget({ beforeGetMore: async () => { if (++getMores >= 3) await released; } });
  out = await mkdtemp(join(tmpdir(), 'mie-kill-'));
});
afterAll(async () => {
  release();
  await target.close();
  await rm(out, { recursive: true, force: true });
});

describe('SIGKILL of the real bin midway', () => {
  it.skipIf(Boolean(process.env.MONGODB_URL))('leaves a tree that the next run makes exact', async () => {
    const db = target.newDbName();
    await target.seed(db, 'big', Array.from({ length: 1000 }, (_, i) => simpleDoc(i, `payload ${i}`)));
    const child = execa(process.execPath, [BIN, '--batch-size', '100', '--out', out, target.url(db)], { reject: false });
    let files: string[] = [];
    for (let i = 0; i < 200 && files.length < 256; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      files = documentFiles(await snapshot(join(out, db)));
    }
    expect(files.length).toBeGreaterThanOrEqual(256);
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the batch's writes finish
    child.kill('SIGKILL');
    const result = await child;
    expect(result.signal).toBe('SIGKILL');
    release();
    files = documentFiles(await snapshot(join(out, db)));
    expect(files.length).toBeLessThan(1000);

    const next = await runExport(['--out', out, target.url(db)]);
    expect(next.code, next.err).toBe(0);
    expect(next.writes.length).toBe(1000 - files.length); // the files already written are adopted
    expect(await contents(out)).toEqual(await freshExport(target.url(db)));
  });
});

// ≥50 seeded kill points: the real bin, preloaded with the fault injector of the repository's
// test/helpers (a real SIGKILL just before its Nth file-system change), updates an exported
// tree (documents changed, added and deleted, a collection dropped, one added). After every
// kill, each collection directory is consistent — its checksums file describes exactly the
// document files there (the old or the new collection) — or detectably repairable: a
// checksums.journal lists the keys whose files may differ, and every other file matches
// the checksums file. The next run then makes the tree exactly a fresh export.
describe('SIGKILL at 50 seeded points of an update', () => {
  let killTarget: Target;
  let work: string;
  beforeAll(async () => {
    killTarget = await startTarget();
    work = await mkdtemp(join(tmpdir(), 'mie-killpoints-'));
  });
  afterAll(async () => {
    await killTarget?.close();
    await rm(work, { recursive: true, force: true });
  });

  interface CollectionState { checksums: Map<string, string>; journal: Set<string>; files: Map<string, string> }

  async function collectionState(dir: string): Promise<CollectionState> {
    const checksums = new Map([...(await readChecksums(join(dir, CHECKSUMS_NAME)))].map(([key, digest]) => [key, Buffer.from(digest, 'latin1').toString('hex')]));
    const journal = await readJournal(join(dir, JOURNAL_NAME));
    const files = new Map<string, string>();
    for await (const rel of walkFiles(dir)) {
      if (!rel.endsWith(DOCUMENT_SUFFIX)) continue;
      const key = basename(rel).slice(0, -DOCUMENT_SUFFIX.length);
      expect(documentPath(key), `${rel} is not where its key belongs`).toBe(rel);
      files.set(key, createHash('sha256').update(await readFile(join(dir, rel))).digest('hex'));
    }
    return { checksums, journal, files };
  }

  const bsonOf = (tree: Map<string, string>, prefix: string): Map<string, string> =>
    new Map([...tree].filter(([rel]) => rel.startsWith(prefix) && rel.endsWith(DOCUMENT_SUFFIX)).map(([rel, sha]) => [basename(rel).slice(0, -DOCUMENT_SUFFIX.length), sha]));

  it.skipIf(Boolean(process.env.MONGODB_URL))('every kill point leaves a consistent or detectably repairable tree, and the next run repairs it exactly', async () => {
    const db = killTarget.newDbName();
    await killTarget.seed(db, 'docs', Array.from({ length: 60 }, (_, i) => simpleDoc(i, `doc ${i}`)));
    await killTarget.seed(db, 'gone', Array.from({ length: 10 }, (_, i) => simpleDoc(i, `gone ${i}`)));
    const base = join(work, 'base');
    expect((await runExport(['--out', base, killTarget.url(db)])).code).toBe(0);
    const oldTree = await contents(base);
    for (let i = 0; i < 60; i += 6) await killTarget.replace(db, 'docs', new Int32(i), simpleDoc(i, `changed ${i}`));
    for (let i = 3; i < 60; i += 8) await killTarget.remove(db, 'docs', new Int32(i));
    await killTarget.seed(db, 'docs', Array.from({ length: 10 }, (_, i) => simpleDoc(500 + i, `new ${i}`)));
    await killTarget.client.db(db).collection('gone').drop();
    await killTarget.seed(db, 'added', Array.from({ length: 8 }, (_, i) => simpleDoc(i, `added ${i}`)));
    const newTree = await freshExport(killTarget.url(db));
    const args = (dir: string): string[] => ['--batch-size', '8', '--out', dir, killTarget.url(db)];

    const countDir = join(work, 'count');
    await cp(base, countDir, { recursive: true });
    const { writes, result } = await countWrites(BIN, args(countDir));
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(await contents(countDir)).toEqual(newTree);
    expect(writes).toBeGreaterThan(60);

    const seen = { consistent: 0, journal: 0 };
    await inBatches(killPoints(writes, 50, 20261205), 4, async (kill) => {
      const dir = join(work, `k${kill}`);
      await cp(base, dir, { recursive: true });
      const killed = await runKilled(BIN, args(dir), kill);
      expect(killed.signal, `kill point ${kill}: ${String(killed.stderr)}`).toBe('SIGKILL');
      for (const coll of ['docs', 'gone', 'added']) {
        const state = await collectionState(join(dir, db, coll));
        const where = `kill point ${kill}, ${coll}`;
        for (const [key, sha] of state.checksums) if (!state.journal.has(key)) expect(state.files.get(key), `${where}: ${key}`).toBe(sha);
        for (const key of state.files.keys()) expect(state.checksums.has(key) || state.journal.has(key), `${where}: untracked ${key}`).toBe(true);
        if (state.journal.size > 0) {
          seen.journal += 1;
          continue;
        }
        seen.consistent += 1;
        const prefix = `${db}/${coll}/`;
        const files = [...state.files].sort();
        expect([[...bsonOf(oldTree, prefix)].sort(), [...bsonOf(newTree, prefix)].sort()], `${where}: neither old nor new`).toContainEqual(files);
      }
      const rerun = await runExport(args(dir));
      expect(rerun.code, `kill point ${kill}: ${rerun.err}`).toBe(0);
      expect(await contents(dir), `kill point ${kill}: re-run`).toEqual(newTree);
      expect(await emptyDirectories(dir), `kill point ${kill}: empty directories`).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    });
    expect(seen.journal).toBeGreaterThan(0);
    expect(seen.consistent).toBeGreaterThan(0);
    expect(oldTree).not.toEqual(newTree);
  }, 300_000);
});
