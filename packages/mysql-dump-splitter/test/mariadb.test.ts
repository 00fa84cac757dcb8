// End-to-end against a real MariaDB started by the test, real mysqldump and the real
// mariadb client: byte-identical round trips, restores compared with CHECKSUM TABLE, and
// the incremental guarantees counted from inode/mtime snapshots (not from the tool's report).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type MariaDb } from './helpers/mariadb.js';
import { diffSnapshots, findSnapshot, joinDir, piecesAndManifest, runSplitter, snapshot } from './helpers/io.js';

const PASSWORD = 'Secr3t-pw-4711';
const TABLES = ['big', 'blobs', 'texts'];
let db: MariaDb;
let work: string;

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex');
const SETUP = `
CREATE DATABASE shop CHARACTER SET utf8mb4;
USE shop;
SET SESSION max_recursive_iterations = 100000;
CREATE TABLE big (id INT PRIMARY KEY AUTO_INCREMENT, name VARCHAR(100), payload VARBINARY(64), note TEXT,
  price DECIMAL(10,2), ts TIMESTAMP NULL, f DOUBLE);
INSERT INTO big (name, payload, note, price, ts, f)
  WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 4000)
  SELECT CONCAT('row ', n, ' Zoë 😀 ''q'' "dq" \\\\ back'), UNHEX(SHA2(n, 256)), REPEAT(CONCAT('note-', n, ';'), 1 + n % 20),
         n * 1.25, FROM_UNIXTIME(1600000000 + n * 3600), n / 7 FROM s;
CREATE TABLE blobs (id INT PRIMARY KEY, data LONGBLOB, bits BIT(8));
INSERT INTO blobs VALUES (1, UNHEX('${ALL_BYTES}'), b'10101010'), (2, '', b'0'), (3, NULL, NULL);
CREATE TABLE texts (id INT PRIMARY KEY, t VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin);
INSERT INTO texts VALUES (1, '日本語'), (2, 'emoji 🎉🚀'), (3, 'tab\\tnewline\\nnul\\0end'), (4, '');
CREATE VIEW big_summary AS SELECT COUNT(*) AS n, SUM(price) AS total FROM big;
CREATE TRIGGER big_bi BEFORE INSERT ON big FOR EACH ROW SET NEW.note = COALESCE(NEW.note, 'none');
CREATE PROCEDURE add_row(IN nm VARCHAR(100)) INSERT INTO big (name) VALUES (nm);
CREATE FUNCTION double_it(x INT) RETURNS INT DETERMINISTIC RETURN x * 2;
CREATE USER 'dumper'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}';
GRANT ALL ON *.* TO 'dumper'@'127.0.0.1';
`;

