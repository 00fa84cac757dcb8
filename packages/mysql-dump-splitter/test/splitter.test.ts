import { describe, expect, it } from 'vitest';
import { Splitter } from '../src/splitter.js';
import { makeDump, MemorySink, row, type InsertStyle, type TableSpec } from './helpers/synthetic.js';

function split(input: Buffer, options: { pieceSize: number; regroup?: boolean; chunk?: number; headerless?: boolean }): MemorySink {
  const sink = new MemorySink();
  const splitter = new Splitter(sink, { pieceSize: options.pieceSize, regroup: options.regroup ?? false, headerless: options.headerless });
  const step = options.chunk ?? input.length;
  for (let i = 0; i < input.length; i += step) splitter.push(input.subarray(i, i + step));
  splitter.finish();
  return sink;
}

const rows = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => row(from + i));
const TABLES: TableSpec[] = [
  { name: 'a_small', rows: rows(1, 3) },
  { name: 'big', rows: rows(1, 3000) },
  { name: 'empty', rows: [] },
  { name: 'we`ird ü', rows: rows(1, 5) },
];

/** Pieces of `after` whose content was not a piece of `before`: what an incremental run rewrites. */
function changedPieces(before: MemorySink, after: MemorySink): number {
  const old = new Set(before.pieces.map((p) => `${p.label} ${p.data.toString('base64')}`));
  return after.pieces.filter((p) => !old.has(`${p.label} ${p.data.toString('base64')}`)).length;
}

