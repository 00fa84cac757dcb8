import { lstat, mkdtemp, readFile, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listCryptFiles } from '@rclone-b2/core';
import { textReport } from '../src/report.js';
import { restore, type RestoreOptions } from '../src/restore.js';
import { linkRestoreName } from '../src/restore-link.js';
import { restoreOptions } from './support/options.js';
import { FakeB2, hexNames } from 'b2-emulator/test-helpers';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 1, 12);
const enc = (p: string) => `pre/${hexNames.encryptPath(p)}`;

/** What `rclone sync --links` stores: a symlink X as the object X.rclonelink holding its target. */
function bucket(): FakeB2 {
  const b2 = new FakeB2();
  b2.upload(enc('d/a.txt'), 'alpha', { src_last_modified_millis: String(T0 - 9000) }, T0);
  b2.upload(enc('d/rel.rclonelink'), '../a.txt', { src_last_modified_millis: String(T0 - 5000) }, T0);
  b2.upload(enc('d/rel.rclonelink'), 'a.txt', { src_last_modified_millis: String(T0 + DAY - 5000) }, T0 + DAY);
  b2.upload(enc('d/sub/abs.rclonelink'), '/etc/hostname', { src_last_modified_millis: String(T0 - 7000) }, T0);
  b2.upload(enc('d/sub/dangling.rclonelink'), '/nonexistent/nowhere', {}, T0);
  b2.hide(enc('d/sub/dangling.rclonelink'), T0 + 2 * DAY);
  return b2;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'restore-link-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<RestoreOptions> & { b2: FakeB2 }): RestoreOptions & { errors: () => string } {
  const { b2, ...rest } = extra;
  return restoreOptions(b2, dir, T0 + 1.5 * DAY, rest);
}

const files = (b2: FakeB2) => listCryptFiles({ client: b2, bucketId: 'b1', prefix: 'pre', names: hexNames }, { path: 'd' });

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

describe('linkRestoreName', () => {
  it.each([
    ['x.rclonelink', 'x.rclonelink', 'x'],
    ['d/x.rclonelink', 'd/x.rclonelink', 'd/x'],
    ['x.rclonelink', 'x.rclonelink-v2024-05-01T12:00:00.000Z', 'x-v2024-05-01T12:00:00.000Z'],
    ['a.rclonelink/x.rclonelink', 'a.rclonelink/x.rclonelink', 'a.rclonelink/x'],
    ['x.txt', 'x.txt', undefined],
    ['.rclonelink', '.rclonelink', undefined],
    ['d/..rclonelink', 'd/..rclonelink', undefined],
    ['d/...rclonelink', 'd/...rclonelink', undefined],
  ])('%j as %j → %j', (relative, target, name) => expect(linkRestoreName(relative, target)).toBe(name));
});

describe('restoring symlinks stored by rclone --links', () => {
  it('as of a moment: each .rclonelink becomes its symlink, with its mtime; a re-run skips them', async () => {
    const b2 = bucket();
    const stats = await restore(files(b2), options({ b2 }));
    expect(await tree(dir)).toEqual(['a.txt: alpha', 'rel -> a.txt', 'sub/abs -> /etc/hostname', 'sub/dangling -> /nonexistent/nowhere']);
    expect((await lstat(join(dir, 'rel'))).mtimeMs).toBe(T0 + DAY - 5000);
    expect((await lstat(join(dir, 'sub/abs'))).mtimeMs).toBe(T0 - 7000);
    expect(stats).toMatchObject({ restored: 4, failed: 0 });
    const before = b2.transactions.B;
    const again = await restore(files(b2), options({ b2 }));
    expect(again).toMatchObject({ restored: 0, skipped: 4 });
    expect(b2.transactions.B).toBe(before);
    expect((await readdir(join(dir, 'sub'))).sort()).toEqual(['abs', 'dangling']);
  });

  it('--all: every version of a link as a time-stamped link, deletions marked', async () => {
    const b2 = bucket();
    await restore(files(b2), options({ b2, mode: { kind: 'all' } }));
    expect(await tree(dir)).toEqual([
      'a-v2024-05-01-120000-000.txt: alpha',
      'rel-v2024-05-01-120000-000 -> ../a.txt',
      'rel-v2024-05-02-120000-000 -> a.txt',
      'sub/abs-v2024-05-01-120000-000 -> /etc/hostname',
      'sub/dangling-v2024-05-01-120000-000 -> /nonexistent/nowhere',
      'sub/dangling-v2024-05-03-120000-000 -> /dev/null',
    ]);
  });

  it('--no-links: the raw .rclonelink files', async () => {
    const b2 = bucket();
    await restore(files(b2), options({ b2, links: false }));
    expect(await tree(dir)).toEqual(['a.txt: alpha', 'rel.rclonelink: a.txt', 'sub/abs.rclonelink: /etc/hostname', 'sub/dangling.rclonelink: /nonexistent/nowhere']);
  });

  it('content that cannot be a link target fails that file, says how to get it, leaves nothing behind', async () => {
    const b2 = new FakeB2();
    b2.upload(enc('d/bad.rclonelink'), 'a\0b', {}, T0);
    b2.upload(enc('d/ok.txt'), 'ok', {}, T0);
    const opts = options({ b2 });
    const stats = await restore(files(b2), opts);
    expect(stats).toMatchObject({ restored: 1, failed: 1 });
    expect(opts.errors()).toMatch(/d\/bad\.rclonelink: \.rclonelink content is not a symlink target .*--no-links/);
    expect(await readdir(dir)).toEqual(['ok.txt']);
  });

  it('--dry-run names the link it would create', async () => {
    const b2 = bucket();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    await restore(files(b2), options({ b2, dryRun: true, report: textReport(stdout) }));
    expect(out).toContain(`would restore d/rel.rclonelink (5 B) to ${join(dir, 'rel')}\n`);
    expect(await readdir(dir)).toEqual([]);
  });
});
