// The fast paths (the WebAssembly row scanner, comparing pieces with the previous run's files
// instead of hashing them) must not change a single output byte: for a series of dumps and
// edits, in every INSERT style, with and without --regroup, fed in awkward chunk sizes, the
// pieces, MANIFEST and state (mtimes aside) and what each run writes and removes must equal
// the goldens recorded from the code before the fast paths (commit "golden digests").
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowScanner } from '../src/row-scanner.js';
import { splitDump } from '../src/split.js';
import { makeDump, row, type InsertStyle, type TableSpec } from './helpers/synthetic.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-golden-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const rows = (from: number, to: number, text?: (id: number) => string): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => row(from + i, text?.(from + i)));

/** A row shorter than the hash's 48-byte window, one with CRLF-like text, long ones. */
const odd = (id: number): string =>
  id % 97 === 0 ? `(${id})` : id % 89 === 0 ? `(${id},'${'y'.repeat(3000)}')` : `(${id},'n\\r\\n ${id}','${'z'.repeat(id % 70)}')`;

const BASE: TableSpec[] = [
  { name: 'a', rows: rows(1, 40) },
  { name: 'big', rows: rows(1, 2500) },
  { name: 'empty', rows: [] },
  { name: 'odd', rows: Array.from({ length: 900 }, (_, i) => odd(i + 1)) },
  { name: 'we`ird ü', rows: rows(1, 300) },
];

/** The dumps one directory sees, run after run: unchanged, edited in the middle, a table added and dropped. */
function series(): TableSpec[][] {
  const edit = (f: (t: TableSpec[]) => void): TableSpec[] => {
    const copy = BASE.map((t) => ({ ...t, rows: [...t.rows] }));
    f(copy);
    return copy;
  };
  return [
    BASE,
    BASE,
    edit((t) => (t[1] as TableSpec).rows.splice(1200, 0, row(99999, 'inserted row'))),
    edit((t) => ((t[1] as TableSpec).rows[700] = row(701, 'changed, and longer than before'))),
    edit((t) => (t[1] as TableSpec).rows.splice(100, 400)),
    edit((t) => t.splice(2, 0, { name: 'added', rows: rows(1, 200) })),
    BASE,
  ];
}

async function* chunked(input: Buffer, size: number): AsyncGenerator<Buffer> {
  // a reused buffer, as the file reader does, so no piece may keep a reference into it
  const buf = Buffer.alloc(size);
  for (let i = 0; i < input.length; i += size) {
    const n = input.copy(buf, 0, i, i + size);
    yield buf.subarray(0, n);
  }
}

/** What a run leaves and reports, without mtimes (they differ from run to run). */
function outcome(dir: string, summary: Awaited<ReturnType<typeof splitDump>>): unknown {
  const state = JSON.parse(readFileSync(join(dir, '.mysql-dump-splitter.json'), 'utf8')) as { pieces: Array<Record<string, unknown>> };
  const files = readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort()
    .map(
      (n) =>
        `${n} ${createHash('sha256')
          .update(readFileSync(join(dir, n)))
          .digest('hex')}`,
    );
  return {
    manifest: readFileSync(join(dir, 'MANIFEST'), 'utf8'),
    state: state.pieces.map(({ mtimeMs: _mtime, ...rest }) => rest),
    files,
    written: summary.written.map((p) => p.name),
    unchanged: summary.unchanged.map((p) => p.name),
    removed: summary.removed,
    bytesIn: summary.bytesIn,
  };
}

// recorded with the code of commit 'mysql-dump-splitter: golden digests' (before the fast paths);
// re-recorded once when the blank line before a section moved into that section's piece (so a
// piece no longer depends on what follows it): the old pieces, with each piece's leading blank
// lines given back to its predecessor, were checked equal to the new ones, both paths alike
const GOLDEN: Record<string, string> = {
  'mariadb false 4096 333': '0e44f7c14b4abb790a82e2bdf4b2d8d8ac7d1ea982035e0458f31d1d838108ab',
  'mariadb true 2048 4096': 'b6c86eb09f33ad6db832d391f741ea5246da176afa00e689873d7be65da9f428',
  'mysql false 4096 65536': '0d44abc495eeee7a8bedb4a593a77466f6606e2fac8307f94c1d3c17e3ac22d7',
  'mysql true 8192 777': '00cbf2c703bfeded93ad9631b189e39f63e2624c83b3d2e525bae452df5469a5',
  'skip false 2048 1048576': 'f1aae0ad2888e685367d63604350e6a52e2e874eb2a4161e72cedb54869bce27',
  'skip false 8192 1000': '9218926d861e16b95bac3c395e31739399f5e0c09a28908502a2023367b8bf59',
  'skip true 2048 1048576': 'eaf8dd53613ff597427342ff4c03464f53e1ac70b6e975bbb45ae0e4da202d61',
};

it('the compiled scanner is built and loads (else the goldens would test only the JavaScript path)', () => {
  expect(RowScanner.create()).toBeDefined();
});

describe.each<[InsertStyle, boolean, number, number]>([
  ['skip', false, 2048, 1 << 20],
  ['skip', false, 8192, 1000],
  ['mariadb', false, 4096, 333],
  ['mysql', false, 4096, 65536],
  ['mariadb', true, 2048, 4096],
  ['mysql', true, 8192, 777],
  ['skip', true, 2048, 1 << 20],
])('%s style, regroup %s, piece size %d, %d-byte chunks', (style, regroup, pieceSize, chunk) => {
  it.each([true, false])('compiled scanner %s: writes exactly what the code before the fast paths wrote, run after run', async (compiled) => {
    const dir = join(work, `${style}-${regroup}-${pieceSize}-${chunk}-${compiled}`);
    const runs: unknown[] = [];
    for (const tables of series()) {
      const input = Buffer.from(makeDump(tables, style));
      // spillBytes small, so big pieces take the compare-with-the-previous-file path too
      const summary = await splitDump(chunked(input, chunk), {
        outDir: dir,
        pieceSize,
        regroup,
        compiled,
        dryRun: false,
        spillBytes: 16384,
        signal: new AbortController().signal,
      });
      runs.push(outcome(dir, summary));
    }
    const digest = createHash('sha256').update(JSON.stringify(runs)).digest('hex');
    expect(digest).toBe(GOLDEN[`${style} ${regroup} ${pieceSize} ${chunk}`]);
  });
});
