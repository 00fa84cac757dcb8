// Lines that continue a string, a quoted name or a comment are no line starts (quote-state.ts),
// against real mysqldump output: a routine body whose string holds `DELIMITER ;` and
// `-- Dump completed` lines, under the default sql_mode and under NO_BACKSLASH_ESCAPES, and a
// table whose name holds a newline followed by `-- Dump completed`. Before, dumps cut right
// after such lines were taken for complete (exit 0, the good pieces replaced by a cut dump).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMariaDb, type MariaDb } from './helpers/mariadb.js';
import { diffSnapshots, dirDigest, joinDir, runSplitter, snapshot } from './helpers/io.js';

let db: MariaDb;
let work: string;

const SETUP = `
CREATE DATABASE q CHARACTER SET utf8mb4;
USE q;
CREATE TABLE t1 (id INT PRIMARY KEY, s VARCHAR(50));
INSERT INTO t1 VALUES (1, 'one'), (2, 'two');
CREATE TABLE \`a
-- Dump completed on x\` (id INT PRIMARY KEY, s VARCHAR(50));
INSERT INTO \`a
-- Dump completed on x\` VALUES (1, 'it''s'), (2, 'b');
CREATE TABLE zz (id INT PRIMARY KEY);
INSERT INTO zz VALUES (1);
DELIMITER //
CREATE PROCEDURE p1()
BEGIN
  SELECT 'it''s \\' a
DELIMITER ;
-- Dump completed on 2020-01-01 10:00:00
DELIMITER ;;
x' AS s; -- don't
END//
SET sql_mode = 'NO_BACKSLASH_ESCAPES'//
CREATE PROCEDURE p2()
BEGIN
  SELECT 'ends in a backslash\\';
  SELECT 'two
DELIMITER ;
-- Dump completed
x';
END//
DELIMITER ;
`;

function write(name: string, text: string | Buffer): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

async function dump(name: string): Promise<string> {
  const file = join(work, name);
  await db.mysqldump(['--skip-dump-date', '--routines', '--triggers', '--databases', 'q'], file);
  return file;
}

/** Line numbers (1-based) of the dump's lines that start like the trailer but are not its last line. */
function trailerLookalikes(file: string): { lines: string[]; at: number[] } {
  const lines = readFileSync(file, 'latin1').split(/(?<=\n)/);
  const at = lines.flatMap((line, i) => (line.startsWith('-- Dump completed') && i < lines.length - 1 ? [i + 1] : []));
  return { lines, at };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'mds-quoted-'));
  db = await startMariaDb();
  await db.source(write('setup.sql', SETUP));
});

afterAll(async () => {
  await db?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.sequential('lines inside a string, a quoted name or a comment are no line starts', () => {
  it('a dump cut right after a routine string line "DELIMITER ;" + "-- Dump completed", or inside a table name holding a newline, is refused and changes nothing', async () => {
    const full = await dump('full.sql');
    const dir = join(work, 'cuts');
    expect((await runSplitter(['--out', dir, full])).code).toBe(0);
    const { lines, at } = trailerLookalikes(full);
    // p1's and p2's bodies, and the table name in DROP, CREATE, LOCK, ALTER (twice) and INSERT
    expect(at.length).toBeGreaterThanOrEqual(8);
    const before = `${dirDigest(dir)} ${JSON.stringify([...snapshot(dir)])}`;
    for (const n of at) {
      const result = await runSplitter(['--out', dir, write(`cut-${n}.sql`, lines.slice(0, n).join(''))]);
      expect(result.code, `cut after line ${n}: ${lines[n - 1]}`).toBe(2);
      expect(result.err).toMatch(/no '-- Dump completed' line at the end/);
    }
    expect(`${dirDigest(dir)} ${JSON.stringify([...snapshot(dir)])}`).toBe(before);
    expect((await joinDir(dir)).equals(readFileSync(full))).toBe(true);
  });

  it('the whole dump joins byte for byte and restores the routines identically; the newline-named table has its own pieces, which a change elsewhere leaves alone', async () => {
    const full = await dump('full2.sql');
    for (const args of [[], ['--regroup']]) {
      const dir = join(work, `whole${args.length}`);
      const result = await runSplitter(['--out', dir, ...args, full]);
      if (args.length) {
        // --regroup cannot rewrite an INSERT whose head spans lines: it says so, nothing is written
        expect(result.code).toBe(2);
        expect(result.err).toMatch(/cannot regroup INSERT/);
        continue;
      }
      expect(result.code, result.err).toBe(0);
      expect((await joinDir(dir)).equals(readFileSync(full))).toBe(true);
      const manifest = readFileSync(join(dir, 'MANIFEST'), 'utf8');
      expect(manifest).toMatch(/-t\.q\.a%0A\.sql\n/);
      expect(manifest).toMatch(/-d\.q\.a%0A\.sql\n/);
      expect(manifest.match(/footer/g)).toHaveLength(1);
      const before = snapshot(dir);
      await db.sql('UPDATE zz SET id = 2', 'q');
      expect((await runSplitter(['--out', dir, await dump('changed.sql')])).code).toBe(0);
      const { rewritten, removed } = diffSnapshots(before, snapshot(dir));
      expect([...rewritten, ...removed].every((name) => name.includes('.q.zz.'))).toBe(true);
      expect(rewritten.length).toBeGreaterThan(0);
      // restore the joined dump under another name: the routines come back identical
      const joined = write('joined.sql', (await joinDir(dir)).toString('latin1').replaceAll('`q`', '`q2`'));
      const bodies = async (name: string): Promise<string> =>
        db.sql(`SELECT ROUTINE_NAME, SQL_MODE, MD5(ROUTINE_DEFINITION) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = '${name}' ORDER BY 1`);
      await db.source(joined, undefined, ['--comments', '--binary-mode']);
      expect(await bodies('q2')).toBe(await bodies('q'));
      expect(await db.sql('SELECT COUNT(*) FROM `a\n-- Dump completed on x`', 'q2')).toBe('2');
    }
  });
});