describe('Splitter', () => {
  it.each<[InsertStyle, number]>([
    ['skip', 1],
    ['skip', 7],
    ['mariadb', 4096],
    ['mysql', 65536],
    ['mysql', 1 << 30],
  ])('%s style, %d-byte input chunks: the pieces concatenate to the input', (style, chunk) => {
    const input = Buffer.from(makeDump(TABLES, style));
    const sink = split(input, { pieceSize: 8192, chunk });
    expect(Buffer.concat(sink.pieces.map((p) => p.data)).equals(input)).toBe(true);
    const labels = [...new Set(sink.pieces.map((p) => p.label))];
    expect(labels).toEqual(['header', 't.a_small', 'd.a_small', 't.big', 'd.big', 't.empty', 'd.empty', 't.we%60ird%20%C3%BC', 'd.we%60ird%20%C3%BC', 'footer']);
    // the blank line before a section belongs to it, so no piece depends on what follows it
    expect(sink.pieces[1]?.data.toString()).toMatch(/^\n--\n-- Table structure for table `a_small`/);
    for (const p of sink.pieces.slice(0, -1)) expect(p.data.toString()).not.toMatch(/\n\n$/);
  });

  it('cuts the big table into pieces of about the target size, only at row boundaries', () => {
    const input = Buffer.from(makeDump(TABLES, 'skip'));
    const sink = split(input, { pieceSize: 16384 });
    const data = sink.pieces.filter((p) => p.label === 'd.big');
    const total = data.reduce((sum, p) => sum + p.data.length, 0);
    expect(data.length).toBeGreaterThan(total / 16384 / 2.5);
    expect(data.length).toBeLessThan((total / 16384) * 2.5);
    for (const p of data.slice(1)) expect(p.data.toString()).toMatch(/^INSERT INTO `big` VALUES \(\d+,/);
    expect(data.at(-1)?.data.toString()).toMatch(/UNLOCK TABLES;\n$/);
  });

  const edits: Array<[string, (r: string[], at: number) => void]> = [
    ['insert', (r, at) => r.splice(at, 0, row(100000 + at, 'new row'))],
    ['delete', (r, at) => r.splice(at, 1)],
    ['change', (r, at) => (r[at] = row(at + 1, 'changed to something longer'))],
  ];
  const positions = [0, 1, 17, 500, 1234, 2222, 2998, 2999];

  it.each(edits)('skip style: %s of one row anywhere changes at most 2 pieces', (_name, edit) => {
    const before = split(Buffer.from(makeDump(TABLES, 'skip')), { pieceSize: 8192 });
    for (const at of positions) {
      const changed = TABLES.map((t) => ({ ...t, rows: [...t.rows] }));
      edit((changed[1] as TableSpec).rows, at);
      const after = split(Buffer.from(makeDump(changed, 'skip')), { pieceSize: 8192 });
      const n = changedPieces(before, after);
      expect(n, `at row ${at}`).toBeGreaterThanOrEqual(1);
      expect(n, `at row ${at}`).toBeLessThanOrEqual(2);
    }
  });

  it.each(edits)('extended (MySQL style) with regroup: %s of one row changes at most 2 pieces', (_name, edit) => {
    const before = split(Buffer.from(makeDump(TABLES, 'mysql')), { pieceSize: 8192, regroup: true });
    for (const at of positions) {
      const changed = TABLES.map((t) => ({ ...t, rows: [...t.rows] }));
      edit((changed[1] as TableSpec).rows, at);
      const after = split(Buffer.from(makeDump(changed, 'mysql')), { pieceSize: 8192, regroup: true });
      const n = changedPieces(before, after);
      expect(n, `at row ${at}`).toBeLessThanOrEqual(2);
    }
  });

  it('regroup gives the same pieces whatever INSERT style mysqldump used', () => {
    const styles: InsertStyle[] = ['skip', 'mariadb', 'mysql'];
    const [first, ...rest] = styles.map((s) => split(Buffer.from(makeDump(TABLES, s)), { pieceSize: 8192, regroup: true }));
    for (const other of rest) expect(other.pieces.map((p) => p.data.toString())).toEqual(first?.pieces.map((p) => p.data.toString()));
  });

  it('without regroup, extended INSERTs shift: one changed row changes many pieces (why --regroup exists)', () => {
    const before = split(Buffer.from(makeDump(TABLES, 'mariadb')), { pieceSize: 8192 });
    const changed = TABLES.map((t) => ({ ...t, rows: [...t.rows] }));
    (changed[1] as TableSpec).rows.splice(10, 1);
    const after = split(Buffer.from(makeDump(changed, 'mariadb')), { pieceSize: 8192 });
    expect(changedPieces(before, after)).toBeGreaterThan(5);
  });

  it('handles dumps made with --skip-comments (tables found by DROP TABLE / LOCK TABLES)', () => {
    const input = Buffer.from(
      "/*!40101 SET NAMES utf8mb4 */;\nDROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (a int);\nLOCK TABLES `t` WRITE;\nINSERT INTO `t` VALUES (1);\nUNLOCK TABLES;\n",
    );
    const sink = split(input, { pieceSize: 4096, headerless: true });
    expect(sink.pieces.map((p) => p.label)).toEqual(['header', 't.t', 'd.t']);
    expect(Buffer.concat(sink.pieces.map((p) => p.data)).equals(input)).toBe(true);
  });

  it('leaves trigger bodies alone (INSERT lines inside DELIMITER ;; blocks are not rows)', () => {
    const trigger = 'DELIMITER ;;\n/*!50003 CREATE*/ /*!50003 TRIGGER t_ai AFTER INSERT ON t FOR EACH ROW BEGIN\nINSERT INTO log SELECT NEW.id;\n(SELECT 1);\nEND */;;\nDELIMITER ;\n';
    const input = Buffer.from(makeDump([{ name: 't', rows: [row(1), row(2)] }], 'mysql').replace('UNLOCK TABLES;\n', `UNLOCK TABLES;\n${trigger}`));
    const sink = split(input, { pieceSize: 4096, regroup: true });
    const text = Buffer.concat(sink.pieces.map((p) => p.data)).toString();
    expect(text).toContain(trigger);
    expect(text).toContain("INSERT INTO `t` VALUES\n(1,'name 1'");
  });
});

