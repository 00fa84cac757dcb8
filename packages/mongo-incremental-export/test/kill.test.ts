import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleDoc } from './helpers/corpus.js';
import { contents, freshExport, runExport } from './helpers/export-run.js';
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