async function checksums(database: string, tables = TABLES): Promise<Record<string, string>> {
  const out = await db.sql(`CHECKSUM TABLE ${tables.map((t) => `\`${database}\`.\`${t}\``).join(', ')} EXTENDED`);
  return Object.fromEntries(out.split('\n').map((line) => {
    const [name, sum] = line.split('\t');
    return [String(name).split('.')[1], String(sum)];
  }));
}

async function mysqldump(name: string, args: readonly string[]): Promise<string> {
  const file = join(work, name);
  await db.mysqldump(['--routines', '--triggers', '--skip-dump-date', ...args, 'shop'], file);
  return file;
}

async function split(dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  const result = await runSplitter(['--out', dir, '--piece-size', '64K', ...args], env);
  expect(result.err).not.toContain(PASSWORD);
  expect(result.code, result.err).toBe(0);
}

function manifest(dir: string): string[] {
  return readFileSync(join(dir, 'MANIFEST'), 'utf8').trim().split('\n');
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mds-work-'));
  db = await startMariaDb();
  writeFileSync(join(work, 'setup.sql'), SETUP);
  await db.source(join(work, 'setup.sql'));
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.sequential('mysql-dump-splitter against a real MariaDB', () => {
  it.each([
    ['extended INSERTs', []],
    ['--skip-extended-insert', ['--skip-extended-insert']],
  ])('%s: split, cat in MANIFEST order = the dump byte for byte; restores to the same CHECKSUM TABLE', async (_label, args) => {
    const file = await mysqldump(`rt-${args.length}.sql`, args);
    const dir = join(work, `rt-${args.length}`);
    await split(dir, [file]);
    const original = readFileSync(file);
    expect((await joinDir(dir)).equals(original)).toBe(true);
    // the documented shell restore command, and LC_ALL=C name order = MANIFEST order
    const viaXargs = await execa('sh', ['-c', 'cd "$1" && xargs -d "\\n" cat < MANIFEST', 'sh', dir], { encoding: 'buffer', stripFinalNewline: false });
    expect(Buffer.from(viaXargs.stdout).equals(original)).toBe(true);
    const names = readdirSync(dir).filter((n) => n.endsWith('.sql'));
    expect([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(manifest(dir));
    expect(manifest(dir).filter((n) => n.includes('-d.shop.big') || n.includes('-d.big')).length).toBeGreaterThanOrEqual(4);
    const copy = `copy_${args.length}`;
    await db.sql(`CREATE DATABASE ${copy} CHARACTER SET utf8mb4`);
    const joined = join(work, `joined-${args.length}.sql`);
    writeFileSync(joined, await joinDir(dir));
    await db.source(joined, copy);
    expect(await checksums(copy)).toEqual(await checksums('shop'));
    expect(await db.sql(`SELECT ${copy}.double_it(21)`)).toBe('42');
    expect(await db.sql(`SELECT n FROM ${copy}.big_summary`)).toBe(await db.sql('SELECT n FROM shop.big_summary'));
    expect(await db.sql(`SHOW TRIGGERS FROM ${copy}`)).toContain('big_bi');
  });

  const CHANGES: Array<[string, (mode: number) => Promise<void>]> = [
    ['insert', async () => void (await db.sql("INSERT INTO big (name, note, price) VALUES ('inserted row', 'new', 1.5)", 'shop'))],
    ['change', async (m) => void (await db.sql(`UPDATE big SET name = 'changed, and longer than before' WHERE id = ${1000 + 777 * m}`, 'shop'))],
    ['delete', async (m) => void (await db.sql(`DELETE FROM big WHERE id = ${1500 + 999 * m}`, 'shop'))],
  ];
  const MODES: Array<[string, (dir: string, n: number) => Promise<Buffer | undefined>]> = [
    ['--skip-extended-insert', async (dir, n) => {
      const file = await mysqldump(`skip-${n}.sql`, ['--skip-extended-insert']);
      await split(dir, [file]);
      return readFileSync(file);
    }],
    ['--regroup', async (dir, n) => {
      const file = await mysqldump(`ext-${n}.sql`, []);
      await split(dir, ['--regroup', file]);
      return undefined;
    }],
    ['--dump', async (dir) => {
      await split(dir, ['--dump', '--host', '127.0.0.1', '--port', String(db.port), '--user', 'dumper', '-v', 'shop'], { MYSQL_PWD: PASSWORD });
      return undefined;
    }],
  ];

  it.each(MODES)('%s: inserting, changing or deleting one row rewrites at most 2 pieces', async (mode, run) => {
    const modeNo = MODES.findIndex(([m]) => m === mode);
    const dir = join(work, `inc${mode}`);
    let n = 0;
    const first = await run(dir, n);
    if (first) expect((await joinDir(dir)).equals(first)).toBe(true);
    const bigPieces = manifest(dir).filter((name) => name.includes('.big.sql')).length;
    expect(bigPieces).toBeGreaterThanOrEqual(4);
    for (const [change, apply] of CHANGES) {
      await apply(modeNo);
      const before = snapshot(dir);
      n += 1;
      const expected = await run(dir, n);
      const { rewritten, removed } = diffSnapshots(before, snapshot(dir));
      expect(rewritten.length, `${mode} ${change}: ${rewritten.join(' ')}`).toBeGreaterThanOrEqual(1);
      expect(rewritten.length, `${mode} ${change}: ${rewritten.join(' ')}`).toBeLessThanOrEqual(2);
      for (const name of [...rewritten, ...removed]) expect(name).toMatch(/\.big\.sql$/);
      if (expected) expect((await joinDir(dir)).equals(expected)).toBe(true);
    }
    // an unchanged re-run writes nothing at all: no file, no directory entry, nothing for rclone to upload
    const tree = await findSnapshot(dir);
    n += 1;
    await run(dir, n);
    expect(await findSnapshot(dir), `${mode}: unchanged re-run`).toEqual(tree);
    // what the pieces hold now restores to the live data
    const copy = `inc_${mode.replace(/\W/g, '')}`;
    const joined = join(work, `${copy}.sql`);
    writeFileSync(joined, await joinDir(dir));
    if (mode === '--dump') {
      const text = readFileSync(joined, 'utf8').replace(/`shop`/g, `\`${copy}\``);
      writeFileSync(joined, text);
      await db.source(joined);
    } else {
      await db.sql(`CREATE DATABASE ${copy} CHARACTER SET utf8mb4`);
      await db.source(joined, copy);
    }
    expect(await checksums(copy)).toEqual(await checksums('shop'));
  });

  it('adding a table rewrites only that table\'s pieces (and MANIFEST)', async () => {
    const dir = join(work, 'inc--skip-extended-insert');
    await split(dir, [await mysqldump('before-add.sql', ['--skip-extended-insert'])]);
    const before = snapshot(dir);
    const manifestBefore = manifest(dir);
    await db.sql("CREATE TABLE aaa_added (id INT PRIMARY KEY, v VARCHAR(20)); INSERT INTO aaa_added VALUES (1, 'x'), (2, 'y');", 'shop');
    const file = await mysqldump('after-add.sql', ['--skip-extended-insert']);
    await split(dir, [file]);
    const { rewritten, removed } = diffSnapshots(before, snapshot(dir));
    expect(removed).toEqual([]);
    expect(rewritten.length).toBe(2);
    for (const name of rewritten) expect(name).toMatch(/\.aaa_added\.sql$/);
    expect(manifest(dir).filter((name) => !rewritten.includes(name))).toEqual(manifestBefore);
    expect((await joinDir(dir)).equals(readFileSync(file))).toBe(true);
  });

  it('--dump output restores to identical CHECKSUM TABLE (after DROP DATABASE)', async () => {
    const dir = join(work, 'dump-restore');
    await split(dir, ['--dump', '--socket', db.socket, '--user', 'root', 'shop']);
    const tables = [...TABLES, 'aaa_added'];
    const want = await checksums('shop', tables);
    const summaryBefore = await db.sql('SELECT n, total FROM shop.big_summary');
    await db.sql('DROP DATABASE shop');
    const joined = join(work, 'dump-restore.sql');
    writeFileSync(joined, await joinDir(dir));
    await db.source(joined);
    expect(await checksums('shop', tables)).toEqual(want);
    expect(await db.sql('SELECT n, total FROM shop.big_summary')).toBe(summaryBefore);
    expect(await db.sql('SELECT shop.double_it(4)')).toBe('8');
    expect(await db.sql('SHOW TRIGGERS FROM shop')).toContain('big_bi');
  });

  it.each(MODES)('%s: pieces of a dropped table and of deleted rows are removed (the directory holds exactly MANIFEST)', async (mode, run) => {
    const dir = join(work, `gone${mode}`);
    await db.sql("CREATE TABLE IF NOT EXISTS zz_gone (id INT PRIMARY KEY, v VARCHAR(20)); REPLACE INTO zz_gone VALUES (1, 'x'), (2, 'y');", 'shop');
    await db.sql('CREATE TABLE IF NOT EXISTS shrink (id INT PRIMARY KEY, v TEXT); REPLACE INTO shrink SELECT id, note FROM big;', 'shop');
    await run(dir, 100);
    const before = piecesAndManifest(dir).files;
    expect(before.filter((n) => n.includes('.zz_gone.')).length).toBeGreaterThan(0);
    await db.sql('DROP TABLE zz_gone; DELETE FROM shrink WHERE id > 500;', 'shop');
    await run(dir, 101);
    const { files, manifest: listed } = piecesAndManifest(dir);
    expect(files).toEqual(listed);
    expect(files.filter((n) => n.includes('.zz_gone.'))).toEqual([]);
    expect(files.filter((n) => n.includes('.shrink.')).length).toBeLessThan(before.filter((n) => n.includes('.shrink.')).length);
    await db.sql('DROP TABLE shrink;', 'shop');
  });
});
