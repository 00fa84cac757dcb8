import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Int32 } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '@rclone-b2/core';
import { mainExport } from '../src/main-export.js';
import { mainImport } from '../src/main-import.js';
import { simpleDoc } from './helpers/corpus.js';
import { memoryIO } from './helpers/io.js';
import { startTarget, type Target } from './helpers/target.js';
import { snapshot } from './helpers/tree-snapshot.js';
import { startWireServer, type WireServer } from './helpers/wire-server.js';

let target: Target;
let refusing: WireServer;
let out: string;
let db: string;
let closedPort: number;

/** Runs a main like the bin would: errors become `tool: message` and an exit code. */
async function run(main: typeof mainExport, tool: string, argv: string[]): Promise<{ code: number; err: string; out: string }> {
  const io = memoryIO('/');
  let code: number;
  try {
    code = await main(argv, io);
  } catch (error) {
    code = reportError(tool, error, io, false);
  }
  return { code, err: io.err(), out: io.out() };
}
const exportRun = (argv: string[]) => run(mainExport, 'mongo-incremental-export', argv);
const importRun = (argv: string[]) => run(mainImport, 'mongo-incremental-import', argv);

beforeAll(async () => {
  target = await startTarget();
  refusing = await startWireServer({ refuseAuth: true });
  out = await mkdtemp(join(tmpdir(), 'mie-err-'));
  db = target.newDbName();
  await target.seed(db, 'c', [simpleDoc(1, 'a'), simpleDoc(2, 'b')]);
  expect((await exportRun(['--out', out, target.url(db)])).code).toBe(0);
  // From now on any export of db would change the tree, so "untouched" means something.
  await target.replace(db, 'c', new Int32(1), simpleDoc(1, 'changed'));
  await target.seed(db, 'c', [simpleDoc(3, 'new')]);
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});
afterAll(async () => {
  await target.dropDatabase(db);
  await target.close();
  await refusing.close();
  await rm(out, { recursive: true, force: true });
});

describe('configuration errors: exit 2, export tree untouched', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['no database in the URL', () => [`mongodb://127.0.0.1:${closedPort}/`], /no database in URL/],
    ['no database, no slash', () => [`mongodb://127.0.0.1:${closedPort}`], /no database in URL/],
    ['not a MongoDB URL', () => ['http://example.com/db'], /invalid MongoDB URL/],
    ['failed authentication', () => [`mongodb://backup:s3cr3t-pw@127.0.0.1:${refusing.port}/${db}?serverSelectionTimeoutMS=2000`], /authentication failed/],
    ['same database twice', () => [target.url(db), target.url(db)], /more than one URL/],
    ['no URL', () => [], /no MongoDB URL/],
  ];
  it.each(cases)('%s', async (_label, argv, message) => {
    const before = await snapshot(out);
    const result = await exportRun(['--out', out, ...argv()]);
    expect(result.code, result.err).toBe(2);
    expect(result.err).toMatch(new RegExp(`^mongo-incremental-export: .*${message.source}`));
    expect(result.err).not.toMatch(/s3cr3t-pw/);
    expect(await snapshot(out)).toEqual(before);
    if (process.env.SHOW_ERRORS) console.log(result.err);
  });

  it('import: failed authentication and a missing directory exit 2', async () => {
    const from = join(out, db);
    const auth = await importRun(['--from', from, `mongodb://u:s3cr3t-pw@127.0.0.1:${refusing.port}/x`]);
    expect(auth.code).toBe(2);
    expect(auth.err).toMatch(/authentication failed/);
    expect(auth.err).not.toMatch(/s3cr3t-pw/);
    const missing = await importRun(['--from', join(out, 'nope'), target.url('x')]);
    expect(missing.code).toBe(2);
  });

});

describe('an unreachable server: exit 1 naming the address, nothing touched or created', () => {
  it.each([
    ['the only URL', () => [`mongodb://127.0.0.1:${closedPort}/${db}`]],
    ['the second URL', () => [target.url(db), `mongodb://127.0.0.1:${closedPort}/other`]],
  ])('export, %s', async (_label, urls) => {
    const before = await snapshot(out);
    const result = await exportRun(['--timeout', '300ms', '--out', out, ...urls()]);
    expect(result.code, result.err).toBe(1);
    expect(result.err).toMatch(new RegExp(`^mongo-incremental-export: cannot connect to mongodb://127\\.0\\.0\\.1:${closedPort}/`));
    expect(await snapshot(out)).toEqual(before);
    const fresh = join(out, 'never-made');
    expect((await exportRun(['--timeout', '300ms', '--out', fresh, ...urls()])).code).toBe(1);
    await expect(stat(fresh)).rejects.toThrow();
  });

  it('import', async () => {
    const result = await importRun(['--timeout', '300ms', '--from', join(out, db), `mongodb://127.0.0.1:${closedPort}/x`]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(new RegExp(`^mongo-incremental-import: cannot connect to mongodb://127\\.0\\.0\\.1:${closedPort}/x`));
  });
});

describe('a run that fails before writing anything leaves no directory behind', () => {
  it('the server fails the first getMore of a first export into a new --out', async () => {
    const failing = await startTarget({ beforeGetMore: async () => { throw new Error('injected getMore failure'); } });
    try {
      const name = failing.newDbName();
      await failing.seed(name, 'c', Array.from({ length: 500 }, (_, i) => simpleDoc(i, `doc ${i}`)));
      const fresh = join(out, 'failed-first');
      const result = await exportRun(['--batch-size', '100', '--out', fresh, failing.url(name)]);
      expect(result.code, result.err).toBe(1);
      expect(result.err).toMatch(/injected getMore failure/);
      await expect(stat(fresh)).rejects.toThrow();
    } finally {
      await failing.close();
    }
  });
});

describe('help', () => {
  it.each([['export', exportRun], ['import', importRun]] as const)('%s --help ends with EXIT STATUS', async (_name, runner) => {
    const result = await runner(['--help']);
    expect(result.code).toBe(0);
    expect(result.out.trimEnd()).toMatch(/EXIT STATUS[\s\S]*3 {2}a safety guard refused to act.*$/);
  });
});
