import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCryptFiles } from '@rclone-b2/core';
import { textReport } from '../src/report.js';
import { restore, type RestoreOptions } from '../src/restore.js';
import { selectVersions } from '../src/select.js';
import { restoreOptions } from './support/options.js';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);
const enc = (p: string) => `pre/${hexNames.encryptPath(p)}`;

function bucket(): FakeB2 {
  const b2 = new FakeB2();
  b2.upload(enc('d/a.txt'), 'one', { src_last_modified_millis: String(T0 - 5000) }, T0);
  b2.upload(enc('d/a.txt'), 'two!', { src_last_modified_millis: String(T0 + DAY - 5000) }, T0 + DAY);
  b2.upload(enc('d/sub/b.txt'), 'bee', {}, T0);
  b2.hide(enc('d/sub/b.txt'), T0 + 2 * DAY);
  b2.upload(enc('d/late.txt'), 'late', {}, T0 + 3 * DAY);
  b2.upload(enc('other.txt'), 'x', {}, T0);
  return b2;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restore-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(b2: FakeB2, extra: Partial<RestoreOptions> = {}): RestoreOptions & { errors: () => string } {
  return restoreOptions(b2, dir, T0 + 1.5 * DAY, extra);
}

const files = (b2: FakeB2, path: string) => listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path });

async function tree(root: string, base = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(root, base), { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await tree(root, rel)));
    else if (e.isSymbolicLink()) out.push(`${rel} -> ${await readlink(join(root, rel))}`);
    else out.push(`${rel}: ${await readFile(join(root, rel), 'utf8')}`);
  }
  return out.sort();
}

describe('selectVersions', () => {
  const b2 = bucket();
  const versions = b2.sorted().filter((v) => v.fileName === enc('d/sub/b.txt'));
  it.each([
    [T0 - 1, []],
    [T0, ['sub/b.txt']],
    [T0 + 2 * DAY - 1, ['sub/b.txt']],
    [T0 + 2 * DAY, []],
  ])('as of %d', (at, expected) => {
    expect(selectVersions('sub/b.txt', versions, { kind: 'as-of', at }).map((i) => i.target)).toEqual(expected);
  });
  it('all: every upload and every deletion, named as rclone --b2-versions names them', () => {
    expect(selectVersions('b.txt', versions, { kind: 'all' }).map((i) => `${i.kind} ${i.target}`)).toEqual([
      'deletion b-v2024-05-03-120000-000.txt',
      'file b-v2024-05-01-120000-000.txt',
    ]);
  });
});

describe('restore', () => {
  it('--as-of restores the versions current then, with their mtimes', async () => {
    const b2 = bucket();
    const stats = await restore(files(b2, 'd'), options(b2));
    expect(await tree(dir)).toEqual(['a.txt: two!', 'sub/b.txt: bee']);
    expect((await stat(join(dir, 'a.txt'))).mtimeMs).toBe(T0 + DAY - 5000);
    expect((await stat(join(dir, 'sub/b.txt'))).mtimeMs).toBe(T0);
    expect(stats).toMatchObject({ restored: 2, skipped: 0, failed: 0, bytes: 7 });
  });

  it('--all restores every upload and marks deletions with /dev/null links', async () => {
    const b2 = bucket();
    await restore(files(b2, 'd'), options(b2, { mode: { kind: 'all' } }));
    expect(await tree(dir)).toEqual([
      'a-v2024-05-01-120000-000.txt: one',
      'a-v2024-05-02-120000-000.txt: two!',
      'late-v2024-05-04-120000-000.txt: late',
      'sub/b-v2024-05-01-120000-000.txt: bee',
      'sub/b-v2024-05-03-120000-000.txt -> /dev/null',
    ]);
  });

  it('a single file path restores just that file', async () => {
    const b2 = bucket();
    await restore(files(b2, 'd/a.txt'), options(b2, { mode: { kind: 'as-of', at: T0 } }));
    expect(await tree(dir)).toEqual(['a.txt: one']);
  });

  it('a re-run downloads nothing that is already complete', async () => {
    const b2 = bucket();
    await restore(files(b2, 'd'), options(b2));
    const before = b2.transactions.B;
    await writeFile(join(dir, 'sub/b.txt'), 'changed'); // wrong size → downloaded again
    const stats = await restore(files(b2, 'd'), options(b2));
    expect(b2.transactions.B - before).toBe(1);
    expect(stats).toMatchObject({ restored: 1, skipped: 1 });
    expect(await tree(dir)).toEqual(['a.txt: two!', 'sub/b.txt: bee']);
  });

  it('a tampered object is reported and not written under its name', async () => {
    const b2 = bucket();
    const [a] = b2.sorted().filter((v) => v.fileName === enc('d/a.txt'));
    b2.blobs.set(a!.fileId, Buffer.from('TWO!'));
    const opts = options(b2);
    const stats = await restore(files(b2, 'd'), opts);
    expect(stats).toMatchObject({ restored: 1, failed: 1 });
    expect(opts.errors()).toMatch(/d\/a\.txt: SHA-1/);
    expect(await tree(dir)).toEqual(['sub/b.txt: bee']);
  });

  it('--dry-run writes nothing and prints the plan', async () => {
    const b2 = bucket();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    await restore(files(b2, 'd'), options(b2, { dryRun: true, report: textReport(stdout) }));
    expect(await readdir(dir)).toEqual([]);
    expect(out).toMatch(/would restore d\/a\.txt \(4 B\)/);
    expect(b2.transactions.B).toBe(0);
  });

  it('a stored `..` cannot escape the target: it becomes `．．` as rclone copy writes it', async () => {
    const b2 = new FakeB2();
    b2.upload(enc('d/../../evil'), 'x', {}, T0);
    const opts = options(b2);
    const stats = await restore(files(b2, 'd'), opts);
    expect(stats.failed).toBe(0);
    await expect(lstat(join(dir, '..', 'evil'))).rejects.toThrow();
    expect(await tree(dir)).toEqual(['．．/．．/evil: x']);
  });
});
