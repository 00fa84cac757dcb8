// The audit's defects, against real mysqldump output from a MariaDB started by the test:
// a dump is complete only when its last line is mysqldump's trailer (not a routine body's
// look-alike, not a trailer followed by more); dumps without comments have no trailer and are
// refused unless asked for (a killed `mysqldump --skip-comments | …` is such a cut); routine bodies are never split or regrouped, whatever their lines
// look like; adding or dropping the last table touches only that table's pieces.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type MariaDb } from './helpers/mariadb.js';
import { diffSnapshots, dirDigest, joinDir, runSplitter, snapshot } from './helpers/io.js';

let db: MariaDb;
let work: string;

// Routine and trigger bodies with lines that look like mysqldump's section comments and its
// trailer (kept by `mariadb --comments`, dumped verbatim inside DELIMITER ;; blocks).
const SETUP = `
CREATE DATABASE edge CHARACTER SET utf8mb4;
USE edge;
CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, s VARCHAR(20));
CREATE TABLE t1 (id INT PRIMARY KEY, s VARCHAR(50));
INSERT INTO t1 VALUES (1, 'one'), (2, 'two'), (3, 'three');
DELIMITER //
CREATE PROCEDURE p()
BEGIN
--
-- Dumping data for table \`log\`
--
INSERT INTO \`log\` VALUES (NULL,'a');
INSERT INTO \`log\` VALUES (NULL,'b') ON DUPLICATE KEY UPDATE s='dup';
INSERT INTO \`log\` (s) SELECT 'sel';
-- Table structure for table \`zz\`
-- Dump completed on 2020-01-01
END//
CREATE TRIGGER t1_bi BEFORE INSERT ON t1 FOR EACH ROW
BEGIN
-- Dump completed
SET NEW.s = COALESCE(NEW.s, 'none');
END//
DELIMITER ;
CREATE DATABASE other;
CREATE TABLE other.a1 (id INT PRIMARY KEY, s VARCHAR(50));
INSERT INTO other.a1 VALUES (1, 'x'), (2, 'y');
`;

async function dump(name: string, args: readonly string[]): Promise<string> {
  const file = join(work, name);
  await db.mysqldump(['--skip-dump-date', '--routines', '--triggers', ...args], file);
  return file;
}

function lines(file: string): string[] {
  return readFileSync(file, 'latin1').split(/(?<=\n)/);
}

function write(name: string, text: string | Buffer): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

/** The directory exactly as it was: names, contents, inodes and mtimes of the pieces, the directory's mtime (to the µs). */
function state(dir: string): string {
  const mtimeUs = statSync(dir, { bigint: true }).mtimeNs / 1000n;
  return `${dirDigest(dir)} ${JSON.stringify([...snapshot(dir)])} ${mtimeUs}`;
}

