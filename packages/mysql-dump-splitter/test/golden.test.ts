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

// recorded with the code of commit 'mysql-dump-splitter: golden digests' (before the fast paths)
const GOLDEN: Record<string, string> = {
  'mariadb false 4096 333': '440f489c2d09a4e900c2e86d100cdee4e10324f3944b23c4a9a3b26f3068e2ac',
  'mariadb true 2048 4096': '2e5da78da24f35ee72b756ac44c2f19b9cbbc4ba30e8af346ac048caa49663f9',
  'mysql false 4096 65536': 'c7f53dd51373cd04fa588a07da1482cf28597f243855878b71fc6b1c2d885f03',
  'mysql true 8192 777': 'e47214a8f8fbe959566de25cd001045603112452f9a18e88c64029d0e7d4c549',
  'skip false 2048 1048576': '50454b92ad0551d00f49f4e4d2fb1c5296a5061095a4845af69cf5e95e38431f',
  'skip false 8192 1000': '1f5ad2426eee641beff3c91c2c0d89755ca3832e13dee26e5495b471f14c7ab2',
  'skip true 2048 1048576': '75e9208ef7ed9497cfeda3d20e8ab16e28a8bb613b7ba67f5cfdb3d272bcf6d3',
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
