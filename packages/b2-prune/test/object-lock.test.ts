// Object Lock: versions the policy would delete but B2 refuses to (retention not run out,
// legal hold) are left alone, counted and listed, and the run still succeeds.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createNameCipher, deriveKeys, type RcloneNameCipher } from '@rclone-b2/core';
import { FakeB2 } from 'b2-emulator/test-helpers';
import { openFake } from './support/open.js';
import { run } from './support/io.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 3, 1, 12);
const NOW_ARG = ['--now', new Date(NOW).toISOString()];
let cipher: RcloneNameCipher;
let b2: FakeB2;
const nameOf = (path: string): string => `backup/${cipher.encryptPath(path)}`;
const left = (path: string) => b2.versions.filter((v) => v.fileName === nameOf(path)).map((v) => `${v.action} ${(NOW - v.uploadTimestamp) / DAY}`).sort();

beforeAll(async () => {
  cipher = createNameCipher(await deriveKeys('right password', 'salt'));
});

beforeEach(() => {
  b2 = new FakeB2();
  b2.now = NOW;
  for (const d of [30, 20, 10, 0]) b2.upload(nameOf('live.txt'), Buffer.alloc(100), {}, NOW - d * DAY);
  for (const d of [30, 20]) b2.upload(nameOf('gone.txt'), Buffer.alloc(100), {}, NOW - d * DAY);
  b2.hide(nameOf('gone.txt'), NOW - 15 * DAY);
  const lock = (path: string, daysAgo: number) => b2.versions.find((v) => v.fileName === nameOf(path) && v.uploadTimestamp === NOW - daysAgo * DAY)!;
  lock('live.txt', 20).fileRetention = { mode: 'governance', retainUntilTimestamp: NOW + DAY };
  lock('live.txt', 30).fileRetention = { mode: 'compliance', retainUntilTimestamp: NOW - DAY }; // ran out: no longer protects
  lock('gone.txt', 30).legalHold = 'on';
});

describe('b2-prune and Object Lock', () => {
  it('--purge --force keeps locked versions and the hide marker above a kept upload; exit 0 with a summary line', async () => {
    const r = await run([...NOW_ARG, '--purge', '--force', '-v'], { openBucket: openFake(b2, 'backup', cipher) });
    expect(r.err).toMatch(/kept by Object Lock \(governance retention until 2026-04-02T12:00:00.000Z\): live\.txt/);
    expect(r.err).toMatch(/kept by Object Lock \(legal hold\): gone\.txt/);
    expect(r.code).toBe(0);
    expect(left('live.txt')).toEqual(['upload 0', 'upload 20']);
    // the held upload stays deleted: its hide marker is kept too
    expect(left('gone.txt')).toEqual(['hide 15', 'upload 30']);
    expect(r.out).toMatch(/2 versions the policy would delete are under Object Lock \(retention or legal hold\) and were kept/);
    expect(b2.deleteCalls.some((id) => b2.versions.some((v) => v.fileId === id))).toBe(false); // no refused delete was even tried
  });

  it('--json reports versionsLocked; a dry run counts the same', async () => {
    const r = await run([...NOW_ARG, '--purge', '--force', '-n', '--json'], { openBucket: openFake(b2, 'backup', cipher) });
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out.trim().split('\n').at(-1)!) as { type: string; versionsLocked: number; versionsDeleted: number };
    expect(summary).toMatchObject({ type: 'summary', versionsLocked: 2, versionsDeleted: 3 });
  });
});
