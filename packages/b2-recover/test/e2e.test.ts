import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { DAY, servedSince, startHarness, type Harness } from 'b2-emulator/test-helpers';

const T0 = Date.UTC(2024, 0, 1);
let h: Harness;
let source: string;
const lines = (text: string) => text.split('\n').filter(Boolean).sort();
const listing = async () => lines(await h.rclone(['lsf', '-R', '--files-only', 'secret:']));
const iso = (ms: number) => new Date(ms).toISOString();

beforeEach(async () => {
  h = await startHarness({ start: T0 });
  source = await h.writeTree('photos', { 'a.jpg': 'a', 'b.jpg': 'bb', 'sub/c.jpg': 'ccc', 'old.jpg': 'o' });
  await h.rclone(['sync', source, 'secret:photos']);
  h.emulator.clock.advance(DAY);
  await rm(join(source, 'old.jpg')); // deleted on purpose, long ago
  await h.rclone(['sync', source, 'secret:photos']);
  h.emulator.clock.advance(10 * DAY);
  const empty = join(h.dir, 'empty');
  await mkdir(empty);
  await h.rclone(['sync', empty, 'secret:photos']); // the catastrophe: an unmounted source
}, 60_000);

afterEach(async () => {
  await h?.close();
});

describe('b2-recover with real rclone data', () => {
  it('undeletes exactly the hidden files that exist locally', async () => {
    expect(await listing()).toEqual([]);
    await rm(join(source, 'b.jpg'));
    const result = await h.run(main, ['-v', '--local-directory', source, '--backup-directory', 'photos', 'secret']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/undeleted 2, left 2 deleted/);
    expect(await listing()).toEqual(['photos/a.jpg', 'photos/sub/c.jpg']);
    expect(await h.rclone(['cat', 'secret:photos/sub/c.jpg'])).toBe('ccc');
  });

  it('CRYPT-REMOTE:PATH is the same as --backup-directory PATH', async () => {
    await rm(join(source, 'b.jpg'));
    const result = await h.run(main, ['-v', '--local-directory', source, 'secret:photos']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/undeleted 2, left 2 deleted/);
    expect(await listing()).toEqual(['photos/a.jpg', 'photos/sub/c.jpg']);
  });

  it('--hidden-after undeletes what the bad night removed, without a local copy', async () => {
    const result = await h.run(main, ['--json', '--hidden-after', iso(T0 + 5 * DAY)]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items?: unknown; summary: { recovered: number; failed: number } };
    expect(doc).toMatchObject({ dryRun: false, summary: { recovered: 3, failed: 0 } });
    expect(doc.items).toBeUndefined();
    expect(await listing()).toEqual(['photos/a.jpg', 'photos/b.jpg', 'photos/sub/c.jpg']);
  });

  it('--dry-run says what it would do and changes nothing', async () => {
    const result = await h.run(main, ['-n', '--hidden-after', iso(T0)]);
    expect(result.code).toBe(0);
    expect(lines(result.out)).toEqual(['would undelete photos/a.jpg', 'would undelete photos/b.jpg', 'would undelete photos/old.jpg', 'would undelete photos/sub/c.jpg']);
    expect(await listing()).toEqual([]);
  });

  it('--dry-run --json: one JSON document with the plan (paths, hide markers) and the summary', async () => {
    const result = await h.run(main, ['-n', '--json', '--hidden-after', iso(T0)]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.out) as { dryRun: boolean; items: { path: string; hideMarkers: { fileName: string }[] }[]; summary: { recovered: number; failed: number } };
    expect(doc.dryRun).toBe(true);
    expect(doc.items.map((i) => i.path).sort()).toEqual(['photos/a.jpg', 'photos/b.jpg', 'photos/old.jpg', 'photos/sub/c.jpg']);
    expect(doc.items.every((i) => i.hideMarkers.length >= 1)).toBe(true);
    expect(doc.summary).toMatchObject({ recovered: 4, failed: 0 });
    expect(await listing()).toEqual([]);
  });

  it('--json -v: the summary b2 calls and classes are the calls the emulator served; -v prints the usage line', async () => {
    const before = new Map(h.emulator.stats);
    const result = await h.run(main, ['--json', '-v', '--hidden-after', iso(T0 + 5 * DAY)]);
    expect(result.code).toBe(0);
    const served = servedSince(h.emulator.stats, before);
    const doc = JSON.parse(result.out) as { summary: { recovered: number; b2: { transactions: Record<string, number>; calls: Record<string, number>; bytesUp: number; bytesDown: number } } };
    expect(doc.summary.recovered).toBeGreaterThan(0);
    expect(served.calls['b2_delete_file_version']).toBeGreaterThan(0);
    expect(doc.summary.b2.calls).toEqual(served.calls);
    expect(doc.summary.b2.transactions).toEqual(served.transactions);
    const t = served.transactions;
    expect(result.err).toContain(`B2 transactions: class A ${t.A}, class B ${t.B}, class C ${t.C}; `);
    const plain = await h.run(main, ['-n', '--hidden-after', iso(T0)]);
    expect(plain.err).not.toMatch(/ up, .* down/);
  });

  it('gives the same result under injected faults', async () => {
    h.emulator.setFaults({ seed: 5, rules: [{ kind: '503', every: 4 }, { kind: 'expired', every: 7 }, { kind: '429', every: 5, retryAfter: 0 }, { kind: 'latency', ms: 10 }] });
    const result = await h.run(main, ['--local-directory', source, '--backup-directory', 'photos']);
    h.emulator.setFaults();
    expect(result.err).not.toMatch(/FAILED|could not/);
    expect(result.code).toBe(0);
    expect(await listing()).toEqual(['photos/a.jpg', 'photos/b.jpg', 'photos/sub/c.jpg']);
  });

  it.each([
    [[], 2, /--local-directory DIR --backup-directory PATH, or --hidden-after/],
    [['--local-directory', '/nonexistent-dir', '--backup-directory', 'photos'], 2, /does not exist/],
    [['--hidden-after', 'soon'], 2, /invalid value "soon" for --hidden-after: expected a time/],
    [['--hidden-after', '1d', 'nosuch'], 2, /remote "nosuch" not found/],
    [['--hidden-after', '1d', 'nosuch:x'], 2, /remote "nosuch" not found/],
    [['--local-directory', '/tmp', '--backup-directory', 'photos', 'secret:photos'], 2, /give the backup directory once/],
    [['--hidden-after', '1d', '--transfers', 'abc'], 2, /: invalid value "abc" for --transfers: expected a whole number of at least 1\n$/],
    // a PATH that matches nothing: the message every encrypted-bucket tool gives (core's noSuchPathMessage)
    [['-n', '--hidden-after', '1d', 'secret:photo'], 1, /: photo: no such file or directory in secret:\n$/],
    [['-n', '--hidden-after', '1d', 'secret:photos/a.jpg/x'], 1, /: photos\/a\.jpg\/x: no such file or directory in secret:\n$/],
  ])('%j → exit %d', async (argv, code, message) => {
    const result = await h.run(main, argv);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });
});