async function refused(dir: string, input: string, args: readonly string[] = []): Promise<string> {
  const before = state(dir);
  const result = await runSplitter(['--out', dir, ...args, input]);
  expect(result.code, result.err).toBe(2);
  expect(result.err).toMatch(/\(nothing changed in [^\n]+\)\n$/);
  expect(state(dir)).toBe(before);
  return result.err;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mds-edges-'));
  db = await startMariaDb();
  await db.source(write('setup.sql', SETUP), undefined, ['--comments']);
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.sequential('truncation: only a trailer on the last line proves the dump complete', () => {
  it('a dump cut right after a routine or trigger body line "-- Dump completed", or before the next database, is refused and changes nothing', async () => {
    const full = await dump('full.sql', ['--databases', 'edge', 'other']);
    const dir = join(work, 'trunc');
    expect((await runSplitter(['--out', dir, full])).code).toBe(0);
    const all = lines(full);
    const cuts = [
      all.findIndex((l) => l.startsWith('-- Dump completed on 2020')) + 1, // inside the procedure
      all.findIndex((l) => l === '-- Dump completed\n') + 1, // inside the trigger
      all.findIndex((l) => l.startsWith('-- Current Database: `other`')) - 1, // before the second database
    ];
    expect(cuts.every((n) => n > 10 && n < all.length - 5)).toBe(true);
    for (const n of cuts) {
      const err = await refused(dir, write(`cut-${n}.sql`, all.slice(0, n).join('')));
      expect(err).toMatch(/no '-- Dump completed' line at the end/);
    }
    expect((await joinDir(dir)).equals(readFileSync(full))).toBe(true);
  });

  it('a complete dump followed by a cut second copy (`cat full.sql; head -n 300 full.sql`) is refused', async () => {
    const full = await dump('full2.sql', ['--databases', 'edge', 'other']);
    const dir = join(work, 'twice');
    expect((await runSplitter(['--out', dir, full])).code).toBe(0);
    const text = readFileSync(full, 'latin1');
    await refused(dir, write('twice.sql', text + lines(full).slice(0, 40).join('')));
  });
});

describe.sequential('dumps without comments (--skip-comments, --compact) have no trailer', () => {
  it('are refused by default with the way out named; a dump cut after its first line and a lone DROP DATABASE are refused even with --allow-skip-comments', async () => {
    const full = await dump('full3.sql', ['--databases', 'edge', 'other']);
    const dir = join(work, 'nocomments');
    expect((await runSplitter(['--out', dir, full])).code).toBe(0);
    const bare = await dump('bare.sql', ['--skip-comments', '--databases', 'edge', 'other']);
    const err = await refused(dir, bare);
    expect(err).toMatch(/--skip-comments or --compact, which also has no '-- Dump completed' trailer/);
    expect(err).toMatch(/pass --allow-skip-comments/);
    // cut mid-way, at a line end: indistinguishable from a complete one, so refused by default
    await refused(dir, write('bare-cut.sql', lines(bare).slice(0, 30).join('')));
    // MariaDB's dump cut after its first line (the sandbox comment)
    await refused(dir, write('first-line.sql', lines(full)[0] as string));
    await refused(dir, write('first-line.sql', lines(full)[0] as string), ['--allow-skip-comments']);
    for (const args of [[], ['--allow-skip-comments']]) {
      const e = await refused(dir, write('drop.sql', 'DROP DATABASE a;\n'), args);
      expect(e).toMatch(args.length ? /does not look like mysqldump output/ : /does not start with mysqldump's/);
    }
    expect((await joinDir(dir)).equals(readFileSync(full))).toBe(true);
  });

  it('--allow-skip-comments accepts them, says that completeness was not checked, and joins byte for byte; --compact also says it is one piece', async () => {
    const bare = await dump('bare2.sql', ['--skip-comments', '--databases', 'edge', 'other']);
    const dir = join(work, 'allowed');
    const ok = await runSplitter(['--out', dir, '--allow-skip-comments', bare]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.err).toMatch(/accepted \(--allow-skip-comments\), but whether it is complete was NOT checked/);
    expect(ok.err).not.toMatch(/one piece/);
    expect((await joinDir(dir)).equals(readFileSync(bare))).toBe(true);
    const compact = await dump('compact.sql', ['--compact', 'edge']);
    const one = await runSplitter(['--out', join(work, 'compact'), '--allow-skip-comments', compact]);
    expect(one.code, one.err).toBe(0);
    expect(one.err).toMatch(/the dump is one piece, so any change rewrites all of it/);
  });
});

describe.sequential('routine and trigger bodies are left alone', () => {
  it('--regroup: lines like section comments inside a procedure neither start pieces nor let its INSERTs be regrouped; the restored routine is identical', async () => {
    const full = await dump('rr.sql', ['--databases', 'edge']);
    const dir = join(work, 'rr');
    const result = await runSplitter(['--out', dir, '--regroup', full]);
    expect(result.code, result.err).toBe(0);
    const joined = await joinDir(dir);
    // every DELIMITER block (routine and trigger bodies) is in the output exactly as dumped
    const blocks = (text: string): string[] => text.match(/^DELIMITER ;;\n[\s\S]*?^DELIMITER ;\n/gm) ?? [];
    expect(blocks(joined.toString('latin1'))).toEqual(blocks(readFileSync(full, 'latin1')));
    expect(blocks(joined.toString('latin1')).length).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(dir, 'MANIFEST'), 'utf8')).not.toMatch(/zz/);
    const definition = "SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'edge'";
    const trigger = "SELECT ACTION_STATEMENT FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'edge'";
    const before = [await db.sql(definition), await db.sql(trigger)];
    await db.sql('DROP DATABASE edge');
    await db.source(write('rr-joined.sql', joined), undefined, ['--comments']);
    expect([await db.sql(definition), await db.sql(trigger)]).toEqual(before);
    await db.sql('CALL p()', 'edge');
    expect(await db.sql('SELECT s FROM log ORDER BY id', 'edge')).toBe('a\nb\nsel');
  });
});

