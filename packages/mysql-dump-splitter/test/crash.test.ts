// A run killed at any moment (SIGKILL, no clean-up) leaves a directory whose MANIFEST
// restores either the old dump or the new one, every listed piece intact: pieces get their
// final names only after the whole input was read, and MANIFEST is replaced atomically.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinDir } from './helpers/io.js';
import { makeDump, row } from './helpers/synthetic.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin');
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mds-crash-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('crash safety', () => {
  it.each([100, 300, 600])('SIGKILL after %d ms leaves a consistent directory', async (delay) => {
    const rows = (v: string): string[] => Array.from({ length: 60000 }, (_, i) => row(i + 1, `${v} ${i}`));
    const oldDump = makeDump([{ name: 'big', rows: rows('old') }], 'skip');
    const newDump = makeDump([{ name: 'big', rows: rows('new') }], 'skip');
    const dir = join(work, `d${delay}`);
    const oldFile = join(work, `old${delay}.sql`);
    const newFile = join(work, `new${delay}.sql`);
    writeFileSync(oldFile, oldDump);
    writeFileSync(newFile, newDump);
    await execa(join(bin, 'mysql-dump-splitter.js'), ['--out', dir, '--piece-size', '32K', oldFile]);
    const run = execa(join(bin, 'mysql-dump-splitter.js'), ['--out', dir, '--piece-size', '32K', newFile], { reject: false });
    await new Promise((r) => setTimeout(r, delay));
    run.kill('SIGKILL');
    await run;
    const joined = (await joinDir(dir)).toString();
    expect(joined === oldDump || joined === newDump).toBe(true);
    const check = await execa(join(bin, 'mysql-dump-join.js'), ['--check', dir], { reject: false });
    expect(check.exitCode, check.stderr).toBe(0);
    // and the next run finishes the job
    await execa(join(bin, 'mysql-dump-splitter.js'), ['--out', dir, '--piece-size', '32K', newFile]);
    expect((await joinDir(dir)).toString()).toBe(newDump);
  });
});
