import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, listCryptFiles } from '@rclone-b2/core';
import { cleanup, emptyStats, type CleanupOptions } from '../src/cleanup.js';
import { versionsToDelete } from '../src/plan.js';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';
import { textReport } from '../src/report.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);
const enc = (p: string) => `pre/${hexNames.encryptPath(p)}`;

function bucket(): FakeB2 {
  const b2 = new FakeB2();
  b2.upload(enc('big/a.iso'), 'a1', {}, T0);
  b2.upload(enc('big/a.iso'), 'a2', {}, T0 + DAY);
  b2.upload(enc('big/sub/b.iso'), 'b1', {}, T0);
  b2.upload(enc('big/sub/b.iso'), 'b2', {}, T0 + DAY);
  b2.hide(enc('big/sub/b.iso'), T0 + 2 * DAY);
  b2.upload(enc('keep.txt'), 'k1', {}, T0);
  b2.upload(enc('keep.txt'), 'k2', {}, T0 + DAY);
  return b2;
}

const names = (b2: FakeB2) => b2.sorted().map((v) => `${hexNames.decryptPath(v.fileName.slice(4))} ${v.action} ${(v.uploadTimestamp - T0) / DAY}`);

function opts(b2: FakeB2, extra: Partial<CleanupOptions> = {}): CleanupOptions & { err: () => string } {
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { client: b2, purge: false, dryRun: false, transfers: 4, logger: createLogger({ tool: 'encrypted-cleanup', stream: stderr, verbosity: 1 }), report: textReport(new PassThrough()), now: b2.now, err: () => err, ...extra };
}

const run = async (b2: FakeB2, path: string, o: CleanupOptions) => {
  const stats = emptyStats();
  await cleanup(listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path }), o, stats);
  return stats;
};

describe('versionsToDelete', () => {
  it('deletes old versions oldest first, then the hide marker, for a deleted file', () => {
    const b2 = bucket();
    const vs = b2.sorted().filter((v) => v.fileName === enc('big/sub/b.iso'));
    expect(versionsToDelete(vs, false).map((v) => `${v.action} ${(v.uploadTimestamp - T0) / DAY}`)).toEqual(['upload 0', 'upload 1', 'hide 2']);
  });
  it.each([
    [false, ['upload 0']],
    [true, ['upload 0', 'upload 1']],
  ])('purge=%s on a live file', (purge, expected) => {
    const b2 = bucket();
    const vs = b2.sorted().filter((v) => v.fileName === enc('keep.txt'));
    expect(versionsToDelete(vs, purge).map((v) => `${v.action} ${(v.uploadTimestamp - T0) / DAY}`)).toEqual(expected);
  });
});

describe('cleanup', () => {
  it('cleans a directory: old and hidden versions go, current ones stay', async () => {
    const b2 = bucket();
    const o = opts(b2);
    const stats = await run(b2, 'big', o);
    expect(names(b2)).toEqual(['big/a.iso upload 1', 'keep.txt upload 1', 'keep.txt upload 0'].sort((a, b) => (enc(a.split(' ')[0]!) < enc(b.split(' ')[0]!) ? -1 : 1)));
    expect(stats).toMatchObject({ files: 2, deleted: 4, failed: 0 });
    expect(o.err()).toMatch(/deleted big\/sub\/b\.iso \(hide of/);
  });
  it('--purge removes the current version too', async () => {
    const b2 = bucket();
    await run(b2, 'big/a.iso', opts(b2, { purge: true }));
    expect(names(b2).filter((n) => n.startsWith('big/a.iso'))).toEqual([]);
  });
  it('--dry-run deletes nothing and prints the plan', async () => {
    const b2 = bucket();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const stats = await run(b2, 'big', opts(b2, { dryRun: true, report: textReport(stdout) }));
    expect(b2.deleteCalls).toEqual([]);
    expect(b2.transactions.A).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(4);
    expect(stats.deleted).toBe(4);
  });
  it('a failed delete stops that file so its hide marker stays', async () => {
    const b2 = bucket();
    const [, b1] = b2.sorted().filter((v) => v.fileName === enc('big/sub/b.iso'));
    b2.failDeleteOf.add(b1!.fileId);
    const o = opts(b2);
    const stats = await run(b2, 'big/sub', o);
    expect(stats).toMatchObject({ deleted: 1, failed: 2 }); // the upload, and the hide marker kept above it
    expect(names(b2).filter((n) => n.startsWith('big/sub'))).toEqual(['big/sub/b.iso hide 2', 'big/sub/b.iso upload 1']);
    expect(o.err()).toMatch(/injected failure/);
  });
  it('a path that matches nothing matches no file', async () => {
    const b2 = bucket();
    expect((await run(b2, 'nope', opts(b2))).files).toBe(0);
  });
});

describe('Object Lock', () => {
  it('leaves versions under retention or legal hold, keeps the hide marker above a kept upload, and counts them', async () => {
    const b2 = bucket();
    b2.now = T0 + 3 * DAY;
    const [b1] = b2.sorted().filter((v) => v.fileName === enc('big/sub/b.iso'));
    const old = b2.versions.find((v) => v.fileName === enc('big/a.iso') && v.uploadTimestamp === T0)!;
    old.legalHold = 'on';
    const bOld = b2.versions.find((v) => v.fileName === enc('big/sub/b.iso') && v.uploadTimestamp === T0)!;
    bOld.fileRetention = { mode: 'governance', retainUntilTimestamp: T0 + 30 * DAY };
    expect(b1).toBeDefined();
    const o = opts(b2);
    const stats = await run(b2, 'big', o);
    expect(stats).toMatchObject({ locked: 2, failed: 0 });
    // b.iso: its newer upload goes, the locked one and the hide marker above it stay (it stays deleted)
    expect(names(b2)).toEqual(['big/a.iso upload 1', 'big/a.iso upload 0', 'big/sub/b.iso hide 2', 'big/sub/b.iso upload 0', 'keep.txt upload 1', 'keep.txt upload 0']);
    expect(o.err()).toMatch(/big\/a.iso: upload of 2024-05-01T00:00:00.000Z is under Object Lock \(legal hold\), left alone/);
    expect(o.err()).toMatch(/big\/sub\/b.iso: upload of .* \(governance retention until 2024-05-31T00:00:00.000Z\)/);
  });

  it('a retention that has run out no longer protects', async () => {
    const b2 = bucket();
    b2.now = T0 + 40 * DAY;
    b2.versions.find((v) => v.fileName === enc('big/a.iso') && v.uploadTimestamp === T0)!.fileRetention = { mode: 'compliance', retainUntilTimestamp: T0 + 30 * DAY };
    expect(await run(b2, 'big/a.iso', opts(b2))).toMatchObject({ locked: 0, deleted: 1 });
  });
});