describe.sequential('adding or dropping the last table touches only its pieces', () => {
  it('DROP TABLE of the last table removes its two pieces and rewrites nothing else; adding it back writes only its pieces', async () => {
    await db.sql('CREATE TABLE other.z9 (id INT PRIMARY KEY); INSERT INTO other.z9 VALUES (7), (8);');
    const dir = join(work, 'neighbour');
    for (const args of [['other'], ['--skip-extended-insert', 'other']]) {
      rmSync(dir, { recursive: true, force: true });
      expect((await runSplitter(['--out', dir, await dump('n1.sql', args)])).code).toBe(0);
      const before = snapshot(dir);
      await db.sql('DROP TABLE other.z9');
      const without = await dump('n2.sql', args);
      expect((await runSplitter(['--out', dir, without])).code).toBe(0);
      expect((await joinDir(dir)).equals(readFileSync(without))).toBe(true);
      const dropped = diffSnapshots(before, snapshot(dir));
      expect(dropped.rewritten).toEqual([]);
      expect(dropped.removed.sort()).toEqual([...before.keys()].filter((n) => /-[td]\.z9\.sql$/.test(n)).sort());
      expect(dropped.removed).toHaveLength(2);
      const middle = snapshot(dir);
      await db.sql('CREATE TABLE other.z9 (id INT PRIMARY KEY); INSERT INTO other.z9 VALUES (7), (8);');
      const again = await dump('n3.sql', args);
      expect((await runSplitter(['--out', dir, again])).code).toBe(0);
      expect((await joinDir(dir)).equals(readFileSync(again))).toBe(true);
      const added = diffSnapshots(middle, snapshot(dir));
      expect(added.removed).toEqual([]);
      expect(added.rewritten.filter((n) => !/-[td]\.z9\.sql$/.test(n))).toEqual([]);
      expect(added.rewritten).toHaveLength(2);
    }
  });
});

describe.sequential('a refused run leaves the directory as it was', () => {
  it('a cut dump whose changed pieces were already staged: no piece, inode or mtime changes, and the directory keeps its mtime (to the µs)', async () => {
    const dir = join(work, 'mtime');
    const first = await dump('m1.sql', ['--databases', 'edge', 'other']);
    expect((await runSplitter(['--out', dir, first])).code).toBe(0);
    await db.sql("UPDATE other.a1 SET s = 'changed' WHERE id = 1");
    const changed = lines(await dump('m2.sql', ['--databases', 'edge', 'other']));
    const ctime = statSync(dir).ctimeMs;
    await refused(dir, write('m2-cut.sql', changed.slice(0, changed.length - 3).join('')));
    // the changed piece was staged (a temporary file made and deleted): ctime tells, mtime does not
    expect(statSync(dir).ctimeMs).not.toBe(ctime);
  });
});
