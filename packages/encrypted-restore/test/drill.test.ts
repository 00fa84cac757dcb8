// Restore drills against real rclone data in the emulator: a sample restored to a temporary
// directory, checked (B2 SHA-1, crypt MACs, the source), timed, removed; successive drills
// cover every file (least recently drilled first); any damage or difference exits 1.
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flipByte } from 'b2-emulator';
import { startHarness, type Harness } from 'b2-emulator/test-helpers';
import { main } from '../src/main.js';

const FILES: Record<string, string> = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`dir/f${i}.txt`, `file ${i} `.repeat(200 * (i + 1))]));
let h: Harness;
let source: string;
let ledger: string;
let temp: string;

interface Drill {
  drill: { totalFiles: number; totalBytes: number; drilled: number; bytes: number; bytesPerSecond: number; projectedSeconds: number; failed: number; mismatches: string[]; compared: number; changedSinceBackup: number };
}
const drill = async (...args: string[]) => {
  const r = await h.run(main, ['--json', '--ledger', ledger, '--temp-dir', temp, ...args, 'secret:']);
  return { ...r, doc: r.out ? (JSON.parse(r.out) as Drill).drill : undefined };
};
const drilledPaths = async () => (await readFile(ledger, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { path: string }).path).sort();

beforeAll(async () => {
  h = await startHarness();
  source = await h.writeTree('src', FILES);
  await h.rclone(['sync', source, 'secret:']);
  ledger = join(h.dir, 'state', 'drill.ledger');
  temp = join(h.dir, 'tmp');
  await h.writeTree('tmp', {});
}, 60_000);
afterAll(() => h?.close());

describe('encrypted-restore --drill', () => {
  it('restores N files, compares them with the source, reports throughput and the projected full restore, and removes the copy', async () => {
    const r = await drill('--drill', '2', '--source', source);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.doc).toMatchObject({ totalFiles: 6, drilled: 2, compared: 2, failed: 0, mismatches: [] });
    const total = Object.values(FILES).reduce((n, c) => n + c.length, 0);
    expect(r.doc!.totalBytes).toBe(total);
    expect(r.doc!.bytesPerSecond).toBeGreaterThan(0);
    expect(r.doc!.projectedSeconds).toBeCloseTo(total / r.doc!.bytesPerSecond, 5);
    expect(await readdir(temp)).toEqual([]);
    expect(await drilledPaths()).toHaveLength(2);
  });

  it('successive drills take the least recently drilled files first, until every file is covered', async () => {
    const before = await drilledPaths();
    expect((await drill('--drill', '2')).code).toBe(0);
    const after = await drilledPaths();
    expect(after).toHaveLength(4);
    for (const p of before) expect(after).toContain(p);
    expect((await drill('--drill', '2')).code).toBe(0);
    expect(await drilledPaths()).toEqual(Object.keys(FILES).map((p) => p).sort());
  });

  it('--drill-size takes about that many bytes', async () => {
    const r = await drill('--drill-size', '3000');
    expect(r.code).toBe(0);
    expect(r.doc!.bytes).toBeGreaterThanOrEqual(3000);
    expect(r.doc!.drilled).toBeLessThan(6);
  });

  it('a restored file that differs from an unchanged-looking source file is a mismatch: exit 1', async () => {
    const file = join(source, 'dir/f0.txt');
    const st = await stat(file);
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('file 0', 'FILE 0'));
    await utimes(file, st.atime, st.mtime);
    try {
      const r = await drill('--drill', '6', '--source', source);
      expect(r.code).toBe(1);
      expect(r.doc!.mismatches).toEqual(['dir/f0.txt']);
      expect(r.err).toMatch(/dir\/f0\.txt: the restored file differs from the source/);
      expect(r.err).toMatch(/^tool: drill failed: 1 restored files differ from the source$/m);
    } finally {
      await writeFile(file, original);
      await utimes(file, st.atime, st.mtime);
    }
  });

  it('a source file changed since the backup is counted, not called a mismatch', async () => {
    const file = join(source, 'dir/f1.txt');
    const st = await stat(file);
    await utimes(file, st.atime, new Date(st.mtimeMs + 5000));
    try {
      const r = await drill('--drill', '6', '--source', source);
      expect(r.code).toBe(0);
      expect(r.doc).toMatchObject({ changedSinceBackup: 1, compared: 5, mismatches: [] });
    } finally {
      await utimes(file, st.atime, st.mtime);
    }
  });

  it('damage in the bucket fails the drill (exit 1) and the copy is still removed', async () => {
    const bucket = h.emulator.store.bucketByName('bucket')!;
    const victim = h.emulator.store.view(bucket.bucketId).sorted[0]!;
    h.emulator.tamper(h.emulator.store.versionsOf(bucket.bucketId, victim)[0]!.fileId, flipByte(100), { record: 'match' });
    const r = await drill('--drill', '6');
    expect(r.code).toBe(1);
    expect(r.doc).toMatchObject({ failed: 1, drilled: 5 });
    expect(await readdir(temp)).toEqual([]);
  });

  it.each([
    [['--drill', '1', 'secret:', '/tmp/x'], /a drill takes CRYPT-REMOTE:PATH only/],
    [['--drill', '1', '--all', 'secret:'], /does not go with --all/],
    [['--source', '/tmp', '--all', 'secret:', '/tmp/x'], /go with --drill/],
  ])('usage errors exit 2 (%j)', async (argv, message) => {
    const r = await h.run(main, argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
