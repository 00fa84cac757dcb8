import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, listCryptFiles } from '@rclone-b2/core';
import { hideMarkersToRemove } from '../src/plan.js';
import { recover, type RecoverOptions } from '../src/recover.js';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';
import { textReport } from '../src/report.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1);
const enc = (p: string) => `pre/${hexNames.encryptPath(p)}`;

function bucket(): FakeB2 {
  const b2 = new FakeB2();
  for (const [path, hiddenAt] of [['photos/a.jpg', 10], ['photos/b.jpg', 10], ['photos/old.jpg', 2], ['photos/live.jpg', undefined], ['other/c.jpg', 10]] as const) {
    b2.upload(enc(path), path, {}, T0);
    if (hiddenAt !== undefined) b2.hide(enc(path), T0 + hiddenAt * DAY);
  }
  b2.hide(enc('photos/never-uploaded'), T0 + 10 * DAY);
  return b2;
}

const hidden = (b2: FakeB2) =>
  b2.sorted().filter((v, i, all) => v.action === 'hide' && all[i - 1]?.fileName !== v.fileName).map((v) => hexNames.decryptPath(v.fileName.slice(4))).sort();

let local: string;
beforeEach(async () => {
  local = await mkdtemp(join(tmpdir(), 'recover-test-'));
});
afterEach(async () => {
  await rm(local, { recursive: true, force: true });
});

function opts(b2: FakeB2, extra: Partial<RecoverOptions>): RecoverOptions {
  return { client: b2, dryRun: false, transfers: 4, logger: createLogger({ tool: 'b2-recover', stream: new PassThrough(), verbosity: 2 }), report: textReport(new PassThrough()), ...extra };
}
const run = (b2: FakeB2, path: string, o: RecoverOptions) => recover(listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path }), o);

describe('hideMarkersToRemove', () => {
  const b2 = new FakeB2();
  b2.upload('f', 'x', {}, T0);
  b2.hide('f', T0 + DAY);
  b2.hide('f', T0 + 2 * DAY);
  const vs = b2.sorted();
  it.each([
    [undefined, 2],
    [T0 + 2 * DAY - 1, 2],
    [T0 + 2 * DAY, 0],
  ])('hiddenAfter %s → %d markers', (hiddenAfter, count) => {
    expect(hideMarkersToRemove(vs, hiddenAfter === undefined ? {} : { hiddenAfter })).toHaveLength(count);
  });
  it('nothing for a live file', () => expect(hideMarkersToRemove(vs.slice(2))).toEqual([]));
});

describe('recover', () => {
  it('undeletes exactly the hidden files that exist locally', async () => {
    const b2 = bucket();
    await writeFile(join(local, 'a.jpg'), 'a');
    await writeFile(join(local, 'old.jpg'), 'o');
    await writeFile(join(local, 'live.jpg'), 'l');
    await writeFile(join(local, 'never-uploaded'), 'n');
    const stats = await run(b2, 'photos', opts(b2, { localDirectory: local }));
    expect(hidden(b2)).toEqual(['other/c.jpg', 'photos/b.jpg', 'photos/never-uploaded']);
    expect(stats).toMatchObject({ hidden: 3, recovered: 2, leftHidden: 1, failed: 0 });
  });
  it('--hidden-after undeletes what was hidden after the moment, anywhere', async () => {
    const b2 = bucket();
    const stats = await run(b2, '', opts(b2, { hiddenAfter: T0 + 5 * DAY }));
    expect(hidden(b2)).toEqual(['photos/never-uploaded', 'photos/old.jpg']);
    expect(stats.recovered).toBe(3);
  });
  it('--dry-run changes nothing', async () => {
    const b2 = bucket();
    await mkdir(join(local, 'sub'));
    const stats = await run(b2, '', opts(b2, { hiddenAfter: T0, dryRun: true }));
    expect(b2.deleteCalls).toEqual([]);
    expect(stats.recovered).toBe(4);
  });
});
